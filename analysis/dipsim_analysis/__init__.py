"""dipsim_analysis: load dipsim run files, summarise them as tidy frames, plot, build reports.

Use Debian's ``/usr/bin/python3`` (it has h5py, xarray, h5netcdf, pandas, scipy, matplotlib)
with ``PYTHONPATH=<dipsim source>/analysis``::

    import dipsim_analysis as da
    ds = da.open_run("runs/demo.h5")             # xarray.Dataset (step, country, state)
    da.final_values(ds)                          # tidy frame: step, country, state, metrics…
    da.plot_attitude(ds).savefig("attitude.png")

    sw = da.open_sweep("sweeps/bots_fact_check")  # index x run metrics, tidy
    da.response_curve(sw, "attitude", "bots[0].count")

Command line: ``python3 -m dipsim_analysis report RUN.h5|SWEEP_DIR -o report.html`` (what
``dipsim report`` runs). Documentation: docs/analysis.md.
"""
__version__ = "0.1.0"

from .load import (RunFileError, check_run, open_cascades, open_graph, open_run,  # noqa: E402
                   open_snapshots, open_table, resolve_run_path, run_info, run_scenario)
from .summary import (attitude_histogram, cascade_ccdf, event_windows,  # noqa: E402
                      final_values, metric_names, paired_difference, time_average,
                      time_to_threshold)
from .sweep import (SweepError, is_sweep, open_sweep, read_index,  # noqa: E402
                    resolve_sweep_path, response_curve, sweep_heatmap, sweep_info,
                    sweep_paired_difference, t_interval)
from .plots import (plot_arm_comparison, plot_attitude, plot_attitude_histogram,  # noqa: E402
                    plot_cascade_ccdf, plot_favourable_share, plot_metric, plot_metrics_grid,
                    plot_response_curves, plot_sweep_difference, plot_sweep_heatmap)
from .report import build_report, write_report  # noqa: E402
from .sweep_report import build_sweep_report, write_sweep_report  # noqa: E402

__all__ = [
    "RunFileError", "check_run", "resolve_run_path", "open_run", "open_snapshots", "open_graph",
    "open_cascades", "open_table", "run_info", "run_scenario",
    "metric_names", "final_values", "time_average", "time_to_threshold", "paired_difference",
    "cascade_ccdf", "attitude_histogram", "event_windows",
    "SweepError", "resolve_sweep_path", "is_sweep", "sweep_info", "read_index", "open_sweep",
    "t_interval", "response_curve", "sweep_paired_difference", "sweep_heatmap",
    "plot_metric", "plot_attitude", "plot_favourable_share", "plot_metrics_grid",
    "plot_cascade_ccdf", "plot_attitude_histogram", "plot_arm_comparison",
    "plot_response_curves", "plot_sweep_heatmap", "plot_sweep_difference",
    "build_report", "write_report", "build_sweep_report", "write_sweep_report",
]
