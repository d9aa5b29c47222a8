"""Faults and resource limits (docs/reliability.md): kill -9 at random moments of runs and sweeps,
then resume; I/O failures injected into every write, flush, close, create and rename of a run
and a sweep (the test binary dipsim-faults); file-system errors (missing, read-only and full
folders, a folder as output, the scenario as output); SIGINT/SIGTERM during a sweep; the memory
estimate against measured peak RSS, refusal and the sweep's memory cap; flat memory over steps.

Trials use seeded random delays, so a failure can be replayed: each assertion names its trial."""
import hashlib
import os
import random
import re
import shutil
import signal
import subprocess
import tempfile
import time

import h5py
import numpy as np
import pytest

from conftest import DATA, ROOT

SMALL = DATA / "small.yaml"
# A run that lasts long enough (~0.3-0.8 s) to be killed at many different moments. A feed
# window of 20 steps compacts the items every 20 steps, so that of checkpoints every 10 steps
# half come right after a compaction and half between two, and cascades finish during the run
# (about 2 600 in all: chunks of 1 024 finished rows (the least) reach the file before the end,
# and a resume writes them again from the run journal).
RUN_ARGS = ["--set", "citizens.count=2000", "--set", "run.steps=120", "--set",
            "run.snapshot_steps=[0,30,60]", "--set", "run.snapshot_every=0", "--set",
            "feed.window_steps=20", "--threads", "2", "--quiet"]
SWEEP = """\
name: rel
scenario: {scenario}
seed: 5
overrides:
  citizens.count: 600
  run.steps: 30
  run.snapshot_steps: [10]
  run.snapshot_every: 0
parameters:
  states[0].posts_per_day: [2, 8, 16]
replicates: 2
arms:
  base: {{}}
  literate:
    countries[0].media_literacy: 0.9
summaries:
  - name: attitude
    metric: mean_attitude
    state: Alpha
"""
SWEEP_RUNS = 3 * 2 * 2
# Index columns that differ between executions of the same run.
VOLATILE = {"wall_seconds", "host"}


def run(binary, *args, timeout=120, env=None, cwd=ROOT):
    return subprocess.run([str(binary), *map(str, args)], capture_output=True, text=True,
                          timeout=timeout, cwd=cwd, env=env)


def datasets(path):
    """Every dataset of an HDF5 file as {name: values} (strings decoded)."""
    out = {}
    with h5py.File(path, "r") as f:
        def visit(name, obj):
            if isinstance(obj, h5py.Dataset):
                v = obj[()]
                out[name] = v.tolist() if v.dtype == object else v
        f.visititems(visit)
    return out


def assert_same_datasets(a, b, what):
    da, db = datasets(a), datasets(b)
    assert sorted(da) == sorted(db), f"{what}: different datasets"
    for name in da:
        x, y = da[name], db[name]
        if isinstance(x, list):
            assert x == y, f"{what}: {name} differs"
        else:
            assert x.dtype == y.dtype and x.shape == y.shape, f"{what}: {name} shape or type"
            assert np.array_equal(x, y, equal_nan=True), f"{what}: {name} differs"


def status_of(path):
    with h5py.File(path, "r") as f:
        return f.attrs["status"]


def digest(path):
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def faults_binary(dipsim):
    path = dipsim.parent / "dipsim-faults"
    if not path.exists():
        pytest.skip(f"{path} not built (it is built with the tests, DIPSIM_BUILD_TESTS=ON)")
    return path


@pytest.fixture(scope="module")
def reference_run(dipsim, tmp_path_factory):
    out = tmp_path_factory.mktemp("ref") / "ref.h5"
    res = run(dipsim, "run", SMALL, "-o", out, *RUN_ARGS)
    assert res.returncode == 0, res.stderr
    return out


@pytest.fixture(scope="module")
def sweep_file(tmp_path_factory):
    path = tmp_path_factory.mktemp("sweepfile") / "rel.yaml"
    path.write_text(SWEEP.format(scenario=SMALL))
    return path


def read_index(path):
    with h5py.File(path, "r") as f:
        cols = [c for c in f["sweep/column"].asstr()[()] if c not in VOLATILE]
        return {c: (f[c].asstr()[()].tolist() if h5py.check_string_dtype(f[c].dtype)
                    else f[c][()].tolist()) for c in cols}


@pytest.fixture(scope="module")
def reference_sweep(dipsim, sweep_file, tmp_path_factory):
    out = tmp_path_factory.mktemp("refsweep") / "rel"
    res = run(dipsim, "sweep", sweep_file, "-o", out, "--jobs", 2, "--threads", 2, "--quiet")
    assert res.returncode == 0, res.stderr
    return out


# ---- kill -9 ----------------------------------------------------------------------------------

def check_run_state(out, trial):
    """A killed run leaves no file, a .partial that is running or interrupted, or a complete and
    whole file under the final name. Returns the state."""
    partial = out.with_name(out.name + ".partial")
    if out.exists():
        assert status_of(out) == "complete", trial
        with h5py.File(out, "r") as f:
            assert f["metrics/step"].shape == (121,), trial
            assert "cascades/size" in f and "scorecard/posts" in f, trial
        return "complete"
    if partial.exists():
        for p in (partial,):
            if p.exists():
                try:
                    st = status_of(p)
                except (OSError, KeyError, RuntimeError):
                    # Killed before the first flush of a fresh file, or while libhdf5 was
                    # writing metadata: HDF5 keeps no file consistent across a kill, so a
                    # .partial may not decode (a resume reads nothing from it).
                    st = "unreadable"
                # "complete" in a .partial: killed between writing the outcome and the rename
                # (a window of a close and a rename); it keeps its .partial name, so nothing
                # takes it for a finished run.
                assert st in ("running", "interrupted", "unreadable", "complete"), \
                    f"{trial}: {p.name} {st}"
        return "partial"
    return "absent"


def test_kill9_runs_then_resume_lose_and_duplicate_nothing(dipsim, reference_run, tmp_path):
    rng = random.Random(20261123)
    trials, resumed, states = 20, 0, {}
    # Kill moments are drawn over the length of an uninterrupted run on this machine (fast or
    # loaded), so that most trials end mid-run.
    t0 = time.perf_counter()
    res = run(dipsim, "run", SMALL, "-o", tmp_path / "timing.h5", *RUN_ARGS,
              "--checkpoint-every", "10")
    assert res.returncode == 0, res.stderr
    run_seconds = time.perf_counter() - t0
    for trial in range(trials):
        out = tmp_path / f"t{trial}" / "run.h5"
        out.parent.mkdir()
        proc = subprocess.Popen([str(dipsim), "run", str(SMALL), "-o", str(out), *RUN_ARGS,
                                 "--checkpoint-every", "10"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.0, 0.9 * run_seconds))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        state = check_run_state(out, f"trial {trial}")
        states[state] = states.get(state, 0) + 1
        checkpoint = out.with_name("run.h5.checkpoint")
        if state == "complete":
            assert_same_datasets(out, reference_run, f"trial {trial}")
            continue
        if not checkpoint.exists():
            continue  # killed before the first checkpoint: nothing to resume from
        # Resume; in every other trial kill the resume too, then resume again.
        partial = out.with_name("run.h5.partial")
        if trial % 2 == 1:
            proc = subprocess.Popen([str(dipsim), "run", "--resume", str(partial), "--quiet"],
                                    cwd=ROOT, stdout=subprocess.DEVNULL,
                                    stderr=subprocess.DEVNULL)
            time.sleep(rng.uniform(0.0, 0.5 * run_seconds))
            proc.send_signal(signal.SIGKILL)
            proc.wait(timeout=30)
            check_run_state(out, f"trial {trial} (resume killed)")
        if not out.exists():
            res = run(dipsim, "run", "--resume", partial, "--quiet")
            assert res.returncode == 0, f"trial {trial}: {res.stderr}"
        resumed += 1
        assert status_of(out) == "complete"
        assert_same_datasets(out, reference_run, f"trial {trial} resumed")
        leftovers = sorted(p.name for p in out.parent.iterdir())
        assert leftovers == ["run.h5"], f"trial {trial}: {leftovers}"
    print(f"kill -9 of runs: {trials} trials, states {states}, resumed {resumed}; "
          f"lost 0, duplicated 0")
    assert resumed >= trials // 3, f"too few trials reached a checkpoint: {states}"


def test_partial_that_says_complete_resumes_from_its_checkpoint(dipsim, reference_run,
                                                                tmp_path):
    # The state a kill leaves in the window between writing the outcome and the rename: a
    # .partial whose status says complete, beside its checkpoint. Made deterministically here
    # (SIGINT, then the status rewritten as the finishing writer would have) instead of hoping
    # a kill -9 lands in that window. Resume must continue from the checkpoint and give the
    # uninterrupted run.
    out = tmp_path / "run.h5"
    checkpoint = out.with_name("run.h5.checkpoint")
    partial = out.with_name("run.h5.partial")
    proc = subprocess.Popen([str(dipsim), "run", str(SMALL), "-o", str(out), *RUN_ARGS,
                             "--checkpoint-every", "10"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None and not checkpoint.exists():
        time.sleep(0.005)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    if out.exists():
        pytest.skip("the run finished before it could be interrupted")
    assert status_of(partial) == "interrupted"
    with h5py.File(partial, "r+") as f:
        f.attrs["status"] = "complete"
    res = run(dipsim, "run", "--resume", partial, "--quiet")
    assert res.returncode == 0, res.stderr
    assert status_of(out) == "complete"
    assert not partial.exists() and not checkpoint.exists()
    assert_same_datasets(out, reference_run, "resumed from a .partial that said complete")
    # Without its checkpoint there is nothing to continue from: a clear refusal, exit 2.
    other = tmp_path / "b" / "run.h5.partial"
    other.parent.mkdir()
    shutil.copy(out, other)
    res = run(dipsim, "run", "--resume", other, "--quiet")
    assert res.returncode == 2
    assert "checkpoint is gone" in res.stderr and str(other) in res.stderr


def test_resume_right_after_and_between_compactions_rewrites_finished_cascades(dipsim,
                                                                            reference_run,
                                                                            tmp_path):
    # Deterministic companion of the kill -9 trials: kill the run right after the checkpoint of
    # step 80 (a compaction step with the 20-step window) and, in a second run, of step 90
    # (between two), once the file holds written cascade chunks; the resumed file must equal
    # the uninterrupted one in every dataset (cascade rows in the same order).
    for at in (80, 90):
        out = tmp_path / f"at{at}" / "run.h5"
        out.parent.mkdir()
        checkpoint = out.with_name("run.h5.checkpoint")
        proc = subprocess.Popen([str(dipsim), "run", str(SMALL), "-o", str(out), *RUN_ARGS,
                                 "--checkpoint-every", "10"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        # Poll the checkpoint; a step takes a few ms, so the kill lands before the next one
        # (should it not, the resume starts from a later checkpoint, which must work as well).
        step, written = None, None
        while proc.poll() is None:
            try:
                with h5py.File(checkpoint, "r") as f:
                    step = int(f.attrs["step"])
                    written = int(f["state/run/cascade_rows_written"][0])
            except (OSError, KeyError):
                step = None
            if step is not None and step >= at:
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.0005)
        proc.wait(timeout=30)
        if step is None or step < at:
            pytest.skip(f"the run ended before its checkpoint of step {at} could be seen")
        # Checkpoints come every 10 steps: the one seen may be a later one if the run was quick.
        assert written > 0, f"no cascade chunk written by the checkpoint of step {step}"
        res = run(dipsim, "run", "--resume", out.with_name("run.h5.partial"), "--quiet")
        assert res.returncode == 0, res.stderr
        assert_same_datasets(out, reference_run, f"resumed from step {step}")
        print(f"resumed from the checkpoint of step {step} ({written} cascade rows written again "
              f"from the journal): datasets equal to the uninterrupted run")


def interrupted_with_checkpoint(dipsim, out, at_step):
    """Starts the RUN_ARGS run with checkpoints every 10 steps and stops it with SIGINT once a
    checkpoint of step >= at_step exists; returns False if the run ended first."""
    checkpoint = out.with_name(out.name + ".checkpoint")
    proc = subprocess.Popen([str(dipsim), "run", str(SMALL), "-o", str(out), *RUN_ARGS,
                             "--checkpoint-every", "10"], cwd=ROOT,
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    while proc.poll() is None:
        try:
            with h5py.File(checkpoint, "r") as f:
                if int(f.attrs["step"]) >= at_step:
                    break
        except (OSError, KeyError):
            pass
        time.sleep(0.0005)
    proc.send_signal(signal.SIGINT)
    proc.wait(timeout=60)
    return not out.exists()


def test_resume_reads_nothing_from_a_destroyed_partial(dipsim, reference_run, tmp_path):
    # The worst a kill can leave: a .partial whose HDF5 metadata no longer decodes. Here it is
    # overwritten with garbage after the run stopped past a cascade chunk and a snapshot; the
    # checkpoint and the journal alone must give the uninterrupted run's datasets.
    out = tmp_path / "run.h5"
    if not interrupted_with_checkpoint(dipsim, out, 70):
        pytest.skip("the run finished before it could be interrupted")
    partial = out.with_name("run.h5.partial")
    journal = out.with_name("run.h5.journal")
    assert journal.exists() and journal.stat().st_size > 2000 * 4
    partial.write_bytes(b"\x89HDF\r\n\x1a\n" + os.urandom(4096))
    res = run(dipsim, "run", "--resume", partial, "--quiet")
    assert res.returncode == 0, res.stderr
    assert_same_datasets(out, reference_run, "resumed beside a destroyed .partial")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.h5"]


def test_damaged_journal_is_refused_and_the_checkpoint_kept(dipsim, tmp_path):
    out = tmp_path / "run.h5"
    if not interrupted_with_checkpoint(dipsim, out, 70):
        pytest.skip("the run finished before it could be interrupted")
    partial = out.with_name("run.h5.partial")
    journal = out.with_name("run.h5.journal")
    checkpoint = out.with_name("run.h5.checkpoint")
    data = bytearray(journal.read_bytes())
    data[100] ^= 0x55  # inside the first record (the snapshot of step 0)
    journal.write_bytes(bytes(data))
    before = digest(checkpoint)
    res = run(dipsim, "run", "--resume", partial, "--quiet")
    assert res.returncode == 2, res.stderr
    assert "damaged (checksum)" in res.stderr and str(journal) in res.stderr, res.stderr
    assert digest(checkpoint) == before and partial.exists()
    # A journal cut shorter than its checkpoint counts is refused too.
    journal.write_bytes(bytes(data[:50]))
    res = run(dipsim, "run", "--resume", partial, "--quiet")
    assert res.returncode == 2 and "checkpoint counts" in res.stderr, res.stderr


def test_new_run_on_the_same_output_removes_an_old_checkpoint_and_journal(dipsim, tmp_path):
    # A checkpoint left by an earlier, interrupted run of RUN.h5 belongs to the .partial that a
    # new run of RUN.h5 replaces; left in place, a later --resume would continue the old run.
    out = tmp_path / "run.h5"
    if not interrupted_with_checkpoint(dipsim, out, 20):
        pytest.skip("the run finished before it could be interrupted")
    assert out.with_name("run.h5.checkpoint").exists()
    res = run(dipsim, "run", SMALL, "-o", out, "--set", "citizens.count=300", "--set",
              "run.steps=200", "--quiet")
    assert res.returncode == 0, res.stderr
    assert sorted(p.name for p in tmp_path.iterdir()) == ["run.h5"]


def test_kill9_sweeps_then_resume_lose_and_duplicate_nothing(dipsim, sweep_file,
                                                              reference_sweep, tmp_path):
    rng = random.Random(7)
    ref_index = read_index(reference_sweep / "index.h5")
    trials, kept_total = 6, 0
    for trial in range(trials):
        out = tmp_path / f"s{trial}"
        proc = subprocess.Popen([str(dipsim), "sweep", str(sweep_file), "-o", str(out), "--jobs",
                                 "2", "--threads", "2", "--quiet"], cwd=ROOT,
                                stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        time.sleep(rng.uniform(0.05, 1.0))
        proc.send_signal(signal.SIGKILL)
        proc.wait(timeout=30)
        complete_before = {}
        for p in out.glob("p*.h5"):
            assert status_of(p) == "complete", f"trial {trial}: {p.name}"
            complete_before[p.name] = digest(p)
        for p in out.glob("p*.h5.partial"):
            try:
                st = status_of(p)
            except OSError:
                st = "unreadable"  # killed before the file's first flush
            # "complete" in a .partial: killed between the outcome and the rename (see
            # check_run_state); --resume runs it again.
            assert st in ("running", "interrupted", "unreadable", "complete"), \
                f"trial {trial}: {p.name}"
        if (out / "index.h5").exists():
            read_index(out / "index.h5")  # the index is always whole
        res = run(dipsim, "sweep", sweep_file, "-o", out, "--resume", "--jobs", 2, "--quiet")
        assert res.returncode == 0, f"trial {trial}: {res.stderr}"
        kept_total += len(complete_before)
        assert read_index(out / "index.h5") == ref_index, f"trial {trial}: index differs"
        files = sorted(p.name for p in out.iterdir())
        assert files == sorted(ref_index["file"] + ["index.h5"]), f"trial {trial}: {files}"
        for name in ref_index["file"]:
            assert_same_datasets(out / name, reference_sweep / name, f"trial {trial} {name}")
        for name, before in complete_before.items():
            assert digest(out / name) == before, f"trial {trial}: {name} was run again"
    print(f"kill -9 of sweeps: {trials} trials of {SWEEP_RUNS} runs, {kept_total} runs kept "
          f"complete across kills; lost 0, duplicated 0")


# ---- injected I/O failures ----------------------------------------------------------------------

OPS = ("create", "write", "flush", "close", "rename")
FAULT_RUN = ["--set", "citizens.count=200", "--set", "run.steps=3", "--set",
             "run.snapshot_steps=[2]", "--set", "run.snapshot_every=0", "--threads", "1",
             "--checkpoint-every", "1", "--quiet"]


def count_ops(binary, args, cwd, tmp_path):
    counts_file = tmp_path / "counts.txt"
    env = dict(os.environ, DIPSIM_FAULT_COUNT=str(counts_file))
    res = run(binary, *args, env=env, cwd=cwd)
    assert res.returncode == 0, res.stderr
    counts = dict(line.split() for line in counts_file.read_text().splitlines())
    return {op: int(n) for op, n in counts.items()}


def no_file_claims_complete(folder, allowed):
    for p in folder.rglob("*"):
        if p.is_file() and p.name not in allowed:
            try:
                st = status_of(p)
            except (OSError, KeyError):
                continue  # unreadable, or not a run file (checkpoint, error text)
            assert st != "complete", f"{p.name} claims complete"


def test_every_injected_io_failure_of_a_run_is_reported_and_nothing_claims_complete(
        faults_binary, tmp_path):
    work = tmp_path / "w"
    work.mkdir()
    counts = count_ops(faults_binary, ["run", SMALL, "-o", work / "probe.h5", *FAULT_RUN], ROOT,
                       tmp_path)
    (work / "probe.h5").unlink()
    assert counts["write"] > 100 and counts["rename"] >= 2 and counts["close"] >= 2, counts
    existing = work / "out.h5"
    existing.write_bytes(b"an earlier result that must survive every failure")
    before = digest(existing)
    cases = 0
    for op in OPS:
        # Every point of the rarer kinds; of the hundreds of writes, the first 12 (the file's
        # creation), the last 6 (finish) and 40 spread evenly over the rest (the steps), so the
        # test stays within seconds.
        total = counts[op]
        picks = set(range(1, total + 1))
        if total > 60:
            picks = (set(range(1, 13)) | set(range(total - 5, total + 1))
                     | {int(round(x)) for x in np.linspace(13, total - 6, 40)})
        for n in sorted(picks):
            env = dict(os.environ, DIPSIM_FAULT=f"{op}:{n}")
            res = run(faults_binary, "run", SMALL, "-o", existing, "--force", *FAULT_RUN,
                      env=env)
            case = f"{op}:{n}"
            assert res.returncode != 0, f"{case} succeeded"
            assert f"injected fault ({op})" in res.stderr, f"{case}: {res.stderr}"
            assert "out.h5" in res.stderr and "cannot " in res.stderr, f"{case}: {res.stderr}"
            assert digest(existing) == before, f"{case}: the earlier out.h5 was touched"
            no_file_claims_complete(work, {"out.h5"})
            for p in work.iterdir():
                if p.name != "out.h5":
                    p.unlink()
            cases += 1
    print(f"injected I/O failures of a run: {cases} cases of "
          + ", ".join(f"{op} {counts[op]}" for op in OPS) + "; all reported, none complete")


def test_injected_io_failures_of_a_sweep_leave_earlier_runs_and_the_index_untouched(
        faults_binary, dipsim, sweep_file, reference_sweep, tmp_path):
    base = tmp_path / "base"
    shutil.copytree(reference_sweep, base)
    redo = ["p0001_base_r00.h5", "p0002_literate_r01.h5"]
    for name in redo:
        (base / name).unlink()
    probe = tmp_path / "probe"
    shutil.copytree(base, probe)
    counts = count_ops(faults_binary, ["sweep", sweep_file, "-o", probe, "--resume", "--jobs",
                                       "1", "--threads", "1", "--quiet"], ROOT, tmp_path)
    kept = {p.name: digest(p) for p in base.glob("p*.h5")}
    index_before = digest(base / "index.h5")
    rng = random.Random(3)
    cases = 0
    for op in OPS:
        total = counts[op]
        picks = sorted(set(range(1, total + 1)) if total <= 8 else
                       set(rng.sample(range(2, total), 6)) | {1, total})
        for n in picks:
            out = tmp_path / f"{op}{n}"
            shutil.copytree(base, out)
            env = dict(os.environ, DIPSIM_FAULT=f"{op}:{n}")
            res = run(faults_binary, "sweep", sweep_file, "-o", out, "--resume", "--jobs", 1,
                      "--threads", 1, "--quiet", env=env)
            case = f"{op}:{n}"
            assert res.returncode != 0, f"{case} succeeded"
            assert f"injected fault ({op})" in res.stderr, f"{case}: {res.stderr}"
            assert re.search(r"p000\d_\w+_r0\d\.h5|index\.h5", res.stderr), case
            for name, d in kept.items():
                assert digest(out / name) == d, f"{case}: earlier run {name} touched"
            idx = digest(out / "index.h5")
            if idx != index_before:  # a new index was written: it must be whole and honest
                table = read_index(out / "index.h5")
                for f, st in zip(table["file"], table["status"]):
                    if st == "complete":
                        assert status_of(out / f) == "complete", case
            for name in redo:
                p = out / name
                if p.exists():  # only a run that completed before the fault has its final name
                    assert status_of(p) == "complete", case
            no_file_claims_complete(out, set(kept) | set(redo))
            assert not list(out.glob("index.h5.tmp*")), f"{case}: temporary index left"
            shutil.rmtree(out)
            cases += 1
    print(f"injected I/O failures of a sweep: {cases} cases over "
          + ", ".join(f"{op} {counts[op]}" for op in OPS))


# ---- file-system errors -----------------------------------------------------------------------

def test_missing_folder_folder_as_output_and_scenario_as_output(dipsim, tmp_path):
    res = run(dipsim, "run", SMALL, "-o", tmp_path / "nope" / "r.h5", "--quiet")
    assert res.returncode == 1 and "does not exist" in res.stderr and "nope" in res.stderr
    assert not (tmp_path / "nope").exists()
    (tmp_path / "dir.h5").mkdir()
    res = run(dipsim, "run", SMALL, "-o", tmp_path / "dir.h5", "--quiet")
    assert res.returncode == 1 and "is a directory" in res.stderr
    assert list((tmp_path / "dir.h5").iterdir()) == []
    scenario = tmp_path / "s.yaml"
    shutil.copy(SMALL, scenario)
    before = digest(scenario)
    res = run(dipsim, "run", scenario, "-o", scenario, "--force", "--quiet")
    assert res.returncode == 2 and "is the scenario file itself" in res.stderr, res.stderr
    assert digest(scenario) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["dir.h5", "s.yaml"]


@pytest.fixture
def tmpfs(tmp_path):
    """Mounts a small tmpfs (needs root and a kernel that lets this container mount)."""
    mounted = []

    def mount(size, read_only=False):
        point = tmp_path / f"mnt{len(mounted)}"
        point.mkdir()
        res = subprocess.run(["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs",
                              str(point)], capture_output=True, text=True)
        if res.returncode != 0:
            pytest.skip(f"cannot mount a tmpfs here ({res.stderr.strip() or 'not root'}); "
                        "read-only and full-disk cases need one")
        mounted.append(point)
        if read_only:
            res = subprocess.run(["mount", "-o", "remount,ro", str(point)],
                                 capture_output=True, text=True)
            if res.returncode != 0:
                pytest.skip(f"cannot remount the tmpfs read-only: {res.stderr.strip()}")
        return point

    yield mount
    for point in mounted:
        subprocess.run(["umount", "-l", str(point)], capture_output=True)


def test_read_only_folder(dipsim, tmpfs):
    # chmod cannot stop root (tests run as root in CI); a read-only mount can.
    point = tmpfs("1m", read_only=True)
    res = run(dipsim, "run", SMALL, "-o", point / "r.h5", "--quiet")
    assert res.returncode == 1, res.stderr
    assert "not writable" in res.stderr and "r.h5" in res.stderr
    assert list(point.iterdir()) == []


def test_full_disk_fails_cleanly(dipsim, tmpfs, tmp_path):
    point = tmpfs("96k")
    (point / "earlier.h5").write_bytes(b"x" * 1000)
    res = run(dipsim, "run", SMALL, "-o", point / "r.h5", "--quiet")
    assert res.returncode == 1, res.stdout + res.stderr
    assert "r.h5" in res.stderr and "cannot" in res.stderr, res.stderr
    assert not (point / "r.h5").exists()
    no_file_claims_complete(point, {"earlier.h5"})
    assert (point / "earlier.h5").read_bytes() == b"x" * 1000
    # The same run with room to spare completes: the failure was the disk.
    res = run(dipsim, "run", SMALL, "-o", tmp_path / "r.h5", "--quiet")
    assert res.returncode == 0


# ---- signals during a sweep ---------------------------------------------------------------------

def wait_for_runs(out, proc, count, timeout=60):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and proc.poll() is None:
        if len(list(out.glob("p*.h5"))) >= count:
            return
        time.sleep(0.01)


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGTERM])
def test_signal_stops_a_sweep_cleanly(dipsim, sweep_file, reference_sweep, tmp_path, sig):
    out = tmp_path / "sig"
    proc = subprocess.Popen([str(dipsim), "sweep", str(sweep_file), "-o", str(out), "--jobs",
                             "2", "--threads", "2", "--quiet"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_runs(out, proc, 2)
    assert proc.poll() is None, "the sweep ended before the signal"
    proc.send_signal(sig)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130, err
    assert "interrupted" in err and "--resume" in err
    table = read_index(out / "index.h5")
    for f, st in zip(table["file"], table["status"]):
        assert st in ("complete", "interrupted", "pending"), f"{f}: {st}"
        if st == "complete":
            assert status_of(out / f) == "complete"
        elif st == "interrupted":
            assert status_of(out / (f + ".partial")) == "interrupted"
        else:
            assert not (out / f).exists() and not (out / (f + ".partial")).exists()
    res = run(dipsim, "sweep", sweep_file, "-o", out, "--resume", "--quiet")
    assert res.returncode == 0, res.stderr
    assert read_index(out / "index.h5") == read_index(reference_sweep / "index.h5")


def test_second_sigint_exits_at_once_without_corrupting_the_index(dipsim, sweep_file,
                                                                  reference_sweep, tmp_path):
    out = tmp_path / "twice"
    proc = subprocess.Popen([str(dipsim), "sweep", str(sweep_file), "-o", str(out), "--jobs",
                             "2", "--threads", "2", "--quiet"], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for_runs(out, proc, 1)
    assert proc.poll() is None
    proc.send_signal(signal.SIGINT)
    proc.send_signal(signal.SIGINT)
    start = time.monotonic()
    proc.communicate(timeout=30)
    assert proc.returncode == 130
    assert time.monotonic() - start < 5
    if (out / "index.h5").exists():
        read_index(out / "index.h5")  # whole: written to a temporary name, then renamed
    res = run(dipsim, "sweep", sweep_file, "-o", out, "--resume", "--quiet")
    assert res.returncode == 0, res.stderr
    assert read_index(out / "index.h5") == read_index(reference_sweep / "index.h5")
    assert not list(out.glob("index.h5.tmp*")), "the killed process's temporary index remains"


# ---- memory -------------------------------------------------------------------------------------

def estimate_of(dipsim, *sets):
    res = run(dipsim, "validate", ROOT / "scenarios/demo.yaml", *sets)
    assert res.returncode == 0, res.stderr
    m = re.search(r"# memory estimate: ([\d.]+) (MiB|GiB) peak", res.stdout)
    assert m, res.stdout[:500]
    return float(m.group(1)) * (1024 if m.group(2) == "GiB" else 1)


def peak_rss_mib(cmd):
    """Peak resident memory of a command in MiB (GNU time's %M, else getrusage of children)."""
    if os.path.exists("/usr/bin/time"):
        res = subprocess.run(["/usr/bin/time", "-f", "%M", *map(str, cmd)], capture_output=True,
                             text=True, cwd=ROOT, timeout=300)
        assert res.returncode == 0, res.stderr
        return int(res.stderr.strip().splitlines()[-1]) / 1024
    code = ("import resource, subprocess, sys; subprocess.run(sys.argv[1:], check=True, "
            "stdout=subprocess.DEVNULL); "
            "print(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss)")
    res = subprocess.run(["/usr/bin/python3", "-c", code, *map(str, cmd)], capture_output=True,
                         text=True, cwd=ROOT, timeout=300)
    assert res.returncode == 0, res.stderr
    return int(res.stdout) / 1024


def test_estimate_against_measured_peak_rss(dipsim, tmp_path):
    # Tolerance: the estimate must not be below the measured peak (it is used to refuse runs and
    # to cap sweeps, so it errs high) and at most 1.5 x the peak + 4 MiB (page and allocator
    # granularity): a cautious estimate must not refuse runs that would fit easily.
    rows = []
    for n in (2000, 40000, 120000):
        sets = ["--set", f"citizens.count={n}", "--set", "run.steps=24"]
        est = estimate_of(dipsim, *sets)
        peak = peak_rss_mib([dipsim, "run", ROOT / "scenarios/demo.yaml", "-o",
                             tmp_path / f"m{n}.h5", "--quiet", "--threads", "2", *sets])
        rows.append((n, est, peak))
        print(f"citizens {n:>7}: estimate {est:7.1f} MiB, measured peak {peak:7.1f} MiB, "
              f"ratio {est / peak:.2f}")
        assert peak <= est <= 1.5 * peak + 4, (n, est, peak)


def test_run_refused_when_the_estimate_exceeds_max_memory(dipsim, tmp_path):
    res = run(dipsim, "run", SMALL, "-o", tmp_path / "r.h5", "--max-memory", "10M")
    assert res.returncode == 2, res.stderr
    assert "estimated" in res.stderr and "10.0 MiB (--max-memory)" in res.stderr
    assert list(tmp_path.iterdir()) == []
    res = run(dipsim, "run", SMALL, "-o", tmp_path / "r.h5", "--max-memory", "lots")
    assert res.returncode == 2 and "expected a size" in res.stderr
    res = run(dipsim, "run", SMALL, "-o", tmp_path / "r.h5", "--max-memory", "2G", "--quiet")
    assert res.returncode == 0, res.stderr


def test_sweep_runs_no_more_at_a_time_than_memory_allows(dipsim, sweep_file, tmp_path):
    res = run(dipsim, "validate", SMALL, "--set", "citizens.count=600", "--set", "run.steps=30",
              "--set", "states[0].posts_per_day=16")
    per_run = float(re.search(r"# memory estimate: ([\d.]+) MiB", res.stdout).group(1))
    limit = int(per_run * 2.5 * 1024 * 1024)
    out = tmp_path / "cap"
    proc = subprocess.Popen([str(dipsim), "sweep", str(sweep_file), "-o", str(out), "--jobs", "4",
                             "--threads", "4", "--max-memory", str(limit)], cwd=ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    most = 0  # runs seen in flight at once (.partial files)
    while proc.poll() is None:
        if out.exists():
            most = max(most, len(list(out.glob("*.partial"))))
        time.sleep(0.002)
    stdout, stderr = proc.communicate()
    assert proc.returncode == 0, stderr
    assert "memory allows 2 at a time" in stdout, stdout
    assert most <= 2, f"{most} runs at once"


def test_memory_stays_flat_over_steps(dipsim, tmp_path):
    # Peak RSS after N and 8N steps. Everything per step (metric rows, snapshots, finished
    # cascades) goes to the file, and item compaction keeps the items of about two feed windows
    # (24 steps each here), so the model's memory does not grow with the run: the 85 000 more
    # items posted in the extra 1 400 steps would take ~8 MiB in a store that kept them all (it
    # did before compaction: 27.1 -> 35.3 MiB). What still grows is HDF5's: it keeps the v1
    # B-tree nodes of each chunked dataset's chunk index in memory (~9 KiB per node),
    # 0.25-0.5 KiB per step here (0.35-0.7 MiB measured over the extra steps), plus 28 B per step of platform
    # counts and item step index. Allowed: 1.5 MiB.
    sets = ["--set", "run.snapshot_every=0", "--set", "run.snapshot_steps=[0]", "--threads", "2",
            "--quiet"]
    peaks, items, cascades = {}, {}, {}
    for steps in (200, 1600):
        out = tmp_path / f"f{steps}.h5"
        peaks[steps] = peak_rss_mib([dipsim, "run", SMALL, "-o", out, "--set",
                                     f"run.steps={steps}", *sets])
        with h5py.File(out, "r") as f:
            items[steps] = int(f["cascades"].attrs["num_items"])
            cascades[steps] = f["cascades/root_item"].shape[0]
    growth = peaks[1600] - peaks[200]
    print(f"peak RSS {peaks[200]:.1f} MiB after 200 steps, {peaks[1600]:.1f} MiB after 1600 "
          f"({items[1600] - items[200]} more items posted, {cascades[1600]} cascades written; "
          f"growth {growth:+.2f} MiB, allowed 1.5 MiB)")
    # The long run did post many more items (whose store would have grown by ~70 B each).
    assert items[1600] > 7 * items[200], items
    assert growth <= 1.5, (peaks, items)
