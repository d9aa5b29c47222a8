"""End-to-end tests of the dipsim command line: run a scenario, read the file back with h5py and
xarray, check provenance, determinism across thread counts, errors and interrupts."""
import os
import signal
import subprocess
import time

import h5py
import numpy as np
import pytest

from conftest import DATA, ROOT


def run_small(run_cli, out, *extra):
    res = run_cli("run", DATA / "small.yaml", "-o", out, "--quiet", *extra)
    assert res.returncode == 0, res.stderr
    return out


def test_run_writes_complete_file_with_provenance(run_cli, tmp_path):
    out = run_small(run_cli, tmp_path / "run.h5", "--threads", "2")
    assert not (tmp_path / "run.h5.partial").exists()
    with h5py.File(out, "r") as f:
        a = f.attrs
        assert a["status"] == "complete"
        for key in ("dipsim_version", "git_revision", "scenario", "host", "command_line",
                    "start_time"):
            assert isinstance(a[key], str) and a[key], key
        assert int(a["seed"]) == 7
        assert int(a["threads"]) == 2
        assert float(a["wall_seconds"]) > 0
        assert "citizens:" in a["scenario"] and "count: 4000" in a["scenario"]
        assert a["start_time"].endswith("Z") and "T" in a["start_time"]
        m = f["metrics/mean_attitude"]
        assert m.shape == (49, 2, 2)  # step 0 (initial state) + 48 steps
        assert list(f["metrics/step"][:]) == list(range(49))
        assert [s.decode() if isinstance(s, bytes) else s for s in f["metrics/country"][:]] == [
            "North", "South"]
        # Dimension scales are attached to every metric.
        for name in ("mean_attitude", "favourable_share", "items_read", "reshares", "reach",
                     "attitude_variance"):
            ds = f["metrics/" + name]
            assert len(ds.dims) == 3
            assert [len(d) for d in ds.dims] == [1, 1, 1], name
            assert ds.attrs["units"] is not None
        att = f["metrics/mean_attitude"][:]
        assert np.all(np.abs(att) <= 1)
        reach = f["metrics/reach"][:]
        assert np.all(np.diff(reach, axis=0) >= 0), "reach is cumulative"
        # Snapshots at steps 0, 24 and 48 (snapshot_every: 48).
        assert list(f["snapshots/snapshot_step"][:]) == [0, 24, 48]
        assert f["snapshots/attitude"].shape == (3, 4000, 2)
        assert f["graph/node_country"].shape[0] == f.attrs.get("num_nodes", f["graph"].attrs[
            "num_nodes"])
        assert f["cascades/size"].shape == f["cascades/root_item"].shape


def test_xarray_opens_metrics_with_named_dims(run_cli, tmp_path):
    xr = pytest.importorskip("xarray")
    out = run_small(run_cli, tmp_path / "run.h5")
    ds = xr.open_dataset(out, group="metrics", engine="h5netcdf")
    assert set(ds["mean_attitude"].dims) == {"step", "country", "state"}
    assert list(ds["state"].values) == ["Alpha", "Beta"]
    final = ds["mean_attitude"].sel(country="North", state="Alpha").isel(step=-1)
    assert -1 <= float(final) <= 1


def test_same_seed_is_bit_identical_for_1_and_4_threads(run_cli, tmp_path):
    a = run_small(run_cli, tmp_path / "t1.h5", "--threads", "1")
    b = run_small(run_cli, tmp_path / "t4.h5", "--threads", "4")
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        names = []
        fa.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
        assert len(names) > 10
        for n in names:
            x, y = fa[n][()], fb[n][()]
            assert x.dtype == y.dtype and x.shape == y.shape, n
            if x.dtype == object:  # variable-length strings: compare values, not pointers
                assert x.tolist() == y.tolist(), n
            else:
                assert x.tobytes() == y.tobytes(), f"{n} differs between 1 and 4 threads"


def test_seed_flag_changes_the_run(run_cli, tmp_path):
    a = run_small(run_cli, tmp_path / "a.h5")
    b = run_small(run_cli, tmp_path / "b.h5", "--seed", "8")
    with h5py.File(a, "r") as fa, h5py.File(b, "r") as fb:
        assert int(fb.attrs["seed"]) == 8
        assert not np.array_equal(fa["metrics/mean_attitude"][:], fb["metrics/mean_attitude"][:])


def test_set_overrides_reach_the_run(run_cli, tmp_path):
    out = run_small(run_cli, tmp_path / "s.h5", "--set", "citizens.count=1000", "--set",
                    "run.steps=5")
    with h5py.File(out, "r") as f:
        assert f["metrics/mean_attitude"].shape == (6, 2, 2)
        assert int(f["graph"].attrs["num_citizens"]) == 1000


def test_existing_output_is_not_overwritten_without_force(run_cli, tmp_path):
    out = tmp_path / "keep.h5"
    out.write_bytes(b"precious")
    res = run_cli("run", DATA / "small.yaml", "-o", out, "--quiet")
    assert res.returncode != 0
    assert "exists" in res.stderr and str(out) in res.stderr
    assert out.read_bytes() == b"precious"
    res = run_cli("run", DATA / "small.yaml", "-o", out, "--quiet", "--force")
    assert res.returncode == 0, res.stderr
    with h5py.File(out, "r") as f:
        assert f.attrs["status"] == "complete"


def test_bad_scenario_exits_2_and_writes_nothing(run_cli, tmp_path):
    out = tmp_path / "never.h5"
    res = run_cli("run", DATA / "bad_range.yaml", "-o", out)
    assert res.returncode == 2
    assert "bad_range.yaml:5:" in res.stderr
    assert "states[0].credibility" in res.stderr
    assert not out.exists() and not (tmp_path / "never.h5.partial").exists()


def test_validate_prints_resolved_scenario_and_rejects_bad_set(run_cli):
    res = run_cli("validate", DATA / "small.yaml")
    assert res.returncode == 0, res.stderr
    assert "count: 4000" in res.stdout and 'ranking: "engagement"' in res.stdout
    res = run_cli("validate", DATA / "small.yaml", "--set", "citizens.cuont=3")
    assert res.returncode == 2
    assert "citizens.cuont" in res.stderr and "count" in res.stderr


def test_bad_flags_exit_2(run_cli):
    assert run_cli("run", DATA / "small.yaml", "--threads", "0").returncode == 2
    assert run_cli("run", DATA / "missing.yaml").returncode == 2
    assert run_cli("frobnicate").returncode == 2


def test_info_summarises_a_run(run_cli, tmp_path):
    out = run_small(run_cli, tmp_path / "i.h5")
    res = run_cli("info", out)
    assert res.returncode == 0, res.stderr
    assert "status:   complete" in res.stdout
    assert "metrics/mean_attitude" in res.stdout
    assert "North" in res.stdout and "Alpha" in res.stdout
    bad = tmp_path / "not.h5"
    bad.write_text("hello")
    res = run_cli("info", bad)
    assert res.returncode != 0 and str(bad) in res.stderr


def test_sigint_marks_file_interrupted_and_readable(dipsim, tmp_path):
    out = tmp_path / "slow.h5"
    proc = subprocess.Popen([str(dipsim), "run", str(DATA / "slow.yaml"), "-o", str(out),
                             "--quiet"], cwd=ROOT, stderr=subprocess.PIPE, text=True)
    partial = tmp_path / "slow.h5.partial"
    deadline = time.time() + 60
    # Wait until a few steps have been written, then interrupt.
    while time.time() < deadline:
        if partial.exists() and partial.stat().st_size > 0:
            time.sleep(1.0)
            break
        time.sleep(0.05)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err
    assert not out.exists(), "an interrupted run must not take the final name"
    with h5py.File(partial, "r") as f:
        assert f.attrs["status"] == "interrupted"
        steps = f["metrics/step"][:]
        # Row 0 is written before the first step; how many more depends on the machine's load.
        assert len(steps) >= 1
        assert f["metrics/mean_attitude"].shape[0] == len(steps)
        assert int(f.attrs["steps_done"]) == len(steps) - 1


def test_scenario_reference_is_current(run_cli):
    res = run_cli("reference")
    assert res.returncode == 0, res.stderr
    doc = (ROOT / "docs/scenario-reference.md").read_text()
    assert res.stdout == doc, ("docs/scenario-reference.md is stale: regenerate it with "
                               "`make docs`")


def test_every_shipped_scenario_validates(run_cli):
    scenarios = sorted((ROOT / "scenarios").rglob("*.yaml"))
    assert scenarios
    for s in scenarios:
        if "sweeps" in s.relative_to(ROOT / "scenarios").parts:
            continue  # sweep files, dry-run by test_sweep.py
        res = run_cli("validate", s)
        assert res.returncode == 0, f"{s}: {res.stderr}"


def test_every_metric_is_documented(run_cli, tmp_path):
    out = run_small(run_cli, tmp_path / "d.h5")
    doc = (ROOT / "docs/output-format.md").read_text()
    with h5py.File(out, "r") as f:
        for name in f["metrics"]:
            if name in ("step", "country", "state"):
                continue
            assert f"| `{name}` |" in doc, f"metric {name} missing from docs/output-format.md"
        for group in ("graph", "cascades"):
            for name in f[group]:
                assert f"`{group}/{name}`" in doc or f"`{group}/" in doc and name in doc, name


def test_report_subcommand_writes_html(run_cli, tmp_path):
    out = run_small(run_cli, tmp_path / "r.h5")
    html = tmp_path / "r.html"
    res = run_cli("report", out, "-o", html)
    assert res.returncode == 0, res.stderr
    text = html.read_text()
    assert "small test world" in text and "data:image/png;base64," in text
    res = run_cli("report", tmp_path / "missing.h5")
    assert res.returncode == 2 and "missing.h5" in res.stderr


def test_interrupted_run_resumes_to_identical_datasets(dipsim, run_cli, tmp_path):
    full = tmp_path / "full.h5"
    res = run_cli("run", DATA / "resume.yaml", "-o", full, "--quiet", "--threads", "2")
    assert res.returncode == 0, res.stderr
    out = tmp_path / "part.h5"
    proc = subprocess.Popen([str(dipsim), "run", str(DATA / "resume.yaml"), "-o", str(out),
                             "--quiet", "--threads", "1", "--checkpoint-every", "7"], cwd=ROOT,
                            stderr=subprocess.PIPE, text=True)
    checkpoint = tmp_path / "part.h5.checkpoint"
    deadline = time.time() + 60
    while time.time() < deadline and not checkpoint.exists():
        time.sleep(0.05)
    time.sleep(0.5)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    partial = tmp_path / "part.h5.partial"
    with h5py.File(partial, "r") as f:
        done = int(f.attrs["steps_done"])
    assert 0 < done < 400
    res = run_cli("run", "--resume", partial, "--quiet", "--threads", "2")
    assert res.returncode == 0, res.stderr
    assert out.exists() and not partial.exists() and not checkpoint.exists()
    with h5py.File(full, "r") as fa, h5py.File(out, "r") as fb:
        assert int(fb.attrs["resumed_from_step"]) == done
        names = []
        fa.visititems(lambda n, o: names.append(n) if isinstance(o, h5py.Dataset) else None)
        assert len(names) > 40
        for n in names:
            x, y = fa[n][()], fb[n][()]
            assert x.dtype == y.dtype and x.shape == y.shape, n
            if x.dtype == object:
                assert x.tolist() == y.tolist(), n
            else:
                assert x.tobytes() == y.tobytes(), f"{n} differs after resume"


def test_resume_errors(run_cli, tmp_path):
    out = run_small(run_cli, tmp_path / "done.h5")
    res = run_cli("run", "--resume", out)
    assert res.returncode == 2 and ".partial" in res.stderr
    res = run_cli("run", DATA / "small.yaml", "--resume", out)
    assert res.returncode == 2 and "not both" in res.stderr
    fake = tmp_path / "x.h5.partial"
    fake.write_text("nope")
    res = run_cli("run", "--resume", fake)
    assert res.returncode != 0 and str(fake) in res.stderr
