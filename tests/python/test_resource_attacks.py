"""Resource attacks through the command line (issue #12, docs/fuzzing.md).

Each hostile input must make dipsim exit with code 2 and a message naming the file and line or the
key at fault, within a bounded time and memory (the child's peak RSS, from wait4). The in-process
side (every numeric parameter with NaN/Inf/subnormals, reader limits) is in
tests/unit/{io,graph,sweep}/test_resource_attacks.cpp.
"""
import os
import pathlib
import subprocess
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[2]
BASE = ROOT / "tests" / "fuzz" / "base_scenario.yaml"
ENV = dict(os.environ, DIPSIM_CONFIG_PATH=str(ROOT / "configs"))

# Eight levels of ten aliases: 10^8 scalars once expanded.
LAUGHS = ("&h [&g [&f [&e [&d [&c [&b [&a [x, x, x, x, x, x, x, x, x, x], "
          + "], ".join(", ".join(["*" + c] * 9) for c in "abcdefg") + "]")


# Started in a fresh interpreter, this forks and runs the command, enforces the time limit and
# prints "exit-code peak-RSS-KiB". A child forked (or vforked) straight from pytest would report
# pytest's own peak RSS as its own (Linux keeps the larger across fork and exec); the launcher's
# is small.
LAUNCHER = """
import os, sys, time
seconds = float(sys.argv[1]); argv = sys.argv[2:]
pid = os.fork()
if pid == 0:
    os.execv(argv[0], argv)
start = time.monotonic()
while True:
    done, status, usage = os.wait4(pid, os.WNOHANG)
    if done == pid:
        break
    if time.monotonic() - start > seconds:
        os.kill(pid, 9)
        os.wait4(pid, 0)
        print("timeout 0")
        sys.exit(0)
    time.sleep(0.01)
print(os.waitstatus_to_exitcode(status), usage.ru_maxrss)
"""


def attack(dipsim, *args, seconds=20, max_rss_mb=400):
    """Runs dipsim; returns (exit code, stderr) after checking its run time and peak RSS."""
    argv = [os.path.abspath(dipsim), *map(str, args)]
    p = subprocess.run([sys.executable, "-c", LAUNCHER, str(seconds), *argv], capture_output=True,
                       text=True, errors="replace", cwd=ROOT, env=ENV, timeout=seconds + 30)
    rc, rss_kib = p.stdout.split()
    if rc == "timeout":
        pytest.fail(f"dipsim {' '.join(map(str, args))[:200]} ran more than {seconds} s")
    rss_mb = int(rss_kib) / 1024.0
    assert rss_mb < max_rss_mb, f"peak RSS {rss_mb:.0f} MB, limit {max_rss_mb} MB"
    return int(rc), p.stderr


def test_billion_laughs_in_a_scenario(dipsim, tmp_path):
    f = tmp_path / "laughs.yaml"
    f.write_text(BASE.read_text() + "description: " + LAUGHS + "\n")
    rc, err = attack(dipsim, "validate", f)
    assert rc == 2, err
    assert f"{f}:" in err and "description" in err
    assert "nodes once aliases (*name) are expanded" in err and "billion laughs" in err


def test_billion_laughs_in_a_set_value(dipsim):
    rc, err = attack(dipsim, "validate", BASE, "--set", "description=" + LAUGHS)
    assert rc == 2, err
    assert "--set: description[0][0][8]: the YAML has more than 1000000 nodes" in err
    assert "billion laughs" in err


def test_billion_laughs_in_a_sweep_file(dipsim, tmp_path):
    f = tmp_path / "sweep.yaml"
    f.write_text(f"scenario: {BASE}\noverrides:\n  title: {LAUGHS}\n")
    rc, err = attack(dipsim, "sweep", f, "--dry-run", "-o", tmp_path / "out")
    assert rc == 2, err
    assert f"{f}:3:" in err and "billion laughs" in err


def test_include_cycle(dipsim, tmp_path):
    (tmp_path / "a.yaml").write_text("include: b.yaml\n")
    (tmp_path / "b.yaml").write_text("include: c.yaml\n")
    (tmp_path / "c.yaml").write_text("include: a.yaml\n")
    rc, err = attack(dipsim, "validate", tmp_path / "a.yaml")
    assert rc == 2, err
    assert f"{tmp_path / 'c.yaml'}:1:10: include: include cycle: " in err


def test_deep_include_chain(dipsim, tmp_path):
    for i in range(200):
        (tmp_path / f"f{i}.yaml").write_text(f"include: f{i + 1}.yaml\n")
    (tmp_path / "f200.yaml").write_text("run: {steps: 3}\n")
    rc, err = attack(dipsim, "validate", tmp_path / "f0.yaml")
    assert rc == 2, err
    assert "include: includes are nested more than 16 levels deep" in err
    assert f"{tmp_path / 'f16.yaml'}:1:10" in err


@pytest.mark.parametrize("setting,expected", [
    ("citizens.count=1000000000000",
     "--set: citizens.count: expected an integer in [1, 4000000000], got 1000000000000"),
    ("run.steps=1000000000000000",
     "--set: run.steps: expected an integer in [1, 10000000], got 1000000000000000"),
    ("states[0].credibility=.nan",
     "--set: states[0].credibility: expected a number in [0, 1], got \".nan\" (NaN is not allowed)"),
    ("graph.mean_following=-.inf", "--set: graph.mean_following: expected a number in [0, 100000]"),
])
def test_absurd_and_non_finite_values(dipsim, setting, expected):
    rc, err = attack(dipsim, "validate", BASE, "--set", setting)
    assert rc == 2, err
    assert expected in err


def test_two_to_the_40_edges_fails_before_allocating(dipsim, tmp_path):
    out = tmp_path / "big.h5"
    rc, err = attack(dipsim, "run", BASE, "-o", out, "--set", "citizens.count=4000000000",
                     "--set", "graph.mean_following=100000", seconds=20, max_rss_mb=200)
    assert rc == 2, err
    assert ("--set: graph.mean_following: citizens.count x graph.mean_following = 4000000000 x "
            "100000 = 4e+14 follow edges, more than 2^40") in err
    assert not out.exists() and not pathlib.Path(str(out) + ".partial").exists()


def test_node_ids_beyond_32_bits(dipsim, tmp_path):
    g = tmp_path / "g.txt"
    g.write_text("0 1\n1 2\n2 4294967296\n")
    rc, err = attack(dipsim, "graph", "describe", g)
    assert rc == 2, err
    assert f"{g}:3:3: node id \"4294967296\" does not fit 32 bits" in err


def test_one_gigabyte_line_in_an_edge_list(dipsim, tmp_path):
    """A 1 GiB line (written on the fly, deleted after): refused at 1 MiB, in bounded memory."""
    g = tmp_path / "huge_line.txt"
    block = b"1" * (1 << 20)
    with open(g, "wb") as f:
        f.write(b"# a graph\n0 1\n")
        for _ in range(1024):
            f.write(block)
        f.write(b" 2\n")
    try:
        rc, err = attack(dipsim, "graph", "describe", g, seconds=30, max_rss_mb=200)
    finally:
        g.unlink()
    assert rc == 2, err
    assert f"{g}:3:1048577: line 3 is longer than 1048576 bytes" in err


def test_run_file_with_a_group_cycle(dipsim, tmp_path):
    """A run file whose group links to itself: `dipsim info` used to recurse without end."""
    h5py = pytest.importorskip("h5py")
    run = tmp_path / "r.h5"
    subprocess.run([str(dipsim), "run", BASE, "-o", run, "-q", "--set", "run.steps=2",
                    "--set", "citizens.count=50"], check=True, cwd=ROOT, env=ENV, timeout=120)
    with h5py.File(run, "r+") as f:
        f["metrics/loop"] = f["metrics"]
        f["metrics/loop2"] = f["metrics"]  # two links: exponential without a bound on groups
    rc, err = attack(dipsim, "info", run, seconds=20)
    assert rc == 2, err
    assert "not a dipsim run file: its groups are nested more than 16 levels deep" in err
    assert "a group linked into itself?" in err


@pytest.mark.parametrize("name,text,expected", [
    ("deep.gml", "graph [\n  x [ " + "k [ " * 999_999 + "]" * 1_000_000 + " ]\n",
     ":2:1029: lists are nested more than 256 levels deep"),
    ("deep.graphml", '<graphml><graph edgedefault="directed"><node id="a">' + "<a>" * 1_000_000
     + "</a>" * 1_000_000 + "</node></graph></graphml>\n",
     ": elements are nested more than 256 levels deep"),
])
def test_deeply_nested_graph_files(dipsim, tmp_path, name, text, expected):
    """A million nested lists or elements used to overflow the readers' stack (SEGV)."""
    g = tmp_path / name
    g.write_text(text)
    rc, err = attack(dipsim, "graph", "describe", g)
    assert rc == 2, err
    assert str(g) in err and expected in err


REGRESSIONS = ROOT / "tests" / "fuzz" / "regressions" / "run_file"


def test_run_file_claiming_2e34_countries(dipsim):
    """A few KB of HDF5 whose metrics/country claims 2^34 strings (chunked, never written)."""
    f = REGRESSIONS / "run_country_2e34_strings.h5"
    rc, err = attack(dipsim, "info", f, max_rss_mb=200)
    assert rc == 2, err
    assert ('metrics/country: cannot read dataset "metrics/country"' in err
            and "it has 17179869184 elements" in err), err


def test_run_file_with_a_metric_of_the_wrong_shape(dipsim):
    """`dipsim info` indexes the last step by [country][state]; it used to read out of bounds."""
    f = REGRESSIONS / "run_metric_shape_mismatch.h5"
    rc, err = attack(dipsim, "info", f)
    assert rc == 2, err
    assert ("metrics/mean_attitude has shape (2, 1, 1), expected (step, country, state) with "
            "3 countries and 2 states") in err


KNOWN_HDF5_CRASHES = sorted((ROOT / "tests" / "fuzz" / "known-hdf5-crashes").glob("*.h5"))


@pytest.mark.parametrize("path", KNOWN_HDF5_CRASHES, ids=[p.stem for p in KNOWN_HDF5_CRASHES])
def test_info_survives_files_that_crash_libhdf5(dipsim, path):
    """libhdf5 crashes or loops on these corrupted files; `dipsim info` reads in a child process,
    so the user gets an error naming the file (exit 1 or 2), never a crash of dipsim itself."""
    import time
    t0 = time.time()
    res = subprocess.run([str(dipsim), "info", str(path)], capture_output=True, text=True,
                         env=dict(ENV, DIPSIM_READ_TIMEOUT="5"), timeout=120)
    assert res.returncode in (1, 2), (res.returncode, res.stderr)
    assert f"dipsim: error: {path}" in res.stderr
    assert time.time() - t0 < 60
