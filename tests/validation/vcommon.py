"""Shared pieces of the validation suite: running dipsim presets, reading run files, result rows.

The suite (docs/validation.md) checks that dipsim, configured by the presets in
scenarios/validation/, reproduces classic models. Every check returns `Row`s that say what was
expected, what was measured, the tolerance and why; statistical checks print
"expecting X +- tol, got Y" (covasim `tests/test_utils.py` style).

Runs go through the command line (`dipsim run PRESET --seed S --set k=v ...`), one thread per
run, several runs at once (`JOBS`, default: the number of cores), into a scratch folder that is
removed once the wanted arrays have been read.
"""
from __future__ import annotations

import concurrent.futures as cf
import dataclasses
import math
import os
import pathlib
import shutil
import subprocess
import tempfile
from typing import Any, Callable, Iterable, Sequence

import h5py
import numpy as np

ROOT = pathlib.Path(__file__).resolve().parents[2]
PRESETS = ROOT / "scenarios" / "validation"
#: Unit roundoff of IEEE float32 (round to nearest): every float32 operation has a relative error
#: of at most U (Higham 2002, Accuracy and Stability of Numerical Algorithms, section 2.2).
U = 2.0 ** -24
#: Standard errors in a statistical tolerance: 3 SE make a false failure a ~0.3% event per check
#: for a normal estimate (two-sided), rare enough for a suite of ~30 checks run routinely (about
#: one false alarm in 11 full runs if all were independent and exactly normal).
K_SE = 3.0


def dipsim_path() -> pathlib.Path:
    """The dipsim executable: env DIPSIM, else the release build."""
    path = pathlib.Path(os.environ.get("DIPSIM", ROOT / "build/release/bin/dipsim"))
    if not path.exists():
        raise FileNotFoundError(f"dipsim binary not found at {path}; build it first "
                                "(cmake --build build/release)")
    return path


def precise_path() -> pathlib.Path | None:
    """The float64 build of dipsim (`cmake --preset precise`, attitudes in float64): env
    DIPSIM_PRECISE, else build/precise/bin/dipsim; None when it has not been built."""
    path = pathlib.Path(os.environ.get("DIPSIM_PRECISE", ROOT / "build/precise/bin/dipsim"))
    return path if path.exists() else None


def jobs() -> int:
    """Runs at once: env VALIDATION_JOBS, else the number of cores."""
    return max(1, int(os.environ.get("VALIDATION_JOBS", os.cpu_count() or 1)))


@dataclasses.dataclass
class Run:
    """One dipsim run: a preset (file name in scenarios/validation or a path), a seed, overrides."""
    preset: str
    seed: int
    sets: dict[str, Any] = dataclasses.field(default_factory=dict)
    threads: int = 1
    tag: Any = None  # anything the loader needs to know about the run (not passed to dipsim)
    binary: pathlib.Path | None = None  # another dipsim build (e.g. precise_path()); default DIPSIM

    def path(self) -> pathlib.Path:
        """A bare file name is a preset in scenarios/validation; anything else is a path
        (relative paths from the repository root)."""
        p = pathlib.Path(self.preset)
        if p.is_absolute():
            return p
        return ROOT / p if len(p.parts) > 1 else PRESETS / p


def yaml_value(v: Any) -> str:
    """A --set value written as YAML."""
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, (list, tuple)):
        return "[" + ", ".join(yaml_value(x) for x in v) + "]"
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {yaml_value(x)}" for k, x in v.items()) + "}"
    if isinstance(v, float):
        return repr(v)
    return str(v)


def run_dipsim(run: Run, out: pathlib.Path) -> pathlib.Path:
    """Runs dipsim once into `out`; raises RuntimeError with dipsim's message on failure."""
    cmd = [str(run.binary or dipsim_path()), "run", str(run.path()), "-o", str(out), "--force", "--quiet",
           "--seed", str(run.seed), "--threads", str(run.threads)]
    for k, v in run.sets.items():
        cmd += ["--set", f"{k}={yaml_value(v)}"]
    res = subprocess.run(cmd, capture_output=True, text=True, cwd=ROOT)
    if res.returncode != 0:
        raise RuntimeError(f"dipsim failed ({res.returncode}): {' '.join(cmd)}\n{res.stderr}")
    return out


def run_many(runs: Sequence[Run], load: Callable[[h5py.File, Run], Any],
             workers: int | None = None) -> list[Any]:
    """Runs every `Run` (in parallel, one thread each) and returns `load(file, run)` for each,
    in order. Run files are deleted after loading."""
    scratch = pathlib.Path(tempfile.mkdtemp(prefix="dipsim-validation-"))
    try:
        def one(i_run):
            i, r = i_run
            out = scratch / f"run{i}.h5"
            run_dipsim(r, out)
            with h5py.File(out, "r") as f:
                value = load(f, r)
            out.unlink()
            return value

        with cf.ThreadPoolExecutor(max_workers=workers or jobs()) as ex:
            return list(ex.map(one, enumerate(runs)))
    finally:
        shutil.rmtree(scratch, ignore_errors=True)


def snapshots(f: h5py.File, state: int = 0) -> np.ndarray:
    """Attitude snapshots as float64, shape (snapshot, citizen), for one state."""
    return f["snapshots/attitude"][:, :, state].astype(np.float64)


def follow_matrix(f: h5py.File, n: int):
    """Sparse adjacency A[i, j] = 1 if citizen i follows citizen j (from run.save_edges)."""
    import scipy.sparse as sp
    fr = f["graph/edge_follower"][:].astype(np.int64)
    to = f["graph/edge_followed"][:].astype(np.int64)
    keep = (fr < n) & (to < n)  # citizen-citizen edges only
    return sp.csr_matrix((np.ones(int(keep.sum())), (fr[keep], to[keep])), shape=(n, n))


def f32(x: float) -> float:
    """The value a scenario parameter has inside the engine (it is stored as float32)."""
    return float(np.float32(x))


@dataclasses.dataclass
class Row:
    """One line of the validation table."""
    model: str
    check: str
    target: str
    measured: str
    error: str
    tol: str
    status: str  # "pass", "FAIL", "xfail" (not reproducible), "XPASS" (unexpectedly reproduced)
    why: str = ""
    preset: str = ""

    @property
    def ok(self) -> bool:
        return self.status in ("pass", "xfail")


def fmt(x: float, digits: int = 4) -> str:
    if x is None or (isinstance(x, float) and math.isnan(x)):
        return "n/a"
    if isinstance(x, (int, np.integer)):
        return str(int(x))
    ax = abs(x)
    if ax != 0 and (ax < 1e-3 or ax >= 1e5):
        return f"{x:.2e}"
    return f"{x:.{digits}g}"


def expect(model: str, check: str, target: float, measured: float, tol: float, why: str,
           preset: str = "", xfail: bool = False, digits: int = 4,
           error: float | None = None) -> Row:
    """Compares a measured value with a target: passes if |measured - target| <= tol. Prints
    "expecting X +- tol, got Y". With xfail the row documents a known, explained mismatch."""
    err = abs(measured - target) if error is None else error
    passed = bool(err <= tol)
    status = ("XPASS" if passed else "xfail") if xfail else ("pass" if passed else "FAIL")
    print(f"[{model}] {check}: expecting {fmt(target, digits)} ± {fmt(tol, 2)}, got "
          f"{fmt(measured, digits)} (error {fmt(err, 2)}) -> {status}")
    return Row(model, check, fmt(target, digits), fmt(measured, digits), fmt(err, 2),
               fmt(tol, 2), status, why, preset)


def expect_range(model: str, check: str, lo: float, hi: float, measured: float, why: str,
                 preset: str = "", digits: int = 4) -> Row:
    """Passes if lo <= measured <= hi (one- or two-sided bounds; use -inf/inf)."""
    passed = bool(lo <= measured <= hi)
    if math.isinf(lo):
        target = f"<= {fmt(hi, digits)}"
    elif math.isinf(hi):
        target = f">= {fmt(lo, digits)}"
    else:
        target = f"[{fmt(lo, digits)}, {fmt(hi, digits)}]"
    status = "pass" if passed else "FAIL"
    print(f"[{model}] {check}: expecting {target}, got {fmt(measured, digits)} -> {status}")
    return Row(model, check, target, fmt(measured, digits), "", "bound", status, why, preset)


@dataclasses.dataclass
class Result:
    """What one model's check produced: table rows and the data of its figure."""
    name: str
    rows: list[Row]
    figure: dict = dataclasses.field(default_factory=dict)


def mean_se(x: Iterable[float]) -> tuple[float, float]:
    """Mean and its standard error (sample sd / sqrt(n); 0 for n < 2)."""
    a = np.asarray(list(x), dtype=float)
    if a.size < 2:
        return float(a.mean()), 0.0
    return float(a.mean()), float(a.std(ddof=1) / math.sqrt(a.size))


def assert_rows(rows: Sequence[Row]) -> None:
    """For pytest: fails listing every failed row (xfail rows are left to the caller)."""
    bad = [r for r in rows if r.status == "FAIL"]
    assert not bad, "\n".join(
        f"{r.model} / {r.check}: expecting {r.target} ± {r.tol}, got {r.measured} "
        f"({r.why})" for r in bad)
