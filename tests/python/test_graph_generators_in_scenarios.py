"""Every graph.generator works from a scenario: the run completes, the graph has the expected
size, and the graph statistics written to the run file are plausible for the model."""
import h5py
import pytest

from conftest import DATA, ROOT

SHARED = ROOT.parent / "shared" / "datasets"

GENERATORS = [
    # (overrides, check(attrs, n_citizens))
    (["graph.generator=multi_country", "graph.triadic_closure=0.3"], "multi_country"),
    (["graph.generator=random_follow"], "random_follow"),
    (["graph.generator=complete", "citizens.count=300"], "complete"),
    (["graph.generator=erdos_renyi"], "erdos_renyi"),
    (["graph.generator=barabasi_albert"], "barabasi_albert"),
    (["graph.generator=price"], "price"),
    (["graph.generator=holme_kim", "graph.triadic_closure=0.8"], "holme_kim"),
    (["graph.generator=vazquez"], "vazquez"),
    (["graph.generator=chung_lu"], "chung_lu"),
]


@pytest.mark.parametrize("overrides,name", GENERATORS, ids=[g[1] for g in GENERATORS])
def test_generator_runs_from_a_scenario(run_cli, tmp_path, overrides, name):
    out = tmp_path / f"{name}.h5"
    sets = []
    for o in overrides + ["run.steps=3", "graph.mean_following=8"]:
        sets += ["--set", o]
    res = run_cli("run", DATA / "small.yaml", "-o", out, "--quiet", *sets)
    assert res.returncode == 0, res.stderr
    with h5py.File(out, "r") as f:
        g = f["graph"].attrs
        citizens = int(g["num_citizens"])
        online = int(f["graph/country_online"][:].sum())
        out_deg = f["graph/out_degree"][:citizens]
        assert f.attrs["status"] == "complete"
        if name == "complete":
            # every online citizen follows every other online citizen (plus official accounts)
            assert out_deg[out_deg > 0].min() >= online - 1
        else:
            # mean follows of online citizens near the requested 8 (growth models: m = 4 links
            # each way or 8 out-links; duplicates removed), official accounts excluded
            mean = out_deg[out_deg > 0].mean()
            assert 4 <= mean <= 16, f"{name}: mean out-degree {mean}"
        if name == "holme_kim":
            assert float(g["average_clustering"]) > 0.1
        if name == "erdos_renyi":
            assert float(g["average_clustering"]) < 0.05


def test_real_graph_from_an_edge_list(run_cli, tmp_path):
    out = tmp_path / "fb.h5"
    res = run_cli("run", DATA / "small.yaml", "-o", out, "--quiet", "--set", "run.steps=2",
                  "--set", "graph.generator=file", "--set",
                  f"graph.file={SHARED / 'facebook_combined.txt'}", "--set", "graph.directed=false")
    assert res.returncode == 0, res.stderr
    with h5py.File(out, "r") as f:
        g = f["graph"].attrs
        assert int(g["num_citizens"]) == 4039
        # 88,234 friendships, followed both ways, plus follows of official accounts
        assert int(g["num_edges"]) >= 2 * 88234
        assert "graph.file" not in f.attrs["scenario"] or "facebook_combined.txt" in f.attrs["scenario"]


def test_polblogs_scenario_maps_camps_to_countries(run_cli, tmp_path):
    out = tmp_path / "pb.h5"
    res = run_cli("run", ROOT / "scenarios/polblogs_two_camps.yaml", "-o", out, "--quiet",
                  "--set", "run.steps=2")
    assert res.returncode == 0, res.stderr
    with h5py.File(out, "r") as f:
        assert list(f["graph/country_population"][:]) == [758, 732]
        assert int(f["graph"].attrs["num_citizens"]) == 1490


def test_bad_graph_file_names_the_file(run_cli, tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_text("0 1\n2 x\n")
    res = run_cli("run", DATA / "small.yaml", "-o", tmp_path / "o.h5", "--set",
                  "graph.generator=file", "--set", f"graph.file={bad}")
    assert res.returncode == 2
    assert f"{bad}:2" in res.stderr
    assert not (tmp_path / "o.h5").exists() and not (tmp_path / "o.h5.partial").exists()


def test_h5_graph_file_is_refused_with_the_conversion(run_cli, tmp_path):
    graph = tmp_path / "world.h5"
    res = run_cli("graph", "generate", DATA / "small.yaml", "-o", graph, "--quiet")
    assert res.returncode == 0, res.stderr
    scenario = tmp_path / "s.yaml"
    scenario.write_text(f"include: {DATA / 'small.yaml'}\ngraph:\n  generator: file\n"
                        f"  file: {graph}\n")
    res = run_cli("run", scenario, "-o", tmp_path / "o.h5")
    assert res.returncode == 2
    assert f"{scenario}:4" in res.stderr and "graph.file" in res.stderr
    assert "dipsim graph convert" in res.stderr
    assert not (tmp_path / "o.h5").exists() and not (tmp_path / "o.h5.partial").exists()
