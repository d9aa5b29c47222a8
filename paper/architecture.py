"""The architecture figure of the paper (paper/figures/architecture.png).

The engine's layers are the CMake targets under engine/ (README.md, "For developers"): each
depends only on the layers below it. The figure draws them bottom-up with what each holds, the
inputs (scenario and sweep YAML, edge lists) and the outputs (HDF5 run files, the sweep index)
that the Python analysis package and the classroom page read. Run by paper/build.py; it checks
that every layer drawn is a folder of engine/, so the figure cannot silently drift from the code.
"""
from __future__ import annotations

import pathlib

import matplotlib

matplotlib.use("Agg")
from matplotlib.figure import Figure  # noqa: E402
from matplotlib.patches import FancyBboxPatch  # noqa: E402

ROOT = pathlib.Path(__file__).resolve().parents[1]

#: (engine folder, label, what it holds), bottom to top.
LAYERS = [
    ("core", "core", "ids, errors, counter-based RNG (Philox4x32-10)"),
    ("graph", "graph", "CSR follow graph, generators, edge list / GML / GraphML"),
    ("model", "model", "citizens, items, accounts, bots, rules (attitude update, feed ranking)"),
    ("sim", "sim", "world, step pipeline (post, read in parallel, measure), metrics"),
    ("io", "io", "parameter table, scenario loader, HDF5 run files, checkpoints"),
    ("sweep", "sweep", "designs (grid, LHS, Sobol), arms, replicates, index; local, MPI, Slurm"),
    ("apps/dipsim", "apps/dipsim", "CLI: run, sweep, graph, info, report, serve (classroom page)"),
]

ENGINE = "#dbe7f5"
EDGE = "#1f5fa8"
IO_FILL = "#f4e9d8"
IO_EDGE = "#a0672a"


def check_layers() -> None:
    missing = [folder for folder, _, _ in LAYERS if not (ROOT / "engine" / folder).is_dir()]
    if missing:
        raise SystemExit(f"architecture.py: engine folders missing: {missing}")


def _box(ax, x, y, w, h, title, text, fill, edge):
    ax.add_patch(FancyBboxPatch((x, y), w, h, boxstyle="round,pad=0.02,rounding_size=0.08",
                                fc=fill, ec=edge, lw=1.2))
    ax.text(x + 0.15, y + h / 2, title, va="center", ha="left", fontsize=10.5,
            fontweight="bold", family="monospace")
    if text:
        ax.text(x + 1.7, y + h / 2, text, va="center", ha="left", fontsize=8.8)


def draw(out: pathlib.Path) -> pathlib.Path:
    check_layers()
    fig = Figure(figsize=(10, 5.2), layout="constrained")
    ax = fig.subplots()
    ax.set_xlim(0, 14.2)
    ax.set_ylim(-0.2, 8.4)
    ax.axis("off")
    h, gap, x0, w = 0.78, 0.22, 3.0, 8.1
    for i, (_, label, text) in enumerate(LAYERS):
        y = 0.3 + i * (h + gap)
        _box(ax, x0, y, w, h, label, text, ENGINE, EDGE)
        if i:
            ax.annotate("", xy=(x0 + 0.6, y - gap + 0.02), xytext=(x0 + 0.6, y - 0.02),
                        arrowprops=dict(arrowstyle="-|>", color=EDGE, lw=1))
    ax.text(x0 + w / 2, 0.3 + len(LAYERS) * (h + gap) + 0.05,
            "C++20 engine (oneTBB threads); each layer uses only the layers below (arrows)",
            ha="center", fontsize=9.5, style="italic")
    # Inputs on the left, outputs and readers on the right.
    # (text, box bottom, the layer that reads it: the centre of its box)
    ins = [("sweep YAML", 5.25, 5.69), ("scenario YAML", 4.25, 4.69),
           ("edge lists,\nGML, GraphML", 1.25, 1.69)]
    for text, y, target_y in ins:
        ax.add_patch(FancyBboxPatch((0.1, y), 2.3, 0.88, boxstyle="round,pad=0.02",
                                    fc=IO_FILL, ec=IO_EDGE, lw=1.1))
        ax.text(1.25, y + 0.44, text, ha="center", va="center", fontsize=9)
        ax.annotate("", xy=(x0 - 0.02, target_y), xytext=(2.42, y + 0.44),
                    arrowprops=dict(arrowstyle="-|>", color=IO_EDGE, lw=1))
    outs = [("HDF5 run files\n(metrics, snapshots,\ncascades, scorecard)", 4.2),
            ("sweep index.h5", 6.0),
            ("dipsim_analysis\n(Python: tables,\nfigures, reports)", 1.8)]
    for text, y in outs:
        ax.add_patch(FancyBboxPatch((11.3, y), 2.8, 1.25, boxstyle="round,pad=0.02",
                                    fc=IO_FILL, ec=IO_EDGE, lw=1.1))
        ax.text(12.7, y + 0.62, text, ha="center", va="center", fontsize=9)
    ax.annotate("", xy=(11.28, 4.69), xytext=(x0 + w + 0.02, 4.69),
                arrowprops=dict(arrowstyle="-|>", color=IO_EDGE, lw=1))
    ax.annotate("", xy=(11.28, 6.6), xytext=(x0 + w + 0.02, 5.69),
                arrowprops=dict(arrowstyle="-|>", color=IO_EDGE, lw=1))
    ax.annotate("", xy=(12.7, 3.07), xytext=(12.7, 4.18),
                arrowprops=dict(arrowstyle="-|>", color=IO_EDGE, lw=1))
    out.parent.mkdir(parents=True, exist_ok=True)
    fig.savefig(out, dpi=200)
    return out


if __name__ == "__main__":
    import sys
    print(draw(pathlib.Path(sys.argv[1]) if len(sys.argv) > 1 else
               ROOT / "paper" / "figures" / "architecture.png"))
