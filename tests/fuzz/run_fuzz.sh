#!/usr/bin/env bash
# Runs every libFuzzer target of build/fuzz for FUZZ_SECONDS each (default 60), one at a time,
# and prints per target: executions, corpus size (inputs and bytes), crashes. Used by `make fuzz`
# (docs/fuzzing.md).
#
# Each target starts from its committed corpus (tests/fuzz/corpus/<t>) and regression inputs
# (tests/fuzz/regressions/<t>) and writes new inputs to build/fuzz/work/<t>, so a session never
# changes the committed files. A crash, leak, timeout, out-of-memory or sanitizer report stops
# that target; its input is kept as build/fuzz/artifacts/<t>/crash-* (or leak-, timeout-, oom-),
# the log as build/fuzz/logs/<t>.log, and the script exits 1 after the table.
#   FUZZ_SECONDS=600 make fuzz        longer sessions
#   FUZZ_TARGETS="scenario set" ...   some targets only
#   FUZZ_MERGE=1 ...                  afterwards, minimise work + committed corpus back into
#                                     tests/fuzz/corpus/<t> (-merge=1)
set -uo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BIN="$ROOT/build/fuzz/fuzz"
SECONDS_EACH="${FUZZ_SECONDS:-60}"
TARGETS="${FUZZ_TARGETS:-scenario include set sweep edge_list gml graphml run_file journal}"
export LSAN_OPTIONS="suppressions=$ROOT/tests/fuzz/lsan.supp${LSAN_OPTIONS:+:$LSAN_OPTIONS}"
export UBSAN_OPTIONS="print_stacktrace=1:halt_on_error=1${UBSAN_OPTIONS:+:$UBSAN_OPTIONS}"

dict_for() {
  case "$1" in
    scenario | include | set | sweep) echo "$ROOT/tests/fuzz/dict/scenario.dict" ;;
    gml) echo "$ROOT/tests/fuzz/dict/gml.dict" ;;
    graphml) echo "$ROOT/tests/fuzz/dict/graphml.dict" ;;
    run_file) echo "$ROOT/tests/fuzz/dict/hdf5.dict" ;;
    *) echo "" ;;
  esac
}

failed=0
rows=()
for t in $TARGETS; do
  exe="$BIN/fuzz_$t"
  if [ ! -x "$exe" ]; then
    echo "run_fuzz: $exe is missing; build it with: cmake --preset fuzz && cmake --build --preset fuzz" >&2
    exit 2
  fi
  work="$ROOT/build/fuzz/work/$t"
  art="$ROOT/build/fuzz/artifacts/$t"
  logs="$ROOT/build/fuzz/logs"
  mkdir -p "$work" "$art" "$logs"
  rm -f "$art"/*
  dirs=("$work" "$ROOT/tests/fuzz/corpus/$t")
  [ -d "$ROOT/tests/fuzz/regressions/$t" ] && dirs+=("$ROOT/tests/fuzz/regressions/$t")
  dict="$(dict_for "$t")"
  # Text inputs up to 4 KiB; HDF5 files (the run_file seeds are up to 220 KiB) up to 256 KiB, but
  # minimised at 32 KiB (a truncated file is a test too; the full seeds are kept beside them).
  max_len=4096 merge_len=4096
  [ "$t" = run_file ] && max_len=262144 merge_len=32768
  # Journals: the seeds hold a 33 KiB cascade chunk record.
  [ "$t" = journal ] && max_len=65536 merge_len=65536
  args=(-max_total_time="$SECONDS_EACH" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1
        -artifact_prefix="$art/" -max_len="$max_len")
  [ -n "$dict" ] && [ -f "$dict" ] && args+=(-dict="$dict")
  # Fuzz from a private folder: targets write their temp files under $TMPDIR.
  # run_file goes on after a crash (fork mode): libhdf5 1.10 itself crashes on some corrupted
  # files (docs/fuzzing.md, "Open: crashes inside libhdf5"), and one such crash must not end the
  # session; every crash is still kept and counted, and classified by its innermost frame.
  [ "$t" = run_file ] && args+=(-fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1)
  echo "== fuzz_$t for ${SECONDS_EACH}s" >&2
  "$exe" "${args[@]}" "${dirs[@]}" >"$logs/$t.log" 2>&1
  rc=$?
  if [ "$t" = run_file ]; then
    execs=$(grep -oE '^#[0-9]+: cov' "$logs/$t.log" | tail -1 | tr -dc '0-9')
  else
    execs=$(grep -o 'stat::number_of_executed_units: [0-9]*' "$logs/$t.log" | tail -1 | awk '{print $2}')
  fi
  crashes=$(find "$art" -type f | wc -l)
  if [ "$rc" -ne 0 ] && [ "$crashes" -eq 0 ]; then crashes="?(rc $rc)"; fi
  [ "$rc" -ne 0 ] && [ "$t" != run_file ] && failed=1
  if [ "$t" = run_file ] && [ "$crashes" != 0 ]; then
    # Fork mode keeps no stacks: replay each crash to see whether it is inside libhdf5 (its first
    # frame outside the sanitizer runtime); timeouts and out-of-memory are listed as such.
    in_hdf5=0 other=0 slow=0
    for a in "$art"/*; do
      case "$(basename "$a")" in
        timeout-*) slow=$((slow + 1)); continue ;;
      esac
      frame=$(timeout 60 "$exe" "$a" 2>&1 | grep -E '^ +#[0-9]+ ' |
              grep -vE 'asan|ubsan|sanitizer|interceptor|libc\.so|libstdc|operator new|allocator| in (malloc|calloc|realloc|free) ' |
              head -1)
      if [[ "$frame" == *libhdf5* ]]; then in_hdf5=$((in_hdf5 + 1)); else other=$((other + 1)); fi
    done
    [ "$other" -gt 0 ] && failed=1
    crashes="$crashes ($in_hdf5 inside libhdf5, $slow timeouts, $other elsewhere)"
  fi
  if [ "${FUZZ_MERGE:-0}" = "1" ]; then
    merged="$ROOT/build/fuzz/merged/$t"
    rm -rf "$merged" && mkdir -p "$merged"
    "$exe" -merge=1 -max_len="$merge_len" -rss_limit_mb=2048 -timeout=10 "$merged" \
      "$ROOT/tests/fuzz/corpus/$t" "$work" \
      >"$logs/$t.merge.log" 2>&1 &&
      { cp "$ROOT/tests/fuzz/corpus/$t"/seed_* "$merged"/ 2>/dev/null || true; } &&
      rm -rf "$ROOT/tests/fuzz/corpus/$t" &&
      mv "$merged" "$ROOT/tests/fuzz/corpus/$t"
  fi
  n_inputs=$(find "${dirs[@]}" -type f | wc -l)
  n_bytes=$(find "${dirs[@]}" -type f -printf '%s\n' | awk '{s+=$1} END {print s+0}')
  rows+=("$(printf '%-10s %12s %8s %10s  %s' "$t" "${execs:-0}" "$n_inputs" "$n_bytes" "$crashes")")
done

printf '\n%-10s %12s %8s %10s  %s\n' target executions inputs bytes crashes
for r in "${rows[@]}"; do echo "$r"; done
if [ "$failed" -ne 0 ]; then
  echo "fuzz: some targets failed; inputs in build/fuzz/artifacts/<target>/, logs in build/fuzz/logs/" >&2
  exit 1
fi
