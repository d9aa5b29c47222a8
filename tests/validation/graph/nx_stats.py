"""Independent reference statistics for dipsim's graph layer, computed with networkx.

Run with /usr/bin/python3 (Debian's networkx 2.8 and numpy):

    /usr/bin/python3 nx_stats.py --gml polblogs.gml [--community value]
    /usr/bin/python3 nx_stats.py --edgelist facebook_combined.txt [--undirected]

Prints one `name value` line per statistic, using the definitions documented in
engine/graph/include/dipsim/graph/stats.hpp (self-loops removed; clustering, transitivity,
undirected assortativity and the diameter on the undirected projection). The C++ test
tests/unit/graph/test_stats.cpp runs this script and compares both sides; nothing is precomputed.
"""
import argparse
import sys

import networkx as nx
import numpy as np


def exact_diameter(undirected):
    """Exact diameter of the largest connected component (networkx's eccentricity-bounding
    algorithm, Takes and Kosters 2011: exact, and much faster than BFS from every node)."""
    largest = max(nx.connected_components(undirected), key=len)
    return nx.diameter(undirected.subgraph(largest), usebounds=True)


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--gml")
    parser.add_argument("--edgelist")
    parser.add_argument("--undirected", action="store_true")
    parser.add_argument("--community", default="")
    args = parser.parse_args()

    if args.gml:
        g = nx.read_gml(args.gml, label="id")
        if not g.is_directed():
            g = g.to_directed()
    else:
        g = nx.read_edgelist(args.edgelist, nodetype=int,
                             create_using=nx.Graph if args.undirected else nx.DiGraph)
        if args.undirected:
            g = g.to_directed()
    g = nx.DiGraph(g)
    g.remove_edges_from(list(nx.selfloop_edges(g)))
    u = g.to_undirected()

    out_deg = np.array([d for _, d in g.out_degree()])
    in_deg = np.array([d for _, d in g.in_degree()])
    stats = {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "out_degree_max": int(out_deg.max()),
        "in_degree_max": int(in_deg.max()),
        "out_degree_mean": float(out_deg.mean()),
        "out_degree_variance": float(out_deg.var()),
        "in_degree_variance": float(in_deg.var()),
        "reciprocity": nx.overall_reciprocity(g),
        "assortativity": nx.degree_assortativity_coefficient(g),
        "undirected_edges": u.number_of_edges(),
        "triangles": sum(nx.triangles(u).values()) // 3,
        "transitivity": nx.transitivity(u),
        "average_clustering": nx.average_clustering(u),
        "undirected_assortativity": nx.degree_assortativity_coefficient(u),
        "weak_components": nx.number_weakly_connected_components(g),
        "largest_weak_component": max(len(c) for c in nx.weakly_connected_components(g)),
        "strong_components": nx.number_strongly_connected_components(g),
        "largest_strong_component": max(len(c) for c in nx.strongly_connected_components(g)),
        "diameter": exact_diameter(u),
    }
    if args.community:
        attr = nx.get_node_attributes(g, args.community)
        cross = sum(1 for a, b in g.edges() if attr[a] != attr[b])
        stats["cross_community_share"] = cross / g.number_of_edges()
    for key, value in stats.items():
        if isinstance(value, float):
            print(f"{key} {value:.17g}")
        else:
            print(f"{key} {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
