"""Sweeps: load a sweep folder (``index.h5`` plus one run file per point × arm × replicate, see
docs/sweeps.md) as one tidy pandas frame, and summarise it over replicates.

The frame of :func:`open_sweep` has one row per **run × country × state**: the index's columns
(``run``, ``point``, one per parameter, ``arm``, ``replicate``, ``seed``, ``file``, ``status``,
…, and the index's own summary columns), the run file's ``path``, ``country``, ``state``, and per
metric two columns read from the run file: ``<metric>`` (the value at the last step, as
:func:`dipsim_analysis.final_values`) and ``<metric>_avg`` (the mean over the steps of a window,
as :func:`dipsim_analysis.time_average`). Only the ``metrics/`` datasets asked for are read, and
of each only its last row and the window; snapshots, graphs and cascades are never touched.

Summaries over replicates (each with a Student-t interval,
mean ± t(1 − α/2, n − 1) · s/√n):

- :func:`response_curve`: a metric against one swept parameter, per arm;
- :func:`sweep_paired_difference`: arm B − arm A paired by point and replicate (the arms of a
  point and replicate share their seed: common random numbers);
- :func:`sweep_heatmap`: the mean of a metric over two parameters.
"""
from __future__ import annotations

import os
import pathlib
from collections.abc import Iterable, Sequence
from typing import Any

import h5py
import numpy as np
import pandas as pd
from scipy import stats

from .load import RunFileError, _py

#: Value of the root attribute ``format`` of a sweep index.
INDEX_FORMAT = "dipsim sweep index"
#: Index layout versions this package reads.
SUPPORTED_INDEX_VERSIONS = (1,)
#: Suffix of the time-average columns of :func:`open_sweep`.
AVG_SUFFIX = "_avg"
#: Statistic columns of the summaries (everything else in their output is a key).
_STAT_COLUMNS = ("metric", "n", "mean", "sd", "se", "t_crit", "ci_low", "ci_high", "confidence")


class SweepError(RunFileError):
    """A path that cannot be read as a dipsim sweep (no index, not an index, unknown version).

    The message starts with the path and says why. A subclass of
    :class:`dipsim_analysis.RunFileError` (so of ``ValueError``).
    """


def resolve_sweep_path(path: str | os.PathLike[str]) -> tuple[pathlib.Path, pathlib.Path]:
    """The sweep folder and its index for a folder or an ``index.h5`` path.

    Args:
        path (str | os.PathLike): the sweep folder (``sweeps/NAME``) or its ``index.h5``.
    Returns:
        tuple[pathlib.Path, pathlib.Path]: ``(folder, index)``.
    Raises:
        FileNotFoundError: no such file or folder.
        SweepError: a folder without ``index.h5``, or a file that is not a sweep index.
    """
    p = pathlib.Path(path)
    if p.is_dir():
        index = p / "index.h5"
        if not index.exists():
            raise SweepError(f"{p}: is a directory without index.h5, so not a sweep folder "
                             "(run `dipsim sweep FILE -o DIR`, or `dipsim sweep FILE --collect` "
                             "to rebuild the index)")
    elif p.exists():
        index = p
    else:
        raise FileNotFoundError(f"{p}: no such file or directory")
    if not h5py.is_hdf5(index):
        raise SweepError(f"{index}: not a dipsim sweep index: not an HDF5 file")
    with h5py.File(index, "r") as f:
        fmt = _py(f.attrs.get("format", ""))
        if fmt != INDEX_FORMAT:
            raise SweepError(f"{index}: not a dipsim sweep index (root attribute format is "
                             f"{fmt!r}, not {INDEX_FORMAT!r})")
        version = _py(f.attrs.get("format_version", None))
        if version not in SUPPORTED_INDEX_VERSIONS:
            raise SweepError(f"{index}: sweep-index format_version {version} is not supported "
                             f"(this dipsim_analysis reads {SUPPORTED_INDEX_VERSIONS})")
    return index.parent, index


def is_sweep(path: str | os.PathLike[str]) -> bool:
    """True when ``path`` is a sweep folder or a sweep index (see :func:`resolve_sweep_path`)."""
    try:
        resolve_sweep_path(path)
    except (OSError, ValueError):
        return False
    return True


def _strings(ds: h5py.Dataset) -> list[str]:
    return [str(s) for s in ds.asstr()[()]]


def sweep_info(path: str | os.PathLike[str]) -> dict[str, Any]:
    """What a sweep index says about the sweep, without reading any run file.

    Args:
        path (str | os.PathLike): sweep folder or its ``index.h5``.
    Returns:
        dict: every root attribute of the index (``sweep_name``, ``sweep_file``, ``sweep`` (the
        sweep file's text), ``scenario``, ``design``, ``seed``, ``num_points``, ``num_arms``,
        ``replicates``, ``num_runs``, ``dipsim_version``, ``git_revision``, ``updated``) plus
        ``folder``, ``index``, ``columns`` (name → ``{"role", "long_name"}`` in index order),
        ``parameters`` and ``parameter_types`` (lists), ``arms`` (name → overrides text, in
        file order), ``summaries`` (column → definition) and ``status_counts``
        (status → runs).
    Raises:
        FileNotFoundError, SweepError: see :func:`resolve_sweep_path`.
    """
    folder, index = resolve_sweep_path(path)
    with h5py.File(index, "r") as f:
        info: dict[str, Any] = {k: _py(v) for k, v in f.attrs.items()}
        info["folder"] = str(folder)
        info["index"] = str(index)
        names = _strings(f["sweep/column"])
        info["columns"] = {c: {"role": _py(f[c].attrs.get("role", "")),
                               "long_name": _py(f[c].attrs.get("long_name", ""))} for c in names}
        info["parameters"] = _strings(f["sweep/parameter"]) if "sweep/parameter" in f else []
        info["parameter_types"] = (_strings(f["sweep/parameter_type"])
                                   if "sweep/parameter_type" in f else [])
        arms = _strings(f["sweep/arm"]) if "sweep/arm" in f else []
        overrides = _strings(f["sweep/arm_overrides"]) if "sweep/arm_overrides" in f else []
        info["arms"] = dict(zip(arms, overrides + [""] * (len(arms) - len(overrides))))
        summ = _strings(f["sweep/summary"]) if "sweep/summary" in f else []
        defs = (_strings(f["sweep/summary_definition"]) if "sweep/summary_definition" in f
                else [])
        info["summaries"] = dict(zip(summ, defs + [""] * (len(summ) - len(defs))))
        status = _strings(f["status"]) if "status" in f else []
        info["status_counts"] = dict(pd.Series(status, dtype=object).value_counts(sort=False))
    return info


def _run_path(folder: pathlib.Path, name: str) -> pathlib.Path:
    """The run file on disk: ``name``, else ``name.partial`` when only that exists."""
    p = folder / name
    if not p.exists():
        partial = p.with_name(p.name + ".partial")
        if partial.exists():
            return partial
    return p


def read_index(path: str | os.PathLike[str]) -> pd.DataFrame:
    """The sweep index as a frame: one row per run, in run order.

    Args:
        path (str | os.PathLike): sweep folder or its ``index.h5``.
    Returns:
        pandas.DataFrame: the index's columns in index order (``run`` first, strings as
        ``str``), then ``path``: the run file on disk (absolute; the ``.partial`` file when the
        run did not complete and only that exists). ``arm`` is categorical in the sweep file's
        order. ``frame.attrs`` is :func:`sweep_info`'s dict.
    Raises:
        FileNotFoundError, SweepError: see :func:`resolve_sweep_path`.
    """
    info = sweep_info(path)
    folder = pathlib.Path(info["folder"]).resolve()
    with h5py.File(info["index"], "r") as f:
        data = {}
        for c in info["columns"]:
            ds = f[c]
            data[c] = (np.asarray(ds.asstr()[()], dtype=object)
                       if h5py.check_string_dtype(ds.dtype) is not None else ds[()])
    df = pd.DataFrame(data)
    df["path"] = [str(_run_path(folder, name)) for name in df["file"]]
    if "arm" in df and info["arms"]:
        df["arm"] = pd.Categorical(df["arm"], categories=list(info["arms"]))
    df.attrs = info
    return df


def _read_run_metrics(path: str, metrics: Sequence[str] | None, start: int | None,
                      end: int | None) -> tuple[pd.DataFrame, dict[str, str]]:
    """Final values and window means of a run's metrics, read with h5py (rows per country ×
    state); returns the frame and the metrics' units."""
    with h5py.File(path, "r") as f:
        if "metrics" not in f:
            raise RunFileError(f"{path}: run file has no 'metrics' group")
        m = f["metrics"]
        steps = m["step"][()]
        countries = _strings(m["country"])
        states = _strings(m["state"])
        if metrics is None:
            names = [n for n, obj in m.items() if isinstance(obj, h5py.Dataset) and obj.ndim == 3]
        else:
            names = list(metrics)
            missing = [n for n in names if n not in m]
            if missing:
                raise KeyError(f"{path}: no metric {', '.join(missing)} in the run")
        # Rows written in every metric (a killed run may have cut its last flush).
        n_rows = min([len(steps)] + [m[n].shape[0] for n in names])
        if n_rows == 0:
            raise RunFileError(f"{path}: the run has no steps written")
        lo = 0 if start is None else int(np.searchsorted(steps[:n_rows], start, side="left"))
        hi = n_rows if end is None else int(np.searchsorted(steps[:n_rows], end, side="right"))
        if lo >= hi:
            raise ValueError(f"{path}: no step in [{start}, {end}]; the run has steps "
                             f"{steps[0]}..{steps[n_rows - 1]}")
        cols: dict[str, np.ndarray] = {
            "country": np.repeat(np.asarray(countries, dtype=object), len(states)),
            "state": np.tile(np.asarray(states, dtype=object), len(countries)),
        }
        units = {}
        for n in names:
            ds = m[n]
            cols[n] = ds[n_rows - 1].reshape(-1)
            cols[n + AVG_SUFFIX] = ds[lo:hi].mean(axis=0).reshape(-1)
            units[n] = _py(ds.attrs.get("units", ""))
        frame = pd.DataFrame(cols)
        frame.attrs["window"] = (int(steps[lo]), int(steps[hi - 1]))
        frame.attrs["final_step"] = int(steps[n_rows - 1])
        return frame, units


def open_sweep(path: str | os.PathLike[str], metrics: str | Iterable[str] | None = None,
               start: int | None = None, end: int | None = None,
               statuses: Iterable[str] = ("complete",)) -> pd.DataFrame:
    """A sweep as one tidy frame: its index joined with each run's metrics by country and state.

    Args:
        path (str | os.PathLike): sweep folder (``sweeps/NAME``) or its ``index.h5``.
        metrics (str | list[str] | None): metrics to read from each run file (default every
            metric of the run); ``[]`` reads no run file and returns the index alone (one row
            per run, as :func:`read_index`).
        start, end (int | None): window of the time averages, step numbers, both included
            (default the whole run).
        statuses (list[str]): runs whose files are read (default the complete ones; add
            ``"interrupted"`` to read the completed steps of interrupted runs). Other runs keep
            their rows with NaN metrics.
    Returns:
        pandas.DataFrame: one row per run × country × state: the index's columns, ``path``,
        ``country``, ``state``, then per metric ``<metric>`` (value at the last step) and
        ``<metric>_avg`` (mean over the window). ``frame.attrs`` holds :func:`sweep_info`'s
        dict plus ``metrics`` (names read), ``units`` (column → units, for metric columns and
        the index's summary columns), ``window`` (``(start, end)`` as requested).
    Raises:
        FileNotFoundError, SweepError: see :func:`resolve_sweep_path`; RunFileError for a run
        file that says it is complete but cannot be read; KeyError for an unknown metric.
    """
    index = read_index(path)
    info = dict(index.attrs)
    names = None if metrics is None else ([metrics] if isinstance(metrics, str) else
                                          list(metrics))
    info.update(metrics=[], units=_summary_units(info, {}), window=(start, end))
    if names is not None and not names:
        info["units"] = _summary_units(info, _first_run_units(index))
        index.attrs = info
        return index
    wanted = set(statuses)
    parts = []
    units: dict[str, str] = {}
    for i, row in enumerate(index.itertuples(index=False)):
        if row.status not in wanted:
            continue
        try:
            frame, u = _read_run_metrics(row.path, names, start, end)
        except OSError as e:
            raise RunFileError(f"{row.path}: cannot read the run ({e})") from e
        units.update(u)
        if names is None:
            names = [n for n in u]  # every later run must have the first run's metrics
        frame.insert(0, "_row", i)
        parts.append(frame)
    if not parts:  # nothing complete yet: the index alone
        info["units"] = _summary_units(info, units)
        index.attrs = info
        return index
    metric_frame = pd.concat(parts, ignore_index=True)
    # Runs not read get the country × state rows of the first run read, with NaN metrics.
    cs = parts[0][["country", "state"]]
    missing = sorted(set(range(len(index))) - set(metric_frame["_row"]))
    if missing:
        filler = pd.concat([cs.assign(_row=i) for i in missing], ignore_index=True)
        metric_frame = pd.concat([metric_frame, filler], ignore_index=True)
    out = index.reset_index(drop=True).rename_axis("_row").reset_index().merge(
        metric_frame, on="_row", how="left").sort_values(["_row"], kind="stable")
    out = out.drop(columns="_row").reset_index(drop=True)
    info["metrics"] = list(names or [])
    info["units"] = {**_summary_units(info, units), **units,
                     **{n + AVG_SUFFIX: units.get(n, "") for n in names or []}}
    out.attrs = info
    return out


def _first_run_units(index: pd.DataFrame) -> dict[str, str]:
    """Units of the metrics of the first complete run (attributes only), or ``{}``."""
    for row in index[index["status"] == "complete"].itertuples(index=False):
        try:
            with h5py.File(row.path, "r") as f:
                m = f["metrics"]
                return {n: _py(obj.attrs.get("units", "")) for n, obj in m.items()
                        if isinstance(obj, h5py.Dataset) and obj.ndim == 3}
        except (OSError, KeyError):
            continue
    return {}


def _summary_units(info: dict[str, Any], metric_units: dict[str, str]) -> dict[str, str]:
    """Units of the index's summary columns, from their definitions: the metric's units, or
    ``steps`` for ``stat=time_to``."""
    out = {}
    for col, definition in info.get("summaries", {}).items():
        kv = dict(tok.split("=", 1) for tok in definition.split() if "=" in tok)
        if kv.get("stat") == "time_to":
            out[col] = "steps"
        elif kv.get("metric") in metric_units:
            out[col] = metric_units[kv["metric"]]
    return out


# ---------------------------------------------------------------------------------------------
# Summaries over replicates


def t_interval(values: Any, confidence: float = 0.95) -> dict[str, float]:
    """Mean and Student-t confidence interval of a sample (NaN values left out).

    Returns:
        dict: ``n``, ``mean``, ``sd`` (n − 1 denominator), ``se`` (sd/√n), ``t_crit``
        (t(1 − (1 − confidence)/2, n − 1)), ``ci_low``, ``ci_high``; sd, se and the interval
        are NaN when n < 2.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    x = np.asarray(values, dtype=float)
    x = x[~np.isnan(x)]
    n = len(x)
    mean = float(x.mean()) if n else float("nan")
    if n < 2:
        nan = float("nan")
        return {"n": n, "mean": mean, "sd": nan, "se": nan, "t_crit": nan, "ci_low": nan,
                "ci_high": nan}
    sd = float(x.std(ddof=1))
    se = sd / np.sqrt(n)
    t_crit = float(stats.t.ppf(0.5 + confidence / 2, n - 1))
    return {"n": n, "mean": mean, "sd": sd, "se": se, "t_crit": t_crit,
            "ci_low": mean - t_crit * se, "ci_high": mean + t_crit * se}


def _parameters(df: pd.DataFrame, parameters: Sequence[str] | None) -> list[str]:
    if parameters is not None:
        return list(parameters)
    if "parameters" in df.attrs:
        return [p for p in df.attrs["parameters"] if p in df.columns]
    raise ValueError("the frame has lost its attrs (the sweep's parameter list); pass "
                     "parameters=[...]")


def _geo(df: pd.DataFrame) -> list[str]:
    return [c for c in ("country", "state") if c in df.columns]


def _check_metric(df: pd.DataFrame, metric: str) -> None:
    if metric not in df.columns:
        raise KeyError(f"no column {metric!r} in the sweep frame; it has: "
                       f"{', '.join(map(str, df.columns))}")


def _per_run(df: pd.DataFrame, metric: str) -> pd.DataFrame:
    """For a column of the index itself (one value per run, repeated on the run's country ×
    state rows of :func:`open_sweep`): one row per run without ``country`` and ``state``, so
    that no run counts more than once. Other columns: ``df`` unchanged."""
    geo = _geo(df)
    if not geo or "run" not in df.columns:
        return df
    run_level = metric in df.attrs.get("columns", {}) if "columns" in df.attrs else bool(
        (df.groupby("run")[metric].nunique(dropna=False) <= 1).all())
    if not run_level:
        return df
    out = df.drop(columns=geo).drop_duplicates("run")
    out.attrs = df.attrs
    return out


def _arm_order(df: pd.DataFrame) -> list[str]:
    if "arm" not in df.columns:
        return []
    if isinstance(df["arm"].dtype, pd.CategoricalDtype):
        present = set(df["arm"].dropna().astype(str))
        return [str(a) for a in df["arm"].cat.categories if str(a) in present]
    return [str(a) for a in pd.unique(df["arm"].dropna())]


def _with_attrs(out: pd.DataFrame, df: pd.DataFrame, **extra: Any) -> pd.DataFrame:
    out.attrs = {"units": dict(df.attrs.get("units", {})),
                 "parameters": list(df.attrs.get("parameters", [])),
                 "arms": list(_arm_order(df)), **extra}
    return out


def response_curve(df: pd.DataFrame, metric: str, x: str, by: Sequence[str] | None = None,
                   confidence: float = 0.95, parameters: Sequence[str] | None = None
                   ) -> pd.DataFrame:
    """A metric against one swept parameter: per arm and value of ``x``, the mean over
    replicates with its t confidence interval.

    Args:
        df (pandas.DataFrame): :func:`open_sweep` (or :func:`read_index`) output, possibly
            filtered (e.g. ``df[df.country == "North"]``).
        metric (str): column to summarise (a metric, ``<metric>_avg`` or an index summary).
        x (str): the parameter on the x axis.
        by (list[str] | None): further key columns; default the other swept parameters and
            ``country``, ``state`` (those the frame has), so that each group holds the
            replicates of one point. Give ``by=[]`` to pool over the other parameters.
        confidence (float): confidence level.
        parameters (list[str] | None): the swept parameters (default from ``df.attrs``).
    Returns:
        pandas.DataFrame: ``arm``, the ``by`` columns, ``x``, then ``metric`` (its name),
        ``n``, ``mean``, ``sd``, ``se``, ``t_crit``, ``ci_low``, ``ci_high``, ``confidence``;
        sorted by arm (sweep file order), ``by`` and ``x``. ``attrs``: ``x``, ``by``,
        ``metric``, ``units``, ``arms``.
    """
    _check_metric(df, metric)
    df = _per_run(df, metric)
    params = _parameters(df, parameters)
    if x not in df.columns:
        raise KeyError(f"no parameter column {x!r}; the sweep's parameters are {params}")
    if by is None:
        by = [p for p in params if p != x] + _geo(df)
    by = [c for c in by if c != x]
    keys = (["arm"] if "arm" in df.columns else []) + list(by) + [x]
    rows = []
    for key, g in df.groupby(keys[0] if len(keys) == 1 else keys, sort=True, observed=True,
                             dropna=False):
        key = key if isinstance(key, tuple) else (key,)
        rows.append({**dict(zip(keys, key)), "metric": metric,
                     **t_interval(g[metric].to_numpy(dtype=float), confidence),
                     "confidence": confidence})
    out = pd.DataFrame(rows, columns=[*keys, *_STAT_COLUMNS])
    if "arm" in out:
        order = _arm_order(df)
        out["arm"] = pd.Categorical(out["arm"].astype(str), categories=order)
        out = out.sort_values(keys, kind="stable").reset_index(drop=True)
        out["arm"] = out["arm"].astype(str)
    return _with_attrs(out, df, x=x, by=list(by), metric=metric)


def sweep_paired_difference(df: pd.DataFrame, metric: str, arm_b: str | Sequence[str] | None = None,
                            arm_a: str | None = None, by: Sequence[str] | None = None,
                            confidence: float = 0.95, parameters: Sequence[str] | None = None
                            ) -> pd.DataFrame:
    """Paired differences between arms, arm B − arm A, per point (and country, state), with a t
    confidence interval over replicates.

    Run *r* of arm B at a point is paired with run *r* of arm A at the same point: the sweep
    gives both the same seed (common random numbers), which is checked here.

    Args:
        df (pandas.DataFrame): :func:`open_sweep` or :func:`read_index` output.
        metric (str): column to compare.
        arm_b (str | list[str] | None): arm(s) compared with A; default every other arm.
        arm_a (str | None): the reference arm; default the sweep file's first arm.
        by (list[str] | None): key columns of a comparison; default ``point``, the swept
            parameters and ``country``, ``state`` (those the frame has). ``by=["country",
            "state"]`` pools over the points (the pairs are still by point and replicate).
        confidence (float): confidence level.
        parameters (list[str] | None): the swept parameters (default from ``df.attrs``).
    Returns:
        pandas.DataFrame: ``arm_a``, ``arm_b``, the ``by`` columns, then ``metric``, ``n``
        (pairs), ``mean_a``, ``mean_b``, ``mean_diff``, ``sd_diff``, ``se_diff``, ``t_crit``,
        ``ci_low``, ``ci_high``, ``confidence`` (as :func:`dipsim_analysis.paired_difference`).
        A pair in which either run has no value (not complete: NaN) is left out; groups without
        any pair are left out.
    Raises:
        ValueError: fewer than two arms, unknown arms, runs that do not pair up, or pairs whose
        seeds differ.
    """
    _check_metric(df, metric)
    df = _per_run(df, metric)
    arms = _arm_order(df)
    if len(arms) < 2:
        raise ValueError(f"paired differences need two arms; the frame has {arms}")
    arm_a = arms[0] if arm_a is None else arm_a
    bs = [a for a in arms if a != arm_a] if arm_b is None else (
        [arm_b] if isinstance(arm_b, str) else list(arm_b))
    for a in [arm_a, *bs]:
        if a not in arms:
            raise ValueError(f"no arm {a!r}; the sweep's arms are {arms}")
    params = _parameters(df, parameters)
    if by is None:
        by = (["point"] if "point" in df.columns else []) + params + _geo(df)
    by = list(by)
    # A pair: the same point and replicate (and country, state: whatever the keys hold).
    pair = list(dict.fromkeys(["point", *by, *_geo(df)]))
    arm = df["arm"].astype(str)
    base = df[arm == arm_a]
    parts = []
    for b in bs:
        other = df[arm == b]
        if "seed" in df.columns:
            seeds = base[[*pair, "replicate", "seed"]].merge(
                other[[*pair, "replicate", "seed"]], on=[*pair, "replicate"],
                suffixes=("_a", "_b"))
            bad = seeds[seeds["seed_a"] != seeds["seed_b"]]
            if len(bad):
                raise ValueError(f"arms {arm_a!r} and {b!r} have different seeds at point "
                                 f"{bad['point'].iloc[0]}, replicate {bad['replicate'].iloc[0]}"
                                 ": they are not paired runs")
        d = _paired(base, other, metric, pair, by, confidence)
        d.insert(0, "arm_b", b)
        d.insert(0, "arm_a", arm_a)
        parts.append(d)
    out = pd.concat(parts, ignore_index=True)
    return _with_attrs(out, df, by=by, metric=metric, arm_a=arm_a)


def _paired(a: pd.DataFrame, b: pd.DataFrame, metric: str, pair: list[str], by: list[str],
            confidence: float) -> pd.DataFrame:
    """Pairs the rows of arms A and B by ``pair`` + ``replicate`` and summarises the
    differences B − A per group of ``by`` (a subset of ``pair``)."""
    keys = [*pair, "replicate"]
    a = a[[*keys, metric]].copy()
    b = b[[*keys, metric]].copy()
    for side in (a, b):
        for c in keys:
            if isinstance(side[c].dtype, pd.CategoricalDtype):
                side[c] = side[c].astype(str)
    merged = a.merge(b, on=keys, suffixes=("_a", "_b"), how="outer", indicator=True)
    if (merged["_merge"] != "both").any():
        bad = merged[merged["_merge"] != "both"].iloc[0]
        raise ValueError(f"runs of one arm have no partner in the other (pairs by {keys}); "
                         f"e.g. {dict(bad[keys])}")
    # A pair with a missing value (a run that is not complete) is left out of every statistic.
    merged = merged[merged[metric + "_a"].notna() & merged[metric + "_b"].notna()].copy()
    merged["_d"] = merged[metric + "_b"] - merged[metric + "_a"]
    rows = []
    groups = merged.groupby(by[0] if len(by) == 1 else by, sort=False) if by else [((), merged)]
    for key, g in groups:
        key = key if isinstance(key, tuple) else (key,)
        t = t_interval(g["_d"].to_numpy(dtype=float), confidence)
        if not len(g):
            continue
        rows.append({**dict(zip(by, key)), "metric": metric, "n": t["n"],
                     "mean_a": float(g[metric + "_a"].mean()),
                     "mean_b": float(g[metric + "_b"].mean()), "mean_diff": t["mean"],
                     "sd_diff": t["sd"], "se_diff": t["se"], "t_crit": t["t_crit"],
                     "ci_low": t["ci_low"], "ci_high": t["ci_high"], "confidence": confidence})
    return pd.DataFrame(rows, columns=[*by, "metric", "n", "mean_a", "mean_b", "mean_diff",
                                       "sd_diff", "se_diff", "t_crit", "ci_low", "ci_high",
                                       "confidence"])


def sweep_heatmap(df: pd.DataFrame, metric: str, x: str, y: str, arm: str | None = None,
                  **where: Any) -> pd.DataFrame:
    """Mean of a metric over replicates on a grid of two swept parameters.

    Args:
        df (pandas.DataFrame): :func:`open_sweep` or :func:`read_index` output.
        metric (str): column to average.
        x, y (str): the parameters of the columns and of the rows.
        arm (str | None): the arm; may be omitted when the frame has one arm.
        **where: equality filters applied first, e.g. ``country="North", state="Alpha"``
            (required while the frame has several countries or states).
    Returns:
        pandas.DataFrame: rows = values of ``y`` (ascending), columns = values of ``x``
        (ascending), cells = mean over the runs there (the replicates, and any other parameter's
        values: averaged over them). ``attrs``: ``metric``, ``x``, ``y``, ``arm``, ``where``,
        ``units``, ``count`` (a frame of the same shape: values averaged per cell).
    Raises:
        ValueError: several arms, countries or states left after filtering; KeyError: an unknown
        column.
    """
    _check_metric(df, metric)
    for c in (x, y, *where):
        if c not in df.columns:
            raise KeyError(f"no column {c!r} in the sweep frame")
    sub = df
    for c, v in where.items():
        sub = sub[sub[c].astype(str) == str(v)] if sub[c].dtype == object or isinstance(
            sub[c].dtype, pd.CategoricalDtype) else sub[sub[c] == v]
    if arm is not None:
        sub = sub[sub["arm"].astype(str) == arm]
    sub.attrs = df.attrs
    sub = _per_run(sub, metric)
    for c in ("arm", "country", "state"):
        if c in sub.columns and sub[c].nunique() > 1:
            raise ValueError(f"the heat map needs one {c}; the frame has "
                             f"{sorted(map(str, sub[c].unique()))}: pass "
                             f"{'arm=' if c == 'arm' else c + '='}...")
    if sub.empty:
        raise ValueError("no rows left after filtering")
    vals = sub[metric].astype(float)
    table = sub.assign(_v=vals).pivot_table(index=y, columns=x, values="_v", aggfunc="mean",
                                            dropna=False).sort_index().sort_index(axis=1)
    count = sub.assign(_v=vals.notna()).pivot_table(index=y, columns=x, values="_v",
                                                    aggfunc="sum", dropna=False)
    table.columns.name, table.index.name = x, y
    arm_name = arm if arm is not None else (str(sub["arm"].iloc[0]) if "arm" in sub else None)
    return _with_attrs(table, df, metric=metric, x=x, y=y, arm=arm_name, where=dict(where),
                       count=count.reindex(index=table.index, columns=table.columns))
