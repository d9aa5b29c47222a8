"""The campaign step against the pull-gather limit, and thread scaling, from one run of bench_sim.

    /usr/bin/python3 benchmarks/sim/tables.py [BUILD_DIR] [--threads 1,2,4,8,16]
        [--citizens 1000000] [--min-time 2] [--json OUT.json]

Runs BUILD_DIR/benchmarks/bench_sim (default build/release) with DIPSIM_BENCH_THREADS and
DIPSIM_BENCH_CITIZENS set, reads its JSON and prints one Markdown table: per thread count the
step's time and edges scanned per second, the limit's edges per second (BM_PullGather: every
citizen sums one float per followee over the same CSR, blocks and partitioning), their ratio,
and the speed-up and parallel efficiency of each; the last column is the step's efficiency
relative to the limit's (how much of the machine's gather scaling the step keeps). Runs on any
machine from a built tree (copy the build folder and the shared libraries it needs).
--json also writes the measured values (per thread count: step and limit times, edges per second,
items read per second, speed-ups; the graph's size and bytes per citizen and edge) to a file.
"""
import argparse
import json
import os
import pathlib
import subprocess
import sys

ROOT = pathlib.Path(__file__).resolve().parents[2]


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("build", nargs="?", default=str(ROOT / "build/release"))
    ap.add_argument("--threads", default=None, help="default: 1,2,4,... up to the cores")
    ap.add_argument("--citizens", default="1000000")
    ap.add_argument("--min-time", default="2")
    ap.add_argument("--json", default=None, help="also write the values to this JSON file")
    args = ap.parse_args()
    cores = os.cpu_count() or 1
    threads = args.threads or ",".join(str(t) for t in (1, 2, 4, 8, 16, 32, 64) if t <= cores)
    exe = pathlib.Path(args.build) / "benchmarks/bench_sim"
    env = dict(os.environ, DIPSIM_BENCH_THREADS=threads, DIPSIM_BENCH_CITIZENS=args.citizens)
    out = subprocess.run([str(exe), "--benchmark_format=json",
                          f"--benchmark_min_time={args.min_time}"],
                         env=env, check=True, capture_output=True, text=True).stdout
    runs = json.loads(out)["benchmarks"]
    step, limit = {}, {}
    for b in runs:
        name = b["name"]
        t = int(name.split("threads:")[1].split("/")[0])
        (step if name.startswith("BM_Step") else limit)[t] = b
    ts = sorted(step)
    print(f"citizens: {args.citizens}, follow edges: {step[ts[0]]['edges']:.0f}, "
          f"cores: {cores}, B/citizen: {step[ts[0]]['B/citizen']:.0f}, "
          f"B/edge: {step[ts[0]]['B/edge']:.1f}")
    print("| threads | step ms | step edges/s | limit ms | limit edges/s | limit / step "
          "(edges/s) | step speed-up | limit speed-up | step efficiency vs limit's |")
    print("|---|---|---|---|---|---|---|---|---|")
    s1, l1 = step[ts[0]]["real_time"], limit[ts[0]]["real_time"]
    for t in ts:
        s, lim = step[t], limit[t]
        su, lu = s1 / s["real_time"], l1 / lim["real_time"]
        print(f"| {t} | {s['real_time']:.1f} | {s['edges/s'] / 1e6:.1f} M | "
              f"{lim['real_time']:.2f} | {lim['edges/s'] / 1e6:.0f} M | "
              f"{lim['edges/s'] / s['edges/s']:.1f}x | {su:.2f} | {lu:.2f} | {su / lu:.0%} |")
    sys.stdout.flush()
    if args.json:
        rows = []
        for t in ts:
            s, lim = step[t], limit[t]
            rows.append({
                "threads": t, "step_ms": s["real_time"], "step_edges_per_s": s["edges/s"],
                "step_items_read_per_s": s.get("items_read/s"), "steps_per_s": s.get("steps/s"),
                "limit_ms": lim["real_time"], "limit_edges_per_s": lim["edges/s"],
                "step_speedup": s1 / s["real_time"], "limit_speedup": l1 / lim["real_time"]})
        meta = {"citizens": int(args.citizens), "edges": step[ts[0]]["edges"], "cores": cores,
                "bytes_per_citizen": step[ts[0]]["B/citizen"],
                "bytes_per_edge": step[ts[0]]["B/edge"], "min_time_s": float(args.min_time),
                "time_unit": step[ts[0]].get("time_unit", "ms"), "rows": rows}
        pathlib.Path(args.json).write_text(json.dumps(meta, indent=2) + "\n")


if __name__ == "__main__":
    main()
