"""HTTP-level tests of `dipsim serve` (the classroom page) on loopback, and the real-browser test.

A server is started from the built binary (env DIPSIM) on a free port with small limits; the tests
talk to it with the standard library only (http.client, raw sockets for the abuse cases). The
browser test runs tests/browser/classroom.test.js (Playwright driving Debian's chromium) and
checks what the page plotted against the run's HDF5 file; its screenshots are the figures of
docs/teaching/classroom.md.
"""
import http.client
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import time
import urllib.parse

import h5py
import matplotlib.image as mimage
import numpy as np
import pytest

from conftest import ROOT

CASES = ["bot_swarm", "culture_influencers", "digital_divide", "earthquake_response",
         "hacked_ministry", "refugees_polarised", "virtual_embassy"]
STREAMED = ["mean_attitude", "favourable_share", "bot_share_read", "reach", "reshares",
            "items_read"]
SMALL = "citizens.count=2000"
BROWSER_DIR = ROOT / "tests" / "browser"
FIGURES = ROOT / "docs" / "teaching" / "figures"


class Server:
    """A running `dipsim serve` process and helpers to talk to it."""

    def __init__(self, dipsim, tmp, *args):
        self.proc = subprocess.Popen(
            [str(dipsim), "serve", "--port", "0", "--output-dir", str(tmp), *map(str, args)],
            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd=ROOT)
        line = self.proc.stdout.readline()
        match = re.search(r"http://([\d.]+):(\d+)/", line)
        assert match, f"no address in {line!r}; stderr: {self.proc.stderr.read()}"
        self.host, self.port = match.group(1), int(match.group(2))
        self.url = f"http://{self.host}:{self.port}/"
        self.banner = line

    def request(self, method, path, params=None, timeout=60):
        """Returns (status, headers, body bytes); form-encodes params for POST."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        body = None
        headers = {}
        if params is not None:
            body = urllib.parse.urlencode(params)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        conn.request(method, path, body=body, headers=headers)
        res = conn.getresponse()
        data = res.read()
        conn.close()
        return res.status, dict(res.getheaders()), data

    def json(self, method, path, params=None):
        status, _, data = self.request(method, path, params)
        return status, json.loads(data)

    def start(self, scenario="bot_swarm", sets=(SMALL,), compare=None, speed=0, paused=False):
        params = [("scenario", scenario), ("speed", str(speed))]
        params += [("set", s) for s in sets]
        if compare:
            params.append(("compare", compare))
        if paused:
            params.append(("paused", "true"))
        return self.json("POST", "/api/sessions", params)

    def events(self, session, timeout=120):
        """Reads the session's event stream to its end; returns [(event, data dict)]."""
        conn = http.client.HTTPConnection(self.host, self.port, timeout=timeout)
        conn.request("GET", f"/api/sessions/{session}/events")
        res = conn.getresponse()
        assert res.status == 200
        assert res.getheader("Content-Type").startswith("text/event-stream")
        out, name, deadline = [], None, time.time() + timeout
        while time.time() < deadline:
            line = res.fp.readline().decode()
            if not line:
                break
            line = line.rstrip("\n")
            if line.startswith("event: "):
                name = line[7:]
            elif line.startswith("data: "):
                out.append((name, json.loads(line[6:])))
                if name == "done":
                    break
        conn.close()
        return out

    def wait_done(self, session, timeout=120):
        deadline = time.time() + timeout
        while time.time() < deadline:
            _, m = self.json("GET", f"/api/sessions/{session}/metrics")
            if all(a["status"] in ("complete", "interrupted", "failed") for a in m["arms"]):
                return m
            time.sleep(0.2)
        raise AssertionError(f"session {session} did not finish in {timeout} s")

    def stop(self):
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGINT)
            try:
                out, err = self.proc.communicate(timeout=30)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                raise
            return self.proc.returncode, out, err
        return self.proc.returncode, self.proc.stdout.read(), self.proc.stderr.read()


@pytest.fixture(scope="module")
def server(dipsim, tmp_path_factory):
    s = Server(dipsim, tmp_path_factory.mktemp("serve"), "--max-citizens", "20000",
               "--max-runs", "4", "--threads", "2")
    yield s
    code, out, err = s.stop()
    assert code == 0, err
    assert "dipsim serve: stopped" in out


def _h5(server, session, arm, tmp_path):
    status, _, data = server.request("GET", f"/api/sessions/{session}/run.h5?arm={arm}")
    assert status == 200, data[:300]
    path = tmp_path / f"s{session}-{arm}.h5"
    path.write_bytes(data)
    return path


# --- routes and assets ----------------------------------------------------------------------------

def test_banner_says_where_and_binds_loopback(server):
    assert server.host == "127.0.0.1"
    assert "Ctrl-C" in server.banner


def test_page_and_assets_are_served_from_the_binary_offline(server):
    status, headers, body = server.request("GET", "/")
    assert status == 200 and headers["Content-Type"].startswith("text/html")
    text = body.decode()
    assert "dipsim classroom" in text and 'src="/app.js"' in text
    assert "default-src 'self'" in headers["Content-Security-Policy"]
    for asset, kind in [("/app.js", "text/javascript"), ("/style.css", "text/css")]:
        status, headers, body = server.request("GET", asset)
        assert status == 200 and headers["Content-Type"].startswith(kind)
        assert len(body) > 1000
        # offline: nothing is loaded from elsewhere
        assert not re.search(rb"(src|href)=[\"']?https?://", body)
        assert b"cdn" not in body.lower()
    assert server.request("GET", "/index.html")[0] == 404  # only the routes, no folder


def test_all_teaching_scenarios_are_offered_with_their_knobs(server):
    status, listing = server.json("GET", "/api/scenarios")
    assert status == 200
    assert sorted(s["name"] for s in listing["scenarios"]) == CASES
    assert listing["limits"]["max_citizens"] == 20000
    reference = (ROOT / "docs" / "scenario-reference.md").read_text()
    for case in CASES:
        status, sc = server.json("GET", f"/api/scenarios/{case}")
        assert status == 200, sc
        assert sc["question"] and sc["title"].startswith("Teaching")
        assert len(sc["knobs"]) >= 4, case
        keys = [k["key"] for k in sc["knobs"]]
        assert sc["compare"].split("=")[0] in keys
        for k in sc["knobs"]:
            assert k["type"] in ("float", "int", "bool", "choice"), k
            assert k["doc"], k
            # the description is the parameter table's row, as in the generated reference
            generic = re.sub(r"\[\d+\]", "[]", k["key"])
            row = next(line for line in reference.splitlines() if f"| `{generic}` |" in line)
            assert k["doc"] in row
            if k["type"] in ("float", "int"):
                assert k["min"] is not None and k["max"] is not None
                assert k["min"] <= k["value"] <= k["max"]


def test_knob_description_comes_from_the_parameter_table(server):
    status, knob = server.json("GET", "/api/knob?scenario=bot_swarm&key=bots%5B0%5D.share")
    assert status == 200
    assert knob == {"key": "bots[0].share", "type": "float", "value": 0.0133, "default": 0.0,
                    "min": 0.0, "max": 1.0, "unit": "1", "doc": knob["doc"], "choices": []}
    assert "share of citizens.count" in knob["doc"]
    status, knob = server.json("GET", "/api/knob?scenario=bot_swarm&key=moderation.enabled")
    assert status == 200 and knob["type"] == "bool" and knob["value"] is False
    status, err = server.json("GET", "/api/knob?scenario=bot_swarm&key=graph.file")
    assert status == 404 and "not a classroom knob" in err["error"]


# --- runs -----------------------------------------------------------------------------------------

def test_streamed_metrics_are_the_run_files_and_dipsim_runs(server, run_cli, tmp_path):
    status, meta = server.start(compare="moderation.enabled=true")
    assert status == 200, meta
    assert [a["label"] for a in meta["arms"]] == ["A", "B"]
    assert meta["arms"][1]["overrides"] == [SMALL, "moderation.enabled=true"]
    events = server.events(meta["session"])
    names = [e for e, _ in events]
    assert names[0] == "meta" and names[-1] == "done" and names.count("arm_done") == 2
    steps = {0: [], 1: []}
    for name, data in events:
        if name == "step":
            steps[data["arm"]].append(data)
    for arm in (0, 1):
        assert [d["step"] for d in steps[arm]] == list(range(meta["steps"] + 1))
        path = _h5(server, meta["session"], arm, tmp_path)
        with h5py.File(path, "r") as f:
            assert f.attrs["status"] == "complete"
            for name in STREAMED:
                streamed = np.array([d[name] for d in steps[arm]])
                stored = f[f"metrics/{name}"][()].reshape(len(streamed), -1)
                np.testing.assert_array_equal(streamed, stored, err_msg=name)
    # arm A is exactly `dipsim run` with the same overrides (the same engine path and seed)
    res = run_cli("run", "scenarios/teaching/bot_swarm.yaml", "--set", SMALL, "-o",
                  tmp_path / "cli.h5", "--quiet", "--threads", "2")
    assert res.returncode == 0, res.stderr
    with h5py.File(tmp_path / "cli.h5", "r") as cli, \
            h5py.File(_h5(server, meta["session"], 0, tmp_path), "r") as served:
        for name in STREAMED:
            np.testing.assert_array_equal(cli[f"metrics/{name}"][()], served[f"metrics/{name}"][()])
    # same seed: identical start, and moderation removes bots' items from the feeds later
    a = np.array([d["bot_share_read"] for d in steps[0]])
    b = np.array([d["bot_share_read"] for d in steps[1]])
    assert np.array_equal(steps[0][0]["mean_attitude"], steps[1][0]["mean_attitude"])
    assert b[-48:].mean() < a[-48:].mean()
    # the scorecard comes with each arm's end
    done = [d for e, d in events if e == "arm_done"]
    assert all(d["status"] == "complete" for d in done)
    assert done[0]["scorecard"]["state"] == ["Aurelia", "Borduria"]
    assert len(done[0]["scorecard"]["engagement_per_post"]) == 2


def test_network_sample_has_nodes_edges_bots_and_attitudes(server):
    status, meta = server.start()
    assert status == 200
    server.wait_done(meta["session"])
    status, net = server.json("GET", f"/api/sessions/{meta['session']}/network?arm=0")
    assert status == 200
    n = len(net["kind"])
    assert 500 <= n <= 2000 and len(net["country"]) == n
    assert net["step"] == meta["steps"] and net["states"] == 2
    assert len(net["attitude"]) == n * 2
    assert 5 in net["kind"] and 1 in net["kind"]  # bots and official accounts are in it
    edges = np.array(net["edges"])
    assert len(edges) > 2 * n and edges.max() < n
    citizen = [net["attitude"][2 * i] for i in range(n) if net["kind"][i] == 0]
    assert all(a is not None and -1 <= a <= 1 for a in citizen)
    assert all(net["attitude"][2 * i] is None for i in range(n) if net["kind"][i] == 5)


def test_pause_step_resume_and_stop(server, tmp_path):
    status, meta = server.start(speed=0, paused=True)
    assert status == 200
    sid = meta["session"]
    time.sleep(1.0)
    _, m = server.json("GET", f"/api/sessions/{sid}/metrics")
    assert [s["step"] for s in m["arms"][0]["steps"]] == [0]  # paused before the first step
    for expected in (1, 2, 3):
        status, r = server.json("POST", f"/api/sessions/{sid}/step", [])
        assert status == 200 and r["paused"] is True
        deadline = time.time() + 30
        while time.time() < deadline:
            _, m = server.json("GET", f"/api/sessions/{sid}/metrics")
            if m["arms"][0]["steps"][-1]["step"] == expected:
                break
            time.sleep(0.05)
        time.sleep(0.3)
        _, m = server.json("GET", f"/api/sessions/{sid}/metrics")
        assert m["arms"][0]["steps"][-1]["step"] == expected
    status, r = server.json("POST", f"/api/sessions/{sid}/speed?value=5", [])
    assert status == 200 and r["speed"] == 5
    status, r = server.json("POST", f"/api/sessions/{sid}/speed?value=fast", [])
    assert status == 400 and "speed" in r["error"]
    server.json("POST", f"/api/sessions/{sid}/resume", [])
    time.sleep(1.0)
    _, m = server.json("GET", f"/api/sessions/{sid}/metrics")
    assert 3 < m["arms"][0]["steps"][-1]["step"] < meta["steps"]
    server.json("POST", f"/api/sessions/{sid}/stop", [])
    m = server.wait_done(sid)
    assert m["arms"][0]["status"] == "interrupted"
    with h5py.File(_h5(server, sid, 0, tmp_path), "r") as f:
        assert f.attrs["status"] == "interrupted"
        assert f["metrics/mean_attitude"].shape[0] == len(m["arms"][0]["steps"])


def test_invalid_values_show_the_tables_message_and_the_server_keeps_running(server):
    cases = [
        (["bots[0].share=5"], None, 400, "bots[0].share: expected a number in [0, 1], got 5"),
        (["moderation.enabled=maybe"], None, 400, "moderation.enabled: expected true or false"),
        (["citizens.count=-3"], None, 400, "citizens.count: expected an integer in [1, "),
        (["graph.file=/etc/passwd"], None, 400, "graph.file is not a classroom knob"),
        (["run.steps=5"], None, 400, "run.steps is not a classroom knob"),
        (["bots[0].share"], None, 400, "expected key=value"),
        ([SMALL], "bots[0].active_from=-1", 400, "second arm: --set: bots[0].active_from"),
        (["citizens.count=50000"], None, 400, "above this server's limit of 20000 citizens"),
        ([], None, 400, "above this server's limit of 20000 citizens"),  # the file's 30,000
    ]
    for sets, compare, code, message in cases:
        status, body = server.start(sets=sets, compare=compare)
        assert status == code, (sets, body)
        assert message in body["error"], (message, body["error"])
    status, body = server.start(scenario="../scenarios/demo")
    assert status == 404 and "unknown scenario" in body["error"]
    status, body = server.start(speed="-1")
    assert status == 400 and "speed" in body["error"]
    assert server.request("GET", "/api/scenarios")[0] == 200


def _raw(server, data, read=True, timeout=5):
    with socket.create_connection((server.host, server.port), timeout=timeout) as s:
        s.sendall(data)
        if not read:
            return b""
        chunks = []
        while True:
            try:
                chunk = s.recv(65536)
            except socket.timeout:
                break
            if not chunk:
                break
            chunks.append(chunk)
        return b"".join(chunks)


def test_path_traversal_is_not_served(server):
    status, meta = server.start()
    server.wait_done(meta["session"])
    sid = meta["session"]
    paths = ["/../../../../etc/passwd", "/%2e%2e/%2e%2e/%2e%2e/etc/passwd",
             "/..%2f..%2f..%2fetc%2fpasswd", "/app.js/../../../../etc/passwd",
             "/etc/passwd", "/api/scenarios/..%2F..%2F..%2Fetc%2Fpasswd",
             "/api/scenarios/../../../etc/passwd", "/api/scenarios/..",
             f"/api/sessions/{sid}/../../../../etc/passwd",
             f"/api/sessions/{sid}/run.h5/../../../../../etc/passwd",
             "/web/index.html", "/engine/apps/dipsim/web/app.js", "/CMakeLists.txt",
             f"/api/sessions/{sid}/run.h5?arm=../../../../etc/passwd",
             f"/api/sessions/{sid}/run.h5?arm=%2Fetc%2Fpasswd"]
    for path in paths:
        reply = _raw(server, f"GET {path} HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
                     .encode())
        assert b"root:x:0:0" not in reply, path
        assert b"cmake_minimum_required" not in reply, path
        assert reply, f"no reply to {path}"
        status = int(reply.split(b" ", 2)[1])
        if "arm=" in path:
            assert status == 200  # the arm is a number or arm 0; never a path
        else:
            assert status in (400, 404), (path, reply[:200])
    scenario = f"/api/sessions/{sid}/run.h5?arm=1"
    assert server.request("GET", scenario)[0] == 404  # one arm only


def _recv_until(sock, marker, timeout=30.0):
    """Reads from a socket until `marker` has arrived (a reply may come in several segments)."""
    data = b""
    deadline = time.time() + timeout
    while marker not in data and time.time() < deadline:
        chunk = sock.recv(4096)
        if not chunk:
            break
        data += chunk
    return data


def test_client_disconnects_and_many_tabs_do_not_stop_the_server(server):
    status, meta = server.start(speed=10)
    assert status == 200
    sid = meta["session"]
    # many tabs: event streams opened at once, read a little, dropped without a goodbye
    socks = []
    for _ in range(30):
        s = socket.create_connection((server.host, server.port), timeout=10)
        s.sendall(f"GET /api/sessions/{sid}/events HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        socks.append(s)
    for s in socks:
        assert b"event: meta" in _recv_until(s, b"event: meta")
    # and the page's other requests are still answered while they are open
    assert server.request("GET", "/api/scenarios", timeout=10)[0] == 200
    for s in socks:
        s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        s.close()  # RST: the server finds out when it writes next
    # half a request, a slow client, garbage
    t0 = time.time()
    _raw(server, b"GET /api/scen", read=False)
    assert b"400" in _raw(server, b"\x16\x03\x01\x02\x00garbage\r\n\r\n")
    # a body over the limit (64 KiB) is not read: refused or the connection closed
    reply = _raw(server, b"POST /api/sessions HTTP/1.1\r\nHost: x\r\n"
                 b"Content-Length: 9999999\r\n\r\nx")
    assert reply == b"" or b" 413 " in reply
    assert time.time() - t0 < 20
    # the run goes on and the server answers
    _, m = server.json("GET", f"/api/sessions/{sid}/metrics")
    before = len(m["arms"][0]["steps"])
    time.sleep(1.0)
    _, m = server.json("GET", f"/api/sessions/{sid}/metrics")
    assert len(m["arms"][0]["steps"]) > before
    # a fresh stream still works and follows the run to its end
    server.json("POST", f"/api/sessions/{sid}/speed?value=0", [])
    events = server.events(sid)
    assert events[-1][0] == "done"
    assert server.proc.poll() is None


def test_too_many_streams_are_refused_not_queued(dipsim, tmp_path):
    s = Server(dipsim, tmp_path, "--max-citizens", "20000")
    try:
        status, meta = s.start(speed=1)
        socks = []
        for _ in range(64):
            c = socket.create_connection((s.host, s.port), timeout=10)
            c.sendall(f"GET /api/sessions/{meta['session']}/events HTTP/1.1\r\nHost: x\r\n\r\n"
                      .encode())
            assert b"200 OK" in c.recv(4096)
            socks.append(c)
        status, body = s.json("GET", f"/api/sessions/{meta['session']}/events")
        assert status == 503 and "too many open streams" in body["error"]
        assert s.request("GET", "/api/scenarios", timeout=10)[0] == 200
        for c in socks:
            c.close()
    finally:
        code, out, _ = s.stop()
    assert code == 0 and "1 run interrupted" in out


def test_concurrent_runs_are_bounded(dipsim, tmp_path):
    # A server of its own: runs left over from other tests (still going on a loaded machine)
    # must not count toward the limit this test checks.
    server = Server(dipsim, tmp_path, "--max-citizens", "20000", "--max-runs", "4",
                    "--threads", "2")
    try:
        first = server.start(compare="moderation.enabled=true", speed=2)
        second = server.start(compare="moderation.enabled=true", speed=2)
        assert first[0] == 200 and second[0] == 200
        status, body = server.start(speed=2)
        assert status == 429 and "at most 4" in body["error"]
        server.json("POST", f"/api/sessions/{first[1]['session']}/stop", [])
        server.wait_done(first[1]["session"])
        status, third = server.start(speed=0)
        assert status == 200, third
        server.json("POST", f"/api/sessions/{second[1]['session']}/stop", [])
        server.wait_done(second[1]["session"])
        m = server.wait_done(third["session"])
        assert m["arms"][0]["status"] == "complete"
    finally:
        code, _, err = server.stop()
    assert code == 0, err


def test_report_export(server):
    status, meta = server.start()
    server.wait_done(meta["session"])
    status, headers, body = server.request(
        "GET", f"/api/sessions/{meta['session']}/report.html?arm=0", timeout=180)
    assert status == 200, body[:500]
    assert headers["Content-Type"].startswith("text/html")
    assert 'filename="bot_swarm-A.html"' in headers["Content-Disposition"]
    assert b"<html" in body[:500].lower() and len(body) > 10000


def test_ctrl_c_interrupts_runs_in_flight_and_exits_cleanly(dipsim, tmp_path):
    s = Server(dipsim, tmp_path, "--max-citizens", "20000")
    status, meta = s.start(compare="moderation.enabled=true", speed=5)
    assert status == 200
    time.sleep(1.0)
    code, out, err = s.stop()
    assert code == 0, err
    assert "2 runs interrupted" in out
    partial = sorted(tmp_path.glob("*/*.h5.partial"))
    assert len(partial) == 2
    for p in partial:
        with h5py.File(p, "r") as f:
            assert f.attrs["status"] == "interrupted"


def test_open_host_warns(dipsim, tmp_path):
    proc = subprocess.Popen([str(dipsim), "serve", "--host", "0.0.0.0", "--port", "0",
                             "--output-dir", str(tmp_path)],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        line = proc.stdout.readline()
        assert "http://0.0.0.0:" in line
    finally:
        proc.send_signal(signal.SIGINT)
        out, err = proc.communicate(timeout=30)
    assert proc.returncode == 0
    assert "warning" in err and "reachable from other machines" in err


def test_serve_rejects_a_bad_scenario_and_a_busy_port(run_cli, tmp_path, server):
    bad = tmp_path / "bad.yaml"
    bad.write_text("title: x\ncountries: [{name: A}]\nstates: [{name: S}]\n"
                   "classroom: {knobs: [graph.file]}\n")
    res = run_cli("serve", bad, "--port", "0", timeout=30)
    assert res.returncode == 2
    assert "classroom.knobs[0]" in res.stderr and "expected a number, integer, flag or choice" \
        in res.stderr
    res = run_cli("serve", "--port", server.port, "--output-dir", tmp_path, timeout=30)
    assert res.returncode == 1 and "cannot listen" in res.stderr


# --- the real browser -----------------------------------------------------------------------------

def test_classroom_page_in_chromium(server, tmp_path):
    node = shutil.which("node")
    chromium = "/usr/bin/chromium"
    if node is None or not os.access(chromium, os.X_OK):
        pytest.skip("the browser test needs node and Debian's chromium (scripts/setup.sh "
                    "installs both); not found on this machine")
    assert (BROWSER_DIR / "node_modules" / "playwright-core").exists(), \
        "playwright-core is missing: run `bash scripts/setup.sh` (npm ci in tests/browser)"
    shots = tmp_path / "shots"
    shots.mkdir()
    res = subprocess.run([node, "classroom.test.js", server.url, str(shots)],
                         cwd=BROWSER_DIR, capture_output=True, text=True, timeout=300)
    assert res.returncode == 0, res.stderr[-3000:]
    r = json.loads(res.stdout.strip().splitlines()[-1])
    # every teaching case opens in the page with the knobs its scenario declares
    assert sorted(r["scenarios"]) == CASES
    for case, shown in r["scenarios"].items():
        _, sc = server.json("GET", f"/api/scenarios/{case}")
        assert shown["knobs"] == [k["key"] for k in sc["knobs"]]
        assert shown["question"] == sc["question"]
    assert r["title"].startswith("Teaching 5") and "bots" in r["question"]
    assert "bots[0].share" in r["knobs"] and r["compare"] is True
    # the charts moved during the run, then show every step
    steps = 337
    assert 10 <= r["early_points"] < steps and r["late_points"] == steps
    # what the page plotted is the run file (same numbers, both arms)
    for arm in (0, 1):
        with h5py.File(_h5(server, r["session"], arm, tmp_path), "r") as f:
            assert f.attrs["status"] == "complete"
            scenario = f.attrs["scenario"]
            scenario = scenario.decode() if isinstance(scenario, bytes) else scenario
            assert "count: 4000" in scenario and "share: 0.03" in scenario
            for name in ("mean_attitude", "favourable_share", "bot_share_read", "reach"):
                for st in (0, 1):
                    s = r["series"][f"{name}/{arm}/{st}"]
                    stored = f[f"metrics/{name}"][:, s["country"], st]
                    assert s["steps"] == list(range(steps))
                    np.testing.assert_array_equal(np.array(s["values"]), stored,
                                                  err_msg=f"{name} arm {arm} state {st}")
    assert r["paused_held"] and r["step_advanced"]  # Pause holds the run, Step advances one hour
    att = r["series"]["mean_attitude/0/0"]["values"]
    assert att[-1] != att[0]  # the plotted values changed
    assert r["scorecard_rows"] == 6  # two arms x (header + two states)
    assert len(r["downloads"]) == 4
    assert "bots[0].share: expected a number in [0, 1], got 5" in r["error"]
    assert [e for e in r["console_errors"] if "400" not in e] == []
    for name in ("classroom.png", "classroom_charts.png", "classroom_network.png",
                 "classroom_error.png"):
        img = mimage.imread(shots / name)[..., :3]
        assert img.shape[0] > 200 and img.shape[1] > 400, name
        assert img.std() > 0.05, f"{name} looks blank"
        colours = np.unique((img.reshape(-1, 3) * 255).astype(np.uint8), axis=0)
        assert len(colours) > 50, f"{name} has only {len(colours)} colours"
        _update_figure(shots / name, FIGURES / name, img)


def _update_figure(shot, figure, img):
    """Copies a screenshot to docs/teaching/figures/ when the page looks different from the
    committed figure (more than 0.5% of the pixels), so that a rerun leaves the tree clean."""
    if figure.exists():
        old = mimage.imread(figure)[..., :3]
        if old.shape == img.shape and (np.abs(old - img).sum(axis=2) > 0.02).mean() < 0.005:
            return
    figure.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(shot, figure)


def test_serving_one_scenario_of_ones_own(dipsim, tmp_path):
    scenario = tmp_path / "my_case.yaml"
    scenario.write_text(
        "title: my case\nrun: {steps: 12, seed: 4}\ncitizens: {count: 500}\n"
        "countries: [{name: A}]\nstates: [{name: S, posts_per_day: 24}]\n"
        "classroom:\n  question: \"Does posting more help?\"\n"
        "  knobs: [\"states[0].posts_per_day\"]\n  compare: \"states[0].posts_per_day=2\"\n")
    s = Server(dipsim, tmp_path / "runs", scenario)
    try:
        status, listing = s.json("GET", "/api/scenarios")
        assert listing["default"] == "my_case" and len(listing["scenarios"]) == 1
        status, sc = s.json("GET", "/api/scenarios/my_case")
        assert sc["question"] == "Does posting more help?"
        assert [k["key"] for k in sc["knobs"]] == ["states[0].posts_per_day"]
        status, meta = s.start(scenario="my_case", sets=["states[0].posts_per_day=48"],
                               compare=sc["compare"])
        assert status == 200, meta
        m = s.wait_done(meta["session"])
        assert [a["status"] for a in m["arms"]] == ["complete", "complete"]
        assert [len(a["steps"]) for a in m["arms"]] == [13, 13]
        posts = [a["scorecard"]["posts"][0] for a in m["arms"]]
        assert posts[0] > posts[1]  # 48 posts a day against 2
    finally:
        code, _, err = s.stop()
    assert code == 0, err


def test_open_starts_the_browser_with_the_address(dipsim, tmp_path):
    fake = tmp_path / "bin" / "xdg-open"
    fake.parent.mkdir()
    seen = tmp_path / "opened.txt"
    fake.write_text(f"#!/bin/sh\necho \"$@\" > {seen}\n")
    fake.chmod(0o755)
    env = {**os.environ, "PATH": f"{fake.parent}:{os.environ.get('PATH', '/usr/bin')}"}
    proc = subprocess.Popen([str(dipsim), "serve", "--open", "--port", "0", "--output-dir",
                             str(tmp_path / "runs")],
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    try:
        url = re.search(r"http://\S+/", proc.stdout.readline()).group(0)
        deadline = time.time() + 10
        while time.time() < deadline and not seen.exists():
            time.sleep(0.05)
        time.sleep(0.1)
        assert seen.read_text().strip() == url
    finally:
        proc.send_signal(signal.SIGINT)
        proc.communicate(timeout=30)
    assert proc.returncode == 0
