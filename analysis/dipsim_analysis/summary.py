"""Summaries of runs as tidy pandas frames: one row per observation, identifiers first.

The functions take what the loaders return (:func:`dipsim_analysis.open_run`'s dataset,
:func:`dipsim_analysis.open_cascades`' frame, :func:`dipsim_analysis.open_snapshots`' dataset)
and work over whatever metrics a run has; none of them knows the list of metrics.

Frames for several runs (replicates, experiment arms) are plain concatenations with extra key
columns: :func:`paired_difference` pairs rows by ``replicate`` and groups by the key columns it
is given, so a sweep loader that returns rows keyed by ``arm``, ``replicate`` and parameters
feeds it directly.
"""
from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from scipy import stats

#: Dimensions of every metric in a run file (docs/output-format.md, ``metrics/``).
METRIC_DIMS = ("step", "country", "state")


def metric_names(ds: xr.Dataset) -> list[str]:
    """The metrics of a dataset: variables with dimensions ``(step, country, state)``, in file
    order (if none has exactly those, every variable with a ``step`` dimension).

    Args:
        ds (xarray.Dataset): metrics, as returned by :func:`dipsim_analysis.open_run`.
    Returns:
        list[str]: metric names.
    """
    exact = [n for n, v in ds.data_vars.items() if tuple(v.dims) == METRIC_DIMS]
    return exact or [n for n, v in ds.data_vars.items() if "step" in v.dims]


def _select(ds: xr.Dataset, metrics: str | Iterable[str] | None) -> list[str]:
    if metrics is None:
        names = metric_names(ds)
    elif isinstance(metrics, str):
        names = [metrics]
    else:
        names = list(metrics)
    missing = [n for n in names if n not in ds.data_vars]
    if missing:
        raise KeyError(f"no metric {', '.join(map(repr, missing))} in the run; it has: "
                       f"{', '.join(metric_names(ds)) or 'none'}")
    dims = {tuple(ds[n].dims) for n in names}
    if len(dims) > 1:
        raise ValueError(f"metrics {names} have different dimensions {sorted(dims)}; "
                         "summarise them separately")
    return names


def _frame(sub: xr.Dataset, names: list[str], lead: dict[str, Any]) -> pd.DataFrame:
    """Tidy frame of ``sub[names]`` (dims without ``step``), ``lead`` columns first."""
    dims = [d for d in sub[names[0]].dims] if names else []
    if dims:
        df = sub[names].reset_coords(drop=True).to_dataframe(dim_order=dims)[names].reset_index()
    else:
        df = pd.DataFrame({n: [sub[n].item()] for n in names})
    for i, (key, value) in enumerate(lead.items()):
        df.insert(i, key, value)
    return df


def final_values(ds: xr.Dataset, metrics: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Values at the last step written (the end of a complete run, the last completed step of
    an interrupted one).

    Args:
        ds (xarray.Dataset): metrics from :func:`dipsim_analysis.open_run`.
        metrics (str | list[str] | None): metrics to include; default all.
    Returns:
        pandas.DataFrame: columns ``step``, ``country``, ``state``, then one per metric; one
        row per country and state.
    Raises:
        KeyError: an unknown metric. ValueError: the run has no steps.
    """
    names = _select(ds, metrics)
    if ds.sizes.get("step", 0) == 0:
        raise ValueError("the run has no steps written")
    last = ds.isel(step=-1)
    return _frame(last, names, {"step": int(last["step"])})


def time_average(ds: xr.Dataset, start: int | None = None, end: int | None = None,
                 metrics: str | Iterable[str] | None = None) -> pd.DataFrame:
    """Mean of each metric over the steps ``start <= step <= end`` (step numbers, inclusive).

    Args:
        ds (xarray.Dataset): metrics from :func:`dipsim_analysis.open_run`.
        start (int | None): first step included; default the first step written.
        end (int | None): last step included; default the last step written.
        metrics (str | list[str] | None): metrics to include; default all.
    Returns:
        pandas.DataFrame: columns ``start``, ``end``, ``n_steps``, ``country``, ``state``, then
        one per metric (the mean over those steps).
    Raises:
        KeyError: an unknown metric. ValueError: no step in the range.
    """
    names = _select(ds, metrics)
    window = ds.sel(step=slice(start, end))
    n = window.sizes.get("step", 0)
    if n == 0:
        steps = ds["step"].values
        have = f"{steps[0]}..{steps[-1]}" if len(steps) else "none"
        raise ValueError(f"no step in [{start}, {end}]; the run has steps {have}")
    mean = window[names].mean("step", keep_attrs=True)
    return _frame(mean, names, {"start": int(window["step"][0]), "end": int(window["step"][-1]),
                                "n_steps": n})


def time_to_threshold(ds: xr.Dataset, metric: str, threshold: float,
                      direction: str = "above") -> pd.DataFrame:
    """First step at which a metric reaches a threshold, per country and state.

    Args:
        ds (xarray.Dataset): metrics from :func:`dipsim_analysis.open_run` (or any dataset with
            a ``step`` coordinate).
        metric (str): metric name.
        threshold (float): level to reach.
        direction (str): ``"above"``: first step with value >= threshold; ``"below"``: first
            step with value <= threshold.
    Returns:
        pandas.DataFrame: the dimensions other than ``step`` (``country``, ``state``), then
        ``metric``, ``threshold``, ``direction``, ``reached`` (bool) and ``step`` (nullable
        integer, missing where the threshold was never reached).
    Raises:
        KeyError: an unknown metric. ValueError: a bad direction.
    """
    (name,) = _select(ds, metric)
    da = ds[name]
    if direction == "above":
        hit = da >= threshold
    elif direction == "below":
        hit = da <= threshold
    else:
        raise ValueError(f"direction must be 'above' or 'below', got {direction!r}")
    axis = da.dims.index("step")
    values = hit.values
    reached = values.any(axis=axis)
    first = values.argmax(axis=axis)
    steps = ds["step"].values
    step = np.where(reached, steps[first] if len(steps) else 0, 0)
    other = [d for d in da.dims if d != "step"]
    if other:
        index = pd.MultiIndex.from_product([da[d].values for d in other], names=other)
        df = index.to_frame(index=False)
    else:
        df = pd.DataFrame(index=[0])
    df["metric"] = name
    df["threshold"] = threshold
    df["direction"] = direction
    df["reached"] = np.asarray(reached).reshape(-1)
    df["step"] = pd.array(np.asarray(step).reshape(-1), dtype="Int64")
    df.loc[~df["reached"], "step"] = pd.NA
    return df


def _stack_replicates(frames: Any, metric: str, side: str) -> pd.DataFrame:
    """One frame with a ``replicate`` column from a list of per-replicate frames/datasets or a
    frame that already has one."""
    if isinstance(frames, pd.DataFrame):
        if "replicate" not in frames.columns:
            raise ValueError(f"frames_{side}: a single DataFrame needs a 'replicate' column; "
                             "otherwise pass a list with one frame per replicate")
        df = frames
    elif isinstance(frames, xr.Dataset):
        raise ValueError(f"frames_{side}: pass a list of runs (one per replicate), not one")
    else:
        parts = []
        for r, frame in enumerate(frames):
            if isinstance(frame, xr.Dataset):
                frame = final_values(frame, [metric])
            parts.append(frame.assign(replicate=r))
        if not parts:
            raise ValueError(f"frames_{side} is empty")
        df = pd.concat(parts, ignore_index=True)
    if metric not in df.columns:
        raise KeyError(f"frames_{side} have no column {metric!r}; they have: "
                       f"{', '.join(map(str, df.columns))}")
    return df


def paired_difference(frames_a: Any, frames_b: Any, metric: str,
                      by: Sequence[str] | None = None, confidence: float = 0.95) -> pd.DataFrame:
    """Mean paired difference B − A of a metric over replicates, with a t-based confidence
    interval.

    Replicate *r* of arm A is paired with replicate *r* of arm B (same seed: dipsim's common
    random numbers make the pair differ only by what the arms change). For each group the
    differences d_r = b_r − a_r give mean d̄, standard deviation s (n − 1 denominator) and the
    interval d̄ ± t(1 − (1 − confidence)/2, n − 1) · s/√n (Student's t, scipy.stats.t).

    Args:
        frames_a (list | pandas.DataFrame): arm A: a list with one frame per replicate (e.g.
            :func:`final_values` or :func:`time_average` output) or one run dataset per
            replicate (its final values are used), or one frame with a ``replicate`` column.
        frames_b (list | pandas.DataFrame): arm B, the same shape as ``frames_a``.
        metric (str): column (metric) to compare.
        by (list[str] | None): key columns to group by; default those of ``country``,
            ``state`` that the frames have.
        confidence (float): confidence level of the interval, in (0, 1).
    Returns:
        pandas.DataFrame: one row per group: the ``by`` columns, ``metric``, ``n`` (pairs),
        ``mean_a``, ``mean_b``, ``mean_diff``, ``sd_diff``, ``se_diff``, ``t_crit``,
        ``ci_low``, ``ci_high``, ``confidence``. With n < 2 the interval is NaN.
    Raises:
        ValueError: replicates or groups that do not pair up, bad confidence.
        KeyError: the metric is missing.
    """
    if not 0 < confidence < 1:
        raise ValueError(f"confidence must be in (0, 1), got {confidence}")
    a = _stack_replicates(frames_a, metric, "a")
    b = _stack_replicates(frames_b, metric, "b")
    if by is None:
        by = [c for c in ("country", "state") if c in a.columns and c in b.columns]
    by = list(by)
    keys = ["replicate", *by]
    for side, df in (("a", a), ("b", b)):
        dup = df.duplicated(keys)
        if dup.any():
            raise ValueError(f"frames_{side}: {int(dup.sum())} rows repeat the key {keys}; "
                             "pass the key columns that identify a row in `by`")
    merged = a[keys + [metric]].merge(b[keys + [metric]], on=keys, how="outer",
                                      suffixes=("_a", "_b"), indicator=True)
    unpaired = merged[merged["_merge"] != "both"]
    if len(unpaired):
        raise ValueError(f"{len(unpaired)} rows of one arm have no partner in the other "
                         f"(keys {keys}); e.g. {unpaired[keys].iloc[0].to_dict()}")
    merged["diff"] = merged[metric + "_b"] - merged[metric + "_a"]
    rows = []
    for key, g in _groups(merged, by, sort=False):
        n = len(g)
        d = g["diff"].to_numpy(dtype=float)
        mean = float(d.mean())
        sd = float(d.std(ddof=1)) if n > 1 else float("nan")
        se = sd / np.sqrt(n) if n > 1 else float("nan")
        t_crit = float(stats.t.ppf(0.5 + confidence / 2, n - 1)) if n > 1 else float("nan")
        rows.append({**dict(zip(by, key)), "metric": metric, "n": n,
                     "mean_a": float(g[metric + "_a"].mean()),
                     "mean_b": float(g[metric + "_b"].mean()),
                     "mean_diff": mean, "sd_diff": sd, "se_diff": se, "t_crit": t_crit,
                     "ci_low": mean - t_crit * se, "ci_high": mean + t_crit * se,
                     "confidence": confidence})
    return pd.DataFrame(rows)


def cascade_ccdf(cascades: Any, column: str = "size",
                 by: str | Sequence[str] | None = None) -> pd.DataFrame:
    """Empirical complementary CDF P(X >= x) of a cascade column (default: cascade size).

    Args:
        cascades (pandas.DataFrame | array-like): :func:`dipsim_analysis.open_cascades` output,
            or the values themselves.
        column (str): column of ``cascades`` to use (``size``, ``depth``, ``lifetime``, …).
        by (str | list[str] | None): columns to compute one CCDF per group of (e.g.
            ``"state_name"``); default one CCDF over all rows.
    Returns:
        pandas.DataFrame: the ``by`` columns, then ``column`` (each distinct value, ascending),
        ``n_ge`` (rows with a value >= it), ``n`` (rows in the group) and ``ccdf``
        (``n_ge / n``; 1 at the smallest value, decreasing).
    """
    if not isinstance(cascades, pd.DataFrame):
        cascades = pd.DataFrame({column: np.asarray(cascades).reshape(-1)})
    if column not in cascades.columns:
        raise KeyError(f"no column {column!r}; the cascades have: "
                       f"{', '.join(map(str, cascades.columns))}")
    by = [by] if isinstance(by, str) else list(by or [])
    parts = []
    for key, g in _groups(cascades, by):
        x = np.sort(g[column].to_numpy())
        n = len(x)
        values, first = np.unique(x, return_index=True)
        part = pd.DataFrame({column: values, "n_ge": n - first, "n": n})
        part["ccdf"] = part["n_ge"] / n if n else np.nan
        for i, (name, value) in enumerate(zip(by, key)):
            part.insert(i, name, value)
        parts.append(part)
    if not parts:
        return pd.DataFrame(columns=[*by, column, "n_ge", "n", "ccdf"])
    return pd.concat(parts, ignore_index=True)


def _groups(df: pd.DataFrame, by: list[str], sort: bool = True):
    """Yields (key tuple, sub-frame) for each group of ``df`` by ``by`` (all rows if empty);
    groups in sorted order, or in order of first appearance with ``sort=False``."""
    if not by:
        yield (), df
        return
    for key, g in df.groupby(by[0] if len(by) == 1 else by, sort=sort):
        yield (key if isinstance(key, tuple) else (key,)), g


def _as_list(x: Any) -> list | None:
    if x is None:
        return None
    if isinstance(x, (str, int, np.integer)):
        return [x]
    return list(x)


def attitude_histogram(snapshots: xr.Dataset, step: int | Sequence[int] | None = None,
                       state: str | Sequence[str] | None = None, bins: int | Sequence[float] = 20,
                       value_range: tuple[float, float] = (-1.0, 1.0),
                       by_country: bool = False) -> pd.DataFrame:
    """Histogram of citizens' attitudes in snapshots.

    Args:
        snapshots (xarray.Dataset): from :func:`dipsim_analysis.open_snapshots`.
        step (int | list[int] | None): snapshot step(s) (values of ``snapshot_step``); default
            every snapshot.
        state (str | list[str] | None): state actor(s); default all.
        bins (int | list[float]): number of equal bins over ``value_range``, or bin edges.
        value_range (tuple[float, float]): range of the equal bins (attitudes lie in [-1, 1]).
        by_country (bool): one histogram per country (needs the ``country`` coordinate that
            :func:`dipsim_analysis.open_snapshots` adds).
    Returns:
        pandas.DataFrame: ``step``, ``state``, [``country``], ``bin_left``, ``bin_right``,
        ``count`` (citizens; over the bins of one histogram it sums to the citizens in it) and
        ``share`` (count / citizens).
    Raises:
        KeyError: a step or state that the snapshots do not have.
    """
    att = snapshots["attitude"]
    snap_steps = [int(s) for s in snapshots["snapshot_step"].values]
    states = [str(s) for s in snapshots["state"].values]
    want_steps = _as_list(step) or snap_steps
    want_states = _as_list(state) or states
    for s in want_steps:
        if int(s) not in snap_steps:
            raise KeyError(f"no snapshot at step {s}; snapshots are at steps {snap_steps}")
    for s in want_states:
        if s not in states:
            raise KeyError(f"no state {s!r}; states are {states}")
    if by_country and "country" not in snapshots.coords:
        raise KeyError("by_country needs the citizens' country (open_snapshots adds it when the "
                       "run has graph/node_country)")
    edges = np.histogram_bin_edges([], bins=bins, range=value_range) if np.ndim(bins) == 0 \
        else np.asarray(bins, dtype=float)
    countries = snapshots["country"].values if by_country else None
    rows = []
    for s in want_steps:
        values = np.asarray(att.isel(snapshot=snap_steps.index(int(s))).values)  # one read
        for st in want_states:
            column = values[:, states.index(st)]
            groups = [(None, column)] if countries is None else [
                (c, column[countries == c]) for c in pd.unique(countries) if c is not None]
            for country, v in groups:
                # Attitudes outside the edges (none with the default range) are clipped into
                # the end bins so the counts always sum to the citizens.
                count, _ = np.histogram(np.clip(v, edges[0], edges[-1]), bins=edges)
                part = pd.DataFrame({"step": int(s), "state": st, "bin_left": edges[:-1],
                                     "bin_right": edges[1:], "count": count,
                                     "share": count / max(len(v), 1)})
                if countries is not None:
                    part.insert(2, "country", country)
                rows.append(part)
    return pd.concat(rows, ignore_index=True)


def event_windows(ds: xr.Dataset, events: pd.DataFrame, metrics: str | Iterable[str] | None = None,
                  before: int = 24, after: int = 24) -> pd.DataFrame:
    """Mean of metrics before, during and after each event on the run's timeline.

    Args:
        ds (xarray.Dataset): metrics of a run (:func:`dipsim_analysis.open_run`).
        events (pandas.DataFrame): the run's events, ``open_table(path, "events")`` (columns
            ``kind``, ``start``, ``duration``, ``country``, ``state``, ``magnitude``).
        metrics (str | list[str] | None): metrics to summarise (default: all).
        before (int): steps before the start that form the "before" window.
        after (int): steps after the end that form the "after" window.

    Returns:
        pandas.DataFrame: one row per (event, window, country, state) with columns ``event``,
        ``kind``, ``window`` ("before", "during", "after"), ``from_step``, ``to_step`` (inclusive,
        clipped to the run), ``country``, ``state`` and the metrics' means. Metric row *t* is the
        state after step *t*, so an event starting at step *s* shows from row *s* + 1 on.
    """
    names = _select(ds, metrics)
    steps = ds["step"].values
    last = int(steps.max()) if len(steps) else 0
    rows = []
    for e, ev in events.reset_index(drop=True).iterrows():
        start, end = int(ev["start"]), int(ev["start"]) + int(ev["duration"])
        windows = {"before": (start - before + 1, start), "during": (start + 1, end),
                   "after": (end + 1, end + after)}
        for label, (lo, hi) in windows.items():
            lo, hi = max(lo, 0), min(hi, last)
            if lo > hi:
                continue
            sub = ds[names].sel(step=slice(lo, hi)).mean("step")
            frame = sub.to_dataframe().reset_index()
            frame.insert(0, "to_step", hi)
            frame.insert(0, "from_step", lo)
            frame.insert(0, "window", label)
            frame.insert(0, "kind", ev["kind"])
            frame.insert(0, "event", e)
            rows.append(frame)
    if not rows:
        return pd.DataFrame(columns=["event", "kind", "window", "from_step", "to_step", "country",
                                     "state", *names])
    return pd.concat(rows, ignore_index=True)
