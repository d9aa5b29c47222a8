"""Command line of the analysis package: ``python3 -m dipsim_analysis report RUN.h5 -o X.html``.

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
        "report", help="write a self-contained HTML report of a run",
        description="Writes one self-contained HTML page (plots embedded, no external "
                    "resources) summarising a run: status, provenance, attitude trajectories, "
                    "final values, cascades and the resolved scenario. Works on complete and "
                    "on .partial (interrupted, failed) run files.")
    rep.add_argument("run", metavar="RUN.h5", help="run file (FILE or FILE.partial)")
    rep.add_argument("-o", "--output", metavar="FILE",
                     help="HTML file to write (replaced if it exists); default RUN with .html")
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
