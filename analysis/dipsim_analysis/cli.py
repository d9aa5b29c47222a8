"""Command line of the analysis package: ``python3 -m dipsim_analysis report RUN.h5 -o X.html``
or ``… report SWEEP_DIR -o X.html`` (a sweep folder, or its ``index.h5``).

``dipsim report ARGS`` execs ``/usr/bin/python3 -m dipsim_analysis report ARGS`` with
``PYTHONPATH=<source>/analysis``; it may set ``DIPSIM_PROG=dipsim`` so that usage and error
messages name ``dipsim report``. Exit codes follow dipsim's (docs/cli.md): 0 success, 1 I/O or
internal failure (e.g. the report cannot be written), 2 bad input (missing file, not a run
file, bad flag), each with a one-line message on stderr that names the file.
"""
from __future__ import annotations

import argparse
import os
import pathlib
import sys

# Headless by construction: the report renders PNGs with Agg whatever MPLBACKEND says.
os.environ["MPLBACKEND"] = "Agg"


def default_sweep_output(folder: str | os.PathLike[str]) -> pathlib.Path:
    """The sweep folder ``sweeps/x`` → ``sweeps/x.html`` (next to the folder, not in it)."""
    p = pathlib.Path(folder).resolve()
    return pathlib.Path(os.path.relpath(p.with_name(p.name + ".html")))


def default_output(run: str) -> pathlib.Path:
    """``runs/x.h5`` → ``runs/x.html``; ``runs/x.h5.partial`` → ``runs/x.partial.html``."""
    p = pathlib.Path(run)
    name = p.name
    partial = name.endswith(".partial")
    if partial:
        name = name[: -len(".partial")]
    stem = name[:-3] if name.endswith(".h5") else pathlib.Path(name).stem
    return p.with_name(stem + (".partial" if partial else "") + ".html")


def _parser(prog: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=prog, description="Analyse dipsim run files (see docs/analysis.md).")
    sub = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)
    rep = sub.add_parser(
        "report", help="write a self-contained HTML report of a run or a sweep",
        description="Writes one self-contained HTML page (plots embedded, no external "
                    "resources). For a run file: status, provenance, attitude trajectories, "
                    "final values, cascades and the resolved scenario (complete and .partial "
                    "files). For a sweep folder (or its index.h5): design, provenance, response "
                    "curves, heat maps and paired arm differences of the index's summaries.")
    rep.add_argument("run", metavar="RUN.h5|SWEEP_DIR",
                     help="run file (FILE or FILE.partial), or a sweep folder or its index.h5")
    rep.add_argument("-o", "--output", metavar="FILE",
                     help="HTML file to write (replaced if it exists); default RUN with .html, "
                          "or SWEEP_DIR.html next to a sweep folder")
    rep.add_argument("--title", help="page title (default: the scenario's title)")
    rep.add_argument("-q", "--quiet", action="store_true", help="print nothing but errors")
    return parser


def main(argv: list[str] | None = None) -> int:
    """Runs the command line; returns the exit code."""
    base = os.environ.get("DIPSIM_PROG")
    prog = "python3 -m dipsim_analysis" if not base else base
    args = _parser(prog).parse_args(argv)  # exits 2 on bad flags
    name = f"{base} {args.command}" if base else f"{prog} {args.command}"

    def fail(code: int, msg: str) -> int:
        print(f"{name}: error: {msg}", file=sys.stderr)
        return code

    if args.command == "report":
        from .load import RunFileError, check_run
        from .report import write_report
        from .sweep import SweepError, is_sweep, resolve_sweep_path
        from .sweep_report import write_sweep_report

        if os.path.isdir(args.run) or is_sweep(args.run):
            try:
                folder, _ = resolve_sweep_path(args.run)
            except (FileNotFoundError, SweepError) as e:
                return fail(2, str(e))
            out = pathlib.Path(args.output) if args.output else default_sweep_output(folder)
            if out.is_dir():
                return fail(2, f"{out}: is a directory; give the report's file name with -o")
            if not out.parent.exists():
                return fail(2, f"{out}: folder {out.parent} does not exist")
            try:
                write_sweep_report(args.run, out, title=args.title)
            except (FileNotFoundError, RunFileError) as e:
                return fail(2, str(e))
            except OSError as e:
                return fail(1, f"{out}: cannot write the report: {e}")
            if not args.quiet:
                print(f"wrote {out}")
            return 0
        try:
            run = check_run(args.run)
        except (FileNotFoundError, RunFileError) as e:
            return fail(2, str(e))
        except OSError as e:
            return fail(2, f"{args.run}: {e}")
        out = pathlib.Path(args.output) if args.output else default_output(args.run)
        if out.is_dir():
            return fail(2, f"{out}: is a directory; give the report's file name with -o")
        if not out.parent.exists():
            return fail(2, f"{out}: folder {out.parent} does not exist")
        try:
            write_report(run, out, title=args.title)
        except (FileNotFoundError, RunFileError) as e:
            return fail(2, str(e))
        except OSError as e:
            return fail(1, f"{out}: cannot write the report: {e}")
        if not args.quiet:
            print(f"wrote {out}")
        return 0
    return fail(2, f"unknown command {args.command}")  # unreachable: argparse checks it
