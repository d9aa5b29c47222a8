"""Tests of the Python analysis package (analysis/dipsim_analysis) on real dipsim runs.

Runs are made here with the dipsim binary (each well under a second) and every loaded value is
checked against a direct h5py read of the same file (verification by another method). Summaries
are checked against hand computations on constructed data with known answers; plots by what they
draw; the report by parsing its HTML and decoding its images, and by rendering it in headless
Chromium and looking at the pixels.
"""
import base64
import io
import os
import re
import shutil
import signal
import subprocess
import sys
import time

import h5py
import matplotlib
import numpy as np
import pandas as pd
import pytest
import xarray as xr

from conftest import DATA, ROOT

matplotlib.use("Agg")
sys.path.insert(0, str(ROOT / "analysis"))  # the package is not installed; use the source tree
import dipsim_analysis as da  # noqa: E402
import matplotlib.image as mimage  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ANALYSIS_ENV = {**os.environ, "PYTHONPATH": str(ROOT / "analysis"), "MPLBACKEND": "Agg"}
CHROMIUM = "/usr/bin/chromium"


def _run(dipsim, scenario, out, *extra):
    res = subprocess.run([str(dipsim), "run", str(scenario), "-o", str(out), "--quiet",
                          *map(str, extra)],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    return out


def _strings(ds):
    return [s.decode() if isinstance(s, bytes) else s for s in ds[()]]


def _report_cli(*args):
    return subprocess.run([sys.executable, "-m", "dipsim_analysis", "report", *map(str, args)],
                          capture_output=True, text=True, timeout=120, cwd=ROOT, env=ANALYSIS_ENV)


@pytest.fixture(scope="session")
def small_run(dipsim, tmp_path_factory):
    """A complete run of tests/python/data/small.yaml (2 countries, 2 states, 4000 citizens,
    48 steps, snapshots at 0, 24, 48)."""
    return _run(dipsim, DATA / "small.yaml", tmp_path_factory.mktemp("small") / "small.h5")


@pytest.fixture(scope="session")
def arm_runs(dipsim, tmp_path_factory):
    """Two experiment arms x 3 replicates (seeds 1-3): arm B doubles Gamma's posting rate."""
    folder = tmp_path_factory.mktemp("arms")
    runs = {"a": [], "b": []}
    for seed in (1, 2, 3):
        runs["a"].append(_run(dipsim, DATA / "analysis_arms.yaml", folder / f"a{seed}.h5",
                              "--seed", seed))
        runs["b"].append(_run(dipsim, DATA / "analysis_arms.yaml", folder / f"b{seed}.h5",
                              "--seed", seed, "--set", "states[0].posts_per_day=12"))
    return runs


@pytest.fixture(scope="session")
def interrupted_run(dipsim, tmp_path_factory):
    """A run stopped by SIGINT after at least one completed step: only NAME.h5.partial exists,
    status interrupted. On a loaded machine the first step may take longer than the first wait,
    so the run is started again with a longer wait until a step was written."""
    folder = tmp_path_factory.mktemp("interrupted")
    out = folder / "slow.h5"
    partial = out.with_name(out.name + ".partial")
    for wait in (0.5, 2.0, 5.0, 10.0):
        proc = subprocess.Popen([str(dipsim), "run", str(DATA / "analysis_slow.yaml"), "-o",
                                 str(out), "--quiet"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
        deadline = time.time() + 60
        while time.time() < deadline and not (partial.exists() and partial.stat().st_size > 0):
            time.sleep(0.02)
        time.sleep(wait)  # let some steps (and a snapshot every 10 steps) be written
        proc.send_signal(signal.SIGINT)
        _, err = proc.communicate(timeout=60)
        assert proc.returncode == 130, err
        assert partial.exists() and not out.exists()
        with h5py.File(partial, "r") as f:
            if int(f.attrs.get("steps_done", 0)) >= 1:
                break
    return out


@pytest.fixture(scope="session")
def small_report(small_run, tmp_path_factory):
    """The HTML report of small_run, written by the module's command line."""
    out = tmp_path_factory.mktemp("report") / "report.html"
    res = _report_cli(small_run, "-o", out)
    assert res.returncode == 0, res.stderr
    assert f"wrote {out}" in res.stdout
    return out


# ---------------------------------------------------------------------------------------------
# Loaders


def test_open_run_has_named_dims_coords_units_and_provenance(small_run):
    ds = da.open_run(small_run)
    with h5py.File(small_run, "r") as f:
        assert ds["step"].values.tolist() == f["metrics/step"][()].tolist() == list(range(49))
        assert ds["country"].values.tolist() == _strings(f["metrics/country"]) == ["North",
                                                                                   "South"]
        assert ds["state"].values.tolist() == _strings(f["metrics/state"]) == ["Alpha", "Beta"]
        names = [n for n in f["metrics"] if f["metrics"][n].ndim == 3]
        assert sorted(da.metric_names(ds)) == sorted(names)
        assert {"mean_attitude", "favourable_share", "reach"} <= set(names)
        for n in names:
            assert ds[n].dims == ("step", "country", "state"), n
            assert not ds[n].variable._in_memory, f"{n} was read eagerly"
            np.testing.assert_array_equal(ds[n].values, f["metrics/" + n][()], err_msg=n)
            assert ds[n].attrs["units"] == f["metrics/" + n].attrs["units"], n
            assert ds[n].attrs["long_name"], n
        assert ds.attrs["scenario"] == f.attrs["scenario"]
        assert ds.attrs["git_revision"] == f.attrs["git_revision"]
    assert ds.attrs["seed"] == 7 and isinstance(ds.attrs["seed"], int)
    assert ds.attrs["status"] == "complete"
    assert ds.attrs["source"] == str(small_run)
    ds.close()


def test_open_run_eager_keeps_values_after_the_file_is_gone(small_run, tmp_path):
    copy = shutil.copy(small_run, tmp_path / "copy.h5")
    lazy = da.open_run(copy)
    eager = da.open_run(copy, lazy=False)
    expected = lazy["reach"].values.copy()
    lazy.close()
    os.remove(copy)
    assert eager["reach"].variable._in_memory
    np.testing.assert_array_equal(eager["reach"].values, expected)


def test_run_info_and_run_scenario(small_run):
    info = da.run_info(small_run)
    assert info["status"] == "complete" and info["seed"] == 7 and info["format_version"] == 1
    assert info["num_steps"] == 49 and info["last_step"] == 48
    assert info["countries"] == ["North", "South"] and info["states"] == ["Alpha", "Beta"]
    assert info["metrics"]["reach"]["units"] == "citizens"
    assert info["snapshot_steps"] == [0, 24, 48]
    assert {"metrics", "snapshots", "graph", "cascades"} <= set(info["groups"])
    assert info["graph"]["num_citizens"] == 4000
    assert info["tables"]["graph"]["node"] == info["graph"]["num_nodes"]
    sc = da.run_scenario(small_run)
    assert sc["title"] == "small test world"
    assert sc["citizens"]["count"] == 4000 and sc["run"]["steps"] == 48
    assert [c["name"] for c in sc["countries"]] == ["North", "South"]
    assert sc["states"][1]["target_countries"] == ["South"]


def test_open_snapshots_is_lazy_and_matches_h5py(small_run):
    s = da.open_snapshots(small_run)
    assert s["attitude"].dims == ("snapshot", "citizen", "state")
    assert not s["attitude"].variable._in_memory
    assert s["snapshot_step"].values.tolist() == [0, 24, 48]
    with h5py.File(small_run, "r") as f:
        np.testing.assert_array_equal(s["attitude"].isel(snapshot=1).values,
                                      f["snapshots/attitude"][1])
        population = dict(zip(_strings(f["graph/country"]), f["graph/country_population"][()]))
    counts = pd.Series(s["country"].values).value_counts().to_dict()
    assert counts == population, "each citizen's country comes from graph/node_country"
    by_step = s.swap_dims(snapshot="snapshot_step").sel(snapshot_step=24)
    np.testing.assert_array_equal(by_step["attitude"].values, s["attitude"][1].values)
    s.close()


def test_open_graph_and_cascades_match_h5py(small_run):
    g = da.open_graph(small_run)
    c = da.open_cascades(small_run)
    with h5py.File(small_run, "r") as f:
        assert len(g) == f["graph"].attrs["num_nodes"] == g.attrs["num_nodes"]
        assert g.columns[0] == "node" and g["node"].tolist() == list(range(len(g)))
        for name in ("node_country", "node_kind", "out_degree", "in_degree"):
            np.testing.assert_array_equal(g[name].to_numpy(), f["graph/" + name][()])
        names = _strings(f["graph/country"])
        citizens = g[g["node_kind"] == 0]
        assert citizens["country"].tolist() == [names[i] for i in citizens["node_country"]]
        assert g.loc[g["node_country"] == 65535, "country"].isna().all()
        assert set(g["node_kind_label"].dropna().unique()) <= {
            "citizen", "official", "outlet", "influencer", "fact_checker", "bot"}
        assert (g.loc[g["node_kind"] == 0, "node_kind_label"] == "citizen").all()
        assert len(c) == len(f["cascades/size"]) and c.attrs["num_items"] > 0
        for name in f["cascades"]:
            if name != "cascade":
                np.testing.assert_array_equal(c[name].to_numpy(), f["cascades/" + name][()])
        states = _strings(f["metrics/state"])
        assert c["state_name"].tolist() == [states[i] for i in c["state"]]
        countries = da.open_graph(small_run, dim="country")
        assert countries["country"].tolist() == names
        np.testing.assert_array_equal(countries["country_population"],
                                      f["graph/country_population"][()])
    with pytest.raises(da.RunFileError, match="no arrays along dimension 'nonsense'"):
        da.open_graph(small_run, dim="nonsense")


def test_open_run_of_a_killed_file_keeps_the_complete_rows(small_run, tmp_path):
    # A process killed mid-flush can leave one metric a row short; simulate that on a copy.
    copy = shutil.copy(small_run, tmp_path / "killed.h5")
    with h5py.File(copy, "r+") as f:
        f.attrs["status"] = "running"
        f["metrics/reach"].resize(40, axis=0)
    with pytest.warns(RuntimeWarning, match="unequal numbers of rows"):
        ds = da.open_run(copy)
    assert ds.sizes["step"] == 40 and ds.attrs["status"] == "running"
    with h5py.File(small_run, "r") as f:
        np.testing.assert_array_equal(ds["mean_attitude"].values, f["metrics/mean_attitude"][:40])


# ---------------------------------------------------------------------------------------------
# Summaries


def test_final_values_is_the_last_row(small_run):
    ds = da.open_run(small_run)
    fv = da.final_values(ds)
    assert list(fv.columns[:3]) == ["step", "country", "state"]
    assert len(fv) == 4 and (fv["step"] == 48).all()
    with h5py.File(small_run, "r") as f:
        for name in da.metric_names(ds):
            last = f["metrics/" + name][-1]  # (country, state)
            for row in fv.itertuples():
                c = ["North", "South"].index(row.country)
                s = ["Alpha", "Beta"].index(row.state)
                assert getattr(row, name) == last[c, s], (name, row.country, row.state)
    assert list(da.final_values(ds, "reach").columns) == ["step", "country", "state", "reach"]
    with pytest.raises(KeyError, match="no metric 'nope'"):
        da.final_values(ds, ["nope"])


def test_time_average_matches_numpy(small_run):
    ds = da.open_run(small_run)
    ta = da.time_average(ds, 10, 20, ["reach", "mean_attitude"])
    assert (ta["start"] == 10).all() and (ta["end"] == 20).all() and (ta["n_steps"] == 11).all()
    with h5py.File(small_run, "r") as f:
        expected = f["metrics/reach"][10:21].mean(axis=0)
    got = ta.set_index(["country", "state"])["reach"]
    assert got[("South", "Beta")] == pytest.approx(expected[1, 1], rel=1e-12)
    assert got[("North", "Alpha")] == pytest.approx(expected[0, 0], rel=1e-12)
    with pytest.raises(ValueError, match="no step in"):
        da.time_average(ds, 100, 200)


def _constructed():
    """A dataset with known crossings: A·X rises through 0.5 at step 20; B·X never does."""
    values = np.array([[[0.0], [0.0]], [[0.2], [0.1]], [[0.5], [0.1]], [[0.7], [0.2]]])
    return xr.Dataset({"share": (("step", "country", "state"), values, {"units": "1"})},
                      coords={"step": [0, 10, 20, 30], "country": ["A", "B"], "state": ["X"]})


def test_time_to_threshold_on_a_known_answer():
    ds = _constructed()
    up = da.time_to_threshold(ds, "share", 0.5, "above").set_index("country")
    assert up.loc["A", "step"] == 20 and up.loc["A", "reached"]
    assert pd.isna(up.loc["B", "step"]) and not up.loc["B", "reached"]
    down = da.time_to_threshold(ds, "share", 0.1, "below").set_index("country")
    assert down.loc["A", "step"] == 0 and down.loc["B", "step"] == 0
    late = da.time_to_threshold(ds, "share", 0.15, "above").set_index("country")
    assert late.loc["A", "step"] == 10 and late.loc["B", "step"] == 30
    with pytest.raises(ValueError, match="direction"):
        da.time_to_threshold(ds, "share", 0.5, "sideways")


def test_paired_difference_ci_matches_a_hand_computation():
    # Four replicates, one group. Differences b - a = 0.1, 0.3, 0.2, 0.4: mean 0.25,
    # s = sqrt(((-.15)^2 + .05^2 + (-.05)^2 + .15^2) / 3) = sqrt(0.05/3), se = s/2,
    # t(0.975, 3) = 3.182446305284263 (tables), so the CI is 0.25 -/+ 3.1824463 * se.
    a = [pd.DataFrame({"country": ["C"], "state": ["S"], "m": [v]}) for v in (1.0, 2.0, 3.0, 4.0)]
    b = [f.assign(m=f["m"] + d) for f, d in zip(a, (0.1, 0.3, 0.2, 0.4))]
    out = da.paired_difference(a, b, "m")
    assert len(out) == 1
    row = out.iloc[0]
    se = np.sqrt(0.05 / 3) / 2
    assert row["n"] == 4 and row["country"] == "C" and row["state"] == "S"
    assert row["mean_diff"] == pytest.approx(0.25)
    assert row["sd_diff"] == pytest.approx(np.sqrt(0.05 / 3))
    assert row["t_crit"] == pytest.approx(3.182446305284263, rel=1e-9)
    assert row["ci_low"] == pytest.approx(0.25 - 3.182446305284263 * se)
    assert row["ci_high"] == pytest.approx(0.25 + 3.182446305284263 * se)
    assert row["mean_a"] == pytest.approx(2.5) and row["mean_b"] == pytest.approx(2.75)
    # 90 % interval uses t(0.95, 3) = 2.353363434801823.
    narrow = da.paired_difference(a, b, "m", confidence=0.90).iloc[0]
    assert narrow["ci_high"] == pytest.approx(0.25 + 2.353363434801823 * se)
    # The same data as one frame with a replicate column give the same answer.
    stacked = da.paired_difference(pd.concat([f.assign(replicate=i) for i, f in enumerate(a)]),
                                   pd.concat([f.assign(replicate=i) for i, f in enumerate(b)]),
                                   "m")
    pd.testing.assert_frame_equal(stacked, out)
    with pytest.raises(ValueError, match="no partner"):
        da.paired_difference(a, b[:3], "m")


def test_paired_difference_of_real_arms_and_its_plot(arm_runs):
    runs_a = [da.open_run(p) for p in arm_runs["a"]]
    runs_b = [da.open_run(p) for p in arm_runs["b"]]
    out = da.paired_difference(runs_a, runs_b, "mean_attitude")
    assert out[["country", "state"]].values.tolist() == [
        ["East", "Gamma"], ["East", "Delta"], ["West", "Gamma"], ["West", "Delta"]]
    # Hand computation from h5py reads of the last row of each replicate.
    diffs = []
    for pa, pb in zip(arm_runs["a"], arm_runs["b"]):
        with h5py.File(pa, "r") as fa, h5py.File(pb, "r") as fb:
            diffs.append(fb["metrics/mean_attitude"][-1] - fa["metrics/mean_attitude"][-1])
    diffs = np.array(diffs)  # (replicate, country, state)
    east_gamma = diffs[:, 0, 0]
    row = out.iloc[0]
    half = 4.302652729911275 * east_gamma.std(ddof=1) / np.sqrt(3)  # t(0.975, 2)
    assert row["n"] == 3
    assert row["mean_diff"] == pytest.approx(east_gamma.mean(), abs=1e-15)
    assert row["ci_high"] - row["mean_diff"] == pytest.approx(half, rel=1e-9)
    assert row["mean_diff"] > 0, "doubling Gamma's posts moves East toward Gamma"
    fig = da.plot_arm_comparison(out, label_a="6/day", label_b="12/day")
    ax = fig.axes[0]
    assert len(ax.containers) == 1, "one errorbar series"
    assert [t.get_text() for t in ax.get_yticklabels()] == [
        "East · Gamma", "East · Delta", "West · Gamma", "West · Delta"]
    assert "12/day − 6/day" in ax.get_xlabel()
    for ds in runs_a + runs_b:
        ds.close()


def test_cascade_ccdf_starts_at_one_and_decreases(small_run):
    c = da.open_cascades(small_run)
    cc = da.cascade_ccdf(c)
    assert cc["ccdf"].iloc[0] == 1.0 and cc["size"].iloc[0] == c["size"].min()
    assert (np.diff(cc["ccdf"]) < 0).all() and (np.diff(cc["size"]) > 0).all()
    for v, n_ge in zip(cc["size"], cc["n_ge"]):
        assert n_ge == (c["size"] >= v).sum()
    per_state = da.cascade_ccdf(c, by="state_name")
    for _, g in per_state.groupby("state_name"):
        assert g["ccdf"].iloc[0] == 1.0 and (np.diff(g["ccdf"]) < 0).all()
    assert set(per_state["state_name"]) == set(c["state_name"])
    assert da.cascade_ccdf([3, 1, 1, 2])["ccdf"].tolist() == [1.0, 0.5, 0.25]


def test_attitude_histogram_counts_sum_to_citizens(small_run):
    s = da.open_snapshots(small_run)
    h = da.attitude_histogram(s, bins=25)
    sums = h.groupby(["step", "state"])["count"].sum()
    assert len(sums) == 3 * 2 and (sums == 4000).all()
    assert h.groupby(["step", "state"])["share"].sum().round(12).eq(1.0).all()
    one = da.attitude_histogram(s, step=24, state="Alpha", bins=[-1, -0.5, 0, 0.5, 1])
    values = s["attitude"].isel(snapshot=1).sel(state="Alpha").values
    assert one["count"].tolist() == np.histogram(values, bins=[-1, -0.5, 0, 0.5, 1])[0].tolist()
    per_country = da.attitude_histogram(s, step=48, state="Beta", by_country=True)
    totals = per_country.groupby("country")["count"].sum().to_dict()
    assert totals == pd.Series(s["country"].values).value_counts().to_dict()
    with pytest.raises(KeyError, match="no snapshot at step 7"):
        da.attitude_histogram(s, step=7)
    s.close()


# ---------------------------------------------------------------------------------------------
# Plots


def test_plots_draw_one_line_per_country_and_state(small_run):
    from matplotlib.collections import PolyCollection
    from matplotlib.figure import Figure

    ds = da.open_run(small_run)
    fig = da.plot_attitude(ds)
    ax = fig.axes[0]
    assert isinstance(fig, Figure) and len(ax.lines) == 4
    assert [ln.get_label() for ln in ax.lines] == [
        "North · Alpha", "North · Beta", "South · Alpha", "South · Beta"]
    assert len([c for c in ax.collections if isinstance(c, PolyCollection)]) == 4, "±1 SD bands"
    assert ax.get_ylabel() == "mean attitude (dimensionless)"
    assert [t.get_text() for t in ax.get_legend().get_texts()][0] == "North · Alpha"
    # Colour = country (Okabe-Ito), line style = state.
    assert ax.lines[0].get_color() == ax.lines[1].get_color() == da.style.PALETTE[0]
    assert ax.lines[0].get_linestyle() != ax.lines[1].get_linestyle()

    fig = da.plot_favourable_share(ds)
    assert fig.axes[0].get_ylim() == (0.0, 1.0) and len(fig.axes[0].lines) == 4

    fig = da.plot_metric(ds, "reach", countries="South")
    assert [ln.get_label() for ln in fig.axes[0].lines] == ["Alpha", "Beta"]
    assert fig.axes[0].get_ylabel() == "reach [citizens]"

    mine = Figure()
    ax = mine.add_subplot()
    assert da.plot_metric(ds, "items_read", ax=ax, states=["Beta"]) is mine
    assert len(ax.lines) == 2 and ax.get_ylabel() == "items read [items per step]"

    grid = da.plot_metrics_grid(ds)
    visible = [a for a in grid.axes if a.get_visible()]
    assert len(visible) == len(da.metric_names(ds))
    assert all(len(a.lines) == 4 for a in visible)

    c = da.open_cascades(small_run)
    fig = da.plot_cascade_ccdf(da.cascade_ccdf(c, by="state_name"))
    ax = fig.axes[0]
    assert ax.get_xscale() == "log" and ax.get_yscale() == "log"
    assert [ln.get_label().split(" (")[0] for ln in ax.lines] == ["Alpha", "Beta"]
    assert ax.get_xlabel() == "cascade size [items]"

    s = da.open_snapshots(small_run)
    fig = da.plot_attitude_histogram(da.attitude_histogram(s, step=[0, 48]))
    ax = fig.axes[0]
    assert len(ax.patches) == 4, "one outline per snapshot step and state"
    assert {p.get_label() for p in ax.patches} == {
        "step 0 · Alpha", "step 0 · Beta", "step 48 · Alpha", "step 48 · Beta"}
    s.close()
    ds.close()


# ---------------------------------------------------------------------------------------------
# Report


def _images(page):
    return re.findall(r'<img\b[^>]*\bsrc="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)


def test_report_is_one_self_contained_page(small_run, small_report):
    page = small_report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>")
    assert "<title>small test world</title>" in page and "<h1>small test world</h1>" in page
    # No external resources: no http(s) or protocol-relative src/href, no scripts or links.
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert "<script" not in page.lower() and "<link" not in page.lower()
    assert "@import" not in page and "url(" not in page
    # Attitude, favourable share, other metrics, attitude histograms, cascade CCDF.
    assert page.count("<img") == 5
    images = _images(page)
    assert len(images) == 5, "every <img> is an embedded PNG data URI"
    for data in images:
        png = base64.b64decode(data, validate=True)
        assert png.startswith(PNG_MAGIC) and len(png) > 1000
        pixels = mimage.imread(io.BytesIO(png), format="png")
        assert pixels.shape[0] > 100 and pixels.shape[1] > 100
    assert "Status: complete." in page
    for text in ("Provenance", "Final values (step 48)", "Cascades", "<details>",
                 "count: 4000", "North", "Alpha"):
        assert text in page, text
    with h5py.File(small_run, "r") as f:
        assert str(f.attrs["git_revision"]) in page
        # Every metric has a row in the metrics table.
        for name in f["metrics"]:
            if f["metrics"][name].ndim == 3:
                assert f"<td>{name}</td>" in page, name


def test_report_of_an_interrupted_run_warns_and_covers_the_steps_done(interrupted_run, tmp_path):
    partial = interrupted_run.with_name(interrupted_run.name + ".partial")
    info = da.run_info(interrupted_run)  # the final name resolves to the .partial file
    assert info["path"] == str(partial) and info["status"] == "interrupted"
    done = info["steps_done"]
    assert done >= 1 and info["num_steps"] == done + 1
    ds = da.open_run(partial)
    assert ds.sizes["step"] == done + 1 and ds.attrs["status"] == "interrupted"
    assert (da.final_values(ds)["step"] == done).all()
    ds.close()
    out = tmp_path / "interrupted.html"
    res = _report_cli(partial, "-o", out)
    assert res.returncode == 0, res.stderr
    page = out.read_text(encoding="utf-8")
    assert 'class="status warn"' in page and "Warning: status interrupted." in page
    assert f"after step {done} of 100000" in page
    assert f"Final values (step {done})" in page
    assert len(_images(page)) == page.count("<img") >= 4
    res = _report_cli(interrupted_run, "-q")  # default output next to the run, quiet
    assert res.returncode == 0 and res.stdout == "", res.stderr
    assert interrupted_run.with_suffix(".html").exists()


def test_not_a_run_file_is_refused_with_the_reason(tmp_path, small_run):
    text = tmp_path / "notes.h5"
    text.write_text("hello")
    with pytest.raises(ValueError, match=re.escape(f"{text}: not a dipsim run file: not an HDF5")):
        da.open_run(text)
    other = tmp_path / "other.h5"
    with h5py.File(other, "w") as f:
        f["x"] = [1, 2, 3]
    with pytest.raises(da.RunFileError, match="without the root attribute"):
        da.run_info(other)
    future = shutil.copy(small_run, tmp_path / "future.h5")
    with h5py.File(future, "r+") as f:
        f.attrs["format_version"] = 99
    with pytest.raises(da.RunFileError, match="format_version 99 is not supported"):
        da.open_cascades(future)
    with pytest.raises(FileNotFoundError, match="missing.h5"):
        da.open_run(tmp_path / "missing.h5")

    for bad, why in ((text, "not an HDF5 file"), (other, "not a dipsim run file"),
                     (tmp_path / "missing.h5", "no such file"), (tmp_path, "is a directory")):
        res = _report_cli(bad, "-o", tmp_path / "r.html")
        assert res.returncode == 2, (bad, res.stderr)
        assert str(bad) in res.stderr and why in res.stderr, res.stderr
        assert res.stderr.count("\n") == 1, "one line, no traceback"
    assert not (tmp_path / "r.html").exists()
    assert _report_cli("--bogus", small_run).returncode == 2
    res = _report_cli(small_run, "-o", tmp_path / "no" / "such" / "folder.html")
    assert res.returncode == 2 and "does not exist" in res.stderr


def test_report_renders_in_headless_chromium(small_report, tmp_path):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: the browser test needs Debian's chromium; install "
                    "it with `bash scripts/setup.sh` (it is in its package list)")
    shot = tmp_path / "shot.png"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
           f"--screenshot={shot}", "--window-size=1280,2000", small_report.as_uri()]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and shot.exists(), res.stderr[-2000:]
    img = mimage.imread(shot)  # float RGB(A) in [0, 1]
    assert img.shape[0] == 2000 and img.shape[1] == 1280
    rgb = (img[..., :3] * 255).round().astype(np.uint8)
    non_white = np.any(rgb < 245, axis=-1).mean()
    colours = len(np.unique(rgb.reshape(-1, 3), axis=0))
    # Okabe-Ito blue (#0072B2): the headings' rule and North's lines in the plots.
    blue = np.all(np.abs(rgb.astype(int) - [0, 114, 178]) <= 12, axis=-1).sum()
    print(f"screenshot: {non_white:.1%} non-white pixels, {colours} colours, {blue} blue pixels")
    assert non_white > 0.05, "the page rendered (almost) blank"
    assert colours > 200, "expected text, tables and anti-aliased plots"
    assert blue > 500, "expected the plots' Okabe-Ito blue lines"


def test_report_of_a_failed_run_without_metrics_shows_the_error(small_run, tmp_path):
    # A run that failed before writing metrics (constructed from a real file): the report still
    # has the status, the error, the provenance and the scenario.
    failed = shutil.copy(small_run, tmp_path / "failed.h5.partial")
    with h5py.File(failed, "r+") as f:
        f.attrs["status"] = "failed"
        f.attrs["error"] = "cannot write: disk full"
        del f["metrics"]
        del f["snapshots"]
    with pytest.raises(da.RunFileError, match="has no 'metrics' group .status failed: cannot"):
        da.open_run(failed)
    page = da.build_report(tmp_path / "failed.h5")
    assert 'class="status bad"' in page and "Error: status failed." in page
    assert "cannot write: disk full" in page and "No steps were written" in page
    assert "count: 4000" in page and page.count("<img") == 1  # the cascade CCDF
