// Real-browser test of the classroom page (dipsim serve): Playwright (playwright-core) drives
// Debian's chromium. Run by tests/python/test_serve.py, which starts the server, then checks what
// this script prints (one JSON object) against the run's HDF5 file and the screenshots.
//
//   node classroom.test.js URL SCREENSHOT_DIR
//
// Steps: open every offered case and read its knobs; then, on the bot-swarm case, shrink the
// world and raise the bot share with the knobs, keep the second arm (moderation on), press Run,
// wait until the charts have moved, pause, step and resume, wait until the run is done, read the
// plotted values from the SVG and take screenshots; then enter an invalid value and read the
// error the page shows. Exits non-zero on any failed step.
"use strict";
const path = require("path");
const {chromium} = require("playwright-core");

const [url, shots] = process.argv.slice(2);
if (!url || !shots) {
  console.error("usage: node classroom.test.js URL SCREENSHOT_DIR");
  process.exit(2);
}

function plotted(page, metric, arm, st) {
  return page.$eval(`polyline.series[data-metric="${metric}"][data-arm="${arm}"][data-state="${st}"]`,
    (e) => ({steps: e.dataset.steps.split(",").map(Number), values: e.dataset.values.split(",").map(Number),
      country: Number(e.dataset.country)}));
}

(async () => {
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM || "/usr/bin/chromium",
    args: ["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"],
  });
  const result = {};
  try {
    // bypassCSP: Playwright evaluates its wait predicates with eval, which the page's CSP forbids.
    const page = await browser.newPage({viewport: {width: 1600, height: 1500}, deviceScaleFactor: 1, bypassCSP: true});
    const consoleErrors = [];
    page.on("console", (m) => { if (m.type() === "error") consoleErrors.push(m.text()); });
    page.on("pageerror", (e) => consoleErrors.push(String(e)));
    // Every scenario the server offers opens with its knobs (as many controls as the API lists).
    await page.goto(url);
    await page.waitForSelector(".knob-input");
    const offered = await page.$$eval("#scenario-select option", (os) => os.map((o) => o.value));
    result.scenarios = {};
    for (const name of offered) {
      const api = await (await page.request.get(url + "api/scenarios/" + name)).json();
      await page.selectOption("#scenario-select", name);
      await page.waitForFunction(({n, want}) => window.classroom.scenario &&
        window.classroom.scenario.name === want && document.querySelectorAll(".knob-input").length === n,
      {n: api.knobs.length, want: name});
      result.scenarios[name] = {
        knobs: await page.$$eval(".knob-input", (es) => es.map((e) => e.dataset.key)),
        question: await page.textContent("#question"),
      };
    }

    await page.goto(url + "#bot_swarm");
    await page.reload();
    await page.waitForFunction(() => window.classroom.scenario && window.classroom.scenario.name === "bot_swarm");
    await page.waitForSelector('.knob-input[data-key="citizens.count"]');
    result.title = await page.textContent("#title");
    result.question = await page.textContent("#question");
    result.knobs = await page.$$eval(".knob-input", (es) => es.map((e) => e.dataset.key));

    // Change knobs: a smaller world (quick) and a larger bot share.
    await page.fill('.knob-input[data-key="citizens.count"]', "4000");
    await page.fill('.knob-input[data-key="bots[0].share"]', "0.03");
    result.compare = await page.isChecked("#compare-on");
    await page.selectOption("#speed", "48");
    await page.click("#run");
    // The charts move during the run: wait for a few points, then for more.
    await page.waitForFunction(() => {
      const e = document.querySelector('polyline.series[data-metric="mean_attitude"][data-arm="0"][data-state="0"]');
      return e && e.dataset.steps.split(",").length >= 10;
    }, null, {timeout: 60000});
    const early = await plotted(page, "mean_attitude", 0, 0);
    // Pause holds the run; Step advances it by one hour; Resume lets it go on.
    const last = () => page.evaluate(() => Math.max(...window.classroom.data.map((a) => a.step.length)));
    await page.click("#pause");
    await page.waitForFunction(() => document.querySelector("#pause").textContent === "Resume");
    await page.waitForTimeout(600);
    const held = await last();
    await page.waitForTimeout(600);
    result.paused_held = (await last()) === held;
    await page.click("#step");
    await page.waitForFunction((n) => Math.max(...window.classroom.data.map((a) => a.step.length)) === n + 1,
      held, {timeout: 10000});
    await page.waitForTimeout(400);
    result.step_advanced = (await last()) === held + 1;
    await page.click("#pause");  // now "Resume"
    await page.waitForFunction(() => document.querySelector("#pause").textContent === "Pause");
    await page.waitForFunction(() => window.classroom.done === true, null, {timeout: 120000});
    await page.waitForSelector("table.scorecard");
    // The network view shows the last step once the run is done.
    await page.waitForFunction(() => window.classroom.networkStep === window.classroom.meta.steps,
      null, {timeout: 30000});
    const late = await plotted(page, "mean_attitude", 0, 0);
    result.session = await page.evaluate(() => window.classroom.session);
    result.early_points = early.steps.length;
    result.late_points = late.steps.length;
    result.series = {};
    for (const m of ["mean_attitude", "favourable_share", "bot_share_read", "reach"]) {
      for (const arm of [0, 1]) {
        for (const st of [0, 1]) result.series[`${m}/${arm}/${st}`] = await plotted(page, m, arm, st);
      }
    }
    result.scorecard_rows = await page.$$eval("table.scorecard tr", (rows) => rows.length);
    result.downloads = await page.$$eval("#downloads a", (as) => as.map((a) => a.getAttribute("href")));
    await page.screenshot({path: path.join(shots, "classroom.png"), fullPage: true});
    await (await page.$("#charts")).screenshot({path: path.join(shots, "classroom_charts.png")});
    await (await page.$("#network-box")).screenshot({path: path.join(shots, "classroom_network.png")});

    // An invalid value: the page shows the parameter table's message; the server keeps going.
    await page.fill('.knob-input[data-key="bots[0].share"]', "5");
    await page.click("#run");
    await page.waitForSelector("#error:not([hidden])");
    result.error = await page.textContent("#error");
    await (await page.$("#controls")).screenshot({path: path.join(shots, "classroom_error.png")});
    result.console_errors = consoleErrors;
  } finally {
    await browser.close();
  }
  console.log(JSON.stringify(result));
})().catch((e) => {
  console.error(e && e.stack ? e.stack : String(e));
  process.exit(1);
});
