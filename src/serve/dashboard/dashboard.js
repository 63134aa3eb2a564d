// crucible dashboard: plain DOM, no framework. Every value from the API (task names, model names,
// reasons, candidate output) is put in the page as text (textContent / text nodes), never parsed
// as HTML.
"use strict";

const VERDICTS = ["passed", "failed", "error", "timeout", "memory_limit", "output_limit",
  "invalid_input", "infra_error", "interrupted"];
const COLOURS = { passed: "#59a14f", failed: "#e15759", error: "#f28e2b", timeout: "#b07aa1",
  memory_limit: "#7b4f9d", output_limit: "#d4a6c8", invalid_input: "#edc948",
  infra_error: "#9c9c9c", interrupted: "#c8c8c8" };
const SVGNS = "http://www.w3.org/2000/svg";

// el("td", {class: "x", onclick: f}, "text", child): attributes set one by one, strings as text.
function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  setAttrs(node, attrs);
  for (const c of children.flat()) {
    if (c === null || c === undefined) continue;
    node.appendChild(c instanceof Node ? c : document.createTextNode(String(c)));
  }
  return node;
}
function svg(tag, attrs, text) {
  const node = document.createElementNS(SVGNS, tag);
  setAttrs(node, attrs);
  if (text !== undefined) node.textContent = String(text);
  return node;
}
function setAttrs(node, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === null || v === undefined || v === false) continue;
    if (k.startsWith("on")) node.addEventListener(k.slice(2), v);
    else if (k === "dataset") Object.assign(node.dataset, v);
    else node.setAttribute(k, String(v));
  }
}

const pct = (x) => (x === null || x === undefined ? "–" : x.toFixed(1) + "%");
const usd = (x) => "$" + Number(x || 0).toLocaleString("en-US", { minimumFractionDigits: 2, maximumFractionDigits: 2 });
function dur(ms) {
  if (ms === null || ms === undefined) return "–";
  if (ms < 1000) return ms + " ms";
  const s = ms / 1000;
  if (s < 120) return s.toFixed(s < 10 ? 2 : 1) + " s";
  const m = Math.floor(s / 60);
  return m + " min " + Math.round(s - 60 * m) + " s";
}
function bytes(n) {
  if (n === null || n === undefined) return "–";
  const u = ["B", "KiB", "MiB", "GiB"];
  let i = 0;
  while (n >= 1024 && i < u.length - 1) { n /= 1024; i++; }
  return (i ? n.toFixed(n < 10 ? 1 : 0) : n) + " " + u[i];
}
const when = (ms) => (ms ? new Date(ms).toLocaleString() : "–");

async function api(path) {
  const r = await fetch(path, { headers: { accept: "application/json" } });
  const body = await r.json().catch(() => ({ error: r.statusText }));
  if (!r.ok) throw new Error(body.error || r.statusText);
  return body;
}

const app = () => document.getElementById("app");
let current = null; // the page being shown: {stop()}

function route() {
  if (current) current.stop();
  current = null;
  const m = location.hash.match(/^#\/runs\/([^/]+)/);
  current = m ? runPage(decodeURIComponent(m[1])) : runsPage();
}
window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", route);

// ---- the list of runs ----

function runsPage() {
  let timer = null;
  let stopped = false;
  async function load() {
    try {
      const runs = await api("/v1/runs");
      if (stopped) return;
      const rows = runs.map((r) => {
        const p = r.progress;
        return el("tr", { class: "run", dataset: { run: r.run_id } },
          el("td", { class: "name" }, el("a", { href: "#/runs/" + encodeURIComponent(r.run_id) }, r.run_id)),
          el("td", { class: "t" }, el("span", { class: "pill " + r.state }, r.state)),
          el("td", {}, p.finished + (p.planned !== null ? " / " + p.planned : "")),
          el("td", {}, String(p.passed)),
          el("td", {}, pct(p.pass_rate_pct)),
          el("td", { class: "t" }, r.settings && r.settings.tasks ? r.settings.tasks : "–"),
          el("td", { class: "t" }, when(r.started_at_ms)));
      });
      app().replaceChildren(
        el("h1", {}, "Runs"),
        runs.length ? el("div", { class: "box" }, el("table", { id: "runs" },
          el("thead", {}, el("tr", {}, ["run", "state", "executions", "passed", "pass rate", "tasks", "started"]
            .map((h, i) => el("th", { class: i === 1 || i >= 5 ? "t" : null }, h)))),
          el("tbody", {}, rows)))
          : el("p", { class: "muted" }, "No runs in the store yet: POST /v1/runs starts one."));
      timer = setTimeout(load, runs.some((r) => r.state === "running") ? 2000 : 10000);
    } catch (e) {
      app().replaceChildren(el("p", { class: "err" }, "Cannot list runs: " + e.message));
      timer = setTimeout(load, 5000);
    }
  }
  load();
  return { stop() { stopped = true; clearTimeout(timer); } };
}

// ---- one run ----

function runPage(runId) {
  const state = { progress: null, report: null, cells: new Map(), running: new Set(), selected: null, source: null,
    refreshTimer: null, lastRefresh: 0, stopped: false };
  const key = (task, model) => task + "\u0000" + model;
  const enc = encodeURIComponent;

  const statsBox = el("div", { class: "stats", id: "stats" });
  const bar = el("div", {});
  const chartsBox = el("div", { class: "charts", id: "charts" });
  const modelsBox = el("div", { id: "models" });
  const gridBox = el("div", { id: "grid" });
  const execBox = el("div", { id: "execution-slot" });
  const live = el("span", { class: "muted small", id: "live" }, "connecting…");
  app().replaceChildren(
    el("p", { class: "small" }, el("a", { href: "#/" }, "← all runs")),
    el("h1", {}, "Run ", el("span", { id: "run-id" }, runId), " ", live),
    statsBox, el("div", { class: "bar" }, bar),
    el("p", { class: "small" }, "Report: ",
      ...["html", "json", "csv", "markdown", "junit"].map((f) =>
        el("a", { href: "/v1/runs/" + enc(runId) + "/report?format=" + f, target: "_blank", rel: "noopener" }, f + " ")),
    ),
    chartsBox, el("h2", {}, "Models"), modelsBox, el("h2", {}, "Tasks"),
    el("p", { class: "muted small" }, "Click a cell to see that execution (sample 0)."), gridBox, execBox);

  function stat(label, value, id) {
    return el("div", { class: "stat" }, el("span", { class: "muted small" }, label), el("b", { id }, value));
  }
  function drawProgress() {
    const p = state.progress;
    if (!p) return;
    const done = p.finished + (p.skipped || 0);
    statsBox.replaceChildren(
      stat("state", p.state, "run-state"),
      stat("finished", p.finished + (p.planned !== null && p.planned !== undefined ? " / " + p.planned : ""), "run-finished"),
      stat("passed", String(p.passed), "run-passed"),
      stat("pass rate", pct(p.pass_rate_pct), "run-pass-rate"),
      stat("ETA", p.state === "running" ? (p.eta_ms !== null && p.eta_ms !== undefined ? dur(p.eta_ms) : "…") : "–", "run-eta"),
      stat("started", when(p.started_at_ms)),
      ...(p.error ? [stat("error", p.error)] : []));
    bar.style.width = p.planned ? Math.min(100, (100 * done) / p.planned).toFixed(1) + "%" : "0";
  }

  function drawReport() {
    const r = state.report;
    if (!r) return;
    // Models table.
    const cols = ["model", "solved", "accuracy", "earned", "tests passed", "pass@1", ...VERDICTS, "median wall"];
    modelsBox.replaceChildren(r.models.length === 0 ? el("p", { class: "muted" }, "No execution recorded yet.") :
      el("div", { class: "box" }, el("table", { class: "models" },
        el("thead", {}, el("tr", {}, cols.map((c) => el("th", {}, c)))),
        el("tbody", {}, r.models.map((m) => {
          const p1 = (m.pass_at_k || []).find((p) => p.k === 1);
          return el("tr", {},
            el("td", { class: "name", title: m.model }, m.model),
            el("td", {}, m.tasks_solved + "/" + m.tasks_total),
            el("td", {}, pct(m.accuracy_pct)),
            el("td", {}, usd(m.dollars_earned)),
            el("td", {}, pct(m.test_case_pass_rate_pct)),
            el("td", {}, p1 ? pct(100 * p1.value) : "–"),
            ...VERDICTS.map((v) => el("td", { class: m.verdicts[v] ? v : null }, String(m.verdicts[v] || 0))),
            el("td", {}, dur(m.median_wall_ms)));
        })))));
    drawCharts(r);
    drawGrid(r);
  }

  function drawCharts(r) {
    if (!r.models.length) { chartsBox.replaceChildren(); return; }
    chartsBox.replaceChildren(
      barChart("Accuracy (tasks solved)", r.models.map((m) => [m.model, m.accuracy_pct]), 100, pct),
      barChart("Dollars earned", r.models.map((m) => [m.model, m.dollars_earned]), r.dollars_available || null, usd),
      verdictChart(r.models));
  }
  function barChart(title, rows, max, fmt) {
    const W = 460, left = 130, rowH = 22, H = 30 + rows.length * rowH;
    const top = Math.max(max || 0, ...rows.map((x) => x[1]), 1e-9);
    const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
    s.appendChild(svg("text", { x: 0, y: 14, "font-weight": 600 }, title));
    rows.forEach(([name, v], i) => {
      const y = 24 + i * rowH;
      const w = ((W - left - 70) * v) / top;
      s.appendChild(svg("text", { x: left - 6, y: y + 13, "text-anchor": "end" }, name.length > 20 ? name.slice(0, 19) + "…" : name));
      s.appendChild(svg("rect", { x: left, y, width: Math.max(0, w), height: rowH - 6, fill: "#4e79a7" }));
      s.appendChild(svg("text", { x: left + w + 4, y: y + 13 }, fmt(v)));
    });
    return el("div", { class: "chart" }, s);
  }
  function verdictChart(models) {
    const W = 460, left = 130, rowH = 22, H = 62 + models.length * rowH;
    const s = svg("svg", { viewBox: `0 0 ${W} ${H}`, role: "img" });
    s.appendChild(svg("text", { x: 0, y: 14, "font-weight": 600 }, "Verdicts (final attempts)"));
    models.forEach((m, i) => {
      const y = 24 + i * rowH;
      const total = VERDICTS.reduce((a, v) => a + (m.verdicts[v] || 0), 0) || 1;
      let x = left;
      s.appendChild(svg("text", { x: left - 6, y: y + 13, "text-anchor": "end" }, m.model.length > 20 ? m.model.slice(0, 19) + "…" : m.model));
      for (const v of VERDICTS) {
        const w = ((W - left - 10) * (m.verdicts[v] || 0)) / total;
        if (w > 0) {
          const r = svg("rect", { x, y, width: w, height: rowH - 6, fill: COLOURS[v] });
          r.appendChild(svg("title", {}, v + ": " + m.verdicts[v]));
          s.appendChild(r);
        }
        x += w;
      }
    });
    let lx = 0;
    let ly = 30 + models.length * rowH;
    for (const v of VERDICTS) {
      const w = 12 + v.length * 5.2 + 6;
      if (lx + w > W) { lx = 0; ly += 14; } // wrap the legend onto a second line
      s.appendChild(svg("rect", { x: lx, y: ly, width: 9, height: 9, fill: COLOURS[v] }));
      s.appendChild(svg("text", { x: lx + 12, y: ly + 9, "font-size": 9 }, v));
      lx += w;
    }
    return el("div", { class: "chart" }, s);
  }

  function drawGrid(r) {
    const models = r.models.map((m) => m.model);
    // Models seen live but not yet in the report.
    for (const c of state.cells.values()) if (!models.includes(c.model)) models.push(c.model);
    for (const k of state.running) {
      const m = k.split("\u0000")[1];
      if (!models.includes(m)) models.push(m);
    }
    const rows = r.tasks.map((t) => el("tr", {},
      el("td", { class: "name", title: t.title }, t.task_id),
      el("td", {}, usd(t.price_usd)),
      ...models.map((m) => {
        const td = el("td", { class: "cell none", dataset: { task: t.task_id, model: m },
          onclick: () => openExecution(t.task_id, m, td) }, "–");
        paintCell(td);
        return td;
      })));
    gridBox.replaceChildren(el("div", { class: "box" }, el("table", { class: "grid" },
      el("thead", {}, el("tr", {}, el("th", {}, "task"), el("th", {}, "price"), models.map((m) => el("th", { title: m }, m)))),
      el("tbody", {}, rows))));
  }
  function paintCell(td) {
    const k = key(td.dataset.task, td.dataset.model);
    const c = state.cells.get(k);
    if (!c) {
      if (state.running.has(k)) {
        td.className = "cell none running";
        td.replaceChildren(el("span", { class: "muted small" }, "running…"));
      }
      return;
    }
    td.className = "cell " + c.verdict + (state.selected === key(c.task_id, c.model) ? " sel" : "");
    td.title = c.reason || "";
    td.replaceChildren(c.verdict, el("br"), el("span", { class: "muted small" },
      c.tests_total ? c.tests_passed + "/" + c.tests_total : dur(c.wall_ms)));
  }
  // Keep the final attempt of sample 0, repeat 0 per cell.
  function noteExecution(e) {
    if (e.sample !== 0 || e.repeat !== 0) return false;
    const k = key(e.task_id, e.model);
    const old = state.cells.get(k);
    if (old && old.attempt > e.attempt) return false;
    state.cells.set(k, e);
    state.running.delete(k);
    for (const td of gridBox.querySelectorAll("td.cell")) {
      if (td.dataset.task === e.task_id && td.dataset.model === e.model) { paintCell(td); return false; }
    }
    return true; // not in the grid yet (a new model): the next report refresh adds it
  }

  async function refreshReport() {
    state.lastRefresh = Date.now();
    try {
      state.report = await api("/v1/runs/" + enc(runId) + "/report?format=json");
      if (!state.stopped) drawReport();
    } catch (e) {
      modelsBox.replaceChildren(el("p", { class: "err" }, "Cannot read the report: " + e.message));
    }
  }
  // At most one report refresh every 2 s while results pour in.
  function scheduleRefresh() {
    if (state.refreshTimer) return;
    const wait = Math.max(0, 2000 - (Date.now() - state.lastRefresh));
    state.refreshTimer = setTimeout(() => { state.refreshTimer = null; refreshReport(); }, wait);
  }

  async function openExecution(task, model, td) {
    state.selected = key(task, model);
    for (const c of gridBox.querySelectorAll("td.cell.sel")) c.classList.remove("sel");
    if (td) td.classList.add("sel");
    execBox.replaceChildren(el("div", { id: "execution" }, el("p", { class: "muted" }, "Loading " + task + " × " + model + "…")));
    try {
      const x = await api("/v1/runs/" + enc(runId) + "/executions/" + enc(task) + "/" + enc(model) + "?sample=0&repeat=0");
      if (state.selected === key(task, model)) execBox.replaceChildren(executionView(x));
    } catch (e) {
      execBox.replaceChildren(el("div", { id: "execution" }, el("p", { class: "err" }, e.message)));
    }
  }

  function executionView(x) {
    const e = x.execution;
    const lim = x.limits || {};
    const kv = (pairs) => el("dl", { class: "kv" }, pairs.flatMap(([k, v]) => [el("dt", {}, k), el("dd", {}, v === null || v === undefined ? "–" : String(v))]));
    const tests = e.tests || [];
    return el("div", { id: "execution" },
      el("h2", {}, x.task ? x.task.task_id : e.task_id, " × ", e.model,
        el("span", { class: "muted small" }, "  sample " + e.sample + ", repeat " + e.repeat + ", attempt " + e.attempt)),
      x.task ? el("p", { class: "muted small" }, x.task.title + " · " + x.task.language + " · " + usd(x.task.price_usd)) : null,
      el("p", {}, el("span", { class: "pill " + e.verdict, id: "ex-verdict" }, e.verdict), " ",
        el("span", { id: "ex-reason" }, e.reason)),
      x.first_failure ? el("div", {}, el("h3", {}, "First failing case: ", x.first_failure.name),
        el("pre", { id: "ex-first-failure" }, x.first_failure.message || "(no message)")) : null,
      el("h3", {}, (x.kind === "io" ? "Cases" : "Tests") + " (" + x.tests_passed + "/" + x.tests_total + " passed)"),
      tests.length ? el("div", { class: "box" }, el("table", { id: "ex-tests" },
        el("thead", {}, el("tr", {}, el("th", {}, "name"), el("th", { class: "t" }, "outcome"), el("th", { class: "t" }, "message"))),
        el("tbody", {}, tests.map((t) => el("tr", {},
          el("td", {}, t.name), el("td", { class: "t " + t.outcome }, t.outcome),
          el("td", { class: "t" }, t.message ? el("pre", {}, t.message) : "")))))) : el("p", { class: "muted" }, "No test report."),
      el("h3", {}, "Timings and resources"),
      kv([["wall", dur(e.wall_ms)], ["cpu", dur(e.cpu_ms)], ["peak memory", bytes(e.peak_memory_bytes)],
        ["exit code", e.exit_code], ["signal", e.signal], ["finished", when(e.finished_at_ms)]]),
      el("h3", {}, "Limits"),
      kv([["timeout", lim.timeout !== undefined ? dur(lim.timeout) : null], ["memory", bytes(lim.memory_bytes)],
        ["cpus", lim.cpus], ["pids", lim.pids], ["output", bytes(lim.output_bytes)]]),
      el("h3", {}, "Identity"),
      kv([["image", x.image], ["image id", e.image_id], ["payload sha256", e.payload_sha256], ["key", e.key]]),
      x.earlier_attempts && x.earlier_attempts.length ? el("div", {}, el("h3", {}, "Earlier attempts"),
        x.earlier_attempts.map((a) => el("p", { class: "small" }, "#" + a.attempt + " " + a.verdict + ": " + a.reason))) : null,
      el("h3", {}, "stdout", e.output_truncated ? " (truncated)" : ""), el("pre", { id: "ex-stdout" }, e.stdout || "(empty)"),
      el("h3", {}, "stderr"), el("pre", { id: "ex-stderr" }, e.stderr || "(empty)"));
  }

  function connect() {
    const src = new EventSource("/v1/runs/" + enc(runId) + "/events");
    state.source = src;
    src.addEventListener("snapshot", (ev) => {
      const d = JSON.parse(ev.data);
      state.progress = d.run.progress;
      for (const e of d.executions) noteExecution(e);
      live.textContent = state.progress.state === "running" ? "● live" : "";
      drawProgress();
      refreshReport();
    });
    src.addEventListener("execution", (ev) => {
      noteExecution(JSON.parse(ev.data));
      // The models table and charts follow from the report, a few times a second at most.
      scheduleRefresh();
    });
    src.addEventListener("started", (ev) => {
      const e = JSON.parse(ev.data);
      if (e.sample !== 0 || e.repeat !== 0) return;
      state.running.add(key(e.task_id, e.model));
      let shown = false;
      for (const td of gridBox.querySelectorAll("td.cell")) {
        if (td.dataset.task === e.task_id && td.dataset.model === e.model) { paintCell(td); shown = true; }
      }
      // A model with no result yet has no column: draw the grid again with it.
      if (!shown && state.report) drawGrid(state.report);
    });
    src.addEventListener("progress", (ev) => { state.progress = JSON.parse(ev.data); drawProgress(); });
    src.addEventListener("done", (ev) => {
      state.progress = JSON.parse(ev.data);
      live.textContent = "";
      drawProgress();
      src.close();
      refreshReport();
    });
    src.onerror = () => {
      if (state.progress && state.progress.state !== "running") { src.close(); return; }
      if (!state.progress) {
        // Never connected: say why (no such run, …) instead of waiting forever.
        api("/v1/runs/" + enc(runId)).then(() => { live.textContent = "reconnecting…"; }, (e) => {
          src.close();
          live.textContent = "";
          statsBox.replaceChildren(el("p", { class: "err", id: "run-error" }, e.message));
        });
        return;
      }
      live.textContent = "reconnecting…";
    };
  }
  connect();
  return { stop() {
    state.stopped = true;
    if (state.source) state.source.close();
    clearTimeout(state.refreshTimer);
  } };
}
