"""A one-page HTML report of a sweep folder, self-contained like the run report (plots embedded
as base64 PNG, inline CSS, no scripts, no external resources).

Sections: title and description (from the sweep file), status of the runs (a warning when some
failed or are unfinished, with their messages), provenance, the design (parameters, arms,
replicates, summaries), then for each summary column of the index: response curves against
each swept parameter per arm (mean and confidence interval over replicates), heat maps over the
first two parameters (grid designs), the paired arm differences against the first parameter and
their table; finally the sweep file in a collapsible ``<details>``.

It reads only ``index.h5`` (and the metric attributes of one run file, for units): the
summaries the sweep file asked for are what the page shows.
"""
from __future__ import annotations

import datetime
import os
import pathlib
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.figure import Figure

from . import __version__, plots, style
from .report import _esc, _figure_html, _fmt, _kv_table, _page, _table
from .sweep import open_sweep, response_curve, sweep_heatmap, sweep_paired_difference

#: A parameter's other parameters are drawn as separate lines while they have at most this many
#: value combinations; beyond, the curve pools over them.
MAX_LINE_COMBOS = 4
#: Response-curve panels per summary (one per parameter, the first ones).
MAX_PANELS = 4
#: Rows of a paired-difference table shown (the rest is counted).
MAX_TABLE_ROWS = 200


def _design_tables(df: pd.DataFrame, info: dict[str, Any]) -> str:
    params = info["parameters"]
    types = info.get("parameter_types") or [""] * len(params)
    rows = []
    grid = info.get("design") == "grid"
    for p, t in zip(params, types):
        values = pd.unique(df[p])
        try:
            values = np.sort(values)
        except TypeError:
            pass
        if grid:
            shown = ", ".join(_fmt(v) for v in values)
        else:
            shown = (f"{_fmt(np.min(values))} … {_fmt(np.max(values))} "
                     f"({len(values)} distinct values)")
        rows.append({"parameter": p, "type": t, "values": shown})
    parts = []
    if rows:
        parts.append("<h3>Parameters</h3>" + _table(pd.DataFrame(rows)))
    else:
        parts.append("<p>No swept parameter: one point.</p>")
    arms = pd.DataFrame([{"arm": a, "overrides": o or "(none: the point as it is)"}
                         for a, o in info["arms"].items()])
    if len(arms):
        parts.append("<h3>Arms</h3><p>Every arm runs at every point with the same seeds "
                     "(common random numbers), so arm differences are paired by point and "
                     "replicate.</p>" + _table(arms))
    units = info.get("units", {})
    summ = pd.DataFrame([{"column": c, "definition": d, "units": units.get(c, "")}
                         for c, d in info["summaries"].items()])
    if len(summ):
        parts.append("<h3>Summaries (columns of the index)</h3>" + _table(summ))
    return "".join(parts)


def _status_html(df: pd.DataFrame, info: dict[str, Any]) -> str:
    counts = df["status"].value_counts()
    total = len(df)
    done = int(counts.get("complete", 0))
    if done == total:
        return (f'<div class="status ok"><strong>Status: complete.</strong> All {total} runs '
                "are complete.</div>")
    others = ", ".join(f"{int(n)} {s}" for s, n in counts.items() if s != "complete")
    kind = "bad" if counts.get("failed", 0) else "warn"
    label = "Error" if kind == "bad" else "Warning"
    text = (f'<div class="status {kind}"><strong>{label}: {done} of {total} runs '
            f"complete</strong> ({_esc(others)}). Summaries below use the complete runs only; "
            "`dipsim sweep FILE --resume` runs the others.</div>")
    bad = df[df["status"] != "complete"][["run", "file", "status", "error"]].head(50)
    return text + "<h3>Runs not complete</h3>" + _table(bad.reset_index(drop=True))


def _provenance_html(df: pd.DataFrame, info: dict[str, Any]) -> str:
    pairs = [
        ("sweep", info.get("sweep_name", "")), ("folder", info["folder"]),
        ("index", info["index"]), ("sweep file", info.get("sweep_file", "")),
        ("base scenario", info.get("scenario", "")), ("design", info.get("design", "")),
        ("sweep seed", info.get("seed", "")),
        ("points × arms × replicates", f"{info.get('num_points')} × {info.get('num_arms')} × "
                                       f"{info.get('replicates')} = {info.get('num_runs')} runs"),
        ("dipsim version", info.get("dipsim_version", "")),
        ("git revision", info.get("git_revision", "")),
        ("index written (UTC)", info.get("updated", "")),
        ("index format version", info.get("format_version", "")),
    ]
    if "host" in df:
        hosts = sorted({str(h) for h in df["host"] if str(h)})
        pairs.append(("hosts", ", ".join(hosts[:10]) + (" …" if len(hosts) > 10 else "")))
    if "wall_seconds" in df:
        wall = float(np.nansum(df["wall_seconds"].to_numpy(dtype=float)))
        pairs.append(("run time, all runs", f"{wall:.3g} s"))
    return _kv_table(pairs)


def _combos(df: pd.DataFrame, cols: list[str]) -> int:
    return len(df[cols].drop_duplicates()) if cols else 1


def _response_figure(df: pd.DataFrame, col: str, params: list[str],
                     grid: bool) -> tuple[Figure, str]:
    shown = params[:MAX_PANELS]
    fig = Figure(figsize=(8.6, 3.5 * len(shown) + 0.3), layout="constrained")
    axes = fig.subplots(len(shown), 1, squeeze=False).ravel()
    notes = []
    for ax, p in zip(axes, shown):
        others = [q for q in params if q != p]
        lines = grid and _combos(df, others) <= MAX_LINE_COMBOS
        curve = response_curve(df, col, p, by=others if lines else [])
        plots.plot_response_curves(curve, ax=ax, title=f"{col} vs {p}", connect=grid)
        if others and grid and not lines:
            notes.append(f"against {p}: pooled over {', '.join(others)}")
    caption = ("Mean of the summary over replicates per arm (colour) and parameter value, with "
               "its 95 % t interval (error bars; band). ")
    if grid and len(params) > 1:
        caption += (f"Other parameters are separate line styles while they have at most "
                    f"{MAX_LINE_COMBOS} combinations. ")
    if notes:
        caption += "Curves " + "; ".join(notes) + " (the interval then spans their runs too). "
    if not grid:
        caption += ("Sampled design: each marker is one point (its replicates); the points are "
                    "not a curve. ")
    if len(params) > MAX_PANELS:
        caption += f"Only the first {MAX_PANELS} parameters are shown."
    return fig, caption


def _heatmap_figure(df: pd.DataFrame, col: str, x: str, y: str, arms: list[str]) -> Figure:
    tables = [sweep_heatmap(df, col, x, y, arm=a) if a is not None else
              sweep_heatmap(df, col, x, y) for a in (arms or [None])]
    values = np.concatenate([t.to_numpy(dtype=float).ravel() for t in tables])
    vmin, vmax = (float(np.nanmin(values)), float(np.nanmax(values))) if np.isfinite(
        values).any() else (None, None)
    ncols = min(len(tables), 3)
    nrows = -(-len(tables) // ncols)
    fig = Figure(figsize=(3.3 * ncols + 1.4, 3.0 * nrows + 0.4), layout="constrained")
    axes = fig.subplots(nrows, ncols, squeeze=False).ravel()
    for ax, t in zip(axes, tables):
        plots.plot_sweep_heatmap(t, ax=ax, vmin=vmin, vmax=vmax, colorbar=False,
                                 title=f"arm {t.attrs['arm']}" if t.attrs.get("arm") else None)
    for ax in axes[len(tables):]:
        ax.set_visible(False)
    units = df.attrs.get("units", {}).get(col)
    fig.colorbar(axes[0].collections[0], ax=list(axes[:len(tables)]),
                 label=style.label(col, units))
    return fig


def _difference_section(df: pd.DataFrame, col: str, params: list[str], grid: bool) -> str:
    parts = []
    if params:
        x = params[0]
        others = params[1:]
        lines = grid and _combos(df, others) <= MAX_LINE_COMBOS
        # Grid: per point, other parameters as line styles (few) or pooled over them (many).
        # Sampled designs: per point, one marker each, no line styles.
        by = ["point", x] if not grid else (["point", *params] if lines else [x])
        d = sweep_paired_difference(df, col, by=by)
        fig = plots.plot_sweep_difference(d, x=x, connect=grid)
        cap = ("Mean paired difference of each arm from the first arm over replicates (pairs: "
               "same point and replicate, hence the same seed), with its 95 % t interval; an "
               "interval that excludes 0 (dotted line) is an effect at that confidence.")
        if grid and others and not lines:
            cap += f" Pooled over {', '.join(others)} (every pair at each value of {x})."
        parts.append(_figure_html(fig, f"paired arm differences of {col}", _esc(cap)))
    table = sweep_paired_difference(df, col)
    show = table.rename(columns={"mean_a": "mean A", "mean_b": "mean B",
                                 "mean_diff": "B − A", "ci_low": "CI low",
                                 "ci_high": "CI high", "arm_a": "arm A", "arm_b": "arm B"})
    show["CI excludes 0"] = (table["ci_low"] > 0) | (table["ci_high"] < 0)
    keep = ["arm A", "arm B", *[c for c in table.attrs.get("by", []) if c in show],
            "n", "mean A", "mean B", "B − A", "CI low", "CI high", "CI excludes 0"]
    show = show[keep]
    more = ""
    if len(show) > MAX_TABLE_ROWS:
        more = f"<p>{len(show) - MAX_TABLE_ROWS} more rows not shown.</p>"
        show = show.head(MAX_TABLE_ROWS)
    parts.append("<p>Per point: B − A over the replicates (95 % t interval).</p>"
                 + _table(show) + more)
    return "".join(parts)


def build_sweep_report(path: str | os.PathLike[str], title: str | None = None) -> str:
    """Builds the HTML report of a sweep.

    Args:
        path (str | os.PathLike): sweep folder (``sweeps/NAME``) or its ``index.h5``.
        title (str | None): page title; default ``Sweep NAME``.
    Returns:
        str: the complete HTML page.
    Raises:
        FileNotFoundError, SweepError: see :func:`dipsim_analysis.resolve_sweep_path`.
    """
    df = open_sweep(path, metrics=[])
    info = df.attrs
    name = info.get("sweep_name", pathlib.Path(info["folder"]).name)
    title = title or f"Sweep {name}"
    sweep_text = str(info.get("sweep", ""))
    description = ""
    try:
        import yaml  # Debian python3-yaml

        parsed = yaml.safe_load(sweep_text) if sweep_text else {}
        if isinstance(parsed, dict):
            description = str(parsed.get("description", "") or "")
    except Exception:  # noqa: BLE001 - the description is optional
        description = ""
    params = list(info["parameters"])
    grid = info.get("design") == "grid"
    arms = list(info["arms"])
    done = df[df["status"] == "complete"].copy()
    done.attrs = info

    body = [f"<h1>{_esc(title)}</h1>"]
    if description.strip():
        body.append(f'<p class="description">{_esc(description.strip())}</p>')
    body.append(_status_html(df, info))
    body.append("<h2>Provenance</h2>" + _provenance_html(df, info))
    body.append("<h2>Design</h2>" + _design_tables(df, info))

    summaries = [c for c in info["summaries"] if c in df.columns]
    if done.empty:
        body.append("<h2>Results</h2><p>No run is complete yet: there is nothing to summarise."
                    "</p>")
    elif not summaries:
        body.append("<h2>Results</h2><p>The index has no summary columns.</p>")
    # Runs that are not complete have NaN summaries in the index: every statistic leaves them
    # (and, for paired differences, their partners) out.
    for col in summaries if not done.empty else []:
        units = info.get("units", {}).get(col, "")
        body.append(f'<h2 id="{_esc(col)}">{_esc(col)}</h2><p><code>'
                    f"{_esc(info['summaries'][col])}</code>"
                    + (f" — {_esc(style.unit_text(units))}" if units else "") + "</p>")
        if params:
            fig, cap = _response_figure(df, col, params, grid)
            body.append("<h3>Response curves</h3>"
                        + _figure_html(fig, f"response curves of {col}", _esc(cap)))
        if grid and len(params) >= 2:
            fig = _heatmap_figure(df, col, params[0], params[1], arms)
            extra = (f" averaged over {', '.join(params[2:])}" if len(params) > 2 else "")
            body.append("<h3>Heat map</h3>" + _figure_html(
                fig, f"heat map of {col}",
                _esc(f"Mean over replicates{extra}, per arm; one colour scale for all arms.")))
        if len(arms) >= 2:
            body.append("<h3>Paired arm differences</h3>"
                        + _difference_section(df, col, params, grid))
    if sweep_text:
        body.append("<h2>Sweep file</h2><details><summary>The sweep file as stored in the index"
                    f"</summary><pre>{_esc(sweep_text)}</pre></details>")
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body.append(f"<footer>Generated by dipsim_analysis {_esc(__version__)} from "
                f"<code>{_esc(info['index'])}</code> on {now}.</footer>")
    return _page(title, "\n".join(body))


def write_sweep_report(path: str | os.PathLike[str], output: str | os.PathLike[str],
                       title: str | None = None) -> pathlib.Path:
    """Builds the report of a sweep and writes it (temporary file, then rename).

    Args:
        path (str | os.PathLike): sweep folder or its ``index.h5``.
        output (str | os.PathLike): HTML file to write (replaced if it exists).
        title (str | None): page title.
    Returns:
        pathlib.Path: the file written.
    """
    page = build_sweep_report(path, title=title)
    out = pathlib.Path(output)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, out)
    return out

