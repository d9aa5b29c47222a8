#!/usr/bin/env bash
# Builds oneTBB with -fsanitize=thread, for `make test-tsan TSAN_TBB_DIR=...` (docs/reliability.md,
# "Sanitizer tiers"). Debian's libtbb is not instrumented, so ThreadSanitizer cannot see the
# ordering oneTBB gives between a parallel_for's tasks and the thread that started it, and
# reports false races at every spawn and join; with an instrumented oneTBB those disappear.
# Usage: scripts/build_tsan_tbb.sh ONETBB_SOURCE_DIR [PREFIX]
#   ONETBB_SOURCE_DIR: e.g. git clone -b v2021.8.0 https://github.com/uxlfoundation/oneTBB
#   PREFIX: install folder (default build/tsan-tbb-install); prints the make command to use.
set -euo pipefail
src=${1:?usage: scripts/build_tsan_tbb.sh ONETBB_SOURCE_DIR [PREFIX]}
prefix=${2:-$PWD/build/tsan-tbb-install}
work=$PWD/build/tsan-tbb-src-build
cmake -S "$src" -B "$work" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DCMAKE_CXX_FLAGS="-fsanitize=thread -fno-omit-frame-pointer" -DCMAKE_C_FLAGS=-fsanitize=thread \
  -DCMAKE_SHARED_LINKER_FLAGS=-fsanitize=thread -DCMAKE_EXE_LINKER_FLAGS=-fsanitize=thread \
  -DTBB_TEST=OFF -DTBB_STRICT=OFF -DTBB_EXAMPLES=OFF -DTBBMALLOC_BUILD=OFF \
  -DCMAKE_INSTALL_PREFIX="$prefix" >/dev/null
cmake --build "$work" -j "${JOBS:-2}"
cmake --install "$work" >/dev/null
echo "instrumented oneTBB in $prefix; run: make test-tsan TSAN_TBB_DIR=$prefix/lib/cmake/TBB"
