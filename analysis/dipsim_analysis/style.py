"""One look for every dipsim plot: the Okabe–Ito palette, line styles, labels with units.

Colours come from the palette of Okabe & Ito (2008), *Color Universal Design (CUD): how to make
figures and presentations that are friendly to colorblind people*
(https://jfly.uni-koeln.de/color/), which stays distinguishable under the common colour-vision
deficiencies. Countries get colours,
state actors get line styles, so a country × state line is identifiable without colour too.
Yellow comes last: it is the weakest on white.
"""
from __future__ import annotations

import functools
from typing import Any, Callable

import matplotlib
from matplotlib.figure import Figure

#: The eight Okabe–Ito colours by name.
OKABE_ITO = {
    "blue": "#0072B2",
    "orange": "#E69F00",
    "bluish_green": "#009E73",
    "vermillion": "#D55E00",
    "reddish_purple": "#CC79A7",
    "sky_blue": "#56B4E9",
    "black": "#000000",
    "yellow": "#F0E442",
}

#: Category colours in the order they are used (country 0, 1, …); cycles after eight.
PALETTE = list(OKABE_ITO.values())

#: Line styles for the second category (state actor 0, 1, …); cycles after eight.
LINESTYLES = ["-", "--", ":", "-.", (0, (5, 1, 1, 1, 1, 1)), (0, (8, 2)), (0, (1, 3)),
              (0, (3, 1, 3, 1, 1, 1))]

#: Matplotlib settings of every dipsim figure.
RC = {
    "axes.prop_cycle": matplotlib.cycler(color=PALETTE),
    "axes.spines.top": False,
    "axes.spines.right": False,
    "axes.grid": True,
    "grid.color": "#DDDDDD",
    "grid.linewidth": 0.6,
    "axes.titlesize": "medium",
    "axes.titleweight": "bold",
    "axes.labelsize": "medium",
    "legend.fontsize": "small",
    "legend.frameon": False,
    "lines.linewidth": 1.6,
    "figure.dpi": 100,
    "savefig.dpi": 100,
    "font.size": 10,
}

#: Default size of a single-axes figure, inches.
FIGSIZE = (8.0, 4.2)

#: Units of cascade-table columns (the table has no units attributes).
CASCADE_UNITS = {"size": "items", "depth": "reshares", "lifetime": "steps",
                 "start_step": "step", "quality": "1"}


def color(i: int) -> str:
    """The ``i``-th palette colour (cycling)."""
    return PALETTE[i % len(PALETTE)]


def linestyle(i: int) -> Any:
    """The ``i``-th line style (cycling)."""
    return LINESTYLES[i % len(LINESTYLES)]


def pretty(name: str) -> str:
    """``"mean_attitude"`` → ``"mean attitude"``."""
    return str(name).replace("_", " ")


def unit_text(units: str | None) -> str:
    """Units for an axis label: ``"[items per step]"``, ``"(dimensionless)"`` for UDUNITS
    ``"1"``, empty when unknown."""
    if units is None or str(units).strip() == "":
        return ""
    if str(units).strip() == "1":
        return "(dimensionless)"
    return f"[{units}]"


def label(name: str, units: str | None = None) -> str:
    """Axis label of a quantity: pretty name plus units, e.g. ``"reach [citizens]"``."""
    u = unit_text(units)
    return f"{pretty(name)} {u}".strip()


def metric_label(da: Any, name: str | None = None) -> str:
    """Axis label of an ``xarray.DataArray`` from its name and ``units`` attribute."""
    return label(name or da.name, getattr(da, "attrs", {}).get("units"))


def styled(fn: Callable) -> Callable:
    """Runs a plotting function under :data:`RC` (the figure's artists take these settings)."""

    @functools.wraps(fn)
    def wrapper(*args, **kwargs):
        with matplotlib.rc_context(RC):
            return fn(*args, **kwargs)

    return wrapper


def figure_and_axes(ax: Any = None, figsize: tuple[float, float] = FIGSIZE):
    """Returns ``(figure, axes)``: ``ax``'s figure, or a new figure (constrained layout).

    New figures are ``matplotlib.figure.Figure`` objects, not pyplot figures, so nothing is
    registered with pyplot, no window opens and any backend (Agg included) can save them.
    """
    if ax is not None:
        return ax.figure, ax
    fig = Figure(figsize=figsize, layout="constrained")
    return fig, fig.add_subplot()


def outside_legend(ax: Any, ncol: int = 1) -> None:
    """Puts the legend of ``ax`` to the right of the plot (when it has labelled artists)."""
    handles, labels = ax.get_legend_handles_labels()
    if handles:
        ax.legend(handles, labels, loc="upper left", bbox_to_anchor=(1.01, 1.0), ncol=ncol,
                  borderaxespad=0.0)
