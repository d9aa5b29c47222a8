"""Tests of the sweep part of the analysis package (open_sweep, response curves, paired arm
differences, heat maps, their plots and the sweep report) on real sweeps made here with the
dipsim binary: 2 arms x 3 points x 3 replicates (18 runs) and a 2 x 2 grid x 2 arms x 2
replicates (16 runs) of a 300-citizen world over 24 steps, about a second each.

Every loaded value is checked against a direct h5py read of the run files and of the index
(verification by another method); the intervals against a hand computation with numpy and the
t quantile written out (t(0.975, 2) = 4.302652729911275, t(0.975, 8) = 2.306004135033371);
the report by parsing its HTML, decoding its images, and rendering it in headless Chromium.
"""
import base64
import io
import os
import re
import shutil
import subprocess
import sys

import h5py
import matplotlib
import numpy as np
import pandas as pd
import pytest

from conftest import DATA, ROOT

matplotlib.use("Agg")
sys.path.insert(0, str(ROOT / "analysis"))  # the package is not installed; use the source tree
import dipsim_analysis as da  # noqa: E402
import matplotlib.image as mimage  # noqa: E402

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
ANALYSIS_ENV = {**os.environ, "PYTHONPATH": str(ROOT / "analysis"), "MPLBACKEND": "Agg"}
CHROMIUM = "/usr/bin/chromium"
# Student's t quantiles, written out (scipy.stats.t.ppf(0.975, df); any table gives them).
T975 = {2: 4.302652729911275, 8: 2.306004135033371}

WORLD = """\
scenario: {scenario}
overrides:
  citizens.count: 300
  run.steps: 24
  run.snapshot_steps: []
  run.snapshot_every: 0
"""

LINE = WORLD + """\
name: line
description: Alpha's posting rate against a quiet Beta
seed: 21
parameters:
  states[0].posts_per_day: [2, 8, 16]
replicates: 3
arms:
  base: {{}}
  quiet_beta: {{states.1.posts_per_day: 0}}
summaries:
  - name: attitude
    metric: mean_attitude
    state: Alpha
  - name: beta_south
    metric: mean_attitude
    country: South
    state: Beta
  - name: favourable
    metric: favourable_share
    stat: mean
    from: 12
    country: each
    state: Alpha
"""

LHS = WORLD + """\
name: lhs
seed: 8
design: latin_hypercube
n: 5
parameters:
  states[0].posts_per_day: {{min: 1, max: 20}}
  citizens.activity_per_hour: {{min: 0.1, max: 0.4}}
replicates: 2
arms:
  base: {{}}
  quiet_beta: {{states.1.posts_per_day: 0}}
"""

GRID = WORLD + """\
name: grid
seed: 3
parameters:
  states[0].posts_per_day: [2, 16]
  citizens.activity_per_hour: [0.1, 0.3]
replicates: 2
arms:
  base: {{}}
  quiet_beta: {{states.1.posts_per_day: 0}}
summaries:
  - name: beta_south
    metric: mean_attitude
    country: South
    state: Beta
"""


def _sweep(dipsim, tmp_path_factory, name, text):
    folder = tmp_path_factory.mktemp(name)
    sweep_file = folder / f"{name}.yaml"
    sweep_file.write_text(text.format(scenario=DATA / "small.yaml"))
    out = folder / name
    res = subprocess.run([str(dipsim), "sweep", str(sweep_file), "-o", str(out), "--jobs", "2",
                          "--threads", "2", "-q"], capture_output=True, text=True, timeout=120,
                         cwd=ROOT)
    assert res.returncode == 0, res.stdout + res.stderr
    return out


@pytest.fixture(scope="module")
def line_sweep(dipsim, tmp_path_factory):
    """18 runs: posts_per_day in (2, 8, 16) x arms (base, quiet_beta) x 3 replicates."""
    return _sweep(dipsim, tmp_path_factory, "line", LINE)


@pytest.fixture(scope="module")
def grid_sweep(dipsim, tmp_path_factory):
    """16 runs: posts_per_day (2, 16) x activity (0.1, 0.3) x 2 arms x 2 replicates."""
    return _sweep(dipsim, tmp_path_factory, "grid", GRID)


def read_index_h5py(path):
    """The index exactly as docs/sweeps.md reads it (h5py + pandas)."""
    with h5py.File(path, "r") as f:
        columns = f["sweep/column"].asstr()[()]
        return pd.DataFrame({
            c: f[c].asstr()[()] if h5py.check_string_dtype(f[c].dtype) else f[c][()]
            for c in columns
        })


def metric_h5py(path, metric):
    """(steps, countries, states, values[step, country, state]) of a run, read with h5py."""
    with h5py.File(path, "r") as f:
        m = f["metrics"]
        return (m["step"][()], list(m["country"].asstr()[()]), list(m["state"].asstr()[()]),
                m[metric][()])


def t_ci(x, t):
    x = np.asarray(x, dtype=float)
    mean = x.mean()
    se = x.std(ddof=1) / np.sqrt(len(x))
    return mean, mean - t * se, mean + t * se


# ---------------------------------------------------------------------------------------------
# Loader


def test_open_sweep_joins_the_index_with_each_runs_metrics(line_sweep):
    df = da.open_sweep(line_sweep)
    index = read_index_h5py(line_sweep / "index.h5")
    assert len(index) == 18 and (index["status"] == "complete").all()
    assert len(df) == 18 * 2 * 2, "one row per run x country x state"
    # The index columns come first, unchanged, each repeated on its run's 4 rows.
    assert list(df.columns[:len(index.columns)]) == list(index.columns)
    per_run = df.drop_duplicates("run").reset_index(drop=True)
    for c in index.columns:
        got = per_run[c].astype(str) if c == "arm" else per_run[c]
        pd.testing.assert_series_equal(got.reset_index(drop=True), index[c], check_names=False)
    assert list(df["arm"].cat.categories) == ["base", "quiet_beta"]
    assert df.attrs["parameters"] == ["states[0].posts_per_day"]
    assert df.attrs["arms"] == {"base": "", "quiet_beta": "states[1].posts_per_day=0"}
    assert df.attrs["units"]["reach"] == "citizens" and df.attrs["units"]["attitude"] == "1"
    # Every metric value of every run against h5py: final = last row, _avg = mean of all rows.
    metrics = df.attrs["metrics"]
    assert {"mean_attitude", "favourable_share", "reach", "items_read"} <= set(metrics)
    for run, rows in df.groupby("run"):
        path = line_sweep / index.loc[run, "file"]
        assert rows["path"].iloc[0] == str(path.resolve())
        for metric in metrics:
            steps, countries, states, v = metric_h5py(path, metric)
            for r in rows.itertuples(index=False):
                c, s = countries.index(r.country), states.index(r.state)
                assert getattr(r, metric) == v[-1, c, s]
                assert getattr(r, metric + "_avg") == pytest.approx(v[:, c, s].mean(), abs=1e-12)
    # The engine's own summary (final mean attitude toward Alpha, mean over countries) agrees
    # with the loader's per-country values.
    alpha = df[df.state == "Alpha"].groupby("run")["mean_attitude"].mean()
    np.testing.assert_allclose(alpha.to_numpy(), index["attitude"].to_numpy(), atol=1e-12)
    south_beta = df[(df.state == "Beta") & (df.country == "South")].set_index("run")
    np.testing.assert_allclose(south_beta["mean_attitude"], index["beta_south"], atol=1e-12)


def test_open_sweep_reads_only_what_is_asked(line_sweep):
    # A window for the time averages, a subset of metrics, the index alone.
    w = da.open_sweep(line_sweep / "index.h5", metrics=["reach"], start=6, end=12)
    assert [c for c in w.columns if c.startswith("reach")] == ["reach", "reach_avg"]
    assert "mean_attitude" not in w.columns and w.attrs["window"] == (6, 12)
    row = w.iloc[5]
    steps, countries, states, v = metric_h5py(row["path"], "reach")
    keep = (steps >= 6) & (steps <= 12)
    assert keep.sum() == 7
    c, s = countries.index(row["country"]), states.index(row["state"])
    assert row["reach_avg"] == pytest.approx(v[keep, c, s].mean(), abs=1e-12)
    with pytest.raises(KeyError, match="no metric nonsense"):
        da.open_sweep(line_sweep, metrics=["nonsense"])
    idx = da.open_sweep(line_sweep, metrics=[])
    assert len(idx) == 18 and "country" not in idx.columns
    assert idx.attrs["units"]["beta_south"] == "1"  # from the summary's metric
    pd.testing.assert_frame_equal(idx.drop(columns="path"), da.read_index(line_sweep).drop(
        columns="path"))


def test_open_sweep_keeps_unfinished_runs_with_nan_metrics(line_sweep, dipsim, tmp_path):
    # Remove one run file and let the engine rebuild the index: that run is then pending.
    copy = shutil.copytree(line_sweep, tmp_path / "line")
    sweep_file = line_sweep.parent / "line.yaml"
    (copy / "p0001_base_r02.h5").unlink()
    res = subprocess.run([str(dipsim), "sweep", str(sweep_file), "--collect", "-o", str(copy)],
                         capture_output=True, text=True, timeout=60, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    df = da.open_sweep(copy, metrics=["mean_attitude"])
    assert len(df) == 72
    gone = df[df["file"] == "p0001_base_r02.h5"]
    assert (gone["status"] == "pending").all() and len(gone) == 4
    assert gone["mean_attitude"].isna().all() and gone["country"].notna().all()
    assert df["mean_attitude"].notna().sum() == 68
    curve = da.response_curve(df, "mean_attitude", "states[0].posts_per_day")
    n = curve.set_index(["arm", "country", "state", "states[0].posts_per_day"])["n"]
    assert n.loc[("base", "North", "Alpha", 8.0)] == 2
    assert n.loc[("base", "North", "Alpha", 2.0)] == 3
    # Its partner in the other arm is left out of the paired differences, not the others.
    diff = da.sweep_paired_difference(df, "mean_attitude").set_index(["point", "country",
                                                                     "state"])["n"]
    assert diff.loc[(1, "South", "Beta")] == 2 and diff.loc[(0, "South", "Beta")] == 3
    # The report says so and still summarises the complete runs.
    page = da.build_sweep_report(copy)
    assert "Warning: 17 of 18 runs complete</strong> (1 pending)" in page
    assert "<td>p0001_base_r02.h5</td><td>pending</td>" in page
    # 4 summary columns (attitude, beta_south, favourable.North/South) x (curves, differences)
    assert len(_images(page)) == page.count("<img") == 4 * 2


def test_not_a_sweep_is_refused_with_the_reason(tmp_path, line_sweep):
    with pytest.raises(da.SweepError, match="is a directory without index.h5"):
        da.open_sweep(tmp_path)
    with pytest.raises(da.SweepError, match="not a dipsim sweep index"):
        da.open_sweep(line_sweep / "p0000_base_r00.h5")  # a run file, not an index
    with pytest.raises(FileNotFoundError):
        da.open_sweep(tmp_path / "nowhere")
    assert da.is_sweep(line_sweep) and da.is_sweep(line_sweep / "index.h5")
    assert not da.is_sweep(tmp_path)


# ---------------------------------------------------------------------------------------------
# Summaries against hand computations


def test_response_curve_is_the_t_interval_over_replicates(line_sweep):
    df = da.open_sweep(line_sweep, metrics=["mean_attitude"])
    curve = da.response_curve(df, "mean_attitude", "states[0].posts_per_day")
    assert len(curve) == 2 * 2 * 2 * 3  # arm x country x state x value
    assert list(curve.columns[:4]) == ["arm", "country", "state", "states[0].posts_per_day"]
    assert (curve["n"] == 3).all()
    index = read_index_h5py(line_sweep / "index.h5")
    for arm, value, country, state in (("base", 8.0, "North", "Alpha"),
                                       ("quiet_beta", 16.0, "South", "Beta")):
        files = index[(index.arm == arm) & (index["states[0].posts_per_day"] == value)]["file"]
        x = []
        for name in files:
            _, countries, states, v = metric_h5py(line_sweep / name, "mean_attitude")
            x.append(v[-1, countries.index(country), states.index(state)])
        mean, lo, hi = t_ci(x, T975[2])
        row = curve[(curve.arm == arm) & (curve["states[0].posts_per_day"] == value)
                    & (curve.country == country) & (curve.state == state)].iloc[0]
        assert row["mean"] == pytest.approx(mean, abs=1e-12)
        assert row["t_crit"] == pytest.approx(T975[2], rel=1e-9)
        assert (row["ci_low"], row["ci_high"]) == (pytest.approx(lo, abs=1e-12),
                                                    pytest.approx(hi, abs=1e-12))
    # An index column is one value per run: the tidy frame's 4 rows per run count once.
    att = da.response_curve(df, "attitude", "states[0].posts_per_day")
    assert len(att) == 6 and (att["n"] == 3).all() and "country" not in att.columns
    base2 = index[(index.arm == "base") & (index["states[0].posts_per_day"] == 2.0)]["attitude"]
    assert att.iloc[0]["mean"] == pytest.approx(base2.mean(), abs=1e-12)
    assert t_ci([1.0, 2.0, 4.0], T975[2])[1] == pytest.approx(
        da.t_interval([1.0, 2.0, 4.0])["ci_low"], rel=1e-12)


def test_paired_difference_pairs_arms_by_point_and_replicate(line_sweep):
    df = da.open_sweep(line_sweep, metrics=["mean_attitude"])
    index = read_index_h5py(line_sweep / "index.h5")
    # Arms share the seed of a point and replicate (common random numbers).
    assert (index.groupby(["point", "replicate"])["seed"].nunique() == 1).all()
    diff = da.sweep_paired_difference(df, "mean_attitude")
    assert len(diff) == 3 * 2 * 2 and (diff["arm_a"] == "base").all()
    assert (diff["arm_b"] == "quiet_beta").all() and (diff["n"] == 3).all()
    d = []
    for r in range(3):
        vals = {}
        for arm in ("base", "quiet_beta"):
            name = index[(index.point == 1) & (index.replicate == r) & (index.arm == arm)]["file"]
            _, countries, states, v = metric_h5py(line_sweep / name.iloc[0], "mean_attitude")
            vals[arm] = v[-1, countries.index("South"), states.index("Beta")]
        d.append(vals["quiet_beta"] - vals["base"])
    mean, lo, hi = t_ci(d, T975[2])
    row = diff[(diff.point == 1) & (diff.country == "South") & (diff.state == "Beta")].iloc[0]
    assert row["mean_diff"] == pytest.approx(mean, abs=1e-12)
    assert (row["ci_low"], row["ci_high"]) == (pytest.approx(lo, abs=1e-12),
                                                pytest.approx(hi, abs=1e-12))
    # Silencing Beta changes South's view of Beta, and nothing at all about Alpha's posts count.
    assert (diff[(diff.state == "Beta") & (diff.country == "South")]["mean_diff"] != 0).all()
    # Pooled over the points: 9 pairs per group, t(0.975, 8).
    pooled = da.sweep_paired_difference(df, "beta_south", by=[])
    assert len(pooled) == 1 and pooled.iloc[0]["n"] == 9
    b = index[index.arm == "base"].set_index(["point", "replicate"])["beta_south"]
    q = index[index.arm == "quiet_beta"].set_index(["point", "replicate"])["beta_south"]
    mean, lo, hi = t_ci((q - b).to_numpy(), T975[8])
    assert pooled.iloc[0]["mean_diff"] == pytest.approx(mean, abs=1e-12)
    assert pooled.iloc[0]["ci_high"] == pytest.approx(hi, abs=1e-12)
    # Runs with different seeds are not pairs.
    bad = df.copy()
    bad.loc[(bad.arm == "quiet_beta") & (bad.point == 2) & (bad.replicate == 0), "seed"] += 1
    with pytest.raises(ValueError, match="different seeds at point 2, replicate 0"):
        da.sweep_paired_difference(bad, "mean_attitude")
    with pytest.raises(ValueError, match="no arm 'nope'"):
        da.sweep_paired_difference(df, "mean_attitude", arm_b="nope")


def test_heatmap_is_the_mean_over_replicates(grid_sweep):
    df = da.open_sweep(grid_sweep, metrics=["mean_attitude"])
    x, y = "states[0].posts_per_day", "citizens.activity_per_hour"
    table = da.sweep_heatmap(df, "mean_attitude", x, y, arm="quiet_beta", country="South",
                             state="Beta")
    assert list(table.columns) == [2.0, 16.0] and list(table.index) == [0.1, 0.3]
    assert (table.attrs["count"].to_numpy() == 2).all()
    index = read_index_h5py(grid_sweep / "index.h5")
    for yi in (0.1, 0.3):
        for xi in (2.0, 16.0):
            files = index[(index.arm == "quiet_beta") & (index[x] == xi) & (index[y] == yi)]["file"]
            vals = []
            for name in files:
                _, countries, states, v = metric_h5py(grid_sweep / name, "mean_attitude")
                vals.append(v[-1, countries.index("South"), states.index("Beta")])
            assert len(vals) == 2
            assert table.loc[yi, xi] == pytest.approx(np.mean(vals), abs=1e-12)
    # The index summary (the same quantity, computed by the engine) gives the same map.
    same = da.sweep_heatmap(df, "beta_south", x, y, arm="quiet_beta")
    np.testing.assert_allclose(same.to_numpy(), table.to_numpy(), atol=1e-12)
    with pytest.raises(ValueError, match="needs one country"):
        da.sweep_heatmap(df, "mean_attitude", x, y, arm="base", state="Beta")
    with pytest.raises(ValueError, match="needs one arm"):
        da.sweep_heatmap(df, "beta_south", x, y)


# ---------------------------------------------------------------------------------------------
# Plots


def test_sweep_plots_draw_the_numbers(line_sweep, grid_sweep):
    df = da.open_sweep(line_sweep, metrics=["mean_attitude"])
    curve = da.response_curve(df[(df.country == "South") & (df.state == "Beta")],
                              "mean_attitude", "states[0].posts_per_day")
    fig = da.plot_response_curves(curve)
    ax = fig.axes[0]
    bars = ax.containers  # one errorbar series per arm
    assert [b.get_label() for b in bars] == ["base", "quiet_beta"]
    lines = [b.lines[0] for b in bars]
    for ln, arm in zip(lines, ("base", "quiet_beta")):
        np.testing.assert_allclose(ln.get_ydata(), curve[curve.arm == arm]["mean"])
    assert lines[0].get_color().lower() == "#0072b2" and lines[1].get_color().lower() == "#e69f00"
    assert ax.get_ylabel() == "mean attitude (dimensionless)"
    assert ax.get_xlabel() == "states[0].posts_per_day"
    assert len(ax.collections) >= 2  # the CI bands (and error bars)

    g = da.open_sweep(grid_sweep, metrics=[])
    table = da.sweep_heatmap(g, "beta_south", "states[0].posts_per_day",
                             "citizens.activity_per_hour", arm="base")
    fig = da.plot_sweep_heatmap(table)
    mesh = fig.axes[0].collections[0]
    np.testing.assert_allclose(np.asarray(mesh.get_array()).reshape(2, 2), table.to_numpy())
    assert fig.axes[1].get_ylabel() == "beta south (dimensionless)"  # the colour bar
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["2", "16"]
    assert len(fig.axes[0].texts) == 4  # one value per cell

    diff = da.sweep_paired_difference(g, "beta_south")
    fig = da.plot_sweep_difference(diff)
    ax = fig.axes[0]
    labels = [b.get_label() for b in ax.containers]
    assert labels == ["quiet_beta − base · citizens.activity_per_hour=0.1",
                      "quiet_beta − base · citizens.activity_per_hour=0.3"]
    assert any(np.allclose(ln.get_ydata(), 0) for ln in ax.get_lines())  # the zero line
    assert ax.get_ylabel() == "Δ beta south (dimensionless)"


# ---------------------------------------------------------------------------------------------
# Report


def _images(page):
    return re.findall(r'<img\b[^>]*\bsrc="data:image/png;base64,([A-Za-z0-9+/=]+)"', page)


@pytest.fixture(scope="module")
def grid_report(grid_sweep, dipsim):
    """The grid sweep's report, written by `dipsim report SWEEP_DIR` (the binary passes its
    arguments to python3 -m dipsim_analysis report)."""
    out = grid_sweep.parent / "grid-report.html"
    res = subprocess.run([str(dipsim), "report", str(grid_sweep), "-o", str(out)],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert res.returncode == 0, res.stderr
    assert f"wrote {out}" in res.stdout
    return out


def test_sweep_report_is_one_self_contained_page(grid_sweep, grid_report):
    page = grid_report.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and "<title>Sweep grid</title>" in page
    assert not re.search(r"""(?:src|href)\s*=\s*["']?\s*(?:https?:)?//""", page, re.I)
    assert "<script" not in page.lower() and "<link" not in page.lower()
    # Response curves, heat map, paired differences of the one summary.
    images = _images(page)
    assert page.count("<img") == len(images) == 3
    for data in images:
        png = base64.b64decode(data, validate=True)
        assert png.startswith(PNG_MAGIC)
        pixels = mimage.imread(io.BytesIO(png), format="png")
        assert pixels.shape[0] > 200 and pixels.shape[1] > 300
    assert "Status: complete.</strong> All 16 runs are complete." in page
    info = da.sweep_info(grid_sweep)
    for text in ("Provenance", "Design", "Response curves", "Heat map",
                 "Paired arm differences", "states[0].posts_per_day",
                 "citizens.activity_per_hour", "quiet_beta", "states[1].posts_per_day=0",
                 "metric=mean_attitude stat=final country=South state=Beta",
                 info["git_revision"], "4 × 2 × 2 = 16 runs",
                 "<details>", "name: grid"):
        assert text in page, text
    # The difference table holds the numbers sweep_paired_difference computes.
    diff = da.sweep_paired_difference(da.open_sweep(grid_sweep, metrics=[]), "beta_south")
    for v in diff["mean_diff"]:
        assert f">{float(v):.4g}<" in page
    # Default output: next to the folder, SWEEP_DIR.html; also from the index's path.
    res = subprocess.run([sys.executable, "-m", "dipsim_analysis", "report",
                          str(grid_sweep / "index.h5"), "-q"], capture_output=True, text=True,
                         timeout=120, cwd=ROOT, env=ANALYSIS_ENV)
    assert res.returncode == 0 and res.stdout == "", res.stderr
    assert (grid_sweep.parent / "grid.html").exists()


def test_sweep_report_of_a_sampled_design(dipsim, tmp_path_factory):
    # Latin hypercube: every point has its own parameter values, so no heat map; the curves
    # are one marker per point (not joined), and the default summary (final mean attitude per
    # state, mean over countries) is what the page shows.
    folder = _sweep(dipsim, tmp_path_factory, "lhs", LHS)
    df = da.open_sweep(folder, metrics=[])
    assert df.attrs["design"] == "latin_hypercube" and len(df) == 20
    assert list(df.attrs["summaries"]) == ["mean_attitude.Alpha", "mean_attitude.Beta"]
    curve = da.response_curve(df, "mean_attitude.Beta", "citizens.activity_per_hour", by=[])
    assert len(curve) == 10 and (curve["n"] == 2).all()
    page = da.build_sweep_report(folder)
    assert "Status: complete." in page and "Heat map" not in page
    assert "Sampled design: each marker is one point" in page
    assert "(5 distinct values)" in page
    # Per summary: response curves (2 panels) and paired differences.
    assert len(_images(page)) == page.count("<img") == 4


def test_sweep_report_of_a_folder_that_is_not_a_sweep_fails_cleanly(tmp_path, run_cli):
    (tmp_path / "notes.txt").write_text("hi")
    res = run_cli("report", tmp_path, "-o", tmp_path / "r.html")
    assert res.returncode == 2
    assert f"dipsim report: error: {tmp_path}: is a directory without index.h5" in res.stderr
    assert res.stderr.count("\n") == 1 and not (tmp_path / "r.html").exists()


def test_sweep_report_renders_in_headless_chromium(grid_report, tmp_path):
    if not os.access(CHROMIUM, os.X_OK):
        pytest.fail(f"{CHROMIUM} not found: the browser test needs Debian's chromium; install "
                    "it with `bash scripts/setup.sh` (it is in its package list)")
    shot = tmp_path / "shot.png"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic",
           "--no-first-run", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", f"--user-data-dir={tmp_path / 'profile'}",
           f"--screenshot={shot}", "--window-size=1280,4000", grid_report.as_uri()]
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    assert res.returncode == 0 and shot.exists(), res.stderr[-2000:]
    img = mimage.imread(shot)
    assert img.shape[:2] == (4000, 1280)
    rgb = (img[..., :3] * 255).round().astype(int)

    def near(colour, tol=14):
        return int(np.all(np.abs(rgb - colour) <= tol, axis=-1).sum())

    non_white = np.any(rgb < 245, axis=-1).mean()
    print(f"screenshot: {non_white:.1%} non-white; blue {near([0, 114, 178])}, orange "
          f"{near([230, 159, 0])}, viridis ends {near([68, 1, 84])} / {near([253, 231, 37])}")
    assert non_white > 0.05, "the page rendered (almost) blank"
    # Pixels that only the embedded images have: the arms' Okabe-Ito blue and orange lines
    # (response curves) and the ends of the heat map's viridis scale (its lowest cell and the
    # colour bar). A broken image shows none of them.
    assert near([230, 159, 0]) > 300, "no orange: the response-curve image did not render"
    assert near([68, 1, 84]) > 300 and near([253, 231, 37]) > 300, \
        "no viridis ends: the heat map image did not render"
