# Thin wrapper over scripts/setup.sh and the CMake presets. The two set-up commands:
#   make demo   install what is missing, build Release, run scenarios/demo.yaml -> runs/demo.h5
#   make test   install what is missing, build, run the default test suite (ctest + pytest)
PY := /usr/bin/python3
JOBS ?= 2
DIPSIM := build/release/bin/dipsim

.PHONY: all setup build build-precise demo test docs bench validate paper test-slurm build-asan test-asan build-tsan test-tsan fuzz fuzz-replay clean

all: build

setup:
	@bash scripts/setup.sh

build: setup
	@cmake --preset release >/dev/null
	@cmake --build --preset release -j $(JOBS)

demo: build
	@mkdir -p runs
	$(DIPSIM) run scenarios/demo.yaml -o runs/demo.h5 --force

# The float64 build of the engine (attitudes in float64) checks DeGroot and Friedkin-Johnsen to
# 1e-9 in the validation suite (`make validate`); only its dipsim binary is built.
build-precise: setup
	@cmake --preset precise >/dev/null
	@cmake --build --preset precise -j $(JOBS) --target dipsim

# (The float64 rows of the fast validation tier run when build/precise exists: `make
# build-precise`; `make validate` always builds it.)
test: build
	ctest --preset release -j $(JOBS)
	DIPSIM=$(abspath $(DIPSIM)) $(PY) -m pytest -q tests/python
	@$(MAKE) --no-print-directory fuzz-replay

# Benchmarks (docs/performance.md): graph generation and its peers (networkx, igraph,
# graph-tool); the campaign step at 1M citizens against the pull-gather limit on the same graph,
# at 1, 2, 4, ... threads up to the cores; voter and SIR steps against graph-tool on the same
# graph. Prints tables; takes about 10-15 minutes on 2 cores.
bench: build
	build/release/benchmarks/bench_graph --benchmark_counters_tabular=true
	$(PY) benchmarks/graph/peers.py
	$(PY) benchmarks/sim/tables.py build/release
	$(PY) benchmarks/sim/peers_models.py --dipsim $(abspath $(DIPSIM))

# The full statistical validation suite (classic models against theory, determinism, common
# random numbers; ~15-20 min on 2 cores): prints the table, writes docs/validation.md's results
# and docs/figures/validation/. A fast subset runs in `make test`.
validate: build build-precise
	DIPSIM=$(abspath $(DIPSIM)) DIPSIM_PRECISE=$(abspath build/precise/bin/dipsim) \
	  $(PY) tests/validation/run_validation.py

# The paper (paper/README.md): builds dipsim and bench_sim, runs the example study's sweep, the
# validation checks and the benchmarks, regenerates paper/figures, paper/tables and
# paper/numbers.json with the analysis package, prints paper/paper.pdf (pandoc + headless
# chromium) and checks it (tests/python/test_paper.py). 7-11 minutes on 2 shared cores;
# PAPER_SCALE=full runs the sizes stated in paper/README.md.
PAPER_SCALE ?= quick
paper: setup
	@t0=$$(date +%s); cmake --preset release >/dev/null && \
	  cmake --build --preset release -j $(JOBS) --target dipsim bench_sim && \
	  PAPER_T0=$$t0 PAPER_SCALE=$(PAPER_SCALE) DIPSIM=$(abspath $(DIPSIM)) $(PY) paper/build.py
	$(PY) -m pytest -q tests/python/test_paper.py

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

# Fuzzing (docs/fuzzing.md): builds the libFuzzer targets with clang (ASan + UBSan, `fuzz` preset)
# and runs each for FUZZ_SECONDS (default 60); prints executions, corpus size and crashes per
# target. FUZZ_TARGETS="set gml" picks targets; FUZZ_MERGE=1 minimises new inputs into the corpora.
FUZZ_SECONDS ?= 60
fuzz: setup
	@cmake --preset fuzz >/dev/null
	@cmake --build --preset fuzz -j $(JOBS)
	FUZZ_SECONDS=$(FUZZ_SECONDS) tests/fuzz/run_fuzz.sh

# Replays the committed fuzz corpora and regression inputs under AddressSanitizer + UBSan (g++,
# `fuzz-replay` preset: build/fuzz-replay, only the libraries and the nine replay targets); the
# last step of `make test`.
fuzz-replay: setup
	@cmake --preset fuzz-replay >/dev/null
	@cmake --build --preset fuzz-replay -j $(JOBS)
	ctest --preset fuzz-replay -j $(JOBS)

# TSAN_TBB_DIR: TBBConfig.cmake folder of a oneTBB built with -fsanitize=thread
# (scripts/build_tsan_tbb.sh); without it the system oneTBB is used and TSan reports false races
# at every parallel_for (docs/reliability.md, "Sanitizer tiers").
TSAN_TBB_DIR ?=
# ThreadSanitizer needs an instrumented oneTBB: scripts/build_tsan_tbb.sh builds one from
# Debian's source package of the system's oneTBB (once, into build/tsan-tbb-install), unless
# TSAN_TBB_DIR names one already built.
build-tsan: setup
	@tbb_dir="$(TSAN_TBB_DIR)"; [ -n "$$tbb_dir" ] || tbb_dir=$$(JOBS=$(JOBS) scripts/build_tsan_tbb.sh) || exit 1; \
	  cmake --preset tsan -DTBB_DIR="$$tbb_dir" >/dev/null
	@cmake --build --preset tsan -j $(JOBS)

test-tsan: build-tsan
	TSAN_OPTIONS=halt_on_error=1 ctest --preset tsan -j $(JOBS) -L "sim|graph"

clean:
	rm -rf build
