"""Per-event windows of a real run with a crisis: the crisis country's items read rise during the
event window and fall back after it."""
import pathlib
import sys

from conftest import DATA, ROOT

sys.path.insert(0, str(ROOT / "analysis"))
import dipsim_analysis as da  # noqa: E402


def test_event_windows_of_a_crisis(run_cli, tmp_path):
    # Activity x 3 during the crisis: clearly more reading than before and after. One run of
    # this small world is noisy (the during/after ratio of single seeds ranges over about
    # 1.4-2.3, mean 1.8), so the windows are summed over four seeds: the ratio's standard error
    # is then about 0.08, and 1.5 is more than 3 standard errors below its mean.
    totals = None
    for seed in (1, 2, 3, 4):
        out = tmp_path / f"crisis_{seed}.h5"
        res = run_cli("run", DATA / "small.yaml", "-o", out, "--quiet", "--set", "run.steps=60",
                      "--set", f"run.seed={seed}",
                      "--set", "events=[{kind: crisis, country: South, start: 20, duration: 20, "
                      "magnitude: 2}]")
        assert res.returncode == 0, res.stderr
        ds = da.open_run(out)
        events = da.open_table(out, "events")
        assert list(events["kind"]) == ["crisis"]
        w = da.event_windows(ds, events, ["items_read"], before=10, after=10)
        assert set(w["window"]) == {"before", "during", "after"}
        row = w[(w.window == "during")].iloc[0]
        assert (row.from_step, row.to_step) == (21, 40)
        south = w[(w.country == "South") & (w.state == "Alpha")].set_index("window")["items_read"]
        totals = south if totals is None else totals + south
    assert totals["during"] > 1.5 * totals["before"]
    assert totals["during"] > 1.5 * totals["after"]
