"""Plots of runs: each takes data and an optional matplotlib ``ax`` and returns the figure.

Without ``ax`` a new ``matplotlib.figure.Figure`` is made (not a pyplot figure: safe on
headless machines and in loops); save it with ``fig.savefig("x.png")``. With ``ax`` the plot is
drawn there and ``ax.figure`` is returned, so plots compose into the user's own layouts.
Colours and styles come from :mod:`dipsim_analysis.style`: colour = country (or the first
dimension after ``step``), line style = state actor (the second).
"""
from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence
from typing import Any

import numpy as np
import pandas as pd
import xarray as xr
from matplotlib.figure import Figure
from matplotlib.ticker import PercentFormatter

from . import style
from .summary import attitude_histogram, cascade_ccdf, metric_names


def _pick(values: Sequence[Any], wanted: Any, what: str) -> list[Any]:
    values = list(values)
    if wanted is None:
        return values
    wanted = [wanted] if isinstance(wanted, str) else list(wanted)
    missing = [w for w in wanted if w not in values]
    if missing:
        raise KeyError(f"no {what} {missing}; the run has {values}")
    return wanted


def _draw_lines(ax: Any, ds: xr.Dataset, metric: str, countries: Any, states: Any,
                band: xr.DataArray | None) -> int:
    """Draws one line per combination of the non-step dimensions; returns the line count."""
    da = ds[metric]
    other = [d for d in da.dims if d != "step"]
    choices = []
    for d in other:
        wanted = countries if d == "country" else states if d == "state" else None
        choices.append(_pick(da[d].values, wanted, d))
    full = [list(da[d].values) for d in other]
    steps = ds["step"].values
    single = [len(c) == 1 for c in choices]
    n = 0
    for combo in itertools.product(*choices) if other else [()]:
        sel = dict(zip(other, combo))
        y = da.sel(sel).values if sel else da.values
        idx = [full[k].index(v) for k, v in enumerate(combo)]
        kw = {"color": style.color(idx[0] if idx else 0),
              "linestyle": style.linestyle(idx[1] if len(idx) > 1 else 0)}
        # Label by the dimensions that vary (all of them when none does).
        parts = [str(v) for k, v in enumerate(combo) if not single[k]] or list(map(str, combo))
        lab = " · ".join(parts) if parts else style.pretty(metric)
        ax.plot(steps, y, label=lab, **kw)
        if band is not None:
            sd = band.sel(sel).values if sel else band.values
            ax.fill_between(steps, y - sd, y + sd, color=kw["color"], alpha=0.12, linewidth=0)
        n += 1
    return n


@style.styled
def plot_metric(ds: xr.Dataset, metric: str, ax: Any = None,
                countries: str | Iterable[str] | None = None,
                states: str | Iterable[str] | None = None,
                band: xr.DataArray | None = None, legend: bool = True,
                title: str | None = None) -> Figure:
    """Trajectory of any metric over steps: one line per country and state.

    Args:
        ds (xarray.Dataset): metrics from :func:`dipsim_analysis.open_run`.
        metric (str): metric name (any variable with a ``step`` dimension).
        ax (matplotlib.axes.Axes | None): axes to draw in; default a new figure.
        countries (str | list[str] | None): countries to show; default all.
        states (str | list[str] | None): state actors to show; default all.
        band (xarray.DataArray | None): half-width of a shaded band around each line (same
            dims as the metric), e.g. a standard deviation.
        legend (bool): draw the legend (right of the axes).
        title (str | None): axes title; default the metric's name.
    Returns:
        matplotlib.figure.Figure: the figure.
    """
    if metric not in ds.data_vars:
        raise KeyError(f"no metric {metric!r}; the run has: {', '.join(metric_names(ds))}")
    fig, ax = style.figure_and_axes(ax)
    _draw_lines(ax, ds, metric, countries, states, band)
    ax.set_xlabel(style.label("step", ds["step"].attrs.get("units")))
    ax.set_ylabel(style.metric_label(ds[metric], metric))
    ax.set_title(title if title is not None else style.pretty(metric).capitalize())
    if ds.sizes.get("step", 0):
        ax.set_xlim(ds["step"].values[0], ds["step"].values[-1])
    if legend:
        style.outside_legend(ax)
    return fig


def plot_attitude(ds: xr.Dataset, ax: Any = None, band: bool = True,
                  countries: Any = None, states: Any = None) -> Figure:
    """Mean attitude toward each state actor, by country (``mean_attitude``), with a shaded ±1
    standard deviation band (from ``attitude_variance``) when the run has it.

    Args:
        ds (xarray.Dataset): metrics from :func:`dipsim_analysis.open_run`.
        ax (matplotlib.axes.Axes | None): axes to draw in; default a new figure.
        band (bool): shade ±1 SD of the citizens' attitudes.
        countries, states (str | list[str] | None): subsets to show; default all.
    Returns:
        matplotlib.figure.Figure: the figure.
    """
    sd = np.sqrt(ds["attitude_variance"]) if band and "attitude_variance" in ds else None
    return plot_metric(ds, "mean_attitude", ax=ax, countries=countries, states=states, band=sd,
                       title="Mean attitude by country and state"
                       + (" (band: ±1 SD)" if sd is not None else ""))


@style.styled
def plot_favourable_share(ds: xr.Dataset, ax: Any = None, countries: Any = None,
                          states: Any = None) -> Figure:
    """Share of each country's citizens favourable to each state actor
    (``favourable_share``), on a 0–100 % axis.

    Args:
        ds (xarray.Dataset): metrics from :func:`dipsim_analysis.open_run`.
        ax (matplotlib.axes.Axes | None): axes to draw in; default a new figure.
        countries, states (str | list[str] | None): subsets to show; default all.
    Returns:
        matplotlib.figure.Figure: the figure.
    """
    fig = plot_metric(ds, "favourable_share", ax=ax, countries=countries, states=states,
                      title="Favourable share by country and state")
    axes = ax if ax is not None else fig.axes[0]
    axes.set_ylim(0, 1)
    axes.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    return fig


@style.styled
def plot_metrics_grid(ds: xr.Dataset, metrics: Iterable[str] | None = None, ncols: int = 2,
                      fig: Figure | None = None) -> Figure:
    """Small multiples: one panel per metric (default every metric of the run), one shared
    legend.

    Args:
        ds (xarray.Dataset): metrics from :func:`dipsim_analysis.open_run`.
        metrics (list[str] | None): metrics to show; default all.
        ncols (int): panels per row.
        fig (matplotlib.figure.Figure | None): figure to draw in (must be empty); default new.
    Returns:
        matplotlib.figure.Figure: the figure.
    """
    names = list(metrics) if metrics is not None else metric_names(ds)
    if not names:
        raise ValueError("no metrics to plot")
    ncols = max(1, min(ncols, len(names)))
    nrows = -(-len(names) // ncols)
    if fig is None:
        fig = Figure(figsize=(9.0, 2.6 * nrows + 0.6), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, name in zip(axes, names):
        plot_metric(ds, name, ax=ax, legend=False, title=style.pretty(name))
    for ax in axes[len(names):]:
        ax.set_visible(False)
    # One legend for all panels, right of the first row (constrained layout makes room).
    handles, labels = axes[0].get_legend_handles_labels()
    if handles:
        axes[ncols - 1].legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                               borderaxespad=0.0)
    return fig


@style.styled
def plot_cascade_ccdf(data: pd.DataFrame, ax: Any = None, column: str = "size",
                      by: str | Sequence[str] | None = None) -> Figure:
    """Complementary CDF P(X ≥ x) of cascade sizes (or another cascade column), log–log.

    A straight line on these axes suggests a heavy (power-law-like) tail; most cascades of a
    campaign are single posts (size 1) that nobody reshared.

    Args:
        data (pandas.DataFrame): :func:`dipsim_analysis.cascade_ccdf` output, or the cascade
            table (:func:`dipsim_analysis.open_cascades`), whose CCDF is then computed here.
        ax (matplotlib.axes.Axes | None): axes to draw in; default a new figure.
        column (str): the cascade column (``size``, ``depth``, ``lifetime``); values <= 0
            cannot be shown on a log axis and are left out of the plot (not of the CCDF).
        by (str | list[str] | None): one line per group, e.g. ``"state_name"``. With a
            :func:`cascade_ccdf` frame, default the group columns it has.
    Returns:
        matplotlib.figure.Figure: the figure.
    """
    if "ccdf" in data.columns:
        ccdf = data
        if by is None:
            by = [c for c in data.columns if c not in (column, "n_ge", "n", "ccdf")]
    else:
        ccdf = cascade_ccdf(data, column=column, by=by)
    by = [by] if isinstance(by, str) else list(by or [])
    fig, ax = style.figure_and_axes(ax)
    groups = ccdf.groupby(by[0] if len(by) == 1 else by, sort=False) if by else [(None, ccdf)]
    for i, (key, g) in enumerate(groups):
        g = g[g[column] > 0]
        n = int(g["n"].iloc[0]) if len(g) else 0
        name = " · ".join(map(str, key)) if isinstance(key, tuple) else key
        lab = f"{name} (n = {n})" if name is not None else f"all cascades (n = {n})"
        ax.plot(g[column], g["ccdf"], marker="o", markersize=3, color=style.color(i),
                linestyle=style.linestyle(0), label=lab)
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel(style.label(f"cascade {column}", style.CASCADE_UNITS.get(column)))
    ax.set_ylabel("P(X ≥ x)")
    ax.set_title(f"Cascade {style.pretty(column)} distribution (CCDF)")
    style.outside_legend(ax)
    return fig


@style.styled
def plot_attitude_histogram(hist: pd.DataFrame | xr.Dataset, ax: Any = None,
                            step: Any = None, state: Any = None, bins: Any = 20) -> Figure:
    """Distribution of citizens' attitudes in snapshots: one outline histogram per snapshot
    step (colour) and state actor (line style), as shares of citizens.

    Args:
        hist (pandas.DataFrame | xarray.Dataset): :func:`dipsim_analysis.attitude_histogram`
            output, or the snapshots (:func:`dipsim_analysis.open_snapshots`), which are then
            binned here with ``step``, ``state`` and ``bins``.
        ax (matplotlib.axes.Axes | None): axes to draw in; default a new figure.
        step, state, bins: passed to :func:`attitude_histogram` when ``hist`` is a dataset.
    Returns:
        matplotlib.figure.Figure: the figure.
    """
    if isinstance(hist, xr.Dataset):
        hist = attitude_histogram(hist, step=step, state=state, bins=bins)
    fig, ax = style.figure_and_axes(ax)
    steps = sorted(hist["step"].unique())
    states = list(pd.unique(hist["state"]))
    keys = ["step", "state"] + (["country"] if "country" in hist.columns else [])
    countries = list(pd.unique(hist["country"])) if "country" in hist.columns else []
    for key, g in hist.groupby(keys, sort=False):
        s, st = key[0], key[1]
        edges = np.append(g["bin_left"].to_numpy(), g["bin_right"].to_numpy()[-1])
        lab = f"step {s}" + (f" · {st}" if len(states) > 1 else "")
        colour_index = steps.index(s)
        if countries:
            lab += f" · {key[2]}"
            colour_index = colour_index * len(countries) + countries.index(key[2])
        ax.stairs(g["share"].to_numpy(), edges, label=lab, color=style.color(colour_index),
                  linestyle=style.linestyle(states.index(st)), linewidth=1.6)
    ax.set_xlabel(style.label("attitude", "1"))
    ax.set_ylabel("share of citizens")
    ax.yaxis.set_major_formatter(PercentFormatter(xmax=1.0))
    ax.set_title("Attitude distribution" + (f" toward {states[0]}" if len(states) == 1 else ""))
    style.outside_legend(ax)
    return fig


@style.styled
def plot_arm_comparison(diff: pd.DataFrame, ax: Any = None, label_a: str = "A",
                        label_b: str = "B") -> Figure:
    """Effect of arm B against arm A: mean paired difference with its confidence interval
    (error bars) per group, from :func:`dipsim_analysis.paired_difference`.

    Args:
        diff (pandas.DataFrame): :func:`dipsim_analysis.paired_difference` output (several
            metrics may be concatenated; each gets a colour).
        ax (matplotlib.axes.Axes | None): axes to draw in; default a new figure.
        label_a, label_b (str): names of the arms for the axis label.
    Returns:
        matplotlib.figure.Figure: the figure.
    """
    stat_cols = {"metric", "n", "mean_a", "mean_b", "mean_diff", "sd_diff", "se_diff",
                 "t_crit", "ci_low", "ci_high", "confidence"}
    by = [c for c in diff.columns if c not in stat_cols]
    fig, ax = style.figure_and_axes(ax, figsize=(8.0, 1.2 + 0.35 * max(len(diff), 1)))
    metrics = list(pd.unique(diff["metric"])) if "metric" in diff else [""]
    names = [" · ".join(str(row[c]) for c in by) or "all" for _, row in diff.iterrows()]
    groups = list(dict.fromkeys(names))
    for i, m in enumerate(metrics):
        sel = (diff["metric"] == m).to_numpy() if "metric" in diff else np.ones(len(diff), bool)
        d = diff[sel]
        y = np.array([groups.index(n) for n, keep in zip(names, sel) if keep], dtype=float)
        y += (i - (len(metrics) - 1) / 2) * 0.2
        mean = d["mean_diff"].to_numpy()
        err = np.vstack([mean - d["ci_low"].to_numpy(), d["ci_high"].to_numpy() - mean])
        ax.errorbar(mean, y, xerr=err, fmt="o", color=style.color(i), capsize=3,
                    label=style.pretty(m) if len(metrics) > 1 else None)
    ax.axvline(0.0, color="#555555", linewidth=0.8, linestyle=":")
    ax.set_yticks(range(len(groups)), groups)
    ax.invert_yaxis()
    conf = float(diff["confidence"].iloc[0]) if len(diff) and "confidence" in diff else 0.95
    what = style.pretty(metrics[0]) if len(metrics) == 1 else "difference"
    ax.set_xlabel(f"{what}: {label_b} − {label_a} (mean of paired differences, "
                  f"{conf:.0%} CI)")
    ax.set_title(f"{label_b} vs {label_a}")
    if len(metrics) > 1:
        style.outside_legend(ax)
    return fig


# ---------------------------------------------------------------------------------------------
# Sweeps


def _param_label(name: str) -> str:
    """Axis label of a swept parameter: its scenario key as written in the sweep file (units
    are those of the key in docs/scenario-reference.md)."""
    return str(name)


def _series_label(key: tuple, names: list[str]) -> str:
    return ", ".join(f"{n}={v}" if n not in ("arm", "country", "state", "arm_b") else str(v)
                     for n, v in zip(names, key))


def _group_styles(frame: pd.DataFrame, colour_by: str | None, style_by: list[str],
                  order: list[str] | None = None):
    """Yields (sub-frame, colour value, colour index, line-style index, style label) per series:
    colour = the ``colour_by`` value (an arm; its index in ``order`` when given, so an arm keeps
    its colour from plot to plot), line style = the combination of ``style_by`` values."""
    colours = list(pd.unique(frame[colour_by])) if colour_by else [None]
    index = {c: (order.index(str(c)) if order and str(c) in order else i)
             for i, c in enumerate(colours)}
    combos = (list(dict.fromkeys(map(tuple, frame[style_by].astype(str).to_numpy())))
              if style_by else [()])
    for ci, c in enumerate(colours):
        sub = frame[frame[colour_by] == c] if colour_by else frame
        for si, combo in enumerate(combos):
            if style_by:
                mask = np.all(sub[style_by].astype(str).to_numpy() == np.array(combo), axis=1)
                g = sub[mask]
            else:
                g = sub
            if g.empty:
                continue
            yield (g, c, index[c], si,
                   _series_label(combo, style_by) if style_by and len(combos) > 1 else "")


def _dodge(frame: pd.DataFrame, x: str, n_series: int, k: int, dodge: float) -> float:
    """Horizontal offset of series ``k`` of ``n_series`` (a fraction ``dodge`` of the smallest
    gap between x values), so that error bars at the same x do not hide each other."""
    if n_series < 2 or dodge <= 0:
        return 0.0
    xs = np.unique(frame[x].to_numpy(dtype=float))
    gap = float(np.min(np.diff(xs))) if len(xs) > 1 else 1.0
    return (k - (n_series - 1) / 2) * dodge * gap / max(n_series - 1, 1)


@style.styled
def plot_response_curves(curve: pd.DataFrame, ax: Any = None, title: str | None = None,
                         band: bool = True, dodge: float = 0.25, connect: bool = True
                         ) -> Figure:
    """Response curves of a sweep: mean of a metric against a swept parameter, one line per arm
    (colour) and per value of the other key columns (line style), with the confidence interval
    over replicates as a shaded band (and error bars on the markers).

    Args:
        curve (pandas.DataFrame): :func:`dipsim_analysis.response_curve` output (filter it to
            the countries and states to show; each combination is a line style).
        ax (matplotlib.axes.Axes | None): axes to draw in; default a new figure.
        title (str | None): axes title; default the metric's name.
        band (bool): shade the confidence interval.
        dodge (float): spread the series' markers sideways over this fraction of the smallest
            gap between x values (0: none), so that their error bars stay visible.
        connect (bool): join a series' points with lines (and shade the band); False for
            sampled designs (Latin hypercube, Sobol), whose points are not a curve.
    Returns:
        matplotlib.figure.Figure: the figure.
    """
    x = curve.attrs.get("x")
    if x is None:
        raise ValueError("curve has no attrs['x']: pass response_curve()'s output")
    by = [c for c in curve.attrs.get("by", []) if c in curve.columns and curve[c].nunique() > 1]
    metric = curve.attrs.get("metric", str(curve["metric"].iloc[0]) if len(curve) else "")
    fig, ax = style.figure_and_axes(ax)
    arm = "arm" if "arm" in curve.columns else None
    series = list(_group_styles(curve, arm, by, curve.attrs.get("arms")))
    for k, (g, c, ci, si, slab) in enumerate(series):
        lab = " · ".join(p for p in ([str(c)] if arm else []) + [slab] if p) or None
        g = g.sort_values(x)
        xs = g[x].to_numpy(dtype=float) + _dodge(curve, x, len(series), k, dodge)
        m = g["mean"].to_numpy(dtype=float)
        lo, hi = g["ci_low"].to_numpy(dtype=float), g["ci_high"].to_numpy(dtype=float)
        kw = {"color": style.color(ci), "linestyle": style.linestyle(si) if connect else "none"}
        yerr = np.nan_to_num(np.vstack([m - lo, hi - m]))  # no interval (n < 2): no bar
        ax.errorbar(xs, m, yerr=yerr, marker="o", markersize=4,
                    capsize=2, label=lab, **kw)
        if band and connect and len(xs) > 1:
            ax.fill_between(xs, lo, hi, color=kw["color"], alpha=0.12, linewidth=0)
    units = curve.attrs.get("units", {}).get(metric)
    conf = float(curve["confidence"].iloc[0]) if len(curve) else 0.95
    ax.set_xlabel(_param_label(x))
    ax.set_ylabel(style.label(metric, units))
    ax.set_title(title if title is not None else
                 f"{style.pretty(metric).capitalize()}: mean over replicates ({conf:.0%} CI)")
    style.outside_legend(ax)
    return fig


@style.styled
def plot_sweep_heatmap(table: pd.DataFrame, ax: Any = None, title: str | None = None,
                       vmin: float | None = None, vmax: float | None = None,
                       cmap: str = "viridis", annotate: bool = True,
                       colorbar: bool = True) -> Figure:
    """Heat map of a metric over two swept parameters (one cell per grid value pair).

    Args:
        table (pandas.DataFrame): :func:`dipsim_analysis.sweep_heatmap` output (rows = y
            values, columns = x values).
        ax (matplotlib.axes.Axes | None): axes to draw in; default a new figure.
        title (str | None): axes title; default the metric and the arm.
        vmin, vmax (float | None): colour scale (give the same to compare several maps).
        cmap (str): colour map; default viridis (perceptually uniform, readable with the
            common colour-vision deficiencies and in grey).
        annotate (bool): write each cell's value.
        colorbar (bool): draw the colour bar (labelled with the metric and its units).
    Returns:
        matplotlib.figure.Figure: the figure.
    """
    metric = table.attrs.get("metric", "")
    units = table.attrs.get("units", {}).get(metric)
    fig, ax = style.figure_and_axes(ax, figsize=(6.0, 4.2))
    values = table.to_numpy(dtype=float)
    ax.grid(False)
    mesh = ax.pcolormesh(np.arange(values.shape[1] + 1), np.arange(values.shape[0] + 1),
                         np.ma.masked_invalid(values), cmap=cmap, vmin=vmin, vmax=vmax,
                         shading="flat")
    ax.set_xticks(np.arange(values.shape[1]) + 0.5, [_fmt_tick(v) for v in table.columns])
    ax.set_yticks(np.arange(values.shape[0]) + 0.5, [_fmt_tick(v) for v in table.index])
    ax.set_xlabel(_param_label(table.attrs.get("x", table.columns.name)))
    ax.set_ylabel(_param_label(table.attrs.get("y", table.index.name)))
    if annotate:
        norm = mesh.norm
        for i in range(values.shape[0]):
            for j in range(values.shape[1]):
                v = values[i, j]
                if np.isnan(v):
                    continue
                dark = norm(v) < 0.55  # viridis: light text on the dark (low) end
                ax.text(j + 0.5, i + 0.5, f"{v:.3g}", ha="center", va="center",
                        fontsize="small", color="white" if dark else "black")
    if colorbar:
        fig.colorbar(mesh, ax=ax, label=style.label(metric, units))
    where = table.attrs.get("where") or {}
    arm = table.attrs.get("arm")
    extra = ", ".join([f"arm {arm}"] * (arm is not None) + [str(v) for v in where.values()])
    ax.set_title(title if title is not None else
                 f"{style.pretty(metric).capitalize()}" + (f" ({extra})" if extra else ""))
    return fig


def _fmt_tick(v: Any) -> str:
    if isinstance(v, (float, np.floating)):
        return f"{float(v):g}"
    return str(v)


@style.styled
def plot_sweep_difference(diff: pd.DataFrame, x: str | None = None, ax: Any = None,
                          title: str | None = None, dodge: float = 0.25,
                          connect: bool = True) -> Figure:
    """Paired arm differences against a swept parameter: mean B − A over replicates with its
    confidence interval (error bars and a shaded band), one colour per compared arm B, one
    line style per value of the other key columns, and a dotted line at 0 (an interval that
    excludes 0 is an effect at that confidence).

    Args:
        diff (pandas.DataFrame): :func:`dipsim_analysis.sweep_paired_difference` output (filter
            it to the countries and states to show).
        x (str | None): the parameter on the x axis; default the first swept parameter among
            the frame's key columns.
        ax (matplotlib.axes.Axes | None): axes to draw in; default a new figure.
        title (str | None): axes title.
        dodge (float): spread the series sideways (see :func:`plot_response_curves`).
        connect (bool): join a series' points with lines and shade the band.
    Returns:
        matplotlib.figure.Figure: the figure.
    """
    by = [c for c in diff.attrs.get("by", []) if c in diff.columns]
    params = [p for p in diff.attrs.get("parameters", []) if p in by]
    if x is None:
        if not params:
            raise ValueError("no swept parameter among the difference's key columns; pass x=")
        x = params[0]
    if x not in diff.columns:
        raise KeyError(f"no column {x!r} in the differences")
    others = [c for c in by if c not in (x, "point") and diff[c].nunique() > 1]
    metric = diff.attrs.get("metric", str(diff["metric"].iloc[0]) if len(diff) else "")
    units = diff.attrs.get("units", {}).get(metric)
    fig, ax = style.figure_and_axes(ax)
    arms = list(diff.attrs.get("arms", []))
    series = list(_group_styles(diff, "arm_b", others, arms))
    for k, (g, b, ci, si, slab) in enumerate(series):
        g = g.sort_values(x)
        xs = g[x].to_numpy(dtype=float) + _dodge(diff, x, len(series), k, dodge)
        m = g["mean_diff"].to_numpy(dtype=float)
        lo, hi = g["ci_low"].to_numpy(dtype=float), g["ci_high"].to_numpy(dtype=float)
        colour = style.color(ci)
        lab = f"{b} − {g['arm_a'].iloc[0]}" + (f" · {slab}" if slab else "")
        yerr = np.nan_to_num(np.vstack([m - lo, hi - m]))  # no interval (n < 2): no bar
        ax.errorbar(xs, m, yerr=yerr, marker="o", markersize=4,
                    capsize=2, color=colour,
                    linestyle=style.linestyle(si) if connect else "none", label=lab)
        if connect and len(xs) > 1:
            ax.fill_between(xs, lo, hi, color=colour, alpha=0.12, linewidth=0)
    ax.axhline(0.0, color="#555555", linewidth=0.8, linestyle=":")
    conf = float(diff["confidence"].iloc[0]) if len(diff) else 0.95
    ax.set_xlabel(_param_label(x))
    ax.set_ylabel(f"Δ {style.label(metric, units)}")
    ax.set_title(title if title is not None else
                 f"Paired arm difference of {style.pretty(metric)} ({conf:.0%} CI)")
    style.outside_legend(ax)
    return fig
