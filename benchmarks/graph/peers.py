"""Times dipsim's graph generators against peer libraries at the same sizes and parameters.

Run with Debian's Python (networkx, python3-igraph and python3-graph-tool from scripts/setup.sh):

    /usr/bin/python3 benchmarks/graph/peers.py [--sizes 100000,1000000]
        [--bench build/graph/benchmarks/bench_graph] [--timeout 600] [--skip-networkx-above N]

dipsim's side runs bench_graph (Google Benchmark, JSON output, `--dipsim_sizes`) and takes the
real time of BM_Graph/<model>/<n>: edge-stream generation plus the CSR build of both directions,
i.e. a ready FollowGraph, as the peers return a graph object (all TBB threads of the machine).
Each peer call runs in its own subprocess with a timeout and is timed by wall clock around the
generator call only (imports and argument set-up excluded). Peers are single-threaded except where
noted. The table prints seconds per graph and the ratio peer / dipsim (> 1: dipsim is faster).

Model pairs (same n and parameters as benchmarks/graph/bench_generators.cpp):
  ErdosRenyi     directed G(n, p), p = 10/(n-1): networkx fast_gnp_random_graph, igraph Erdos_Renyi
  BarabasiAlbert m = 5: networkx barabasi_albert_graph, igraph Barabasi(psumtree),
                 graph-tool price_network(directed=False)
  Price          m = 10, a = 1 (P ∝ k_in + 1): igraph Barabasi(directed, zero_appeal=1),
                 graph-tool price_network(m=10, c=1)
  HolmeKim       m = 5, P_t = 0.5: networkx powerlaw_cluster_graph
  ChungLu        expected degrees ~ Pareto(2.5), mean 10: networkx expected_degree_graph (undirected
                 Miller–Hagberg; dipsim's benchmark is the directed variant: same algorithm, one
                 pass per row instead of per pair)
  MultiCountry   10 blocks, degree-corrected: graph-tool generate_sbm (Poisson DC-SBM, micro=False)
                 — a related model, not the same one (no homophily layer, no closure)
"""
import argparse
import json
import math
import multiprocessing as mp
import os
import subprocess
import sys
import time

MODELS = ["ErdosRenyi", "BarabasiAlbert", "Price", "HolmeKim", "Vazquez", "ChungLu", "MultiCountry"]


def power_law_weights(n, seed=1):
    import numpy as np

    rng = np.random.default_rng(seed)
    cut = math.sqrt(10.0 * n) / 3.0
    a, b = 1.0, cut ** -1.5
    w = (a - rng.random(n) * (a - b)) ** (-1.0 / 1.5)
    return w * (10.0 / w.mean())


def peer_runs(model, n):
    """(peer name, zero-argument callable building the graph) pairs for a model and size."""
    runs = []
    try:
        import networkx as nx
    except ImportError:
        nx = None
    try:
        import igraph as ig
    except ImportError:
        ig = None
    try:
        import warnings

        warnings.filterwarnings("ignore")
        import graph_tool.generation as gtg
    except ImportError:
        gtg = None

    p = 10.0 / (n - 1)
    if model == "ErdosRenyi":
        if nx:
            runs.append(("networkx fast_gnp_random_graph", lambda: nx.fast_gnp_random_graph(n, p, seed=1, directed=True)))
        if ig:
            runs.append(("igraph Erdos_Renyi", lambda: ig.Graph.Erdos_Renyi(n=n, p=p, directed=True)))
    elif model == "BarabasiAlbert":
        if nx:
            runs.append(("networkx barabasi_albert_graph", lambda: nx.barabasi_albert_graph(n, 5, seed=1)))
        if ig:
            runs.append(("igraph Barabasi", lambda: ig.Graph.Barabasi(n, 5)))
        if gtg:
            runs.append(("graph-tool price_network", lambda: gtg.price_network(n, m=5, directed=False)))
    elif model == "Price":
        if ig:
            runs.append(("igraph Barabasi directed", lambda: ig.Graph.Barabasi(n, 10, directed=True, zero_appeal=1)))
        if gtg:
            runs.append(("graph-tool price_network", lambda: gtg.price_network(n, m=10, c=1, directed=True)))
    elif model == "HolmeKim":
        if nx:
            runs.append(("networkx powerlaw_cluster_graph", lambda: nx.powerlaw_cluster_graph(n, 5, 0.5, seed=1)))
    elif model == "ChungLu":
        if nx:
            w = power_law_weights(n).tolist()
            runs.append(("networkx expected_degree_graph", lambda: nx.expected_degree_graph(w, seed=1, selfloops=False)))
    elif model == "MultiCountry":
        if gtg:
            import numpy as np

            k = 10
            b = np.repeat(np.arange(k), n // k + 1)[:n]
            probs = np.full((k, k), 0.1 * 10 * n / (k * (k - 1)))
            np.fill_diagonal(probs, 0.9 * 10 * n / k)
            w = power_law_weights(n)
            runs.append(("graph-tool generate_sbm (DC-SBM)", lambda: gtg.generate_sbm(
                b, probs, out_degs=np.ones(n), in_degs=w, directed=True, micro_ers=False)))
    return runs


def _time_one(model, n, index, queue):
    runs = peer_runs(model, n)
    name, build = runs[index]
    start = time.perf_counter()
    graph = build()
    queue.put(time.perf_counter() - start)
    del graph


def time_peer(model, n, index, timeout):
    queue = mp.Queue()
    proc = mp.Process(target=_time_one, args=(model, n, index, queue))
    proc.start()
    proc.join(timeout)
    if proc.is_alive():
        proc.kill()
        proc.join()
        return None
    return queue.get() if not queue.empty() else None


def dipsim_times(bench, sizes):
    out = subprocess.run(
        [bench, "--dipsim_sizes=" + ",".join(map(str, sizes)), "--benchmark_filter=BM_Graph/",
         "--benchmark_format=json"],
        check=True, capture_output=True, text=True).stdout
    times = {}
    for b in json.loads(out)["benchmarks"]:
        parts = b["name"].split("/")
        factor = {"ns": 1e-9, "us": 1e-6, "ms": 1e-3, "s": 1.0}[b["time_unit"]]
        times[(parts[1], int(parts[2]))] = b["real_time"] * factor
    return times


def main():
    here = os.path.dirname(os.path.abspath(__file__))
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--sizes", default="100000,1000000")
    parser.add_argument("--bench", default=os.path.join(here, "..", "..", "build", "graph", "benchmarks", "bench_graph"))
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument("--skip-networkx-above", type=int, default=10**9)
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]

    ours = dipsim_times(args.bench, sizes)
    print(f"{'model':<15} {'n':>9} {'dipsim s':>9}  {'peer':<34} {'peer s':>9} {'peer/dipsim':>11}")
    for model in MODELS:
        for n in sizes:
            t = ours.get((model, n))
            runs = peer_runs(model, n)
            if not runs:
                print(f"{model:<15} {n:>9} {t:>9.3f}  {'(no peer implements it)':<34}")
            for index, (name, _) in enumerate(runs):
                if name.startswith("networkx") and n > args.skip_networkx_above:
                    print(f"{model:<15} {n:>9} {t:>9.3f}  {name:<34} {'skipped':>9}")
                    continue
                pt = time_peer(model, n, index, args.timeout)
                if pt is None:
                    print(f"{model:<15} {n:>9} {t:>9.3f}  {name:<34} {'>' + str(int(args.timeout)):>9}")
                else:
                    print(f"{model:<15} {n:>9} {t:>9.3f}  {name:<34} {pt:>9.3f} {pt / t:>11.1f}")
            sys.stdout.flush()
    return 0


if __name__ == "__main__":
    sys.exit(main())
