#!/usr/bin/env bash
# Installs every Debian 12 package dipsim needs to build, test and analyse runs.
# Idempotent: when everything is present it does nothing (no apt-get update, no network).
# Runs as root (as on the project's machines); otherwise it uses sudo when available.
set -euo pipefail

PACKAGES=(
  # toolchain
  build-essential cmake ninja-build pkg-config git clang-format
  # fuzzing (make fuzz): clang 14 and its libFuzzer/sanitizer runtimes
  clang libclang-rt-14-dev
  # ThreadSanitizer tier (make test-tsan): dpkg-source unpacks Debian's oneTBB source package
  dpkg-dev
  # engine libraries
  libtbb-dev libhdf5-dev hdf5-tools libyaml-cpp-dev libboost-graph-dev libcli11-dev
  librandom123-dev libopenmpi-dev openmpi-bin
  # tests and benchmarks
  libgtest-dev libgmock-dev libbenchmark-dev
  # Python analysis (run with /usr/bin/python3)
  python3 python3-h5py python3-numpy python3-pandas python3-xarray python3-h5netcdf
  python3-matplotlib python3-scipy python3-networkx python3-pytest
  # analysis package (scenario YAML) and its browser test (headless report rendering)
  python3-yaml chromium
  # graph peers for benchmarks/graph/peers.py
  python3-igraph python3-graph-tool
  # single-node Slurm for tests/integration/slurm/run_slurm_test.sh
  slurm-wlm munge
  # teaching kit: executing notebooks/teaching_walkthrough.ipynb (tests/python/test_teaching.py)
  jupyter-nbconvert python3-nbconvert python3-nbformat python3-nbclient python3-ipykernel
  # classroom mode (dipsim serve): the HTTP server library, and node for its browser test
  # (tests/browser: playwright-core, installed below with npm ci, drives chromium)
  libcpp-httplib-dev nodejs
  # the paper (make paper): pandoc (HTML with citations; chromium above prints it to PDF),
  # poppler-utils (pdfinfo, pdftoppm: page count and page images)
  pandoc poppler-utils
)

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

# playwright-core for tests/browser from its package-lock.json; npm ci runs again only when the
# lock file changed since the last install (a copy is kept in node_modules as the stamp).
browser_deps() {
  local dir="$ROOT/tests/browser"
  [ -f "$dir/package-lock.json" ] || return 0
  if cmp -s "$dir/package-lock.json" "$dir/node_modules/.dipsim-installed-lock.json"; then
    return 0
  fi
  if ! command -v npm >/dev/null 2>&1; then
    # Debian's nodejs comes without npm (NodeSource's includes it): add Debian's npm only then.
    local sudo=""
    [ "$(id -u)" -ne 0 ] && sudo="sudo"
    echo "setup: installing npm for the browser test"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends npm ||
      { $sudo apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
          $sudo apt-get install -y -qq --no-install-recommends npm; }
  fi
  echo "setup: installing the browser test's node packages (npm ci in tests/browser)"
  (cd "$dir" && npm ci --no-audit --no-fund --loglevel=error)
  cp "$dir/package-lock.json" "$dir/node_modules/.dipsim-installed-lock.json"
}

missing=()
for p in "${PACKAGES[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -eq 0 ]; then
  browser_deps
  exit 0
fi

echo "setup: installing ${#missing[@]} missing package(s): ${missing[*]}"
SUDO=""
if [ "$(id -u)" -ne 0 ]; then
  if command -v sudo >/dev/null 2>&1; then SUDO="sudo"; else
    echo "setup: need root to install packages: ${missing[*]}" >&2; exit 1
  fi
fi
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -qq
$SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}"
browser_deps
echo "setup: done"
