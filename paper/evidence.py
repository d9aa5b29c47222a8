"""Figures, tables and numbers of the paper, from the results paper/build.py wrote in build/paper/.

Every figure is drawn with the analysis package (analysis/dipsim_analysis) or the validation
suite's plotters; every table is a Markdown file that paper/render.py pastes into the text where
paper.md says `!include tables/NAME.md`; every number of the text is a `{{ key }}` placeholder
filled from paper/numbers.json. FIGURES and TABLES list what this module writes;
tests/python/test_paper.py checks that every figure and table paper.md references is among them.
"""
from __future__ import annotations

import json
import math
import pathlib
import sys
from typing import Any

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT / "analysis"))

import matplotlib  # noqa: E402

matplotlib.use("Agg")
import numpy as np  # noqa: E402
import pandas as pd  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

import dipsim_analysis as da  # noqa: E402
from dipsim_analysis import style  # noqa: E402

#: The analysis package's style with type large enough for a figure printed at the text width
#: (about 17 cm for 10 inches of figure).
RC = {**style.RC, "font.size": 12.5, "axes.titlesize": "medium", "legend.fontsize": "small"}

#: Figures written here (paths relative to paper/); validation figures are written by the
#: validation stage of build.py (paper/figures/validation/<check>.png, VALIDATION_FIGURES).
FIGURES = ["figures/architecture.png", "figures/study_response.png",
           "figures/study_differences.png", "figures/performance.png"]
VALIDATION_FIGURES = ["figures/validation/degroot.png", "figures/validation/sir.png"]
TABLES = ["tables/validation.md", "tables/study_differences.md", "tables/scorecard.md",
          "tables/performance.md"]

X = "bots[0].follow_back"
ARMS = {"none": "no defence", "fact_checking": "fact-checking", "moderation": "moderation"}
COUNTRY, STATE = "Cordelia", "Aurelia"
BOTS_FROM = 48  # the bots' active_from in scenarios/bots_vs_culture.yaml (the summaries' window)

#: Validation checks: (check key of tests/validation/vchecks.py, label, citations).
VALIDATION_MODELS = {
    "degroot": ("DeGroot averaging", "@degroot1974"),
    "friedkin_johnsen": ("Friedkin–Johnsen", "@friedkin1990"),
    "hegselmann_krause": ("Hegselmann–Krause", "@hegselmann2002"),
    "deffuant": ("Deffuant (bounded confidence)", "@deffuant2000"),
    "voter": ("linear voter with zealots", "@mobilia2003"),
    "voter_binary": ("binary voter with zealots", "@mobilia2003"),
    "sir": ("SIR / independent cascade", "@kermack1927; @newman2002"),
    "sir_complete": ("SIR, complete graph", "@kermack1927"),
    "maki_thompson": ("Maki–Thompson rumour", "@maki1973"),
    "determinism": ("same result for any thread count", ""),
    "crn": ("common random numbers across arms", ""),
}


# --- formatting ---------------------------------------------------------------------------------

def f(x: float, digits: int = 2) -> str:
    """A number as the text prints it: fixed digits, a proper minus sign."""
    s = f"{x:.{digits}f}"
    if float(s) == 0:
        s = s.lstrip("-")  # no "-0.00"
    return s.replace("-", "−")


def signed(x: float, digits: int = 3) -> str:
    s = f"{x:+.{digits}f}"
    return s.replace("-", "−")


NBSP = "\u00a0"  # keeps a value and its interval on one line in the tables


def ci(lo: float, hi: float, digits: int = 3) -> str:
    return f"[{f(lo, digits)},{NBSP}{f(hi, digits)}]"


def pct(x: float, digits: int = 0) -> str:
    return f"{100 * x:.{digits}f} %"


def thousands(n: float) -> str:
    return f"{int(round(n)):,}"


def md_table(header: list[str], rows: list[list[str]], align: str | None = None) -> str:
    align = align or "l" + "r" * (len(header) - 1)
    sep = ["---:" if a == "r" else ":---" for a in align]
    lines = ["| " + " | ".join(header) + " |", "| " + " | ".join(sep) + " |"]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def _readable(fig: Figure) -> None:
    """Type sizes for a figure printed at the text width (the analysis package's plots set their
    own, smaller sizes for the screen)."""
    for ax in fig.axes:
        ax.tick_params(labelsize=11)
        ax.title.set_fontsize(12.5)
        ax.xaxis.label.set_fontsize(11.5)
        ax.yaxis.label.set_fontsize(11.5)
        legend = ax.get_legend()
        if legend is not None:
            for text in legend.get_texts():
                text.set_fontsize(10.5)


# --- the example study --------------------------------------------------------------------------

def level_label(v: float) -> str:
    return f"{v:g}"


def _at_positions(frame: pd.DataFrame, levels: list[float]) -> pd.DataFrame:
    """The frame with the infiltration levels replaced by their rank (0, 1, ...), so that the
    levels, which grow geometrically, are evenly spaced on the x axis (labelled by value)."""
    out = frame.copy()
    out.attrs = dict(frame.attrs)
    out[X] = out[X].map({v: i for i, v in enumerate(levels)}).astype(float)
    return out


def _study_axes(ax, levels: list[float]) -> None:
    ax.set_xticks(range(len(levels)))
    ax.set_xticklabels([level_label(v) for v in levels])
    ax.set_xlim(-0.3, len(levels) - 0.7)
    ax.set_xlabel("bot follow-back rate (infiltration level)")


def study(out: pathlib.Path, figures: pathlib.Path, tables: pathlib.Path,
          numbers: dict[str, str]) -> None:
    sweep = out / "sweep"
    sw = da.open_sweep(sweep, [])  # the index alone: one row per run, with the summaries
    info = sw.attrs
    arms = list(info["arms"])
    if arms != list(ARMS):
        raise SystemExit(f"evidence.py: the study's arms are {arms}, expected {list(ARMS)}")
    if (sw["status"] != "complete").any():
        raise SystemExit("evidence.py: the sweep has runs that are not complete")
    levels = sorted(float(v) for v in sw[X].unique())
    reps = int(sw["replicate"].nunique())
    import yaml
    sweep_spec = yaml.safe_load(info.get("sweep") or "{}")
    overrides = sweep_spec.get("overrides", {})

    curves = {m: da.response_curve(sw, m, X, by=[]) for m in ("favourable", "quality")}
    diffs = {m: da.sweep_paired_difference(sw, m, by=[X]) for m in ("favourable", "quality")}

    # Figure: response curves.
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(10, 3.9), layout="constrained")
        left, right = fig.subplots(1, 2)
        da.plot_response_curves(_at_positions(curves["favourable"], levels), ax=left, dodge=0.15)
        da.plot_response_curves(_at_positions(curves["quality"], levels), ax=right, dodge=0.15)
        for ax in (left, right):
            _study_axes(ax, levels)
            ax.get_legend().remove()
        left.set_ylabel(f"share favourable to {STATE}")
        left.set_title("Favourable share, end of run")
        right.set_ylabel(f"mean quality of items read")
        right.set_title(f"Quality of items read, from step {BOTS_FROM}")
        handles, labels = right.get_legend_handles_labels()
        right.legend(handles, [ARMS.get(lab, lab) for lab in labels], loc="upper left",
                     bbox_to_anchor=(1.01, 1.0), borderaxespad=0.0)
        _readable(fig)
        fig.savefig(figures / "study_response.png", dpi=200)

        fig = Figure(figsize=(10, 3.9), layout="constrained")
        left, right = fig.subplots(1, 2)
        da.plot_sweep_difference(_at_positions(diffs["favourable"], levels), x=X, ax=left,
                                 dodge=0.1)
        da.plot_sweep_difference(_at_positions(diffs["quality"], levels), x=X, ax=right,
                                 dodge=0.1)
        for ax in (left, right):
            _study_axes(ax, levels)
            ax.get_legend().remove()
        left.set_ylabel("Δ favourable share")
        left.set_title("Δ favourable share")
        right.set_ylabel("Δ mean quality of items read")
        right.set_title("Δ quality of items read")
        handles, labels = right.get_legend_handles_labels()
        labels = [lab.replace("fact_checking", ARMS["fact_checking"])
                  .replace("moderation", ARMS["moderation"]).replace("none", ARMS["none"])
                  .replace(" − ", "\n− ") for lab in labels]
        right.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0),
                     borderaxespad=0.0)
        _readable(fig)
        fig.savefig(figures / "study_differences.png", dpi=200)

    # Table: paired differences at every infiltration level above 0.
    rows = []
    for v in levels:
        if v == 0:
            continue
        row = [level_label(v)]
        for m in ("favourable", "quality"):
            d = diffs[m]
            for arm in ("fact_checking", "moderation"):
                r = d[(d["arm_b"] == arm) & np.isclose(d[X], v)].iloc[0]
                row.append(f"{signed(r.mean_diff)}{NBSP}{ci(r.ci_low, r.ci_high)}")
        rows.append(row)
    (tables / "study_differences.md").write_text(md_table(
        ["follow-back", "Δ favourable, fact-checking", "Δ favourable, moderation",
         "Δ quality, fact-checking", "Δ quality, moderation"], rows))

    # Table: the per-state scorecard at the highest infiltration level, mean over replicates.
    top = max(levels)
    cols = [("posts", "posts", 0), ("audience", "audience", 0), ("interactions", "interactions", 0),
            ("engagement_per_post", "engagement / post", 2), ("reach_share", "reach share", 3)]
    frames = []
    for _, run in sw[np.isclose(sw[X], top)].iterrows():
        t = da.open_table(run["path"], "scorecard")
        t["arm"] = run["arm"]
        frames.append(t)
    card = pd.concat(frames).groupby(["arm", "state"], sort=False)[[c for c, _, _ in cols]].mean()
    rows = []
    for arm in arms:
        for state in card.loc[arm].index:
            r = card.loc[(arm, state)]
            rows.append([ARMS[arm], state] + [
                thousands(r[c]) if d == 0 else f(r[c], d) for c, _, d in cols])
    (tables / "scorecard.md").write_text(md_table(
        ["arm", "state"] + [lab for _, lab, _ in cols], rows, align="ll" + "r" * len(cols)))

    def curve_at(m: str, arm: str, v: float) -> pd.Series:
        c = curves[m]
        return c[(c["arm"] == arm) & np.isclose(c[X], v)].iloc[0]

    def diff_at(m: str, arm: str, v: float) -> pd.Series:
        d = diffs[m]
        return d[(d["arm_b"] == arm) & np.isclose(d[X], v)].iloc[0]

    low = min(v for v in levels if v > 0)
    base, worst_low, worst = (curve_at("favourable", "none", v) for v in (0.0, low, top))
    qbase, qtop = curve_at("quality", "none", 0.0), curve_at("quality", "none", top)
    numbers.update({
        "study_runs": thousands(len(sw)),
        "study_levels": str(len(levels)),
        "study_level_list": ", ".join(level_label(v) for v in levels),
        "study_level_low": level_label(low),
        "study_levels_infiltrated": str(sum(v > 0 for v in levels)),
        "study_level_top": level_label(top),
        "study_arms": str(len(arms)),
        "study_replicates": str(reps),
        "study_citizens": thousands(overrides.get("citizens.count", float("nan"))),
        "study_steps": str(overrides.get("run.steps", "")),
        "study_days": f"{overrides.get('run.steps', 0) / 24:g}",
        "study_bots_from": str(BOTS_FROM),
        "study_wall_min": f"{sw['wall_seconds'].sum() / 60:.0f}",
        "study_fav_base": f(base["mean"]),
        "study_fav_base_ci": ci(base["ci_low"], base["ci_high"], 2),
        "study_fav_low": f(worst_low["mean"]),
        "study_fav_top": f(worst["mean"]),
        "study_fav_top_ci": ci(worst["ci_low"], worst["ci_high"], 2),
        "study_q_base": f(qbase["mean"]),
        "study_q_top": f(qtop["mean"]),
    })
    for arm, key in (("fact_checking", "fc"), ("moderation", "mod")):
        for m, mk in (("favourable", "fav"), ("quality", "q")):
            for v, vk in ((low, "low"), (top, "top")):
                r = diff_at(m, arm, v)
                numbers[f"study_d{mk}_{key}_{vk}"] = signed(r.mean_diff)
                numbers[f"study_d{mk}_{key}_{vk}_ci"] = ci(r.ci_low, r.ci_high)
                # The direction in words, as the interval says (generated, like the numbers).
                numbers[f"study_d{mk}_{key}_{vk}_verb"] = (
                    "raises" if r.ci_low > 0 else "lowers" if r.ci_high < 0 else
                    "does not measurably change")
            d = diffs[m][diffs[m]["arm_b"] == arm]
            d = d[d[X] > 0]
            numbers[f"study_d{mk}_{key}_excl0"] = str(int(((d.ci_low > 0) | (d.ci_high < 0)).sum()))
    zero = diffs["favourable"][np.isclose(diffs["favourable"][X], 0.0)]
    numbers["study_zero_diff_max"] = f"{float(np.abs(zero['mean_diff']).max()):g}"
    aur = card.loc[("none", STATE)]
    numbers["study_card_posts"] = thousands(aur["posts"])


# --- validation ---------------------------------------------------------------------------------

def _num(s: str) -> float | None:
    try:
        return float(str(s).replace("−", "-"))
    except ValueError:
        return None


def validation(out: pathlib.Path, figures: pathlib.Path, tables: pathlib.Path,
               numbers: dict[str, str]) -> None:
    data = json.loads((out / "validation.json").read_text())
    rows = data["rows"]
    table = []
    for key, (label, cite) in VALIDATION_MODELS.items():
        mine = [r for r in rows if r["key"] == key]
        if not mine:
            continue
        passed = sum(r["status"] == "pass" for r in mine)
        ratios = [abs(e) / t for e, t in ((_num(r["error"]), _num(r["tolerance"])) for r in mine)
                  if e is not None and t is not None and t > 0]
        worst = f"{max(ratios):.2g}" if ratios else "—"
        table.append([label + (f" [{cite}]" if cite else ""), f"{passed} / {len(mine)}", worst,
                      f"{data['seconds'][key]:.0f}"])
    (tables / "validation.md").write_text(md_table(
        ["model or property (reference)", "checks passed", "largest error / tolerance",
         "time (s)"], table))
    for rel in VALIDATION_FIGURES:
        if not (HERE / rel).exists():
            raise SystemExit(f"evidence.py: {rel} missing (the validation stage writes it)")
    n_pass = sum(r["status"] == "pass" for r in rows)
    n_xfail = sum(r["status"] == "xfail" for r in rows)
    numbers.update({
        "val_tier": data["tier"],
        "val_checks": str(len(rows)),
        "val_passed": str(n_pass),
        "val_failed": str(len(rows) - n_pass - n_xfail),
        "val_models": str(sum(1 for k in VALIDATION_MODELS if any(r["key"] == k for r in rows))),
        "val_minutes": f"{sum(data['seconds'].values()) / 60:.1f}",
    })


# --- performance --------------------------------------------------------------------------------

def compare(ours: float, theirs: float) -> str:
    """'N times faster than' or 'N times slower than', from two times per step."""
    if abs(ours / theirs - 1) < 0.1:
        return "about as fast as"
    if ours < theirs:
        return f"{theirs / ours:.1f} times faster than"
    return f"{ours / theirs:.1f} times slower than"


def performance(out: pathlib.Path, figures: pathlib.Path, tables: pathlib.Path,
                numbers: dict[str, str]) -> None:
    bench = json.loads((out / "bench_step.json").read_text())
    peers = json.loads((out / "peers.json").read_text())
    rows = bench["rows"]
    unit = bench.get("time_unit", "ms")
    if unit != "ms":
        raise SystemExit(f"evidence.py: bench_sim times are in {unit}, expected ms")
    with matplotlib.rc_context(RC):
        fig = Figure(figsize=(11, 3.8), layout="constrained")
        a, b, c = fig.subplots(1, 3)
        t = [r["threads"] for r in rows]
        a.plot(t, [r["step_edges_per_s"] / 1e6 for r in rows], "o-", color=style.color(0),
               label="campaign step")
        a.plot(t, [r["limit_edges_per_s"] / 1e6 for r in rows], "s--", color=style.color(1),
               label="pull-gather limit")
        a.set_yscale("log")
        a.set_xticks(t)
        a.set_xlabel("threads")
        a.set_ylabel("edges scanned per second (M)")
        a.set_title(f"Step vs limit, {bench['citizens'] / 1e6:g}M citizens")
        a.legend()
        b.plot(t, [r["step_speedup"] for r in rows], "o-", color=style.color(0),
               label="campaign step")
        b.plot(t, [r["limit_speedup"] for r in rows], "s--", color=style.color(1),
               label="pull-gather limit")
        b.plot(t, t, ":", color="#555555", label="ideal")
        b.set_xticks(t)
        b.set_xlabel("threads")
        b.set_ylabel("speed-up over one thread")
        b.set_title("Thread scaling")
        b.legend()
        names = [r["model"] for r in peers["rows"]]
        x = np.arange(len(names))
        w = 0.38
        c.bar(x - w / 2, [r["dipsim_s"] * 1e3 for r in peers["rows"]], w, color=style.color(0),
              label="dipsim")
        c.bar(x + w / 2, [r["graph_tool_s"] * 1e3 for r in peers["rows"]], w,
              color=style.color(2), label=f"graph-tool {peers['graph_tool_version'].split()[0]}")
        c.set_xticks(x)
        c.set_xticklabels(names)
        c.set_ylabel("ms per step (round)")
        c.set_title(f"vs graph-tool, n = {peers['n'] / 1e3:,.0f}k")
        c.set_ylim(0, 1.35 * max(max(r["dipsim_s"], r["graph_tool_s"]) for r in peers["rows"]) * 1e3)
        c.legend(loc="upper center", ncol=2, columnspacing=0.8, handlelength=1.2)
        _readable(fig)
        fig.savefig(figures / "performance.png", dpi=200)

    table = []
    for r in rows:
        table.append([str(r["threads"]), f"{r['step_ms']:.1f}",
                      f"{r['step_items_read_per_s'] / 1e6:.2f} M",
                      f"{r['step_edges_per_s'] / 1e6:.1f} M", f"{r['limit_edges_per_s'] / 1e6:.0f} M",
                      f"{r['limit_edges_per_s'] / r['step_edges_per_s']:.0f}×",
                      f"{r['step_speedup']:.2f}", f"{r['limit_speedup']:.2f}"])
    (tables / "performance.md").write_text(md_table(
        ["threads", "step (ms)", "items read/s", "edges/s", "limit edges/s", "limit / step",
         "step speed-up", "limit speed-up"], table))
    one, last = rows[0], rows[-1]
    voter = next(r for r in peers["rows"] if r["model"].startswith("voter"))
    sir = next(r for r in peers["rows"] if r["model"].startswith("SIR"))
    numbers.update({
        "bench_citizens": f"{bench['citizens'] / 1e6:g}",
        "bench_edges": f"{bench['edges'] / 1e6:.0f}",
        "bench_cores": str(bench["cores"]),
        "bench_max_threads": str(last["threads"]),
        "bench_step_ms_1": f"{one['step_ms']:.0f}",
        "bench_step_ms_max": f"{last['step_ms']:.0f}",
        "bench_steps_per_s_max": f"{1000 / last['step_ms']:.1f}",
        "bench_items_per_s_max": f"{last['step_items_read_per_s'] / 1e6:.1f}",
        "bench_limit_ratio_1": f"{one['limit_edges_per_s'] / one['step_edges_per_s']:.0f}",
        "bench_limit_ratio_max": f"{last['limit_edges_per_s'] / last['step_edges_per_s']:.0f}",
        "bench_speedup_max": f"{last['step_speedup']:.2f}",
        "bench_limit_speedup_max": f"{last['limit_speedup']:.2f}",
        "bench_bytes_citizen": f"{bench['bytes_per_citizen']:.0f}",
        "bench_bytes_edge": f"{bench['bytes_per_edge']:.1f}",
        "peers_n": thousands(peers["n"]),
        "peers_edges": f"{peers['edges'] / 1e6:.1f}",
        "peers_threads": str(peers["threads"]),
        "peers_voter_cmp": compare(voter["dipsim_s"], voter["graph_tool_s"]),
        "peers_sir_cmp": compare(sir["dipsim_s"], sir["graph_tool_s"]),
        "peers_gt_version": peers["graph_tool_version"].split()[0],
    })


# --- all ----------------------------------------------------------------------------------------

def build(out: pathlib.Path, figures: pathlib.Path, tables: pathlib.Path,
          numbers_path: pathlib.Path, scale_name: str, scale: dict[str, Any],
          context: dict[str, Any]) -> None:
    figures.mkdir(parents=True, exist_ok=True)
    tables.mkdir(parents=True, exist_ok=True)
    for old in list(figures.glob("*.png")) + list(tables.glob("*.md")):
        old.unlink()
    sys.path.insert(0, str(HERE))
    import architecture
    architecture.draw(figures / "architecture.png")
    numbers: dict[str, str] = {}
    study(out, figures, tables, numbers)
    validation(out, figures, tables, numbers)
    performance(out, figures, tables, numbers)
    secs = context.get("stage_seconds", {})
    runs = sum(secs.get(s, 0.0) for s in ("build", "sweep", "validation", "bench", "peers"))
    load = context.get("load_average_at_start", [math.nan] * 3)
    numbers.update({
        "scale": scale_name,
        "cores": str(context.get("cores") or __import__("os").cpu_count()),
        "load_at_start": f"{load[0]:.1f}",
        "runs_minutes": f"{runs / 60:.0f}",
        "commit": str(context.get("commit", ""))[:10],
    })
    loads = context.get("stage_load", {})
    for stage in ("sweep", "validation", "bench", "peers"):
        numbers[f"load_{stage}"] = f"{loads[stage]:.1f}" if stage in loads else "unknown"
    for rel in FIGURES[1:] + TABLES:
        if not (HERE / rel).exists():
            raise SystemExit(f"evidence.py: {rel} was not written")
    numbers_path.write_text(json.dumps(dict(sorted(numbers.items())), indent=2,
                                       ensure_ascii=False) + "\n")
