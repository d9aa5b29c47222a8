"""dipsim_analysis: load dipsim run files, summarise them as tidy frames, plot, build reports.

Use Debian's ``/usr/bin/python3`` (it has h5py, xarray, h5netcdf, pandas, scipy, matplotlib)
with ``PYTHONPATH=<dipsim source>/analysis``::

    import dipsim_analysis as da
    ds = da.open_run("runs/demo.h5")             # xarray.Dataset (step, country, state)
    da.final_values(ds)                          # tidy frame: step, country, state, metrics…
    da.plot_attitude(ds).savefig("attitude.png")

Command line: ``python3 -m dipsim_analysis report RUN.h5 -o report.html`` (what
``dipsim report`` runs). Documentation: docs/analysis.md.
"""
__version__ = "0.1.0"

from .load import (RunFileError, check_run, open_cascades, open_graph, open_run,  # noqa: E402
                   open_snapshots, open_table, resolve_run_path, run_info, run_scenario)
from .summary import (attitude_histogram, cascade_ccdf, event_windows,  # noqa: E402
                      final_values, metric_names, paired_difference, time_average,
                      time_to_threshold)
from .plots import (plot_arm_comparison, plot_attitude, plot_attitude_histogram,  # noqa: E402
                    plot_cascade_ccdf, plot_favourable_share, plot_metric, plot_metrics_grid)
from .report import build_report, write_report  # noqa: E402

__all__ = [
    "RunFileError", "check_run", "resolve_run_path", "open_run", "open_snapshots", "open_graph",
    "open_cascades", "open_table", "run_info", "run_scenario",
    "metric_names", "final_values", "time_average", "time_to_threshold", "paired_difference",
    "cascade_ccdf", "attitude_histogram", "event_windows",
    "plot_metric", "plot_attitude", "plot_favourable_share", "plot_metrics_grid",
    "plot_cascade_ccdf", "plot_attitude_histogram", "plot_arm_comparison",
    "build_report", "write_report",
]
