"""End-to-end tests of `dipsim graph generate | describe | convert`: formats agree with each other,
round trips keep every edge, statistics match networkx on a real graph, and malformed files exit
with 2 naming the file and line.

Tolerances: counts are integers and must match exactly; ratios (reciprocity, transitivity,
clustering) are computed by dipsim with the same definitions as networkx 2.8 (docs/graphs.md), from
integer counts, so they may differ only by floating-point rounding of one division or of a mean
over nodes: 1e-9 is far above that rounding (~1e-15) and far below any real discrepancy (one edge
of polblogs' 19,012 moves reciprocity by 1e-4).
"""
import json

import h5py
import networkx as nx
import numpy as np
import pytest

from conftest import DATA, ROOT

DATASETS = ROOT.parent / "shared" / "datasets"
POLBLOGS = DATASETS / "polblogs.gml"
FACEBOOK = DATASETS / "facebook_combined.txt"
RATIO_TOL = 1e-9


def need(path):
    if not path.exists():
        pytest.skip(f"shared dataset {path} not present")
    return path


def ok(res):
    assert res.returncode == 0, f"exit {res.returncode}\nstdout: {res.stdout}\nstderr: {res.stderr}"
    return res


def describe_json(run_cli, path, *flags):
    return json.loads(ok(run_cli("graph", "describe", path, "--json", *flags)).stdout)


def edges_from_h5(path):
    """Sorted (follower, followed) pairs of a dipsim graph file."""
    with h5py.File(path, "r") as f:
        offsets = f["following/offsets"][:].astype(np.int64)
        targets = f["following/targets"][:]
    sources = np.repeat(np.arange(len(offsets) - 1, dtype=np.int64), np.diff(offsets))
    return sorted(zip(sources.tolist(), targets.astype(np.int64).tolist()))


def edges_from_text(path):
    """Sorted pairs of a SNAP-style edge list (comments '#')."""
    data = np.loadtxt(path, comments="#", dtype=np.int64, ndmin=2)
    return sorted(map(tuple, data.tolist()))


def edges_from_graphml(path):
    g = nx.read_graphml(path)
    index = {name: i for i, name in enumerate(g.nodes)}
    return sorted((index[u], index[v]) for u, v in g.edges)


# ---- help ----------------------------------------------------------------------------------------

def test_graph_help_lists_subcommands(run_cli):
    res = ok(run_cli("graph", "--help"))
    for sub in ("generate", "describe", "convert"):
        assert sub in res.stdout
        assert "Usage:" in ok(run_cli("graph", sub, "--help")).stdout
    res = run_cli("graph")
    assert res.returncode == 2 and "subcommand" in res.stderr.lower()


# ---- generate ------------------------------------------------------------------------------------

def test_generate_all_formats_describe_alike(run_cli, tmp_path):
    scenario = DATA / "small.yaml"
    outs = {ext: tmp_path / f"g.{ext}" for ext in ("h5", "txt", "graphml", "gml")}
    for out in outs.values():
        res = ok(run_cli("graph", "generate", scenario, "-o", out))
        assert str(out) in res.stdout and "nodes" in res.stdout
        assert not out.with_name(out.name + ".tmp").exists()
    stats = {ext: describe_json(run_cli, out) for ext, out in outs.items()}
    ref = stats["h5"]
    assert ref["num_nodes"] >= 4000  # 4000 citizens plus the state accounts
    assert ref["num_edges"] > 0
    for ext, s in stats.items():
        # Structure-only numbers are identical in every format (edge lists carry no attributes).
        for key in ("num_nodes", "num_edges", "isolated_nodes", "undirected_edges", "triangles",
                    "weak_components", "strong_components", "reciprocity", "transitivity"):
            assert s[key] == ref[key], (ext, key, s[key], ref[key])
    # Node attributes survive in GraphML and GML, not in the edge list.
    for ext in ("graphml", "gml"):
        assert stats[ext]["cross_country_share"] == ref["cross_country_share"]
        assert stats[ext]["kinds"] == ref["kinds"]
    assert ref["kinds"]["official"] > 0 and stats["txt"]["kinds"]["official"] == 0
    # The same edges in every file.
    edges = edges_from_h5(outs["h5"])
    assert len(edges) == ref["num_edges"]
    assert edges_from_text(outs["txt"]) == edges
    assert edges_from_graphml(outs["graphml"]) == edges
    g = nx.read_gml(outs["gml"], label="id")
    assert sorted(g.edges) == edges


def test_generated_h5_layout(run_cli, tmp_path):
    out = tmp_path / "g.h5"
    ok(run_cli("graph", "generate", DATA / "small.yaml", "-o", out, "--quiet"))
    with h5py.File(out, "r") as f:
        a = f.attrs
        assert a["format"] == "dipsim-graph" and int(a["version"]) == 1
        n, m = int(a["num_nodes"]), int(a["num_edges"])
        assert "small.yaml" in a["source"] and "seed 7" in a["source"]
        off = f["following/offsets"]
        assert off.dtype == np.uint64 and off.shape == (n + 1,)
        assert off[0] == 0 and off[-1] == m and np.all(np.diff(off[:]) >= 0)
        tgt = f["following/targets"]
        assert tgt.dtype == np.uint32 and tgt.shape == (m,) and tgt[:].max() < n
        assert f["node/country"].dtype == np.uint16 and f["node/country"].shape == (n,)
        assert f["node/community"].dtype == np.uint32 and f["node/community"].shape == (n,)
        kind = f["node/kind"]
        assert kind.dtype == np.uint8 and kind.shape == (n,)
        assert "0=citizen" in kind.attrs["legend"] and "5=bot" in kind.attrs["legend"]
        assert np.count_nonzero(kind[:] == 0) == 4000
        names = [s.decode() if isinstance(s, bytes) else s for s in f["labels/country"][:]]
        assert names == ["North", "South"]
        assert len(f["node/country"].dims[0]) == 1  # a named dimension is attached


def test_generated_h5_opens_in_xarray(run_cli, tmp_path):
    xr = pytest.importorskip("xarray")
    pytest.importorskip("h5netcdf")
    out = tmp_path / "g.h5"
    ok(run_cli("graph", "generate", DATA / "small.yaml", "-o", out, "-q"))
    nodes = xr.open_dataset(out, group="node", engine="h5netcdf")
    assert set(nodes.data_vars) == {"country", "community", "kind"}
    assert nodes["kind"].dims == ("node",)
    csr = xr.open_dataset(out, group="following", engine="h5netcdf")
    assert csr["offsets"].dims == ("offset",) and csr["targets"].dims == ("edge",)
    assert csr.sizes["offset"] == nodes.sizes["node"] + 1


def test_generate_seed_and_set(run_cli, tmp_path):
    def gen(name, *flags):
        out = tmp_path / name
        ok(run_cli("graph", "generate", DATA / "small.yaml", "-o", out, "-q", *flags))
        return edges_from_h5(out)

    base = gen("a.h5", "--seed", "11")
    assert gen("b.h5", "--seed", "11") == base, "same seed, same graph"
    assert gen("c.h5", "--seed", "12") != base, "another seed, another graph"
    with h5py.File(tmp_path / "a.h5") as f:
        assert "seed 11" in f.attrs["source"]
    gen("d.h5", "--set", "citizens.count=500")
    with h5py.File(tmp_path / "d.h5") as f:
        assert np.count_nonzero(f["node/kind"][:] == 0) == 500


def test_generate_bad_scenario_override_exits_2(run_cli, tmp_path):
    out = tmp_path / "g.h5"
    res = run_cli("graph", "generate", DATA / "small.yaml", "-o", out, "--set",
                  "citizens.count=lots")
    assert res.returncode == 2
    assert "citizens.count" in res.stderr and "expected" in res.stderr
    assert not out.exists()


# ---- convert -------------------------------------------------------------------------------------

def test_convert_facebook_round_trip_keeps_edges(run_cli, tmp_path):
    src = need(FACEBOOK)
    original = edges_from_text(src)
    assert len(original) == 88234
    both = sorted(set(original) | {(v, u) for u, v in original})  # undirected: both directions
    h5 = tmp_path / "fb.h5"
    graphml = tmp_path / "fb.graphml"
    txt = tmp_path / "fb.txt"
    ok(run_cli("graph", "convert", src, h5, "--undirected"))
    ok(run_cli("graph", "convert", h5, graphml))
    ok(run_cli("graph", "convert", graphml, txt))
    assert edges_from_h5(h5) == both
    assert edges_from_graphml(graphml) == both
    assert edges_from_text(txt) == both
    for path in (h5, graphml, txt):
        s = describe_json(run_cli, path)
        assert (s["num_nodes"], s["num_edges"]) == (4039, 2 * 88234), path
        assert s["reciprocity"] == 1.0


def test_convert_keeps_node_attributes(run_cli, tmp_path):
    src = need(POLBLOGS)
    h5 = tmp_path / "pb.h5"
    graphml = tmp_path / "pb.graphml"
    back = tmp_path / "pb2.h5"
    ok(run_cli("graph", "convert", src, h5, "--country-attribute", "value"))
    ok(run_cli("graph", "convert", h5, graphml))
    ok(run_cli("graph", "convert", graphml, back))
    g = nx.read_gml(src, label="id")
    camps = [g.nodes[v]["value"] for v in g.nodes]  # declaration order = dense node order
    for path in (h5, back):
        with h5py.File(path) as f:
            assert f["node/country"][:].tolist() == camps
    assert edges_from_h5(back) == edges_from_h5(h5)
    assert describe_json(run_cli, back) == {**describe_json(run_cli, h5), "file": str(back)}


def test_edge_list_header_keeps_isolated_nodes(run_cli, tmp_path):
    src = tmp_path / "sparse.txt"
    src.write_text("# ids 0..9, node 9 isolated\n0 1\n1 2\n")
    h5 = tmp_path / "g.h5"
    ok(run_cli("graph", "convert", src, h5))
    assert describe_json(run_cli, h5)["num_nodes"] == 3  # an edge list knows only named ids
    ok(run_cli("graph", "generate", DATA / "small.yaml", "-o", tmp_path / "w.h5", "-q"))
    ok(run_cli("graph", "convert", tmp_path / "w.h5", tmp_path / "w.txt"))
    ok(run_cli("graph", "convert", tmp_path / "w.txt", tmp_path / "w2.h5"))
    a = describe_json(run_cli, tmp_path / "w.h5")
    b = describe_json(run_cli, tmp_path / "w2.h5")
    assert a["isolated_nodes"] > 0, "offline citizens are isolated"
    assert (b["num_nodes"], b["isolated_nodes"]) == (a["num_nodes"], a["isolated_nodes"])


def test_existing_output_refused_without_force(run_cli, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("0 1\n1 2\n")
    out = tmp_path / "out.graphml"
    out.write_text("precious")
    res = run_cli("graph", "convert", src, out)
    assert res.returncode == 1
    assert "exists" in res.stderr and str(out) in res.stderr and "--force" in res.stderr
    assert out.read_text() == "precious"
    res = run_cli("graph", "generate", DATA / "small.yaml", "-o", out)
    assert res.returncode == 1 and str(out) in res.stderr
    assert out.read_text() == "precious"
    ok(run_cli("graph", "convert", src, out, "--force"))
    assert "<graphml" in out.read_text()
    assert not (tmp_path / "out.graphml.tmp").exists()


# ---- describe ------------------------------------------------------------------------------------

def polblogs_networkx(keep_self_loops):
    g = nx.DiGraph(nx.read_gml(need(POLBLOGS), label="id"))  # duplicate links merged
    if not keep_self_loops:
        g.remove_edges_from(list(nx.selfloop_edges(g)))
    return g


@pytest.mark.parametrize("keep_self_loops", [False, True])
def test_describe_polblogs_matches_networkx(run_cli, keep_self_loops):
    flags = ["--country-attribute", "value"] + (["--keep-self-loops"] if keep_self_loops else [])
    s = describe_json(run_cli, need(POLBLOGS), *flags)
    g = polblogs_networkx(keep_self_loops)
    assert s["num_nodes"] == g.number_of_nodes() == 1490
    assert s["num_edges"] == g.number_of_edges()
    assert s["num_edges"] == (19015 if keep_self_loops else 19012)  # 3 self-loops in the file
    assert s["self_loops"] == nx.number_of_selfloops(g)
    assert s["edges_read"] == 19015 and s["self_loops_read"] == 3
    reciprocity = nx.overall_reciprocity(g)
    transitivity = nx.transitivity(g.to_undirected())
    print(f"reciprocity: expecting {reciprocity} ± {RATIO_TOL}, got {s['reciprocity']}")
    print(f"transitivity: expecting {transitivity} ± {RATIO_TOL}, got {s['transitivity']}")
    assert abs(s["reciprocity"] - reciprocity) <= RATIO_TOL
    assert abs(s["transitivity"] - transitivity) <= RATIO_TOL
    und = nx.Graph(g.to_undirected())
    und.remove_edges_from(list(nx.selfloop_edges(und)))
    assert s["undirected_edges"] == und.number_of_edges()
    assert s["triangles"] == sum(nx.triangles(und).values()) // 3
    assert s["weak_components"] == nx.number_weakly_connected_components(g)
    assert s["strong_components"] == nx.number_strongly_connected_components(g)
    # --country-attribute value: the two camps are the "countries".
    camp = nx.get_node_attributes(g, "value")
    cross = sum(camp[u] != camp[v] for u, v in g.edges) / g.number_of_edges()
    assert s["num_countries"] == 2
    assert abs(s["cross_country_share"] - cross) <= RATIO_TOL
    assert sum(map(sum, s["country_mixing"])) == s["num_edges"]


def test_describe_text_summary(run_cli):
    res = ok(run_cli("graph", "describe", need(POLBLOGS), "--country-attribute", "value"))
    out = res.stdout
    assert "polblogs.gml (GML)" in out
    assert "nodes                  1490" in out
    assert "edges                  19012 directed" in out
    assert "3 self-loops (dropped" in out
    for word in ("reciprocity", "transitivity", "assortativity", "cross-country", "components",
                 "diameter"):
        assert word in out


def test_describe_facebook_clustering_matches_networkx(run_cli):
    s = describe_json(run_cli, need(FACEBOOK), "--undirected")
    g = nx.read_edgelist(FACEBOOK, nodetype=int)
    assert (s["num_nodes"], s["undirected_edges"]) == (4039, 88234)
    assert abs(s["transitivity"] - nx.transitivity(g)) <= RATIO_TOL
    assert abs(s["transitivity"] - 0.519) < 5e-4  # the dataset README's value
    assert abs(s["average_clustering"] - nx.average_clustering(g)) <= RATIO_TOL
    assert s["weak_components"] == 1


# ---- errors --------------------------------------------------------------------------------------

MALFORMED = {
    # name: (file text or None for a truncated HDF5 file, expected location, expected words)
    "bad.gml": ("graph [\n  directed 1\n  node [ id 0 ]\n  node [ id 1 \n  edge [ source 0 ]\n",
                ":4:", "expected"),
    "bad_key.gml": ("graph [\n  node [ id 0 ]\n  node [ id ]\n]\n", ":3:", "expected"),
    "bad.txt": ("# edges\n0 1\n1 2\n2 x3\n", ":4:", "expected"),
    "bad.graphml": ('<?xml version="1.0"?>\n<graphml>\n<graph edgedefault="directed">\n'
                    '<node id="a"/>\n<edge source="a" target="b"/>\n</graph>\n</graphml>\n',
                    ":5:", "b"),
    "truncated.h5": (None, "truncated.h5:", "truncated"),
    "graph.unknown": ("0 1\n", "graph.unknown:", "expected .txt"),
    "notgraph.h5": (b"\x89HDF\r\n\x1a\n" + b"\0" * 64, "notgraph.h5:", "dipsim graph file"),
}


@pytest.mark.parametrize("name", sorted(MALFORMED))
@pytest.mark.parametrize("command", ["describe", "convert"])
def test_malformed_input_exits_2_with_location(run_cli, tmp_path, name, command):
    text, where, words = MALFORMED[name]
    path = tmp_path / name
    if text is None:
        full = tmp_path / "full.h5"
        ok(run_cli("graph", "generate", DATA / "small.yaml", "-o", full, "-q"))
        path.write_bytes(full.read_bytes()[: full.stat().st_size * 2 // 3])
    elif isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text)
    out = tmp_path / "out.h5"
    args = ["describe", path] if command == "describe" else ["convert", path, out]
    res = run_cli("graph", *args)
    assert res.returncode == 2, res.stderr
    assert res.stderr.startswith("dipsim: error: ")
    assert str(path) + (where if where.startswith(":") else "") in res.stderr
    assert where in res.stderr and words in res.stderr, res.stderr
    assert not out.exists() and not (tmp_path / "out.h5.tmp").exists()


def test_unknown_output_extension_exits_2(run_cli, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("0 1\n")
    res = run_cli("graph", "convert", src, tmp_path / "out.dot")
    assert res.returncode == 2 and "out.dot" in res.stderr and ".graphml" in res.stderr


def test_flags_for_other_formats_are_refused(run_cli, tmp_path):
    src = tmp_path / "in.txt"
    src.write_text("0 1\n")
    res = run_cli("graph", "describe", src, "--country-attribute", "value")
    assert res.returncode == 2 and "--country" in res.stderr and "in.txt" in res.stderr
    h5 = tmp_path / "g.h5"
    ok(run_cli("graph", "convert", src, h5))
    res = run_cli("graph", "describe", h5, "--undirected")
    assert res.returncode == 2 and "--undirected" in res.stderr
    res = run_cli("graph", "convert", src, tmp_path / "g.graphml", "--compress")
    assert res.returncode == 2 and "--compress" in res.stderr
