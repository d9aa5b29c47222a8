"""Makes docs/figures/sweep_bots_fact_check.png, the figure of docs/analysis.md ("Sweeps"), from
the ready-made sweep scenarios/sweeps/bots_fact_check.yaml (108 runs, about half a minute):

    build/release/bin/dipsim sweep scenarios/sweeps/bots_fact_check.yaml
    PYTHONPATH=analysis /usr/bin/python3 docs/figures/make_sweep_figure.py [SWEEP_DIR]
"""
import pathlib
import sys

from matplotlib.figure import Figure

ROOT = pathlib.Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "analysis"))
import dipsim_analysis as da  # noqa: E402

folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "sweeps/bots_fact_check")
sw = da.open_sweep(folder, metrics=[])          # the index alone: its summaries are per run
mid = sw[sw["bots[0].follow_back"] == 0.15]     # one follow-back rate: curves against size

fig = Figure(figsize=(12.0, 3.8), layout="constrained")
left, middle, right = fig.subplots(1, 3, width_ratios=[1.25, 1.25, 1.0])
da.plot_response_curves(da.response_curve(mid, "attitude", "bots[0].count"), ax=left,
                        title="Response (follow-back 0.15)")
da.plot_sweep_difference(da.sweep_paired_difference(mid, "attitude"), ax=middle,
                         title="Paired difference from arm bots")
da.plot_sweep_heatmap(da.sweep_heatmap(sw, "attitude", "bots[0].count", "bots[0].follow_back",
                                       arm="bots"), ax=right, title="Arm bots")
for ax in (left, middle):
    ax.legend(loc="lower left", fontsize="x-small")
out = ROOT / "docs/figures/sweep_bots_fact_check.png"
fig.savefig(out, dpi=110)
print(f"wrote {out}")
