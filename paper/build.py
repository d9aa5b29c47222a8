#!/usr/bin/python3
"""Regenerates every figure, table and number of the paper and builds paper/paper.pdf.

    /usr/bin/python3 paper/build.py [--scale quick|full] [--stages sweep,validation,...]

What `make paper` runs after building dipsim and bench_sim (paper/README.md). Stages, in order:

  sweep       the example study (paper/study.yaml) with `dipsim sweep` -> build/paper/sweep/
  validation  the classic-model checks of tests/validation (fast tier at the quick scale, full
              tier at the full scale) -> build/paper/validation.json, paper/figures/validation/
  bench       benchmarks/sim/tables.py: the campaign step against the pull-gather limit at 1, 2,
              ... threads -> build/paper/bench_step.json
  peers       benchmarks/sim/peers_models.py: voter and SIR steps against graph-tool
              -> build/paper/peers.json
  evidence    paper/evidence.py: figures, tables and numbers from the files above
              -> paper/figures/, paper/tables/, paper/numbers.json
  render      paper/render.py: placeholders and tables into the text, pandoc (HTML, citeproc),
              headless chromium (PDF), pdftoppm (page images) -> paper/paper.pdf, build/paper/
  manifest    paper/manifest.json: commit, scale, machine, stage times and the SHA-256 of every
              generated file (tests/python/test_paper.py checks the paper against it)

--stages runs a subset (the others' outputs must already be there). PAPER_SCALE in the
environment sets the default scale. PAPER_T0 (seconds since the epoch, set by `make paper` before
it builds dipsim) makes the reported wall time include the build.
"""
from __future__ import annotations

import argparse
import datetime
import hashlib
import json
import os
import pathlib
import subprocess
import sys
import time

HERE = pathlib.Path(__file__).resolve().parent
ROOT = HERE.parent
OUT = ROOT / "build" / "paper"          # raw results (not committed)
FIGURES = HERE / "figures"
TABLES = HERE / "tables"
NUMBERS = HERE / "numbers.json"
MANIFEST = HERE / "manifest.json"
PDF = HERE / "paper.pdf"
PY = "/usr/bin/python3"

#: What each scale runs. quick: about 30 minutes on 2 cores (`make paper`); full: the sizes of
#: PAPER_SCALE=full (paper/README.md). The study's citizens and replicates replace those of
#: paper/study.yaml; the other keys are the benchmarks' and the validation tier's.
SCALES = {
    "quick": {"citizens": 10000, "replicates": 10, "validation": "fast",
              "bench_citizens": 1_000_000, "bench_min_time": 1.0,
              "peers_n": 200_000, "peers_rounds": 20, "peers_reps": 5},
    "full": {"citizens": 30000, "replicates": 20, "validation": "full",
             "bench_citizens": 1_000_000, "bench_min_time": 2.0,
             "peers_n": 1_000_000, "peers_rounds": 20, "peers_reps": 5},
}
STAGES = ["sweep", "validation", "bench", "peers", "evidence", "render", "manifest"]


def log(msg: str) -> None:
    print(f"[paper {datetime.datetime.now():%H:%M:%S}] {msg}", flush=True)


def dipsim() -> pathlib.Path:
    path = pathlib.Path(os.environ.get("DIPSIM", ROOT / "build/release/bin/dipsim"))
    if not path.exists():
        raise SystemExit(f"dipsim not found at {path}: build it first (make paper does)")
    return path


def cores() -> int:
    return os.cpu_count() or 1


# --- stages -------------------------------------------------------------------------------------

def stage_sweep(scale: dict) -> None:
    import yaml
    spec = yaml.safe_load((HERE / "study.yaml").read_text())
    spec["scenario"] = str((HERE / spec["scenario"]).resolve())
    spec["overrides"]["citizens.count"] = scale["citizens"]
    spec["replicates"] = scale["replicates"]
    OUT.mkdir(parents=True, exist_ok=True)
    sweep_file = OUT / "study.yaml"
    sweep_file.write_text("# written by paper/build.py from paper/study.yaml\n" +
                          yaml.safe_dump(spec, sort_keys=False))
    cmd = [str(dipsim()), "sweep", str(sweep_file), "-o", str(OUT / "sweep"), "--force",
           "--jobs", str(cores()), "--threads", str(cores()), "-q"]
    log(" ".join(cmd))
    subprocess.run(cmd, check=True, cwd=ROOT)


def stage_validation(scale: dict) -> None:
    sys.path.insert(0, str(ROOT / "tests" / "validation"))
    # The float64 rows need the `precise` build; the paper reports the float32 engine only, so
    # the rows do not depend on whether build/precise happens to exist.
    os.environ["DIPSIM_PRECISE"] = str(OUT / "no-precise-build")
    os.environ.setdefault("DIPSIM", str(dipsim()))
    import vfigures
    import vsizes
    from vchecks import CHECKS
    sizes = vsizes.FULL if scale["validation"] == "full" else vsizes.FAST
    rows, timings = [], {}
    figdir = FIGURES / "validation"
    figdir.mkdir(parents=True, exist_ok=True)
    for old in figdir.glob("*.png"):
        old.unlink()
    for name, fn in CHECKS:
        log(f"validation: {name} ({sizes.name} tier)")
        t0 = time.time()
        res = fn(sizes)
        timings[name] = time.time() - t0
        for r in res.rows:
            rows.append({"key": name, "model": r.model, "check": r.check, "target": r.target,
                         "measured": r.measured, "error": r.error, "tolerance": r.tol,
                         "status": r.status})
        if res.figure and name in vfigures.PLOTTERS:
            vfigures.PLOTTERS[name](res.figure, figdir / f"{name}.png")
    (OUT / "validation.json").write_text(json.dumps(
        {"tier": sizes.name, "rows": rows, "seconds": timings}, indent=2) + "\n")


def stage_bench(scale: dict) -> None:
    cmd = [PY, str(ROOT / "benchmarks/sim/tables.py"), str(ROOT / "build/release"),
           "--citizens", str(scale["bench_citizens"]),
           "--min-time", str(scale["bench_min_time"]), "--json", str(OUT / "bench_step.json")]
    log(" ".join(cmd))
    subprocess.run(cmd, check=True, cwd=ROOT)


def stage_peers(scale: dict) -> None:
    """dipsim's time per step is a difference of two runs' wall times (peers_models.py), which
    noise from other jobs can make meaningless (not positive): such a result is measured again,
    once, and otherwise stops the build rather than reach the paper."""
    cmd = [PY, str(ROOT / "benchmarks/sim/peers_models.py"), "--dipsim", str(dipsim()),
           "--n", str(scale["peers_n"]), "--threads", str(cores()),
           "--rounds", str(scale["peers_rounds"]), "--reps", str(scale["peers_reps"]),
           "--json", str(OUT / "peers.json")]
    for attempt in (1, 2):
        log(" ".join(cmd))
        subprocess.run(cmd, check=True, cwd=ROOT)
        rows = json.loads((OUT / "peers.json").read_text())["rows"]
        bad = [r["model"] for r in rows if r["dipsim_s"] < 1e-6 or r["graph_tool_s"] <= 0]
        if not bad:
            return
        log(f"peers: no measurable time per step for {bad} (attempt {attempt})")
    raise SystemExit(f"peers: the time per step of {bad} is not measurable on this machine now")


def stage_evidence(scale_name: str, scale: dict, context: dict) -> None:
    sys.path.insert(0, str(HERE))
    import evidence
    evidence.build(OUT, FIGURES, TABLES, NUMBERS, scale_name, scale, context)


def stage_render() -> dict:
    sys.path.insert(0, str(HERE))
    import render
    return render.build(HERE / "paper.md", NUMBERS, OUT, PDF)


# --- provenance ---------------------------------------------------------------------------------

def git(*args: str) -> str:
    try:
        return subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True,
                              timeout=30).stdout.strip()
    except (OSError, subprocess.SubprocessError):
        return "unknown"


def sha256(path: pathlib.Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def generated_files() -> list[pathlib.Path]:
    files = sorted(FIGURES.rglob("*.png")) + sorted(TABLES.glob("*.md")) + [NUMBERS]
    return files + ([PDF] if PDF.exists() else [])


def write_manifest(scale_name: str, context: dict, render_info: dict) -> None:
    manifest = {
        "scale": scale_name,
        "commit": context["commit"],
        "runs_commit": context["runs_commit"],
        "dirty": context["dirty"],
        "started": context["started"],
        "finished": datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds"),
        "cores": cores(),
        "load_average_at_start": context["load_average_at_start"],
        "load_average_at_end": list(os.getloadavg()),
        "stage_seconds": context["stage_seconds"],
        "stage_load": context["stage_load"],
        "sources": {name: sha256(HERE / name)
                    for name in ("paper.md", "paper.bib", "study.yaml")},
        "outputs": {str(p.relative_to(HERE)): sha256(p) for p in generated_files()},
        "pdf": render_info,
    }
    MANIFEST.write_text(json.dumps(manifest, indent=2) + "\n")


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--scale", choices=sorted(SCALES),
                    default=os.environ.get("PAPER_SCALE") or "quick")
    ap.add_argument("--stages", default=",".join(STAGES),
                    help="comma-separated subset of: " + ", ".join(STAGES))
    args = ap.parse_args(argv)
    stages = [s.strip() for s in args.stages.split(",") if s.strip()]
    unknown = set(stages) - set(STAGES)
    if unknown:
        ap.error(f"unknown stage(s) {sorted(unknown)}")
    scale = SCALES[args.scale]
    t_start = float(os.environ.get("PAPER_T0") or time.time())
    context = {
        "commit": git("rev-parse", "HEAD"),
        "dirty": bool(git("status", "--porcelain", "--untracked-files=no")),
        "started": datetime.datetime.fromtimestamp(
            t_start, datetime.timezone.utc).isoformat(timespec="seconds"),
        "load_average_at_start": list(os.getloadavg()),
        "stage_seconds": {},
        "stage_load": {},  # 1-minute load average when each stage started
        "t_start": t_start,
    }
    previous = json.loads(MANIFEST.read_text()) if MANIFEST.exists() else {}
    if "sweep" not in stages and previous.get("scale") == args.scale:
        # Only later stages rerun: the runs, their start, load and commit are the last build's.
        for key in ("started", "load_average_at_start"):
            if key in previous:
                context[key] = previous[key]
        context["runs_commit"] = previous.get("runs_commit", previous.get("commit"))
    else:
        context["runs_commit"] = context["commit"]
    if "PAPER_T0" in os.environ:
        context["stage_seconds"]["build"] = round(time.time() - t_start, 1)
    elif "build" in previous.get("stage_seconds", {}) and "sweep" not in stages:
        context["stage_seconds"]["build"] = previous["stage_seconds"]["build"]
    log(f"scale {args.scale}: {scale}; stages {', '.join(stages)}; {cores()} cores, "
        f"load average {context['load_average_at_start']}")
    render_info = previous.get("pdf", {})
    for stage in STAGES:
        if stage not in stages:
            for key in ("stage_seconds", "stage_load"):
                if stage in previous.get(key, {}):
                    context[key].setdefault(stage, previous[key][stage])
            continue
        t0 = time.time()
        context["stage_load"][stage] = round(os.getloadavg()[0], 2)
        log(f"== {stage}")
        if stage == "sweep":
            stage_sweep(scale)
        elif stage == "validation":
            stage_validation(scale)
        elif stage == "bench":
            stage_bench(scale)
        elif stage == "peers":
            stage_peers(scale)
        elif stage == "evidence":
            context["evidence_started"] = time.time()
            stage_evidence(args.scale, scale, context)
        elif stage == "render":
            render_info = stage_render()
        elif stage == "manifest":
            write_manifest(args.scale, context, render_info)
        context["stage_seconds"][stage] = round(time.time() - t0, 1)
        log(f"{stage}: {context['stage_seconds'][stage]:.0f} s")
    log(f"done in {(time.time() - t_start) / 60:.1f} min: {PDF.relative_to(ROOT)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
