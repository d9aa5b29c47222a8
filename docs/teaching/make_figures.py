#!/usr/bin/python3
"""Runs the teaching scenarios' arms, measures the numbers quoted in the teacher pages and draws
one figure per page.

    /usr/bin/python3 docs/teaching/make_figures.py                 # all seven cases
    /usr/bin/python3 docs/teaching/make_figures.py bot_swarm       # one case
    /usr/bin/python3 docs/teaching/make_figures.py --replicates    # also the multi-seed checks

Runs go to runs/teaching/ (reused when newer than the scenario and the binary; --force reruns
them), figures to docs/teaching/figures/<case>.png, and every number to
docs/teaching/measured.json (also printed). Each arm is the scenario file with the `--set`
overrides listed in ARMS, with the file's seed, so the runs are deterministic: the same dipsim
build gives the same numbers. The dipsim binary is $DIPSIM or build/release/bin/dipsim; Python is
Debian's /usr/bin/python3 (numpy, pandas, xarray, h5py, matplotlib).
"""
from __future__ import annotations

import argparse
import json
import os
import pathlib
import subprocess
import sys
import time

import matplotlib

matplotlib.use("Agg")
import numpy as np  # noqa: E402
from matplotlib.figure import Figure  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "analysis"))
import dipsim_analysis as da  # noqa: E402
from dipsim_analysis import style  # noqa: E402

DIPSIM = pathlib.Path(os.environ.get("DIPSIM", ROOT / "build/release/bin/dipsim"))
SCENARIOS = ROOT / "scenarios/teaching"
RUNS = ROOT / "runs/teaching"
FIGURES = ROOT / "docs/teaching/figures"
MEASURED = ROOT / "docs/teaching/measured.json"

HISTORY = "countries[0].baseline_attitude={Aurelia: -0.3, Borduria: 0.0, Cordelia: 0.0}"

#: Arms of each case: name -> the `--set` overrides (after the scenario file).
ARMS: dict[str, dict[str, list[str]]] = {
    "culture_influencers": {
        "campaign": [],
        "no_influencers": ["states[0].partnership.influencers=0"],
        "no_localisation": ["states[0].localisation=0"],
        "undisclosed": ["states[0].partnership.disclosure=false"],
        "embassy_instead": ["states[0].partnership.influencers=0", "states[0].embassy_reach=0.3"],
        "no_day": ["events[0].magnitude=0"],
        "no_influencers_no_media": ["states[0].partnership.influencers=0",
                                    "outlets[0].posts_per_day=0", "outlets[0].pickups_per_day=0",
                                    "outlets[1].posts_per_day=0", "outlets[1].pickups_per_day=0"],
    },
    "refugees_polarised": {
        "campaign": [],
        "no_backfire": ["citizens.backfire=false"],
        "common_ground": ["states[0].message_stance=0.4"],
        "choir": ["states[0].target_countries=[Vestria-Open]"],
        "no_campaign": ["states[0].posts_per_day=0", "states[0].partnership.influencers=0"],
    },
    "earthquake_response": {
        "fast": [],
        "slow": ["states[0].response_lag=72"],
        "silent": ["states[0].crisis_response=0"],
        "history": [HISTORY],
        "history_silent": [HISTORY, "states[0].crisis_response=0"],
        "small_quake": ["events[0].magnitude=0.5"],
    },
    "virtual_embassy": {
        "ministry_only": [],
        "virtual_embassy": ["states[0].target_countries=[Dorvia, Gravia]"],
        "blocked": ["states[0].target_countries=[Dorvia, Gravia]", "states[0].embassy_reach=0.02"],
        "gravian_ministry": ["states[0].language=gravian"],
        "listening": ["states[0].target_countries=[Dorvia, Gravia]",
                      "states[0].message_stance=0.2"],
        "no_broadcaster": ["outlets[0].posts_per_day=0", "outlets[0].pickups_per_day=0"],
        "listening_ministry_only": ["states[0].message_stance=0.2"],
    },
    "bot_swarm": {
        "no_bots": ["bots[0].share=0"],
        "bots": [],
        "fact_checking": ["fact_checkers[0].checks_per_day=48"],
        "moderation": ["moderation.enabled=true"],
        "both": ["fact_checkers[0].checks_per_day=48", "moderation.enabled=true"],
    },
    "hacked_ministry": {
        "no_hack": ["events[1].start=100000"],
        "hack": [],
        "caught_in_an_hour": ["events[1].duration=1"],
        "denial_believed": ["events[1].trust_drop=0"],
        "denial_doubted": ["events[1].trust_drop=0.5", "events[1].recovery_steps=336"],
    },
    "digital_divide": {
        "divide": [],
        "divide_closed": ["countries[0].internet_penetration=0.9"],
        "paid_influencers": ["states[0].partnership.influencers=5"],
        "double_posts": ["states[0].posts_per_day=12"],
        "radio_silent": ["outlets[0].broadcast_reach=0"],
    },
}

#: Arms compared over several seeds with --replicates: case -> [(arm A, arm B), ...].
REPLICATES = {
    "earthquake_response": [("silent", "fast"), ("silent", "slow")],
    "hacked_ministry": [("no_hack", "hack"), ("hack", "caught_in_an_hour"),
                        ("hack", "denial_believed"), ("hack", "denial_doubted")],
    "digital_divide": [("divide", "divide_closed")],
}
#: (country, state) pairs whose final mean attitude the replicate comparison reports.
REPLICATE_TARGETS = {"earthquake_response": [("Estia", "Aurelia")],
                     "hacked_ministry": [("Estia", "Aurelia")],
                     "digital_divide": [("Cordelia", "Marovia"), ("Cordelia", "Borduria"),
                                        ("Marovia", "Borduria")]}
SEEDS = [1, 2, 3, 4, 5]


def run(case: str, arm: str, seed: int | None = None, force: bool = False) -> pathlib.Path:
    """Runs one arm (with the file's seed unless given) and returns the run file."""
    RUNS.mkdir(parents=True, exist_ok=True)
    out = RUNS / (f"{case}-{arm}.h5" if seed is None else f"{case}-{arm}-seed{seed}.h5")
    scenario = SCENARIOS / f"{case}.yaml"
    fresh = out.exists() and out.stat().st_mtime > max(scenario.stat().st_mtime,
                                                       DIPSIM.stat().st_mtime)
    if fresh and not force:
        return out
    cmd = [str(DIPSIM), "run", str(scenario), "-o", str(out), "--force", "--quiet"]
    for s in ARMS[case][arm]:
        cmd += ["--set", s]
    if seed is not None:
        cmd += ["--seed", str(seed)]
    t0 = time.time()
    subprocess.run(cmd, check=True, cwd=ROOT)
    print(f"  ran {out.name} in {time.time() - t0:.1f} s", file=sys.stderr)
    return out


def final(ds, metric: str, country: str, state: str) -> float:
    return float(ds[metric].sel(country=country, state=state).isel(step=-1))


def at(ds, metric: str, country: str, state: str, step: int) -> float:
    return float(ds[metric].sel(country=country, state=state, step=step))


def mean_over(ds, metric: str, country: str, state: str, start: int, end: int | None = None):
    """Mean of a metric over start <= step <= end (end: the last step)."""
    v = ds[metric].sel(country=country, state=state)
    end = int(ds.step[-1]) if end is None else end
    return float(v.sel(step=slice(start, end)).mean())


def r3(x: float) -> float:
    return None if x is None or not np.isfinite(x) else round(float(x), 3)


def scorecard(path) -> dict[str, dict[str, float]]:
    sc = da.open_table(path, "scorecard")
    out = {}
    for _, row in sc.iterrows():
        out[row["state"]] = {k: r3(row[k]) if isinstance(row[k], float) else int(row[k])
                             for k in ("posts", "paid_posts", "audience", "interactions",
                                       "engagement_per_post", "reach_share", "response_lag")}
    return out


def open_arms(case: str, force: bool) -> dict[str, object]:
    runs = {arm: run(case, arm, force=force) for arm in ARMS[case]}
    return {arm: da.open_run(p, lazy=False) for arm, p in runs.items()}, runs


def shade(ax, start: float, end: float, text: str) -> None:
    ax.axvspan(start, end, color="#EEEEEE", zorder=0)
    ax.text(start, 1.0, " " + text, transform=ax.get_xaxis_transform(), va="top",
            fontsize="small", color="#555555")


def hours_axis(ax) -> None:
    ax.set_xlabel("step [hours]")


# --- case 1 -------------------------------------------------------------------------------

def case_culture_influencers(force: bool) -> dict:
    ds, paths = open_arms("culture_influencers", force)
    out: dict = {}
    for arm, d in ds.items():
        row = {}
        for c in ("Cordelia", "Dorvia"):
            row[c] = {
                "start_mean_attitude": r3(at(d, "mean_attitude", c, "Aurelia", 0)),
                "start_favourable_share": r3(at(d, "favourable_share", c, "Aurelia", 0)),
                "mean_attitude": r3(final(d, "mean_attitude", c, "Aurelia")),
                "favourable_share": r3(final(d, "favourable_share", c, "Aurelia")),
                "start_attitude_variance": r3(at(d, "attitude_variance", c, "Aurelia", 0)),
                "attitude_variance": r3(final(d, "attitude_variance", c, "Aurelia")),
                "reach_official": int(final(d, "reach_official", c, "Aurelia")),
                "reach_day1": int(at(d, "reach", c, "Aurelia", 24)),
                "reach_final": int(final(d, "reach", c, "Aurelia")),
                "online": int(da.open_graph(paths[arm], dim="country")
                              .set_index("country").loc[c, "country_online"]),
                "items_read_total": int(d.items_read.sel(country=c, state="Aurelia").sum()),
            }
        row["scorecard"] = scorecard(paths[arm])["Aurelia"]
        out[arm] = row

    with matplotlib.rc_context(style.RC):
        fig = Figure(figsize=(11, 4), layout="constrained")
        ax1, ax2 = fig.subplots(1, 2)
        for i, c in enumerate(("Cordelia", "Dorvia")):
            for arm, ls in (("campaign", "-"), ("no_influencers", "--")):
                v = ds[arm].reach.sel(country=c, state="Aurelia").sel(step=slice(0, 72))
                ax1.plot(v.step, v, ls, color=style.color(i),
                         label=f"{c}, {arm.replace('_', ' ')}")
                f = ds[arm].favourable_share.sel(country=c, state="Aurelia")
                ax2.plot(f.step, 100 * f, ls, color=style.color(i),
                         label=f"{c}, {arm.replace('_', ' ')}")
        ax1.set_title("Reach of the campaign, first three days")
        ax1.set_ylabel("citizens who read an item about Aurelia")
        hours_axis(ax1)
        ax1.legend()
        shade(ax2, 144, 168, "the Day")
        ax2.set_title("Favourable toward Aurelia")
        ax2.set_ylabel("favourable share [%]")
        hours_axis(ax2)
        fig.savefig(FIGURES / "culture_influencers.png", dpi=110)
    return out


# --- case 2 -------------------------------------------------------------------------------

def case_refugees_polarised(force: bool) -> dict:
    ds, paths = open_arms("refugees_polarised", force)
    out: dict = {}
    camps = ("Vestria-Open", "Vestria-Closed")
    for arm, d in ds.items():
        row = {c: {"start": r3(at(d, "mean_attitude", c, "Aurelia", 0)),
                   "mean_attitude": r3(final(d, "mean_attitude", c, "Aurelia")),
                   "favourable_share": r3(final(d, "favourable_share", c, "Aurelia")),
                   "attitude_variance": r3(final(d, "attitude_variance", c, "Aurelia")),
                   "bimodality": r3(final(d, "bimodality", c, "Aurelia")),
                   "reach_official": int(final(d, "reach_official", c, "Aurelia"))} for c in camps}
        row["gap"] = r3(row[camps[0]]["mean_attitude"] - row[camps[1]]["mean_attitude"])
        row["gap_start"] = r3(row[camps[0]]["start"] - row[camps[1]]["start"])
        out[arm] = row

    with matplotlib.rc_context(style.RC):
        fig = Figure(figsize=(11, 4), layout="constrained")
        ax1, ax2 = fig.subplots(1, 2)
        for arm, ls in (("campaign", "-"), ("common_ground", "--"), ("no_campaign", ":")):
            for i, c in enumerate(camps):
                v = ds[arm].mean_attitude.sel(country=c, state="Aurelia")
                ax1.plot(v.step, v, ls, color=style.color(i), label=f"{c}, {arm.replace('_', ' ')}")
        ax1.set_title("Mean attitude toward Aurelia in the two camps")
        ax1.set_ylabel("mean attitude")
        ax1.set_ylim(-1, 1)
        hours_axis(ax1)
        ax1.legend(fontsize="x-small", ncol=2, loc="lower left")
        edges = [-1.0, -0.6, -0.2, 0.2, 0.6, 1.0]
        bands = ["hostile\n< -0.6", "sceptical", "neutral\n|a| < 0.2", "sympathetic",
                 "supportive\n> 0.6"]
        series = []
        for arm in ("campaign", "common_ground"):
            s = da.open_snapshots(paths[arm])
            closed = s.country.values == "Vestria-Closed"
            for k in ((0, -1) if arm == "campaign" else (-1,)):
                a = s.attitude.isel(snapshot=k).sel(state="Aurelia").values[closed]
                counts, _ = np.histogram(np.clip(a, -1, 1), bins=edges)
                name = "day 0" if k == 0 else ("day 14, stance 0.9 (campaign)" if arm == "campaign"
                                               else "day 14, stance 0.4 (common ground)")
                series.append((name, 100 * counts / counts.sum()))
            s.close()
        out["closed_camp_bands"] = {"edges": edges,
                                    **{n: [round(float(v), 1) for v in sh] for n, sh in series}}
        x = np.arange(len(bands))
        w = 0.27
        for j, ((name, share), colour) in enumerate(zip(series, ("#999999", style.color(3),
                                                                 style.color(2)))):
            ax2.bar(x + (j - 1) * w, share, w, color=colour, label=name)
        ax2.set_xticks(x, bands, fontsize="small")
        ax2.set_title("Vestria-Closed: attitudes toward Aurelia")
        ax2.set_ylabel("citizens of the camp [%]")
        ax2.legend(fontsize="small")
        fig.savefig(FIGURES / "refugees_polarised.png", dpi=110)
    return out


# --- case 3 -------------------------------------------------------------------------------

def case_earthquake_response(force: bool) -> dict:
    ds, paths = open_arms("earthquake_response", force)
    states = ("Aurelia", "Borduria", "Cordelia")
    out: dict = {}
    for arm, d in ds.items():
        sc = scorecard(paths[arm])
        out[arm] = {s: {"start": r3(at(d, "mean_attitude", "Estia", s, 0)),
                        "mean_attitude": r3(final(d, "mean_attitude", "Estia", s)),
                        "favourable_share": r3(final(d, "favourable_share", "Estia", s)),
                        "response_lag": sc[s]["response_lag"],
                        "interactions": sc[s]["interactions"]} for s in states}
        read = d.items_read.sel(country="Estia").sum("state")
        out[arm]["items_read_per_step_before"] = r3(float(read.sel(step=slice(13, 36)).mean()))
        out[arm]["items_read_per_step_first_day"] = r3(float(read.sel(step=slice(37, 60)).mean()))

    with matplotlib.rc_context(style.RC):
        fig = Figure(figsize=(11, 4), layout="constrained")
        ax1, ax2 = fig.subplots(1, 2)
        d = ds["fast"]
        for i, s in enumerate(states):
            v = d.items_read.sel(country="Estia", state=s)
            ax1.plot(v.step, v.rolling(step=6, min_periods=1).mean(), color=style.color(i), label=s)
        shade(ax1, 36, 204, "earthquake")
        for s in ("Aurelia", "Borduria"):
            ax1.axvline(36 + out["fast"][s]["response_lag"], color="#555555", lw=0.8, ls="--")
        ax1.set_title("Items about each state read in Estia (6-h mean)")
        ax1.set_ylabel("items read [items per step]")
        hours_axis(ax1)
        ax1.legend()
        for arm, ls in (("fast", "-"), ("slow", "--"), ("silent", ":")):
            v = ds[arm].mean_attitude.sel(country="Estia", state="Aurelia")
            ax2.plot(v.step, v, ls, color=style.color(0), label=f"Aurelia, {arm}")
        shade(ax2, 36, 204, "earthquake")
        ax2.set_title("Estia's mean attitude toward Aurelia")
        ax2.set_ylabel("mean attitude")
        hours_axis(ax2)
        ax2.legend(loc="upper left", bbox_to_anchor=(0.0, 0.93))
        fig.savefig(FIGURES / "earthquake_response.png", dpi=110)
    return out


# --- case 4 -------------------------------------------------------------------------------

def case_virtual_embassy(force: bool) -> dict:
    ds, paths = open_arms("virtual_embassy", force)
    out: dict = {}
    for arm, d in ds.items():
        out[arm] = {c: {"start": r3(at(d, "mean_attitude", c, "Aurelia", 0)),
                        "mean_attitude": r3(final(d, "mean_attitude", c, "Aurelia")),
                        "favourable_share": r3(final(d, "favourable_share", c, "Aurelia")),
                        "reach_official": int(final(d, "reach_official", c, "Aurelia")),
                        "reach_media": int(final(d, "reach_media", c, "Aurelia"))}
                    for c in ("Gravia", "Dorvia")}
        g = da.open_graph(paths[arm], dim="country").set_index("country")
        out[arm]["Gravia"]["population"] = int(g.loc["Gravia", "country_population"])
        out[arm]["Gravia"]["online"] = int(g.loc["Gravia", "country_online"])

    with matplotlib.rc_context(style.RC):
        fig = Figure(figsize=(11, 4), layout="constrained")
        ax1, ax2 = fig.subplots(1, 2)
        arms = list(ARMS["virtual_embassy"])
        labels = [a.replace("_", "\n") for a in arms]
        x = np.arange(len(arms))
        ax1.bar(x, [out[a]["Gravia"]["reach_official"] for a in arms], color=style.color(0))
        ax1.set_xticks(x, labels, fontsize="small")
        ax1.set_title("Gravians reached by Aurelia's official accounts")
        ax1.set_ylabel("reach official [citizens]")
        ax2.bar(x, [out[a]["Gravia"]["mean_attitude"] for a in arms], color=style.color(3))
        ax2.axhline(out["ministry_only"]["Gravia"]["start"], color="#555555", ls=":", lw=1)
        ax2.text(len(arms) - 0.5, out["ministry_only"]["Gravia"]["start"], "day 0", va="bottom",
                 ha="right", fontsize="small", color="#555555")
        ax2.set_xticks(x, labels, fontsize="small")
        ax2.set_title("Gravia's mean attitude toward Aurelia, day 21")
        ax2.set_ylabel("mean attitude")
        fig.savefig(FIGURES / "virtual_embassy.png", dpi=110)
    return out


# --- case 5 -------------------------------------------------------------------------------

def case_bot_swarm(force: bool) -> dict:
    ds, paths = open_arms("bot_swarm", force)
    out: dict = {}
    for arm, d in ds.items():
        plat = da.open_table(paths[arm], "platform")
        out[arm] = {s: {"mean_attitude": r3(final(d, "mean_attitude", "Cordelia", s)),
                        "favourable_share": r3(final(d, "favourable_share", "Cordelia", s)),
                        "bot_share_read": r3(mean_over(d, "bot_share_read", "Cordelia", s, 25)),
                        "mean_quality_read": r3(mean_over(d, "mean_quality_read", "Cordelia", s,
                                                          25)),
                        "corrections_read": int(d.corrections_read.sel(country="Cordelia",
                                                                       state=s).sum())}
                    for s in ("Aurelia", "Borduria")}
        out[arm]["takedowns"] = int(plat["takedowns"].sum())
        out[arm]["fact_checks"] = int(plat["fact_checks"].sum())
        out[arm]["bots"] = int(plat["bots_active"].max())
        for pct in (50, 90):
            done = plat["takedowns"].cumsum() >= pct / 100 * max(1, plat["takedowns"].sum())
            out[arm][f"step_{pct}pct_takedowns"] = (int(plat.loc[done, "step"].iloc[0])
                                                    if plat["takedowns"].sum() else None)
        out[arm]["Aurelia"]["start_mean_attitude"] = r3(at(d, "mean_attitude", "Cordelia",
                                                           "Aurelia", 0))

    with matplotlib.rc_context(style.RC):
        fig = Figure(figsize=(12, 4), layout="constrained")
        ax1, ax2, ax3 = fig.subplots(1, 3)
        arms = list(ARMS["bot_swarm"])
        for i, arm in enumerate(arms):
            d = ds[arm]
            b = d.bot_share_read.sel(country="Cordelia", state="Aurelia")
            q = d.mean_quality_read.sel(country="Cordelia", state="Aurelia")
            kw = dict(color=style.color(i), label=arm.replace("_", " "))
            ax1.plot(b.step, 100 * b.rolling(step=24, min_periods=1).mean(), **kw)
            ax2.plot(q.step, q.rolling(step=24, min_periods=1).mean(), **kw)
        ax1.set_title("Bot items among items read about Aurelia")
        ax1.set_ylabel("bot share read [%] (24-h mean)")
        ax2.set_title("Quality of what Cordelians read about Aurelia")
        ax2.set_ylabel("mean quality read (24-h mean)")
        for ax in (ax1, ax2):
            hours_axis(ax)
            ax.axvline(24, color="#555555", lw=0.8, ls="--")
        ax2.legend(fontsize="small")
        x = np.arange(len(arms))
        ax3.bar(x, [100 * out[a]["Aurelia"]["favourable_share"] for a in arms],
                color=[style.color(i) for i in range(len(arms))])
        ax3.set_xticks(x, [a.replace("_", "\n") for a in arms], fontsize="small")
        ax3.set_title("Favourable toward Aurelia, day 14")
        ax3.set_ylabel("favourable share [%]")
        fig.savefig(FIGURES / "bot_swarm.png", dpi=110)
    return out


# --- case 6 -------------------------------------------------------------------------------

def case_hacked_ministry(force: bool) -> dict:
    ds, paths = open_arms("hacked_ministry", force)
    out: dict = {}
    for arm, d in ds.items():
        row = {"official_trust": {str(t): r3(at(d, "official_trust", "Estia", "Aurelia", t))
                                  for t in (56, 68, 69, 92, 164, 336)},
               "mean_attitude": {str(t): r3(at(d, "mean_attitude", "Estia", "Aurelia", t))
                                 for t in (0, 56, 96, 168, 336)},
               "favourable_share": r3(final(d, "favourable_share", "Estia", "Aurelia")),
               "borduria_mean_attitude": r3(final(d, "mean_attitude", "Estia", "Borduria"))}
        # The attacker's posts: the ministry's items during the hack (quality 0.3, stance < 0).
        acc = da.open_table(paths[arm], "graph", dim="account").set_index("account_name")
        casc = da.open_cascades(paths[arm])
        mine = casc[casc.author == acc.loc["Aurelia/ministry", "account_node"]]
        hacked = mine[(mine.start_step >= 56) & (mine.start_step < 68)
                      & (mine.quality.round(3) == 0.3)]
        row["hacked_posts"] = int(len(hacked))
        row["hacked_cascade_items"] = int(hacked["size"].sum())
        out[arm] = row

    with matplotlib.rc_context(style.RC):
        fig = Figure(figsize=(11, 4), layout="constrained")
        ax1, ax2 = fig.subplots(1, 2)
        for i, arm in enumerate(("hack", "denial_believed", "denial_doubted", "no_hack")):
            d = ds[arm]
            kw = dict(color=style.color(i), linestyle=style.linestyle(i),
                      label=arm.replace("_", " "))
            t = d.official_trust.sel(country="Estia", state="Aurelia")
            ax1.plot(t.step, t, **kw)
            if arm in ("hack", "no_hack"):
                m = d.mean_attitude.sel(country="Estia", state="Aurelia")
                ax2.plot(m.step, m, **kw)
        for ax in (ax1, ax2):
            shade(ax, 56, 68, "hack")
            hours_axis(ax)
        ax1.set_title("Estia's trust in Aurelia's official accounts")
        ax1.set_ylabel("official trust")
        ax1.set_ylim(0, 0.7)
        ax1.legend(loc="lower right")
        ax2.set_title("Estia's mean attitude toward Aurelia")
        ax2.set_ylabel("mean attitude")
        ax2.legend(loc="lower right")
        fig.savefig(FIGURES / "hacked_ministry.png", dpi=110)
    return out


# --- case 7 -------------------------------------------------------------------------------

def case_digital_divide(force: bool) -> dict:
    ds, paths = open_arms("digital_divide", force)
    out: dict = {}
    for arm, d in ds.items():
        row = {}
        for c in ("Marovia", "Borduria", "Cordelia"):
            row[c] = {s: {"start": r3(at(d, "mean_attitude", c, s, 0)),
                          "mean_attitude": r3(final(d, "mean_attitude", c, s)),
                          "favourable_share": r3(final(d, "favourable_share", c, s)),
                          "reach": int(final(d, "reach", c, s)),
                          "reach_official": int(final(d, "reach_official", c, s)),
                          "reach_peer": int(final(d, "reach_peer", c, s))}
                      for s in ("Marovia", "Borduria")}
        row["cordelia_gap"] = r3(row["Cordelia"]["Borduria"]["mean_attitude"]
                                 - row["Cordelia"]["Marovia"]["mean_attitude"])
        g = da.open_graph(paths[arm], dim="country").set_index("country")
        row["population"] = {c: int(g.loc[c, "country_population"]) for c in g.index}
        row["online"] = {c: int(g.loc[c, "country_online"]) for c in g.index}
        out[arm] = row

    with matplotlib.rc_context(style.RC):
        fig = Figure(figsize=(11, 4), layout="constrained")
        ax1, ax2 = fig.subplots(1, 2)
        arms = ["divide", "divide_closed", "paid_influencers", "double_posts"]
        x = np.arange(len(arms))
        w = 0.38
        for j, s in enumerate(("Marovia", "Borduria")):
            ax1.bar(x + (j - 0.5) * w, [out[a]["Cordelia"][s]["mean_attitude"] for a in arms], w,
                    color=style.color(j + 1), label=f"toward {s}")
        ax1.set_xticks(x, [a.replace("_", "\n") for a in arms], fontsize="small")
        ax1.set_title("Cordelia's mean attitude, day 14")
        ax1.set_ylabel("mean attitude")
        ax1.legend()
        for j, arm in enumerate(("divide", "divide_closed")):
            v = ds[arm].mean_attitude.sel(country="Marovia", state="Borduria")
            ax2.plot(v.step, v, "-" if j == 0 else "--", color=style.color(2),
                     label=f"Marovians toward Borduria, {arm.replace('_', ' ')}")
        ax2.set_title("Marovia's public and Borduria's campaign")
        ax2.set_ylabel("mean attitude")
        hours_axis(ax2)
        ax2.legend()
        fig.savefig(FIGURES / "digital_divide.png", dpi=110)
    return out


CASES = {
    "culture_influencers": case_culture_influencers,
    "refugees_polarised": case_refugees_polarised,
    "earthquake_response": case_earthquake_response,
    "virtual_embassy": case_virtual_embassy,
    "bot_swarm": case_bot_swarm,
    "hacked_ministry": case_hacked_ministry,
    "digital_divide": case_digital_divide,
}

def replicates(case: str, force: bool) -> list[dict]:
    """Paired differences (arm B - arm A) of the final mean attitude over SEEDS."""
    res = []
    for a, b in REPLICATES[case]:
        ra = [da.open_run(run(case, a, s, force), lazy=False) for s in SEEDS]
        rb = [da.open_run(run(case, b, s, force), lazy=False) for s in SEEDS]
        diff = da.paired_difference(ra, rb, "mean_attitude")
        for country, state in REPLICATE_TARGETS[case]:
            r = diff[(diff.country == country) & (diff.state == state)].iloc[0]
            per_seed = [r3(final(y, "mean_attitude", country, state)
                           - final(x, "mean_attitude", country, state)) for x, y in zip(ra, rb)]
            res.append({"a": a, "b": b, "country": country, "state": state, "seeds": SEEDS,
                        "diff_per_seed": per_seed, "mean_diff": r3(r.mean_diff),
                        "ci_low": r3(r.ci_low), "ci_high": r3(r.ci_high)})
        if case == "digital_divide":  # the gap Borduria - Marovia in Cordelia, per seed
            for arm, rr in ((a, ra), (b, rb)):
                res.append({"arm": arm, "cordelia_gap_per_seed": [
                    r3(final(x, "mean_attitude", "Cordelia", "Borduria")
                       - final(x, "mean_attitude", "Cordelia", "Marovia")) for x in rr]})
    return res


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("cases", nargs="*", help=f"cases (default: all): {', '.join(CASES)}")
    p.add_argument("--force", action="store_true", help="rerun even when the runs are fresh")
    p.add_argument("--replicates", action="store_true",
                   help=f"also compare arms over seeds {SEEDS} (cases {', '.join(REPLICATES)})")
    args = p.parse_args(argv)
    unknown = [c for c in args.cases if c not in CASES]
    if unknown:
        p.error(f"unknown case(s) {', '.join(unknown)}; choose from {', '.join(CASES)}")
    FIGURES.mkdir(parents=True, exist_ok=True)
    measured = json.loads(MEASURED.read_text()) if MEASURED.exists() else {}
    for case in args.cases or CASES:
        print(f"{case} ...", file=sys.stderr)
        previous = measured.get(case, {})
        measured[case] = {"arms": CASES[case](args.force)}
        if args.replicates and case in REPLICATES:
            measured[case]["replicates"] = replicates(case, args.force)
        elif "replicates" in previous:  # kept from an earlier --replicates run
            measured[case]["replicates"] = previous["replicates"]
        ds = da.open_run(RUNS / f"{case}-{next(iter(ARMS[case]))}.h5")
        measured[case]["seed"] = int(ds.attrs["seed"])
        measured[case]["dipsim"] = f"{ds.attrs['dipsim_version']} ({ds.attrs['git_revision']})"
        ds.close()
    MEASURED.write_text(json.dumps(measured, indent=1, sort_keys=False) + "\n")
    print(json.dumps({c: measured[c] for c in (args.cases or CASES)}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
