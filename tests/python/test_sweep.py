"""End-to-end tests of `dipsim sweep`: a 108-run sweep (2 parameters x 3 arms x 6 replicates)
over a tiny world run locally, under MPI and as Slurm-style shards gives the same index; a sweep
killed with SIGKILL and resumed loses and duplicates nothing; the index reads into pandas as
docs/sweeps.md shows; failed runs keep their message; the Slurm scripts say what they should."""
import os
import shutil
import signal
import subprocess
import time

import h5py
import numpy as np
import pandas as pd
import pytest

from conftest import DATA, ROOT

# Everything but the wall time and the host, which differ from one execution to the next.
VOLATILE = ["wall_seconds", "host"]

SWEEP = """\
name: tiny
scenario: {scenario}
seed: 11
overrides:
  citizens.count: 300
  run.steps: 24
  run.snapshot_steps: []
  run.snapshot_every: 0
parameters:
  states[0].posts_per_day: [2, 8, 16]
  citizens.activity_per_hour: {{from: 0.1, to: 0.3, steps: 2}}
replicates: 6
arms:
  base: {{}}
  no_beta: {{states.1.posts_per_day: 0}}
  literate:
    countries[0].media_literacy: 0.9
summaries:
  - name: attitude
    metric: mean_attitude
    state: Alpha
  - name: favourable
    metric: favourable_share
    stat: mean
    from: 12
    country: each
    state: Alpha
  - name: reach_time
    metric: reach
    stat: time_to
    threshold: 50
    country: North
    state: Alpha
"""
NUM_RUNS = 3 * 2 * 3 * 6


def read_index(path):
    """The index as a DataFrame, exactly as docs/sweeps.md shows it (h5py + pandas)."""
    with h5py.File(path, "r") as f:
        columns = f["sweep/column"].asstr()[()]
        return pd.DataFrame({
            c: f[c].asstr()[()] if h5py.check_string_dtype(f[c].dtype) else f[c][()]
            for c in columns
        }).set_index("run")


def assert_same_index(a, b):
    cols = [c for c in a.columns if c not in VOLATILE]
    pd.testing.assert_frame_equal(a[cols], b[cols])


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweep") / "tiny.yaml"
    path.write_text(SWEEP.format(scenario=DATA / "small.yaml"))
    return path


def run_sweep(dipsim, *args, timeout=300, check=True):
    res = subprocess.run([str(dipsim), "sweep", *map(str, args)], capture_output=True, text=True,
                         timeout=timeout, cwd=ROOT)
    if check:
        assert res.returncode == 0, res.stdout + res.stderr
    return res


@pytest.fixture(scope="module")
def local_sweep(dipsim, sweep_file, tmp_path_factory):
    """The sweep run once, locally, two runs at a time: (folder, index, seconds)."""
    out = tmp_path_factory.mktemp("local") / "tiny"
    start = time.monotonic()
    res = run_sweep(dipsim, sweep_file, "-o", out, "--jobs", 2, "--threads", 2)
    seconds = time.monotonic() - start
    assert "index" in res.stdout
    return out, read_index(out / "index.h5"), seconds


def test_local_sweep_runs_every_run(local_sweep):
    out, df, seconds = local_sweep
    print(f"local sweep of {NUM_RUNS} runs (--jobs 2): {seconds:.2f} s")
    assert len(df) == NUM_RUNS
    assert (df["status"] == "complete").all(), df[df["status"] != "complete"]
    assert (df["error"] == "").all()
    assert list(df.index) == list(range(NUM_RUNS))
    # One file per (point, arm, replicate), named as documented.
    assert df.loc[0, "file"] == "p0000_base_r00.h5"
    assert df.loc[NUM_RUNS - 1, "file"] == "p0005_literate_r05.h5"
    assert sorted(p.name for p in out.glob("*.h5") if p.name != "index.h5") == sorted(df["file"])
    assert not list(out.glob("*.partial")) and not list(out.glob("*.error"))
    # Points: the first parameter varies slowest.
    points = df.groupby("point")[["states[0].posts_per_day", "citizens.activity_per_hour"]].first()
    assert points.values.tolist() == [[2, 0.1], [2, 0.3], [8, 0.1], [8, 0.3], [16, 0.1],
                                      [16, 0.3]]
    # Common random numbers: the seed depends on (point, replicate), not on the arm.
    assert (df.groupby(["point", "replicate"])["seed"].nunique() == 1).all()
    assert df["seed"].nunique() == 6 * 6
    # Every run file records the seed and the command that reproduces it alone.
    with h5py.File(out / df.loc[7, "file"], "r") as f:
        assert int(f.attrs["seed"]) == df.loc[7, "seed"]
        assert f.attrs["command_line"].startswith("dipsim run ")
        assert f"--set run.seed={df.loc[7, 'seed']}" in f.attrs["command_line"]
    # Summaries: present for complete runs; the arm changes the outcome somewhere.
    for c in ["attitude", "favourable.North", "favourable.South", "reach_time"]:
        assert c in df.columns
    assert np.isfinite(df["attitude"]).all()
    assert df.groupby("arm")["attitude"].mean().nunique() > 1


def test_summaries_match_the_run_files(local_sweep):
    out, df, _ = local_sweep
    row = df.loc[40]
    with h5py.File(out / row["file"], "r") as f:
        steps = f["metrics/step"][:]
        att = f["metrics/mean_attitude"][:]      # (step, country, state)
        fav = f["metrics/favourable_share"][:]
        reach = f["metrics/reach"][:]
    assert row["attitude"] == pytest.approx(att[-1, :, 0].mean(), abs=0, rel=1e-15)
    assert row["favourable.North"] == pytest.approx(fav[steps >= 12, 0, 0].mean(), rel=1e-15)
    crossed = steps[reach[:, 0, 0] >= 50]
    if len(crossed):
        assert row["reach_time"] == crossed[0]
    else:
        assert np.isnan(row["reach_time"])


def test_index_opens_in_xarray_with_run_dimension(local_sweep):
    xr = pytest.importorskip("xarray")
    out, df, _ = local_sweep
    with xr.open_dataset(out / "index.h5", engine="h5netcdf") as ds:
        assert ds.sizes["run"] == NUM_RUNS
        assert ds.attrs["format"] == "dipsim sweep index"
        table = ds.to_dataframe()
    assert_same_index(table[df.columns], df)


def test_mpi_sweep_gives_the_same_index(dipsim, sweep_file, local_sweep, tmp_path):
    mpirun = shutil.which("mpirun")
    if mpirun is None:
        pytest.skip("mpirun not installed (openmpi-bin)")
    out = tmp_path / "mpi"
    cmd = [mpirun, "-np", "2", "--oversubscribe", "--allow-run-as-root", str(dipsim), "sweep",
           str(sweep_file), "-o", str(out), "--mpi", "--threads", "1"]
    start = time.monotonic()
    res = subprocess.run(cmd, capture_output=True, text=True, timeout=300, cwd=ROOT,
                         env={**os.environ, "OMPI_MCA_rmaps_base_oversubscribe": "1"})
    seconds = time.monotonic() - start
    assert res.returncode == 0, res.stdout + res.stderr
    print(f"MPI sweep of {NUM_RUNS} runs (mpirun -np 2): {seconds:.2f} s; local: "
          f"{local_sweep[2]:.2f} s")
    assert "2 ranks" in res.stdout
    assert_same_index(read_index(out / "index.h5"), local_sweep[1])


def test_shards_then_collect_give_the_same_index(dipsim, sweep_file, local_sweep, tmp_path):
    # Shards as Slurm array tasks run them, one run at a time with 2 threads each (the local
    # sweep ran 2 at a time with 1 thread each): results do not depend on the thread count.
    out = tmp_path / "shards"
    for i in range(4):
        res = run_sweep(dipsim, sweep_file, "-o", out, "--shard", f"{i}/4", "--resume",
                        "--jobs", 1, "--threads", 2, "--quiet")
        assert res.stdout == ""
    res = run_sweep(dipsim, sweep_file, "-o", out, "--collect")
    assert f"{NUM_RUNS}/{NUM_RUNS} complete" in res.stdout
    assert_same_index(read_index(out / "index.h5"), local_sweep[1])
    with h5py.File(out / "p0000_base_r00.h5", "r") as f:
        assert int(f.attrs["threads"]) == 2


def test_resume_after_sigkill_loses_and_duplicates_nothing(dipsim, sweep_file, local_sweep,
                                                            tmp_path):
    out = tmp_path / "killed"
    proc = subprocess.Popen([str(dipsim), "sweep", str(sweep_file), "-o", str(out), "--jobs", "2",
                             "--quiet"], cwd=ROOT, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE)
    deadline = time.monotonic() + 120
    done = []
    while time.monotonic() < deadline:
        done = [p for p in out.glob("p*.h5")]
        if len(done) >= NUM_RUNS // 3 or proc.poll() is not None:
            break
        time.sleep(0.01)
    assert proc.poll() is None, "the sweep ended before it could be killed"
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    finished = {p.name for p in out.glob("p*.h5")}
    assert 0 < len(finished) < NUM_RUNS
    # Without --resume the folder is refused, and nothing in it is touched.
    refused = run_sweep(dipsim, sweep_file, "-o", out, check=False)
    assert refused.returncode == 2
    assert "already holds results" in refused.stderr and "--resume" in refused.stderr
    res = run_sweep(dipsim, sweep_file, "-o", out, "--resume", "--jobs", 2)
    assert f"kept {len(finished)} runs complete before" in res.stdout
    assert f"ran {NUM_RUNS - len(finished)} runs" in res.stdout
    df = read_index(out / "index.h5")
    assert_same_index(df, local_sweep[1])
    assert df["file"].is_unique
    files = sorted(p.name for p in out.iterdir() if p.is_file())
    assert files == sorted(list(df["file"]) + ["index.h5"]), "stray or missing files"
    # Runs finished before the kill were not run again.
    for name in finished:
        with h5py.File(out / name, "r") as f:
            assert f.attrs["status"] == "complete"


def test_failed_run_keeps_its_message_and_the_sweep_goes_on(dipsim, sweep_file, tmp_path):
    out = tmp_path / "failing"
    blocked = out / "p0001_no_beta_r03.h5"
    (blocked / "in_the_way").mkdir(parents=True)
    res = run_sweep(dipsim, sweep_file, "-o", out, "--resume", check=False)
    assert res.returncode == 1, res.stderr
    assert "1 run failed" in res.stderr
    df = read_index(out / "index.h5")
    bad = df[df["file"] == blocked.name].iloc[0]
    assert bad["status"] == "failed"
    assert "directory" in bad["error"]
    assert np.isnan(bad["attitude"])
    assert (df["status"] == "complete").sum() == NUM_RUNS - 1
    assert (out / (blocked.name + ".error")).read_text().strip() == bad["error"]


def test_info_describes_an_index(run_cli, local_sweep):
    out, _, _ = local_sweep
    res = run_cli("info", out / "index.h5")
    assert res.returncode == 0, res.stderr
    assert "sweep:       tiny (grid, 6 points x 3 arms x 6 replicates = 108 runs)" in res.stdout
    assert "progress:    108/108 complete (100.0 %)" in res.stdout
    assert "summaries (mean over complete runs):" in res.stdout


def test_slurm_script(dipsim, sweep_file, tmp_path):
    out = tmp_path / "cluster"
    res = run_sweep(dipsim, sweep_file, "-o", out, "--slurm", "--partition", "debug", "--time",
                    "00:10:00", "--cpus", 2, "--mem", "1G", "--array-parallel", 4, "--shards", 9)
    assert "submit with: bash" in res.stdout
    script = (out / "sweep.slurm").read_text()
    lines = script.splitlines()
    assert lines[0] == "#!/bin/bash"
    for directive in ["--job-name=dipsim-tiny", "--array=0-8%4", "--partition=debug",
                      "--time=00:10:00", "--cpus-per-task=2", "--mem=1G", "--ntasks=1",
                      f"--output={out}/slurm/%A_%a.out"]:
        assert f"#SBATCH {directive}" in lines, directive
    exe = os.path.realpath(dipsim)
    command = lines[-1]
    assert command.startswith(f"exec {exe} sweep {sweep_file} -o {out} ")
    assert '--shard "${SLURM_ARRAY_TASK_ID}/9" --resume' in command
    assert os.access(out / "sweep.slurm", os.X_OK)
    collect = (out / "collect.slurm").read_text()
    assert collect.splitlines()[-1] == f"exec {exe} sweep {sweep_file} -o {out} --collect"
    submit = (out / "submit.sh").read_text()
    assert "--dependency=afterany:${job}" in submit
    # Options Slurm would refuse are refused here.
    bad = run_sweep(dipsim, sweep_file, "-o", out, "--slurm", "--time", "soon", check=False)
    assert bad.returncode == 2 and "--time: expected a Slurm time" in bad.stderr
    needs = run_sweep(dipsim, sweep_file, "--partition", "x", check=False)
    assert needs.returncode == 2 and "--slurm" in needs.stderr


def test_sweep_file_errors_and_dry_run(dipsim, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(f"scenario: {DATA / 'small.yaml'}\nparameters:\n  citizens.cont: [1, 2]\n")
    res = run_sweep(dipsim, bad, check=False)
    assert res.returncode == 2
    assert f"{bad}:3:3: citizens.cont: unknown scenario key \"citizens.cont\"; did you mean " \
           "\"citizens.count\"?" in res.stderr
    assert not (ROOT / "sweeps" / "bad").exists()
    good = tmp_path / "good.yaml"
    good.write_text(f"scenario: {DATA / 'small.yaml'}\ndesign: sobol\nn: 4\nparameters:\n"
                    "  citizens.count: {min: 100, max: 900}\nreplicates: 2\n")
    res = run_sweep(dipsim, good, "--dry-run")
    assert "sweep good: 4 points (sobol) x 1 arm x 2 replicates = 8 runs" in res.stdout
    assert "point 1: citizens.count=500" in res.stdout
    assert not (ROOT / "sweeps" / "good").exists()


@pytest.mark.parametrize("name", sorted(p.name for p in (ROOT / "scenarios" / "sweeps").glob(
    "*.yaml")))
def test_example_sweeps_are_valid(dipsim, name):
    res = run_sweep(dipsim, ROOT / "scenarios" / "sweeps" / name, "--dry-run")
    assert " runs\n" in res.stdout
