// The classroom page of `dipsim serve`. Plain JavaScript, no libraries: builds the controls from
// the parameter table's rows (GET /api/scenarios/NAME), starts a session (POST /api/sessions),
// follows its Server-Sent Events and draws SVG line charts, a canvas network view and the
// scorecard. Everything it shows comes from the server; nothing is computed here but the layout.
"use strict";

// Okabe & Ito (2008), "Color Universal Design": colour-blind-safe colours, one per state.
const PALETTE = ["#0072B2", "#E69F00", "#009E73", "#CC79A7", "#56B4E9", "#D55E00", "#F0E442", "#000000"];
// The charts; units and meanings come from the metric table with the run (meta.metrics).
const METRICS = [
  {name: "mean_attitude", title: "Mean attitude toward each state"},
  {name: "favourable_share", title: "Favourable share"},
  {name: "bot_share_read", title: "Bot share of items read"},
  {name: "reach", title: "Reach"},
  {name: "reshares", title: "Cascades: reshares"},
];

const $ = (id) => document.getElementById(id);
const state = {
  scenarios: [], scenario: null, session: null, source: null, meta: null,
  data: [], // per arm: {step: [], values: {metric: [[flat c*s per step]]}}
  done: false, paused: false, layouts: {}, networkTimer: null, drawPending: false,
};
window.classroom = state; // read by tests/browser/classroom.test.js

function el(tag, attrs = {}, text) {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}
function svgEl(tag, attrs = {}) {
  const e = document.createElementNS("http://www.w3.org/2000/svg", tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  return e;
}
function showError(text) {
  const box = $("error");
  box.textContent = text;
  box.hidden = !text;
}
function setStatus(text) { $("status").textContent = text; }

async function getJSON(url, options) {
  const res = await fetch(url, options);
  const body = await res.json().catch(() => ({error: `HTTP ${res.status}`}));
  if (!res.ok) throw new Error(body.error || `HTTP ${res.status}`);
  return body;
}

// --- scenarios and knobs ------------------------------------------------------------------------

async function loadScenarios() {
  const list = await getJSON("/api/scenarios");
  state.scenarios = list.scenarios;
  const sel = $("scenario-select");
  sel.replaceChildren();
  for (const s of list.scenarios) sel.append(el("option", {value: s.name}, s.title || s.name));
  const fromHash = decodeURIComponent(location.hash.slice(1));
  const pick = list.scenarios.some((s) => s.name === fromHash) ? fromHash : (list.default || list.scenarios[0].name);
  sel.value = pick;
  sel.onchange = () => { location.hash = sel.value; selectScenario(sel.value); };
  await selectScenario(pick);
}

function formatValue(knob, v) {
  if (knob.type === "bool") return v ? "true" : "false";
  return String(v);
}

function knobControl(knob) {
  const box = el("div", {class: "knob", "data-key": knob.key});
  const id = "knob-" + knob.key.replace(/[^A-Za-z0-9]/g, "_");
  const name = el("label", {class: "name", for: id}, knob.key);
  box.append(name);
  let input;
  if (knob.type === "bool") {
    input = el("input", {type: "checkbox", id});
    input.checked = knob.value === true;
  } else if (knob.type === "choice") {
    input = el("select", {id});
    for (const c of knob.choices) input.append(el("option", {value: c}, c));
    input.value = knob.value;
  } else {
    input = el("input", {type: "number", id, value: String(knob.value)});
    if (knob.min !== null) input.min = knob.min;
    if (knob.max !== null) input.max = knob.max;
    input.step = knob.type === "int" ? "1" : "any";
    // A slider too when the range is a sensible span (the number box stays the exact value).
    if (knob.min !== null && knob.max !== null && knob.max - knob.min <= 10000) {
      const slider = el("input", {type: "range", min: knob.min, max: knob.max,
        step: knob.type === "int" ? "1" : String((knob.max - knob.min) / 200), "aria-label": knob.key + " slider"});
      slider.value = knob.value;
      slider.oninput = () => { input.value = slider.value; input.dispatchEvent(new Event("input")); };
      input.addEventListener("input", () => { slider.value = input.value; });
      box.append(slider);
    }
  }
  input.classList.add("knob-input");
  input.dataset.key = knob.key;
  input.dataset.type = knob.type;
  input.dataset.initial = formatValue(knob, knob.value);
  const mark = () => box.classList.toggle("changed", currentText(input) !== input.dataset.initial);
  input.addEventListener("input", mark);
  input.addEventListener("change", mark);
  box.append(input);
  const range = knob.min !== null && knob.max !== null ? ` Range ${knob.min} to ${knob.max}.` : "";
  const unit = knob.unit && knob.unit !== "1" ? ` Unit: ${knob.unit}.` : "";
  box.append(el("span", {class: "help"}, `${knob.doc}.${range}${unit} In this scenario: ` +
    `${formatValue(knob, knob.value)} (dipsim's default: ${formatValue(knob, knob.default)}).`));
  return box;
}

function currentText(input) {
  return input.type === "checkbox" ? (input.checked ? "true" : "false") : input.value.trim();
}

async function selectScenario(name) {
  resetRun();
  const sc = await getJSON("/api/scenarios/" + encodeURIComponent(name));
  state.scenario = sc;
  $("title").textContent = sc.title || sc.name;
  $("question").textContent = sc.question;
  $("description").textContent = sc.description;
  $("world").textContent = `${sc.citizens.toLocaleString()} citizens, ${sc.steps} hourly steps, ` +
    `countries: ${sc.countries.join(", ")}; states: ${sc.states.join(", ")}; seed ${sc.seed}.`;
  const knobs = $("knobs");
  knobs.replaceChildren();
  if (sc.knobs.length === 0) knobs.append(el("p", {class: "small"}, "This scenario declares no classroom knobs."));
  for (const k of sc.knobs) knobs.append(knobControl(k));
  const ck = $("compare-key");
  ck.replaceChildren();
  for (const k of sc.knobs) ck.append(el("option", {value: k.key}, k.key));
  const [cKey, ...cVal] = (sc.compare || "").split("=");
  $("compare-on").checked = !!sc.compare;
  if (sc.compare) { ck.value = cKey; $("compare-value").value = cVal.join("="); }
  fillSelect($("country-select"), sc.countries);
  fillSelect($("network-state"), sc.states);
  setStatus(`ready: ${sc.name}`);
}

function fillSelect(sel, names) {
  sel.replaceChildren();
  names.forEach((n, i) => sel.append(el("option", {value: String(i)}, n)));
}

// --- running --------------------------------------------------------------------------------------

function overrides() {
  const sets = [];
  for (const input of document.querySelectorAll(".knob-input")) {
    const v = currentText(input);
    if (v !== input.dataset.initial) sets.push(`${input.dataset.key}=${v}`);
  }
  return sets;
}

async function startRun() {
  showError("");
  const body = new URLSearchParams();
  body.append("scenario", state.scenario.name);
  for (const s of overrides()) body.append("set", s);
  if ($("compare-on").checked) body.append("compare", `${$("compare-key").value}=${$("compare-value").value.trim()}`);
  body.append("speed", $("speed").value);
  let meta;
  try {
    meta = await getJSON("/api/sessions", {method: "POST", body});
  } catch (e) {
    showError(e.message);  // the last run's charts stay as they were
    setStatus("not started");
    return;
  }
  resetRun();  // stops the previous run if it is still going
  state.session = meta.session;
  state.meta = meta;
  state.data = meta.arms.map(() => ({step: [], values: Object.fromEntries(METRICS.map((m) => [m.name, []]))}));
  const armSel = $("network-arm");
  armSel.replaceChildren();
  meta.arms.forEach((a, i) => armSel.append(el("option", {value: String(i)}, `${a.label}${a.overrides.length ? ": " + a.overrides.join(", ") : ": as in the file"}`)));
  buildLegend();
  setButtons(true);
  setStatus("running");
  const src = new EventSource(`/api/sessions/${meta.session}/events`);
  state.source = src;
  src.addEventListener("step", (ev) => onStep(JSON.parse(ev.data)));
  src.addEventListener("arm_done", (ev) => onArmDone(JSON.parse(ev.data)));
  src.addEventListener("done", () => {
    src.close();
    state.done = true;
    setButtons(false);
    setStatus("finished");
    pollNetwork();
    showDownloads();
  });
  src.onerror = () => { if (!state.done) setStatus("connection lost; reconnecting…"); };
  state.networkTimer = setInterval(pollNetwork, 1000);
}

function onStep(d) {
  const arm = state.data[d.arm];
  if (!arm) return;
  arm.step.push(d.step);
  for (const m of METRICS) arm.values[m.name].push(d[m.name]);
  const total = state.meta.steps;
  const steps = state.data.map((a) => a.step.length ? a.step[a.step.length - 1] : 0);
  $("progress").textContent = `step ${Math.min(...steps)} of ${total}` + (state.paused ? " (paused)" : "");
  scheduleDraw();
}

function onArmDone(d) {
  const label = state.meta.arms[d.arm].label;
  if (d.status !== "complete") {
    const why = d.error ? `: ${d.error}` : "";
    showError(`arm ${label} ${d.status} after ${d.steps} steps${why}`);
  }
  state.meta.arms[d.arm].status = d.status;
  state.meta.arms[d.arm].scorecard = d.scorecard;
  drawScorecard();
}

async function control(action, extra = "") {
  if (!state.session) return;
  try {
    const r = await getJSON(`/api/sessions/${state.session}/${action}${extra}`, {method: "POST", body: new URLSearchParams()});
    state.paused = r.paused;
    $("pause").textContent = r.paused ? "Resume" : "Pause";
  } catch (e) {
    showError(e.message);
  }
}

function setButtons(running) {
  $("run").disabled = running;
  $("pause").disabled = !running;
  $("step").disabled = !running;
  $("pause").textContent = "Pause";
}

function resetRun() {
  if (state.source) state.source.close();
  if (state.session && !state.done) control("stop");
  if (state.networkTimer) clearInterval(state.networkTimer);
  Object.assign(state, {session: null, source: null, meta: null, data: [], done: false, paused: false, networkTimer: null, networkStep: null});
  $("chart-grid").replaceChildren();
  $("compare-table").replaceChildren();
  $("legend").replaceChildren();
  $("progress").textContent = "";
  $("scorecard").textContent = "Run the scenario to fill the scorecard.";
  $("downloads").textContent = "After a run: the HDF5 run file and its HTML report.";
  const c = $("network");
  c.getContext("2d").clearRect(0, 0, c.width, c.height);
  setButtons(false);
}

// --- charts ---------------------------------------------------------------------------------------

function buildLegend() {
  const lg = $("legend");
  lg.replaceChildren();
  state.meta.states.forEach((s, i) => {
    state.meta.arms.forEach((a, k) => {
      const item = el("span", {class: "legend-item"});
      const sw = svgEl("svg", {width: 36, height: 12});
      sw.append(svgEl("line", {x1: 0, y1: 6, x2: 36, y2: 6, stroke: PALETTE[i % PALETTE.length],
        "stroke-width": 4, "stroke-dasharray": k ? "8 5" : "none"}));
      item.append(sw, document.createTextNode(` ${s} (arm ${a.label})`));
      lg.append(item);
    });
  });
}

function scheduleDraw() {
  if (state.drawPending) return;
  state.drawPending = true;
  requestAnimationFrame(() => { state.drawPending = false; drawCharts(); });
}

function niceTicks(lo, hi) {
  const span = hi - lo || 1;
  const step = Math.pow(10, Math.floor(Math.log10(span / 4)));
  const mult = span / step > 20 ? 5 : span / step > 8 ? 2 : 1;
  const s = step * mult;
  const ticks = [];
  for (let v = Math.ceil(lo / s) * s; v <= hi + 1e-12; v += s) ticks.push(+v.toPrecision(12));
  return ticks;
}

function drawCharts() {
  if (!state.meta) return;
  const grid = $("chart-grid");
  const country = +$("country-select").value || 0;
  const S = state.meta.states.length;
  for (const m of METRICS) {
    let box = $("chart-" + m.name);
    if (!box) {
      const info = (state.meta.metrics || []).find((x) => x.name === m.name) || {unit: "", description: ""};
      const unit = info.unit === "1" ? "" : ` (${info.unit})`;
      box = el("div", {class: "chart", id: "chart-" + m.name});
      box.append(el("h3", {}, m.title + unit), el("p", {class: "metric-doc"}, info.description));
      grid.append(box);
    }
    const W = 460, H = 256, L = 64, R = 12, T = 10, B = 42;
    const svg = svgEl("svg", {viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": m.title});
    const series = [];
    let lo = Infinity, hi = -Infinity;
    state.data.forEach((arm, a) => {
      for (let s = 0; s < S; ++s) {
        const ys = arm.values[m.name].map((row) => row[country * S + s]);
        series.push({arm: a, state: s, xs: arm.step, ys});
        for (const y of ys) { if (y !== null) { lo = Math.min(lo, y); hi = Math.max(hi, y); } }
      }
    });
    if (m.name === "mean_attitude") { lo = Math.min(lo, -0.1); hi = Math.max(hi, 0.3); }
    if (!isFinite(lo)) { lo = 0; hi = 1; }
    if (hi - lo < 1e-9) { hi = lo + 1; }
    const pad = (hi - lo) * 0.05;
    lo -= pad; hi += pad;
    const steps = state.meta.steps;
    const x = (t) => L + (W - L - R) * t / steps;
    const y = (v) => T + (H - T - B) * (1 - (v - lo) / (hi - lo));
    for (const v of niceTicks(lo, hi)) {
      svg.append(svgEl("line", {x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#e3e3e3"}));
      const t = svgEl("text", {x: L - 6, y: y(v) + 4, "text-anchor": "end"});
      t.textContent = Math.abs(v) >= 1000 ? v.toExponential(1) : String(+v.toPrecision(3));
      svg.append(t);
    }
    for (const v of niceTicks(0, steps)) {
      const t = svgEl("text", {x: x(v), y: H - 22, "text-anchor": "middle"});
      t.textContent = String(v);
      svg.append(t);
    }
    const xl = svgEl("text", {x: (L + W - R) / 2, y: H - 5, "text-anchor": "middle"});
    xl.textContent = "step (hours)";
    svg.append(xl);
    svg.append(svgEl("rect", {x: L, y: T, width: W - L - R, height: H - T - B, fill: "none", stroke: "#888"}));
    for (const s of series) {
      if (!s.xs.length) continue;
      const pts = s.xs.map((t, i) => `${x(t).toFixed(1)},${y(s.ys[i] ?? 0).toFixed(1)}`).join(" ");
      svg.append(svgEl("polyline", {points: pts, fill: "none", stroke: PALETTE[s.state % PALETTE.length],
        "stroke-width": 3, "stroke-dasharray": s.arm ? "8 5" : "none", class: "series",
        "data-metric": m.name, "data-arm": s.arm, "data-state": s.state, "data-country": country,
        "data-steps": s.xs.join(","), "data-values": s.ys.join(",")}));
    }
    const old = box.querySelector("svg");
    if (old) old.replaceWith(svg); else box.append(svg);
  }
  drawCompareTable();
}

// The latest values side by side: per country and state, arm A, arm B and B - A.
function drawCompareTable() {
  const box = $("compare-table");
  box.replaceChildren();
  if (!state.meta || state.data.some((a) => !a.step.length)) return;
  const S = state.meta.states.length, two = state.data.length > 1;
  const t = el("table", {id: "latest"});
  const at = Math.min(...state.data.map((a) => a.step[a.step.length - 1]));
  t.append(el("caption", {}, `At step ${at}` + (two ? ": arm A, arm B and the difference B − A" : "")));
  const head = el("tr");
  head.append(el("th", {}, "country"), el("th", {}, "state"));
  for (const m of METRICS.slice(0, 2)) {
    for (const label of two ? ["A", "B", "B − A"] : ["A"]) head.append(el("th", {}, `${m.name.replace("_", " ")} ${label}`));
  }
  t.append(head);
  state.meta.countries.forEach((country, c) => {
    for (let s = 0; s < S; ++s) {
      const row = el("tr");
      row.append(el("td", {}, country), el("td", {}, state.meta.states[s]));
      for (const m of METRICS.slice(0, 2)) {
        const v = state.data.map((a) => a.values[m.name][a.step.indexOf(at)][c * S + s]);
        row.append(el("td", {}, v[0].toFixed(3)));
        if (two) row.append(el("td", {}, v[1].toFixed(3)), el("td", {class: "diff"}, (v[1] - v[0] >= 0 ? "+" : "") + (v[1] - v[0]).toFixed(3)));
      }
      t.append(row);
    }
  });
  box.append(t);
}

// --- network --------------------------------------------------------------------------------------

// Force-directed layout after Fruchterman & Reingold (1991, Softw. Pract. Exper. 21:1129): springs
// on edges, repulsion from the accounts in neighbouring grid cells (their "grid variant"),
// computed once per sample; positions are scaled to [0,1]^2 at the end.
function layout(net) {
  const n = net.kind.length;
  const px = new Float64Array(n), py = new Float64Array(n);
  const K = Math.max(...net.country) + 1;
  let seed = 12345;
  const rnd = () => (seed = (seed * 16807) % 2147483647) / 2147483647;
  for (let i = 0; i < n; ++i) {
    const angle = 2 * Math.PI * (net.country[i] + 0.5) / K;
    const r = K > 1 ? 0.3 : 0;
    px[i] = r * Math.cos(angle) + (rnd() - 0.5);
    py[i] = r * Math.sin(angle) + (rnd() - 0.5);
  }
  const e = net.edges;
  const k = Math.sqrt(1 / n), cell = 2 * k, iterations = 150;
  const fx = new Float64Array(n), fy = new Float64Array(n);
  for (let it = 0; it < iterations; ++it) {
    fx.fill(0); fy.fill(0);
    const buckets = new Map();
    const keyOf = (cx, cy) => (cx + 32768) * 65536 + (cy + 32768);
    for (let i = 0; i < n; ++i) {
      const key = keyOf(Math.floor(px[i] / cell), Math.floor(py[i] / cell));
      let b = buckets.get(key);
      if (!b) buckets.set(key, b = []);
      b.push(i);
    }
    for (let i = 0; i < n; ++i) {
      const cx = Math.floor(px[i] / cell), cy = Math.floor(py[i] / cell);
      for (let dx = -1; dx <= 1; ++dx) for (let dy = -1; dy <= 1; ++dy) {
        const b = buckets.get(keyOf(cx + dx, cy + dy));
        if (!b) continue;
        for (const j of b) {
          if (j === i) continue;
          const ddx = px[i] - px[j], ddy = py[i] - py[j];
          const d2 = ddx * ddx + ddy * ddy + 1e-9;
          if (d2 > cell * cell) continue;
          const f = k * k / d2;  // k^2/d along the unit vector
          fx[i] += ddx * f; fy[i] += ddy * f;
        }
      }
    }
    for (let q = 0; q < e.length; q += 2) {
      const a = e[q], b = e[q + 1];
      const ddx = px[b] - px[a], ddy = py[b] - py[a];
      const d = Math.sqrt(ddx * ddx + ddy * ddy) + 1e-9;
      const f = d / k;  // d^2/k along the unit vector
      fx[a] += ddx * f; fy[a] += ddy * f; fx[b] -= ddx * f; fy[b] -= ddy * f;
    }
    const temp = 0.1 * (1 - it / iterations) + 0.001;
    for (let i = 0; i < n; ++i) {
      fx[i] -= px[i] * 0.5; fy[i] -= py[i] * 0.5;  // gravity keeps isolated accounts near
      const len = Math.hypot(fx[i], fy[i]) + 1e-12;
      const step = Math.min(len, temp) / len;
      px[i] += fx[i] * step; py[i] += fy[i] * step;
    }
  }
  // Scale the middle 99% to the canvas; the few stragglers (accounts without follows in the
  // sample) are pulled to its edge instead of shrinking the rest.
  const quantile = (v, q) => Float64Array.from(v).sort()[Math.floor(q * (n - 1))];
  const minx = quantile(px, 0.005), maxx = quantile(px, 0.995);
  const miny = quantile(py, 0.005), maxy = quantile(py, 0.995);
  const clamp = (v) => Math.min(1, Math.max(0, v));
  for (let i = 0; i < n; ++i) {
    px[i] = clamp((px[i] - minx) / (maxx - minx || 1));
    py[i] = clamp((py[i] - miny) / (maxy - miny || 1));
  }
  return {px, py};
}

// Diverging blue - grey - vermillion (Okabe-Ito ends), readable with colour-blindness.
function attitudeColour(a) {
  const t = Math.max(-1, Math.min(1, a));
  const grey = [200, 200, 200], neg = [0, 114, 178], pos = [213, 94, 0];
  const c = t < 0 ? neg : pos, w = Math.abs(t);
  return `rgb(${grey.map((g, i) => Math.round(g + (c[i] - g) * w)).join(",")})`;
}

async function pollNetwork() {
  if (!state.session) return;
  const arm = +$("network-arm").value || 0;
  let net;
  try {
    net = await getJSON(`/api/sessions/${state.session}/network?arm=${arm}`);
  } catch (e) {
    return;
  }
  if (!net.kind.length) return;
  const key = `${state.session}/${arm}`;
  if (!state.layouts[key]) state.layouts[key] = layout(net);
  drawNetwork(net, state.layouts[key]);
  state.networkStep = net.step;
  if (state.done && state.networkTimer) { clearInterval(state.networkTimer); state.networkTimer = null; }
}

function drawNetwork(net, pos) {
  const c = $("network"), g = c.getContext("2d");
  const W = c.width, H = c.height, m = 16;
  const X = (i) => m + pos.px[i] * (W - 2 * m), Y = (i) => m + pos.py[i] * (H - 2 * m);
  g.clearRect(0, 0, W, H);
  g.strokeStyle = "rgba(120,120,120,0.18)";
  g.lineWidth = 0.6;
  g.beginPath();
  for (let k = 0; k < net.edges.length; k += 2) {
    g.moveTo(X(net.edges[k]), Y(net.edges[k])); g.lineTo(X(net.edges[k + 1]), Y(net.edges[k + 1]));
  }
  g.stroke();
  const s = +$("network-state").value || 0, S = net.states;
  for (let i = 0; i < net.kind.length; ++i) {
    const kind = net.kind[i], x = X(i), y = Y(i);
    if (kind === 0) {
      g.fillStyle = attitudeColour(net.attitude[i * S + s] ?? 0);
      g.beginPath(); g.arc(x, y, 3.2, 0, 2 * Math.PI); g.fill();
    } else if (kind === 5) {
      g.fillStyle = "#000";
      g.beginPath(); g.moveTo(x, y - 5); g.lineTo(x + 4.5, y + 3.5); g.lineTo(x - 4.5, y + 3.5); g.closePath(); g.fill();
    } else if (kind === 1) {
      g.fillStyle = "#222"; g.fillRect(x - 5, y - 5, 10, 10);
      g.fillStyle = "#fff"; g.fillRect(x - 2, y - 2, 4, 4);
    } else {  // outlets, fact-checkers, and influencers (citizens with an audience: coloured)
      const a = net.attitude[i * S + s];
      g.fillStyle = a === null || a === undefined ? "#555" : attitudeColour(a);
      g.strokeStyle = "#000"; g.lineWidth = 1.2;
      g.beginPath(); g.moveTo(x, y - 6); g.lineTo(x + 6, y); g.lineTo(x, y + 6); g.lineTo(x - 6, y); g.closePath();
      g.fill(); g.stroke();
    }
  }
  g.fillStyle = "rgba(255,255,255,0.85)"; g.fillRect(0, H - 30, W, 30);
  g.fillStyle = "#111"; g.font = "16px sans-serif";
  g.fillText(`step ${net.step} — ${net.kind.length} accounts, ${net.edges.length / 2} follows shown`, 12, H - 8);
}

// --- scorecard and downloads ----------------------------------------------------------------------

const SCORE_COLUMNS = [
  ["accounts", "accounts"], ["audience", "followers"], ["posts", "posts"], ["paid_posts", "paid posts"],
  ["interactions", "interactions"], ["engagement_per_post", "engagement / post"],
  ["specialisation", "specialisation"], ["reach_share", "reach share"], ["response_lag", "crisis response lag (steps)"],
];

function fmt(v) {
  if (v === null || v === undefined) return "—";
  return Number.isInteger(v) ? v.toLocaleString() : v.toFixed(3);
}

function drawScorecard() {
  const box = $("scorecard");
  box.replaceChildren();
  for (const arm of state.meta.arms) {
    if (!arm.scorecard) continue;
    const t = el("table", {class: "scorecard", "data-arm": arm.label});
    t.append(el("caption", {}, `arm ${arm.label} (${arm.status})`));
    const head = el("tr");
    head.append(el("th", {}, "state"));
    for (const [, label] of SCORE_COLUMNS) head.append(el("th", {}, label));
    t.append(head);
    arm.scorecard.state.forEach((name, i) => {
      const row = el("tr");
      row.append(el("td", {}, name));
      for (const [col] of SCORE_COLUMNS) row.append(el("td", {}, fmt(arm.scorecard[col] ? arm.scorecard[col][i] : null)));
      t.append(row);
    });
    box.append(t);
  }
}

function showDownloads() {
  const box = $("downloads");
  box.replaceChildren();
  state.meta.arms.forEach((arm, i) => {
    if (arm.status === "failed") return;
    box.append(el("a", {href: `/api/sessions/${state.session}/run.h5?arm=${i}`, id: `download-h5-${i}`}, `arm ${arm.label}: run file (HDF5)`));
    box.append(el("a", {href: `/api/sessions/${state.session}/report.html?arm=${i}&inline=true`, target: "_blank", id: `report-${i}`}, `arm ${arm.label}: report (HTML)`));
  });
}

// --- wiring ---------------------------------------------------------------------------------------

window.addEventListener("DOMContentLoaded", () => {
  $("run").onclick = startRun;
  $("pause").onclick = () => control(state.paused ? "resume" : "pause");
  $("step").onclick = () => control("step");
  $("reset").onclick = () => { resetRun(); selectScenario(state.scenario.name); showError(""); };
  $("speed").onchange = () => control("speed", `?value=${$("speed").value}`);
  $("country-select").onchange = drawCharts;
  $("network-state").onchange = pollNetwork;
  $("network-arm").onchange = pollNetwork;
  loadScenarios().catch((e) => showError(e.message));
});
