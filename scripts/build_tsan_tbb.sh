#!/usr/bin/env bash
# Builds oneTBB with -fsanitize=thread, for `make test-tsan` (docs/reliability.md, "Sanitizer
# tiers"). Debian's libtbb is not instrumented, so ThreadSanitizer cannot see the ordering
# oneTBB gives between a parallel_for's tasks and the thread that started it, and reports false
# races at every spawn and join; with an instrumented oneTBB those disappear.
#
# Usage: scripts/build_tsan_tbb.sh [ONETBB_SOURCE_DIR [PREFIX]]
#   Without a source folder, fetches the source package of the system's oneTBB from Debian
#   (`apt-get source onetbb`, with a private list of deb-src entries made from the system's own
#   sources, so the machine's apt configuration is not changed) into build/tsan-tbb-debian.
#   PREFIX: install folder (default build/tsan-tbb-install). Does nothing if PREFIX already
#   holds an instrumented build. Prints the TBB_DIR to give CMake.
set -euo pipefail
root=$PWD
prefix=${2:-$root/build/tsan-tbb-install}
if [[ -f "$prefix/lib/cmake/TBB/TBBConfig.cmake" && -f "$prefix/.dipsim-tsan" ]]; then
  echo "$prefix/lib/cmake/TBB"
  exit 0
fi
src=${1:-}
if [[ -z "$src" ]]; then
  fetch=$root/build/tsan-tbb-debian
  mkdir -p "$fetch/parts" "$fetch/lists/partial"
  src=$(find "$fetch" -maxdepth 1 -type d -name 'onetbb-*' | head -n 1)
  if [[ -z "$src" ]]; then
    shopt -s nullglob
    lists=(/etc/apt/sources.list.d/*.sources)
    [[ ${#lists[@]} -gt 0 ]] || { echo "build_tsan_tbb.sh: no /etc/apt/sources.list.d/*.sources to derive deb-src entries from; give a oneTBB source folder" >&2; exit 2; }
    for f in "${lists[@]}"; do
      sed 's/^Types: deb$/Types: deb-src/' "$f" > "$fetch/parts/$(basename "$f")"
    done
    apt_opts=(-o Dir::Etc::SourceList=/dev/null -o "Dir::Etc::SourceParts=$fetch/parts"
              -o "Dir::State::Lists=$fetch/lists" -o Debug::NoLocking=1)
    apt-get "${apt_opts[@]}" -qq update >&2
    version=$(dpkg-query -W -f '${source:Version}' libtbb12 2>/dev/null || true)
    (cd "$fetch" && apt-get "${apt_opts[@]}" -qq source --download-only \
       "onetbb${version:+=$version}" >&2 && dpkg-source -x ./onetbb_*.dsc >&2)
    src=$(find "$fetch" -maxdepth 1 -type d -name 'onetbb-*' | head -n 1)
  fi
fi
work=$root/build/tsan-tbb-src-build
cmake -S "$src" -B "$work" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" -DCMAKE_C_FLAGS=-fsanitize=thread \
  -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread \
  -DTBB_TEST=OFF -DTBB_STRICT=OFF -DTBB_EXAMPLES=OFF -DTBBMALLOC_BUILD=OFF \
  -DCMAKE_INSTALL_PREFIX="$prefix" >&2
cmake --build "$work" -j "${JOBS:-2}" >&2
cmake --install "$work" >&2
touch "$prefix/.dipsim-tsan"
echo "$prefix/lib/cmake/TBB"
