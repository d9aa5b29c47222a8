#!/usr/bin/python3
"""Runs the full statistical validation suite of dipsim (docs/validation.md).

    /usr/bin/python3 tests/validation/run_validation.py    # full suite, ~15-20 min on 2 cores
    /usr/bin/python3 tests/validation/run_validation.py --tier fast    # fast tier (~1 min)
    /usr/bin/python3 tests/validation/run_validation.py --only sir,crn --no-doc

Prints one table row per check (model, check, target, measured, error, tolerance, status),
writes one figure per model into docs/figures/validation/ and the measured table, the command
and the date into docs/validation.md (between the "results" markers). Exit code 1 if any check
fails or a documented expected failure unexpectedly passes (XPASS), else 0.

Environment: DIPSIM (the binary; default build/release/bin/dipsim), VALIDATION_JOBS (runs at
once; default: the number of cores).
"""
from __future__ import annotations

import argparse
import datetime
import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

import vfigures as figures  # noqa: E402
import vsizes as sizes  # noqa: E402
import vcommon  # noqa: E402
from vchecks import CHECKS  # noqa: E402

DOC = vcommon.ROOT / "docs" / "validation.md"
FIGDIR = vcommon.ROOT / "docs" / "figures" / "validation"
BEGIN, END = "<!-- results:begin -->", "<!-- results:end -->"


def md_escape(s: str) -> str:
    return s.replace("|", "\\|").replace("\n", " ")


def table(rows, with_why=False) -> str:
    head = "| model | check | target | measured | error | tolerance | status |"
    sep = "|---|---|---|---|---|---|---|"
    lines = [head, sep]
    for r in rows:
        status = {"pass": "pass", "FAIL": "**FAIL**", "xfail": "not reproducible (xfail)",
                  "XPASS": "**XPASS**"}[r.status]
        lines.append("| " + " | ".join(md_escape(x) for x in (
            r.model, r.check, r.target, r.measured, r.error, r.tol, status)) + " |")
    return "\n".join(lines)


def why_list(rows) -> str:
    out = []
    for i, r in enumerate(rows, 1):
        out.append(f"{i}. **{md_escape(r.model)}** — {md_escape(r.check)} "
                   f"(`{r.preset}`): {md_escape(r.why)}")
    return "\n".join(out)


def git_revision() -> str:
    try:
        return subprocess.run(["git", "describe", "--always", "--dirty"], cwd=vcommon.ROOT,
                              capture_output=True, text=True, timeout=20).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def write_doc(rows, timings, command: str, wall: float, tier: str) -> None:
    if not DOC.exists():
        print(f"note: {DOC} missing; results not written into it")
        return
    text = DOC.read_text()
    if BEGIN not in text or END not in text:
        print(f"note: {DOC} has no results markers; results not written into it")
        return
    now = datetime.datetime.now(datetime.timezone.utc).strftime("%Y-%m-%d %H:%M UTC")
    n_pass = sum(r.status == "pass" for r in rows)
    n_xfail = sum(r.status == "xfail" for r in rows)
    n_bad = sum(r.status in ("FAIL", "XPASS") for r in rows)
    per = ", ".join(f"{k} {v:.0f} s" for k, v in timings.items())
    block = (
        f"{BEGIN}\n"
        f"Last {tier} run: {now}, dipsim `{git_revision()}`, command "
        f"`{command}`, wall time {wall / 60:.1f} min ({per}).\n"
        f"Result: {n_pass} passed, {n_xfail} not reproducible (expected failures), "
        f"{n_bad} failed.\n\n"
        f"{table(rows)}\n\n"
        f"Tolerances and why, row by row:\n\n{why_list(rows)}\n"
        f"{END}")
    i, j = text.index(BEGIN), text.index(END) + len(END)
    DOC.write_text(text[:i] + block + text[j:])
    print(f"wrote the results into {DOC.relative_to(vcommon.ROOT)}")


def print_table(rows) -> None:
    cols = ["model", "check", "target", "measured", "error", "tol", "status"]
    widths = {"model": 30, "check": 60, "target": 12, "measured": 12, "error": 9, "tol": 9,
              "status": 6}

    def cut(s, w):
        s = str(s)
        return s if len(s) <= w else s[: w - 1] + "…"

    print(" ".join(c.ljust(widths[c]) for c in cols))
    for r in rows:
        print(" ".join(cut(getattr(r, c), widths[c]).ljust(widths[c]) for c in cols))


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[1])
    ap.add_argument("--tier", choices=["full", "fast"], default="full")
    ap.add_argument("--only", default="", help="comma-separated check names: " +
                    ", ".join(c[0] for c in CHECKS))
    ap.add_argument("--no-doc", action="store_true", help="do not rewrite docs/validation.md")
    ap.add_argument("--no-figures", action="store_true")
    args = ap.parse_args(argv)
    sz = sizes.FULL if args.tier == "full" else sizes.FAST
    only = {s.strip() for s in args.only.split(",") if s.strip()}
    unknown = only - {c[0] for c in CHECKS}
    if unknown:
        ap.error(f"unknown check(s) {sorted(unknown)}")
    print(f"dipsim: {vcommon.dipsim_path()}  tier: {sz.name}  jobs: {vcommon.jobs()}")
    rows, timings = [], {}
    t_all = time.time()
    for name, fn in CHECKS:
        if only and name not in only:
            continue
        print(f"\n== {name}")
        t0 = time.time()
        res = fn(sz)
        timings[name] = time.time() - t0
        rows.extend(res.rows)
        if not args.no_figures and res.figure and name in figures.PLOTTERS:
            out = FIGDIR / f"{name}.png"
            figures.PLOTTERS[name](res.figure, out)
            print(f"figure: {out.relative_to(vcommon.ROOT)}")
        print(f"({timings[name]:.0f} s)")
    wall = time.time() - t_all
    print()
    print_table(rows)
    bad = [r for r in rows if r.status in ("FAIL", "XPASS")]
    print(f"\n{sum(r.status == 'pass' for r in rows)} passed, "
          f"{sum(r.status == 'xfail' for r in rows)} not reproducible (xfail), {len(bad)} failed;"
          f" {wall / 60:.1f} min")
    if not args.no_doc and not only:
        command = "/usr/bin/python3 tests/validation/run_validation.py" + (
            "" if args.tier == "full" else " --tier fast")
        write_doc(rows, timings, command, wall, args.tier)
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
