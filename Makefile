# Thin wrapper over scripts/setup.sh and the CMake presets. The two set-up commands:
#   make demo   install what is missing, build Release, run scenarios/demo.yaml -> runs/demo.h5
#   make test   install what is missing, build, run the default test suite (ctest + pytest)
PY := /usr/bin/python3
JOBS ?= 2
DIPSIM := build/release/bin/dipsim

.PHONY: all setup build demo test docs bench validate test-slurm build-asan test-asan build-tsan test-tsan clean

all: build

setup:
	@bash scripts/setup.sh

build: setup
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

demo: build
	@mkdir -p runs
	$(DIPSIM) run scenarios/demo.yaml -o runs/demo.h5 --force

test: build
	ctest --preset release -j $(JOBS)
	DIPSIM=$(abspath $(DIPSIM)) $(PY) -m pytest -q tests/python

# Micro-benchmarks (Google Benchmark): graph generation and the campaign step at 1M citizens,
# plus the graph peers (networkx, igraph, graph-tool) side by side. Prints tables; takes minutes.
bench: build
	build/release/benchmarks/bench_graph --benchmark_counters_tabular=true
	build/release/benchmarks/bench_sim --benchmark_counters_tabular=true
	$(PY) benchmarks/graph/peers.py

# The full statistical validation suite (classic models against theory, determinism, common
# random numbers; ~15-20 min on 2 cores): prints the table, writes docs/validation.md's results
# and docs/figures/validation/. A fast subset runs in `make test`.
validate: build
	DIPSIM=$(abspath $(DIPSIM)) $(PY) tests/validation/run_validation.py

# Integration test against a real single-node Slurm (slurmctld + slurmd + munge started by the
# script); exits 77 with the reason when Slurm cannot run on this machine.
test-slurm: build
	DIPSIM=$(abspath $(DIPSIM)) tests/integration/slurm/run_slurm_test.sh

# Regenerates docs/scenario-reference.md from the parameter table.
docs: build
	$(DIPSIM) reference -o docs/scenario-reference.md

build-asan: setup
	@cmake --preset asan >/dev/null
	@cmake --build --preset asan -j $(JOBS)

test-asan: build-asan
	ctest --preset asan -j $(JOBS)

# TSAN_TBB_DIR: TBBConfig.cmake folder of a oneTBB built with -fsanitize=thread
# (scripts/build_tsan_tbb.sh); without it the system oneTBB is used and TSan reports false races
# at every parallel_for (docs/reliability.md, "Sanitizer tiers").
TSAN_TBB_DIR ?=
build-tsan: setup
	@cmake --preset tsan $(if $(TSAN_TBB_DIR),-DTBB_DIR=$(TSAN_TBB_DIR)) >/dev/null
	@cmake --build --preset tsan -j $(JOBS)

test-tsan: build-tsan
	TSAN_OPTIONS=halt_on_error=1 ctest --preset tsan -j $(JOBS) -L "sim|graph"

clean:
	rm -rf build
