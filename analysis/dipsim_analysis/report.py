"""A one-page HTML report of a run: self-contained (plots embedded as base64 PNG, inline CSS,
no scripts, no external resources), so it can be mailed, archived or opened offline.

Sections: title and description (from the scenario), run status (a visible warning for
interrupted, failed or unfinished runs), provenance, the world (countries, graph), the main
plots (mean attitude, favourable share, every other metric, attitude distributions, cascade
sizes), final values, cascade summary, metric descriptions, and the resolved scenario in a
collapsible ``<details>``. Each section appears only when the run has its data, so the report
works on partial files and on runs whose model writes more or fewer metrics.

The sweep report (:mod:`dipsim_analysis.sweep_report`) reuses the pieces here (``_page``,
``_table``, ``_figure_html``) around the sweep loader's frames.
"""
from __future__ import annotations

import base64
import datetime
import html
import io
import os
import pathlib
from typing import Any

import numpy as np
import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg

from . import __version__, plots, style
from .load import (STATUS_MEANING, RunFileError, open_cascades, open_graph, open_run,
                   open_snapshots, open_table, resolve_run_path, run_info, run_scenario)
from .summary import attitude_histogram, cascade_ccdf, final_values, metric_names

# Provenance rows shown first, in this order (root attribute, label); any other root attribute
# the run driver adds is listed after them.
_PROVENANCE = [
    ("status", "status"), ("title", "title"), ("dipsim_version", "dipsim version"),
    ("git_revision", "git revision"), ("seed", "seed"), ("threads", "threads"),
    ("host", "host"), ("start_time", "start time (UTC)"), ("wall_seconds", "wall time"),
    ("steps_done", "steps done"), ("command_line", "command line"),
    ("format_version", "file format version"),
]
_NOT_IN_TABLE = {"scenario", "description", "error"}
# Groups of 1-D arrays other than graph/cascades are shown as tables up to this many rows.
_MAX_TABLE_ROWS = 100

_CSS = """
body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;
 margin:0;background:#fff;color:#1a1a1a;line-height:1.45}
main{max-width:1000px;margin:0 auto;padding:24px 28px 48px}
h1{font-size:1.7em;margin:0 0 .3em}h2{font-size:1.25em;margin:1.6em 0 .5em;
 border-bottom:2px solid #0072B2;padding-bottom:.15em}
h3{font-size:1.05em;margin:1.2em 0 .4em}
p.description{font-size:1.05em;color:#333;margin:.2em 0 1em}
.status{padding:10px 14px;border-radius:4px;margin:1em 0;border-left:6px solid}
.status.ok{background:#e6f3ec;border-color:#009E73}
.status.warn{background:#fdf1dc;border-color:#E69F00}
.status.bad{background:#fbe4d8;border-color:#D55E00}
table{border-collapse:collapse;margin:.5em 0 1em;font-size:.92em}
div.wide{max-width:100%;overflow-x:auto}
th,td{border:1px solid #ccc;padding:3px 8px;text-align:left;vertical-align:top}
th{background:#f0f4f8}td.num{text-align:right;font-variant-numeric:tabular-nums}
table.kv th{width:13em}
figure{margin:1em 0 1.5em}figure img{max-width:100%;height:auto;display:block}
figcaption{font-size:.9em;color:#444;margin-top:.3em}
details{margin:1em 0}summary{cursor:pointer;font-weight:bold}
pre{background:#f6f6f6;border:1px solid #ddd;padding:10px;overflow-x:auto;font-size:.85em}
code{font-size:.92em}footer{margin-top:3em;font-size:.85em;color:#666}
"""


def _esc(x: Any) -> str:
    return html.escape(str(x), quote=True)


def _fmt(v: Any) -> str:
    """Formats a number for a table: thousands separators for large values, 4 significant
    digits otherwise."""
    if v is None or (isinstance(v, float) and np.isnan(v)) or v is pd.NA:
        return "–"
    if isinstance(v, (bool, np.bool_)):
        return "yes" if v else "no"
    if isinstance(v, (int, np.integer)):
        return f"{int(v):,}"
    if isinstance(v, (float, np.floating)):
        v = float(v)
        if v.is_integer() and abs(v) < 1e15:
            return f"{int(v):,}"
        if abs(v) >= 1000:
            return f"{v:,.1f}"
        return f"{v:.4g}"
    return str(v)


def _table(df: pd.DataFrame, header: dict[str, str] | None = None) -> str:
    """An HTML table of a frame; numeric columns right-aligned."""
    header = header or {}
    head = "".join(f"<th>{header.get(c, _esc(c))}</th>" for c in df.columns)
    rows = []
    numeric = [pd.api.types.is_numeric_dtype(df[c]) and not pd.api.types.is_bool_dtype(df[c])
               for c in df.columns]
    for row in df.itertuples(index=False):
        cells = "".join(f'<td class="num">{_esc(_fmt(v))}</td>' if num else
                        f"<td>{_esc(_fmt(v))}</td>" for v, num in zip(row, numeric))
        rows.append(f"<tr>{cells}</tr>")
    return (f'<div class="wide"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table></div>")


def _kv_table(pairs: list[tuple[str, Any]]) -> str:
    rows = "".join(f"<tr><th>{_esc(k)}</th><td>{_esc(v)}</td></tr>" for k, v in pairs)
    return f'<table class="kv"><tbody>{rows}</tbody></table>'


def figure_png(fig: Any, dpi: int = 100) -> bytes:
    """Renders a matplotlib figure to PNG bytes with the Agg backend (no display needed)."""
    FigureCanvasAgg(fig)
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=dpi)
    return buf.getvalue()


def _figure_html(fig: Any, alt: str, caption: str) -> str:
    data = base64.b64encode(figure_png(fig)).decode("ascii")
    return (f'<figure><img src="data:image/png;base64,{data}" alt="{_esc(alt)}">'
            f"<figcaption>{caption}</figcaption></figure>")


def _status_html(info: dict[str, Any], requested: int | None) -> str:
    status = str(info.get("status", "unknown"))
    last = info.get("last_step")
    covered = (f"steps 0–{last}" if last is not None else "no steps")
    of = f" of {requested}" if requested is not None else ""
    if status == "complete":
        return (f'<div class="status ok"><strong>Status: complete.</strong> Every requested step '
                f"was written ({_esc(last if last is not None else 0)}{_esc(of)} steps).</div>")
    if status == "interrupted":
        kind, text = "warn", (f"The run was stopped (Ctrl-C or SIGTERM) after step "
                              f"{_esc(last)}{_esc(of)}. Everything below covers {covered} only.")
    elif status == "failed":
        why = _esc(info.get("error", "no reason recorded"))
        kind, text = "bad", (f"The run stopped with an error: <code>{why}</code>. Everything "
                             f"below covers {covered} only.")
    elif status == "running":
        kind, text = "warn", ("The file says the run is still being written: either it is still "
                              "going or its process died (crash, kill -9, power loss). The data "
                              f"are as of the last flush: {covered}{_esc(of)}.")
    else:
        kind, text = "bad", f"Unknown status {_esc(status)!s}."
    label = {"warn": "Warning", "bad": "Error"}[kind]
    return (f'<div class="status {kind}"><strong>{label}: status {_esc(status)}.</strong> '
            f"{text}</div>")


def _provenance_html(info: dict[str, Any], path: pathlib.Path, requested: int | None) -> str:
    pairs: list[tuple[str, Any]] = [("file", str(path))]
    shown = set()
    for key, lab in _PROVENANCE:
        if key in info:
            v = info[key]
            if key == "wall_seconds":
                v = f"{float(v):.3g} s"
            elif key == "status":
                v = f"{v} ({STATUS_MEANING.get(str(v), 'unknown status')})"
            elif key == "steps_done" and requested is not None:
                v = f"{v} of {requested}"
            pairs.append((lab, v))
            shown.add(key)
    skip = shown | _NOT_IN_TABLE | {"path", "groups", "num_steps", "last_step", "countries",
                                    "states", "metrics", "snapshot_steps", "graph", "cascades",
                                    "tables"}
    for key, v in info.items():
        if key not in skip and not isinstance(v, (dict, list)):
            pairs.append((key.replace("_", " "), v))
    return _kv_table(pairs)


def _world_html(path: pathlib.Path, info: dict[str, Any]) -> str:
    parts = []
    if info.get("countries"):
        try:
            countries = open_graph(path, dim="country")
            parts.append(_table(countries))
        except RunFileError:
            parts.append(f"<p>Countries: {_esc(', '.join(map(str, info['countries'])))}</p>")
    if info.get("states"):
        parts.append(f"<p>State actors: {_esc(', '.join(map(str, info['states'])))}</p>")
    if info.get("graph"):
        parts.append("<h3>Follow graph</h3>" + _kv_table(
            [(k.replace("_", " "), _fmt(v)) for k, v in info["graph"].items()]))
    return "".join(parts)


def _cascade_summary(cascades: pd.DataFrame) -> pd.DataFrame:
    """One row for all cascades and one per state: count, share reshared, mean/max size and
    depth, mean lifetime (for the columns the table has)."""
    groups = [("all", cascades)]
    if "state_name" in cascades:
        groups += [(str(k), g) for k, g in cascades.groupby("state_name", sort=False)]
    rows = []
    for name, g in groups:
        row: dict[str, Any] = {"state": name, "cascades": len(g)}
        if "size" in g:
            row["items"] = int(g["size"].sum())
            row["reshared share"] = float((g["size"] > 1).mean()) if len(g) else np.nan
            row["mean size"] = float(g["size"].mean()) if len(g) else np.nan
            row["max size"] = int(g["size"].max()) if len(g) else 0
        if "depth" in g:
            row["max depth"] = int(g["depth"].max()) if len(g) else 0
        if "lifetime" in g:
            row["mean lifetime [steps]"] = float(g["lifetime"].mean()) if len(g) else np.nan
        rows.append(row)
    return pd.DataFrame(rows)


def build_report(path: str | os.PathLike[str], title: str | None = None) -> str:
    """Builds the HTML report of a run.

    Args:
        path (str | os.PathLike): run file (``FILE`` or ``FILE.partial``).
        title (str | None): page title; default the scenario's title (else the file name).
    Returns:
        str: the complete HTML page.
    Raises:
        FileNotFoundError, RunFileError: the file is missing or not a dipsim run.
    """
    p = resolve_run_path(path)
    info = run_info(p)
    try:
        scenario = run_scenario(p)
    except RunFileError:
        scenario = {}
    run_cfg = scenario.get("run", {}) if isinstance(scenario.get("run"), dict) else {}
    requested = run_cfg.get("steps") if isinstance(run_cfg.get("steps"), int) else None
    title = title or info.get("title") or scenario.get("title") or p.name
    description = scenario.get("description") or info.get("description") or ""

    body = [f"<h1>{_esc(title)}</h1>"]
    if str(description).strip():
        body.append(f'<p class="description">{_esc(str(description).strip())}</p>')
    body.append(_status_html(info, requested))
    body.append("<h2>Provenance</h2>" + _provenance_html(info, p, requested))
    world = _world_html(p, info)
    if world:
        body.append("<h2>World</h2>" + world)

    ds = None
    if "metrics" in info.get("groups", []):
        ds = open_run(p, lazy=False)
    has_steps = ds is not None and ds.sizes.get("step", 0) > 0
    if has_steps:
        body.append("<h2>Attitudes over time</h2>")
        names = metric_names(ds)
        if "mean_attitude" in names:
            body.append(_figure_html(
                plots.plot_attitude(ds), "mean attitude by country and state",
                "Mean attitude of each country's citizens (online and offline) toward each state "
                "actor, in [−1, 1]; colour = country, line style = state; the shaded band is "
                "±1 standard deviation of the citizens' attitudes."))
        if "favourable_share" in names:
            body.append(_figure_html(
                plots.plot_favourable_share(ds), "favourable share by country and state",
                "Share of each country's citizens whose attitude toward the state exceeds the "
                "favourable threshold (<code>citizens.favourable_threshold</code>)."))
        others = [n for n in names if n not in ("mean_attitude", "favourable_share")]
        if others:
            body.append("<h2>Other metrics</h2>")
            body.append(_figure_html(
                plots.plot_metrics_grid(ds, others), "other metrics",
                "Every other metric of the run, one panel each (units on the axes; meanings in "
                "the table <a href=\"#metrics\">Metrics</a>)."))
    else:
        body.append("<h2>Metrics</h2><p>No steps were written: there is nothing to plot.</p>")

    if info.get("snapshot_steps"):
        snaps = open_snapshots(p)
        try:
            steps = info["snapshot_steps"]
            chosen = sorted({steps[0], steps[-1]})
            hist = attitude_histogram(snaps, step=chosen, bins=40)
        finally:
            snaps.close()
        body.append("<h2>Attitude distributions</h2>")
        body.append(_figure_html(
            plots.plot_attitude_histogram(hist), "attitude histograms",
            f"Attitudes of all citizens toward each state at the first and last snapshot "
            f"(steps {', '.join(map(str, chosen))}); 40 bins over [−1, 1], as shares of "
            "citizens. Colour = snapshot step, line style = state."))

    if has_steps:
        fv = final_values(ds)
        header = {n: f"{_esc(style.pretty(n))}<br><small>{_esc(ds[n].attrs.get('units', ''))}"
                     "</small>" for n in metric_names(ds)}
        body.append(f"<h2>Final values (step {int(fv['step'].iloc[0])})</h2>")
        body.append(_table(fv.drop(columns="step"), header))

    if "cascades" in info.get("groups", []):
        try:
            cascades = open_cascades(p)
        except RunFileError:
            cascades = None
        if cascades is not None:
            body.append("<h2>Cascades</h2>")
            n_items = info.get("cascades", {}).get("num_items")
            body.append(f"<p>{_fmt(len(cascades))} original items"
                        + (f" ({_fmt(n_items)} items posted in all, reshares included)"
                           if n_items is not None else "")
                        + ". A cascade is an original post and all its reshares.</p>")
            if len(cascades) and "size" in cascades:
                body.append(_table(_cascade_summary(cascades)))
                by = "state_name" if "state_name" in cascades else None
                body.append(_figure_html(
                    plots.plot_cascade_ccdf(cascade_ccdf(cascades, by=by)),
                    "cascade size CCDF",
                    "Share of cascades of at least a given size (log–log), by the state the "
                    "items concern; size 1 = never reshared."))

    # Any other group of 1-D arrays the model writes (e.g. a per-state scorecard), shown as
    # tables when small enough to read.
    for group, dims in info.get("tables", {}).items():
        if group in ("graph", "cascades"):
            continue
        for dim, n in dims.items():
            if n == 0 or n > _MAX_TABLE_ROWS:
                continue
            try:
                table = open_table(p, group, dim)
            except RunFileError:
                continue
            if table.shape[1] < 2:
                continue
            units = table.attrs.get("units", {})
            header = {c: f"{_esc(c)}<br><small>{_esc(units[c])}</small>" for c in units}
            body.append(f"<h2>{_esc(style.pretty(group).capitalize())}"
                        + (f" by {_esc(dim)}" if len(dims) > 1 else "") + "</h2>")
            body.append(_table(table, header))

    if info.get("metrics"):
        rows = pd.DataFrame([{"metric": k, "units": v.get("units", ""),
                              "meaning": v.get("long_name", "")}
                             for k, v in info["metrics"].items()])
        body.append('<h2 id="metrics">Metrics</h2>' + _table(rows))

    if info.get("scenario"):
        body.append("<h2>Scenario</h2><details><summary>Resolved scenario (YAML, as stored in "
                    "the run; <code>dipsim run</code> accepts it as it is)</summary>"
                    f"<pre>{_esc(info['scenario'])}</pre></details>")
    if ds is not None:
        ds.close()
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    body.append(f"<footer>Generated by dipsim_analysis {_esc(__version__)} from "
                f"<code>{_esc(p.name)}</code> on {now}.</footer>")
    return _page(title, "\n".join(body))


def _page(title: str, body: str) -> str:
    return ("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
            "<meta name=\"generator\" content=\"dipsim_analysis\">\n"
            f"<title>{_esc(title)}</title>\n<style>{_CSS}</style>\n</head>\n<body>\n<main>\n"
            f"{body}\n</main>\n</body>\n</html>\n")


def write_report(path: str | os.PathLike[str], output: str | os.PathLike[str],
                 title: str | None = None) -> pathlib.Path:
    """Builds the report of a run and writes it (through a temporary file, then a rename, so a
    failed build never leaves half a page).

    Args:
        path (str | os.PathLike): run file.
        output (str | os.PathLike): HTML file to write (replaced if it exists).
        title (str | None): page title; default the scenario's.
    Returns:
        pathlib.Path: the file written.
    Raises:
        FileNotFoundError, RunFileError: bad run file. OSError: the output cannot be written.
    """
    page = build_report(path, title=title)
    out = pathlib.Path(output)
    tmp = out.with_name(out.name + ".tmp")
    tmp.write_text(page, encoding="utf-8")
    os.replace(tmp, out)
    return out
