// jirga web UI: plain JavaScript, no dependencies, no network beyond this
// server's own API. Every chart is SVG drawn here.
"use strict";

const $ = (sel, root = document) => root.querySelector(sel);
const app = () => document.getElementById("app");
const SVGNS = "http://www.w3.org/2000/svg";
const PALETTE = ["#1f5fbf", "#d9480f", "#2b8a3e", "#ae3ec9", "#c2255c", "#0c8599", "#e67700", "#5f3dc4", "#495057"];

// h builds an HTML element: h("td", {class: "num"}, "3.2").
function h(tag, attrs = {}, ...children) {
  const e = document.createElement(tag);
  setAttrs(e, attrs);
  append(e, children);
  return e;
}

// s builds an SVG element.
function s(tag, attrs = {}, ...children) {
  const e = document.createElementNS(SVGNS, tag);
  setAttrs(e, attrs);
  append(e, children);
  return e;
}

function setAttrs(e, attrs) {
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v === undefined || v === null || v === false) continue;
    if (k.startsWith("on")) e.addEventListener(k.slice(2), v);
    else if (k === "value" && "value" in e && !(e instanceof SVGElement)) e.value = v;
    else e.setAttribute(k, v === true ? "" : String(v));
  }
}

function append(e, children) {
  for (const c of children.flat(Infinity)) {
    if (c === null || c === undefined || c === false) continue;
    e.append(c instanceof Node ? c : document.createTextNode(String(c)));
  }
}

// put replaces the children of e, leaving out null, undefined and false
// (replaceChildren would print them as text).
function put(e, ...children) {
  e.replaceChildren();
  append(e, children);
}

function fmt(x, d = 1) {
  return typeof x === "number" && isFinite(x) ? x.toFixed(d) : "–";
}

function when(t) {
  return t ? new Date(t).toLocaleString() : "";
}

// ---- API -------------------------------------------------------------

class APIError extends Error {
  constructor(status, body) {
    super((body && body.error && body.error.message) || "HTTP " + status);
    this.status = status;
    this.problems = (body && body.error && body.error.problems) || [];
  }
}

async function api(method, path, body, raw) {
  const headers = {};
  const token = localStorage.getItem("jirga.token");
  // A server with a token wants it on reads too.
  if (token) headers["Authorization"] = "Bearer " + token;
  let payload;
  if (raw !== undefined) {
    headers["Content-Type"] = "application/octet-stream";
    payload = raw;
  } else if (body !== undefined) {
    headers["Content-Type"] = "application/json";
    payload = JSON.stringify(body);
  }
  const resp = await fetch(path, { method, headers, body: payload });
  let data = null;
  try { data = await resp.json(); } catch (e) { /* empty body */ }
  if (resp.status === 401) {
    throw new APIError(401, { error: { message: (token ? "The token was refused" : "This server needs a token") +
      ": enter it in the Token field above." } });
  }
  if (!resp.ok) throw new APIError(resp.status, data);
  return { status: resp.status, data };
}

function showError(where, err) {
  where.replaceChildren(h("div", { class: "error" }, err.message,
    err.problems && err.problems.length ? h("ul", { class: "problems" }, err.problems.map(p => h("li", {}, problemText(p)))) : null));
}

// problemText is a problem as the CLI prints it, without the file and line
// of a request body the user never saw (uploaded files keep theirs).
function problemText(p) {
  // The editor sends what was typed in a number's cell as text: its author
  // typed no quotes to remove.
  return p.file === "request.json" ? p.text.replace(/^request\.json(:\d+)?: /, "").replace("; remove the quotes", "") : p.text;
}

let modelsInfo = null;
async function loadModels() {
  if (!modelsInfo) modelsInfo = (await api("GET", "/api/models")).data;
  return modelsInfo;
}

// ---- routing ---------------------------------------------------------

async function route() {
  const hash = location.hash.replace(/^#/, "") || "/";
  const parts = hash.split("/").filter(Boolean).map(decodeURIComponent);
  try {
    if (parts[0] === "new") await newPage();
    else if (parts[0] === "s" && parts[1]) await editorPage(parts[1], parts[2] ? Number(parts[2]) : 0);
    else if (parts[0] === "runs" && parts[1]) await runPage(Number(parts[1]));
    else if (parts[0] === "runs") await historyPage();
    else await listPage();
  } catch (err) {
    showError(app(), err);
  }
}

window.addEventListener("hashchange", route);
window.addEventListener("DOMContentLoaded", () => {
  const tok = $("#token");
  tok.value = localStorage.getItem("jirga.token") || "";
  tok.addEventListener("change", () => {
    localStorage.setItem("jirga.token", tok.value);
    modelsInfo = null;
    route();
  });
  route();
});

// ---- scenario list ---------------------------------------------------

// loadList draws the table of scenarios into where.
async function loadList(where) {
  const { data } = await api("GET", "/api/scenarios");
  const rows = data.scenarios.map(sv => h("tr", {},
    h("td", {}, h("a", { href: "#/s/" + encodeURIComponent(sv.id) }, sv.id)),
    h("td", {}, sv.title || ""),
    h("td", { class: "num" }, sv.version),
    h("td", {}, when(sv.created_at))));
  put(where, h("table", { id: "scenario-list" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "id"), h("th", { scope: "col" }, "title"), h("th", { class: "num", scope: "col" }, "versions"), h("th", { scope: "col" }, "saved"))),
    h("tbody", {}, rows)),
  rows.length ? null : h("p", { class: "muted" }, "No scenarios yet: create one or import a file."));
}

async function listPage() {
  const list = h("div");
  await loadList(list);
  const msg = h("div");
  const file = h("input", { type: "file", id: "import-file" });
  const fmtSel = h("select", { id: "import-format" },
    ["", "yaml", "json", "csv", "ktab-csv", "ktab-xml", "decide", "deu"].map(f => h("option", { value: f }, f || "detect format")));
  const importBtn = h("button", {
    id: "import",
    onclick: async () => {
      const f = file.files[0];
      if (!f) return;
      try {
        const q = "?name=" + encodeURIComponent(f.name) + (fmtSel.value ? "&format=" + fmtSel.value : "");
        const { data } = await api("POST", "/api/import" + q, undefined, await f.arrayBuffer());
        put(msg, h("div", { class: "notice", role: "status" }, "Imported as new scenarios: ",
          data.scenarios.map((sv, i) => [i ? ", " : "", h("a", { href: "#/s/" + encodeURIComponent(sv.id) }, sv.id),
            sv.requested_id ? ` (the file's id ${sv.requested_id} was taken)` : ""])));
        await loadList(list);
      } catch (err) { showError(msg, err); }
    },
  }, "Import");
  put(app(),
    h("div", { class: "row" }, h("h1", {}, "Scenarios"), h("a", { class: "button primary", href: "#/new", id: "new-scenario" }, "New scenario")),
    list,
    h("h2", {}, "Import a scenario file"),
    h("div", { class: "card" },
      h("p", { class: "muted" }, "Any format jirga reads: jirga YAML or JSON, CSV and the other importers. Every scenario in the file becomes a new scenario; an id that is taken gets a suffix (-2, -3, …), so an import never overwrites."),
      h("div", { class: "row" }, h("label", { for: "import-file" }, "File"), file, h("label", { for: "import-format" }, "Format"), fmtSel, importBtn), msg));
}

// ---- scenario page: the editor is in editor.js; runs and results here --

let current = null; // {sv, scenario (being edited), dirty}, set by the editor

// snapshotNote lists the dated states of a scenario with snapshots: the grid
// edits the first one; runs use the state chosen under "as of", and a
// timeline run forecasts them all.
function snapshotNote(sc) {
  if (!sc.snapshots || !sc.snapshots.length) return null;
  return h("div", { class: "notice", id: "snapshots" },
    "Dated states: ", h("b", {}, sc.as_of), " (the scenario itself, shown and edited below)",
    sc.snapshots.map(sn => [", ", h("b", {}, sn.as_of), ` (${(sn.revisions || []).length} revised estimates)`]),
    ". Runs use the state chosen under “as of”; a timeline run forecasts them all and shows what moved the forecast.");
}

function issueBounds(is) {
  return is.scale ? [is.scale.min, is.scale.max] : [0, 100];
}

// est returns an estimate as an object; estimates may be bare numbers.
function est(e) {
  if (e === undefined || e === null) return null;
  return typeof e === "number" ? { value: e } : e;
}

// oneModel lists the kinds that take exactly one model.
const oneModel = { levers: true, explain: true };

function runForm(info, results, saveMsg) {
  const explainers = info.models.filter(m => m.dynamic).map(m => m.name);
  const models = h("fieldset", { class: "row inline", id: "models" }, h("legend", {}, "models"), info.models.map(m =>
    h("label", { title: m.summary + "\n" + m.citation }, h("input", { type: "checkbox", name: "model", value: m.name, checked: info.default.includes(m.name) }), " " + m.name + (m.dynamic ? " (dynamic)" : ""))));
  const kind = h("select", { id: "kind" }, info.kinds.map(k => h("option", { value: k, selected: k === "forecast" }, k)));
  const sc = current.scenario;
  const issue = h("select", { id: "explain-issue", title: "the issue whose rounds to explain" });
  // The issues are those of the scenario as edited.
  const fillIssues = () => {
    const was = issue.value;
    put(issue, h("option", { value: "" }, "every issue"), current.scenario.issues.map(is => h("option", { value: is.id, selected: is.id === was }, is.name || is.id)));
  };
  fillIssues();
  issue.addEventListener("focus", fillIssues);
  const issueLabel = h("label", { hidden: true }, "issue ", issue);
  // Each kind preselects its default models, those of the CLI command
  // that computes the same (a levers or explain run takes one).
  kind.addEventListener("change", () => {
    const def = (info.defaults || {})[kind.value];
    if (def) models.querySelectorAll("input").forEach(i => { i.checked = def.includes(i.value); });
    issueLabel.hidden = kind.value !== "explain";
    fillIssues();
    models.querySelectorAll("input").forEach(i => { i.disabled = kind.value === "explain" && !explainers.includes(i.value); });
    if (!oneModel[kind.value]) return;
    const checked = [...models.querySelectorAll("input:checked")];
    checked.slice(1).forEach(i => { i.checked = false; });
  });
  // A levers or explain run takes one model: ticking one unticks the others.
  models.addEventListener("change", e => {
    if (!oneModel[kind.value] || !e.target.checked) return;
    models.querySelectorAll("input:checked").forEach(i => { if (i !== e.target) i.checked = false; });
  });
  const num = (id, label, val, title) => h("label", { title }, label + " ", h("input", { type: "number", id, value: val, step: "any", min: 0 }));
  // With snapshots, "as of" picks the state a run uses (a timeline uses all).
  const asOf = sc.snapshots && sc.snapshots.length ? h("select", { id: "as-of", title: "the dated state the run uses" },
    [sc.as_of].concat(sc.snapshots.map(sn => sn.as_of)).map((d, i) => h("option", { value: i ? d : "" }, d + (i ? "" : " (the scenario)")))) : null;
  const syncAsOf = () => { if (asOf) asOf.disabled = kind.value === "timeline"; };
  kind.addEventListener("change", syncAsOf);
  syncAsOf();
  const btn = h("button", { class: "primary", id: "run" }, "Run");
  const reportBtn = h("button", { id: "download-report", title: "run a report with the models ticked (the report's defaults unless the kind is report) and save the HTML page" }, "Download report");
  const status = h("span", { id: "run-status", role: "status" });
  // request builds the body of POST /api/runs from the form.
  const request = k => {
    const body = { scenario_id: current.scenario.id, version: current.sv.version, kind: k };
    if (k === kind.value) body.models = [...document.querySelectorAll("#models input:checked")].map(i => i.value);
    for (const [id, key] of [["rounds", "rounds"], ["seed", "seed"], ["draws", "draws"], ["step", "step"]]) {
      const v = $("#" + id).value;
      if (v !== "") body[key] = Number(v);
    }
    if (asOf && k !== "timeline" && asOf.value) body.as_of = asOf.value;
    if (k === "explain" && issue.value) body.issue = issue.value;
    return body;
  };
  // go saves pending edits, runs, and shows the run's results.
  const go = async (k, after) => {
    btn.disabled = reportBtn.disabled = true;
    try {
      if (current.dirty) await save(saveMsg);
      status.replaceChildren("running…");
      const run = await runToEnd(request(k), r => status.replaceChildren(r.status + "… ", progressView(r)));
      status.replaceChildren(h("a", { href: "#/runs/" + run.id }, "run " + run.id), " ", h("span", { class: "status-" + run.status }, run.status));
      renderRun(results, run, current.scenario);
      loadScenarioRuns(current.scenario.id);
      if (after && run.status === "done") await after(run);
    } catch (err) {
      showError(results, err);
      status.replaceChildren();
    } finally {
      btn.disabled = reportBtn.disabled = false;
    }
  };
  btn.addEventListener("click", () => go(kind.value));
  reportBtn.addEventListener("click", () => go("report", downloadReport));
  return h("div", { class: "card" },
    h("div", { class: "row" }, h("label", {}, "kind ", kind), asOf ? h("label", {}, "as of ", asOf) : null, issueLabel, models),
    h("div", { class: "row", style: "margin-top:.5rem" },
      num("rounds", "rounds", "", "rounds of the dynamic models (empty: each model's default)"),
      num("seed", "seed", 1, "seed of stochastic models, sweeps and deal draws"),
      num("draws", "draws", "", "draws of a sweep, deal, timeline or report run (empty: default)"),
      num("step", "step", "", "perturbation of a levers or report run (empty: default)"),
      btn, reportBtn, status));
}

// runToEnd creates a run and polls it until it has finished; progress is
// called with its status meanwhile.
async function runToEnd(body, progress) {
  let { data: run } = await api("POST", "/api/runs", body);
  while (run.status === "queued" || run.status === "running") {
    progress(run);
    run = (await api("GET", "/api/runs/" + run.id + "?wait=1")).data;
  }
  return run;
}

// downloadReport saves the page of a finished report run (fetched with the
// token, so a plain link would not do) as a file.
async function downloadReport(run) {
  const headers = {};
  const token = localStorage.getItem("jirga.token");
  if (token) headers["Authorization"] = "Bearer " + token;
  const resp = await fetch("/api/runs/" + run.id + "/report", { headers });
  if (!resp.ok) {
    let data = null;
    try { data = await resp.json(); } catch (e) { /* not JSON */ }
    throw new APIError(resp.status, data);
  }
  const blob = await resp.blob();
  const m = /filename="([^"]+)"/.exec(resp.headers.get("Content-Disposition") || "");
  const name = m ? m[1] : "report.html";
  const url = URL.createObjectURL(blob);
  const a = h("a", { href: url, download: name, hidden: true });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
  const note = $("#report-saved");
  if (note) note.textContent = "Saved " + name + " (" + Math.round(blob.size / 1024) + " kB).";
  return name;
}

async function loadScenarioRuns(id) {
  const where = $("#scenario-runs");
  if (!where) return;
  const { data } = await api("GET", "/api/runs?scenario=" + encodeURIComponent(id) + "&limit=20");
  where.replaceChildren(runTable(data.runs));
}

// ---- run history -----------------------------------------------------

// progressView shows how far a run has come (the draws of a sweep or deal,
// the nudges of a levers run done of their number, over all its parts),
// or nothing when the server does not say.
function progressView(run) {
  const p = run.progress;
  if (!p || !p.total) return h("span");
  const pct = Math.floor(100 * p.done / p.total);
  return h("span", { class: "progress", title: p.done + " of " + p.total + (run.parts > 1 ? " in " + run.parts + " parts" : "") },
    h("progress", { max: p.total, value: p.done }), " " + pct + "%");
}

function runTable(runs) {
  if (!runs.length) return h("p", { class: "muted" }, "No runs yet.");
  return h("table", { class: "runs" },
    h("tr", {}, ["run", "scenario", "kind", "models", "status", "created", "finished"].map(x => h("th", {}, x))),
    runs.map(r => h("tr", {},
      h("td", {}, h("a", { href: "#/runs/" + r.id }, r.id)),
      h("td", {}, h("a", { href: "#/s/" + encodeURIComponent(r.scenario_id) + "/" + r.version }, r.scenario_id + " v" + r.version)),
      h("td", {}, r.kind), h("td", {}, r.models.join(", ")),
      h("td", { class: "status-" + r.status }, r.status, r.status === "running" ? [" ", progressView(r)] : null),
      h("td", {}, when(r.created_at)), h("td", {}, when(r.finished_at)))));
}

async function historyPage() {
  const params = new URLSearchParams(location.hash.split("?")[1] || "");
  const sel = (name, opts) => h("select", { id: "filter-" + name }, opts.map(o => h("option", { value: o, selected: params.get(name) === o }, o || "any " + name)));
  const info = await loadModels();
  const { data: scs } = await api("GET", "/api/scenarios");
  const fScenario = sel("scenario", [""].concat(scs.scenarios.map(s => s.id)));
  const fKind = sel("kind", [""].concat(info.kinds));
  const fStatus = sel("status", ["", "queued", "running", "done", "failed", "canceled"]);
  const list = h("div");
  const load = async () => {
    const q = new URLSearchParams();
    for (const [k, e] of [["scenario", fScenario], ["kind", fKind], ["status", fStatus]]) if (e.value) q.set(k, e.value);
    q.set("limit", "200");
    const { data } = await api("GET", "/api/runs?" + q);
    list.replaceChildren(runTable(data.runs));
  };
  for (const e of [fScenario, fKind, fStatus]) e.addEventListener("change", load);
  put(app(), h("h1", {}, "Run history"), h("div", { class: "row" }, fScenario, fKind, fStatus), list);
  await load();
}

async function runPage(id) {
  let { data: run } = await api("GET", "/api/runs/" + id);
  const { data: sv } = await api("GET", "/api/scenarios/" + encodeURIComponent(run.scenario_id) + "?version=" + run.version);
  const results = h("div", { id: "results" });
  const msg = h("div");
  const rerun = h("button", {
    onclick: async () => {
      try {
        let { data: r } = await api("POST", "/api/runs/" + id + "/rerun");
        while (r.status === "queued" || r.status === "running") r = (await api("GET", "/api/runs/" + r.id + "?wait=5")).data;
        const same = r.result && run.result && JSON.stringify(r.result) === JSON.stringify(run.result);
        msg.replaceChildren(h("div", { class: "notice" }, h("a", { href: "#/runs/" + r.id }, "run " + r.id), " — ", r.status, same ? ": same result as run " + id : ""));
      } catch (err) { showError(msg, err); }
    },
  }, "Re-run");
  const cancel = h("button", {
    onclick: async () => {
      try { await api("POST", "/api/runs/" + id + "/cancel"); route(); } catch (err) { showError(msg, err); }
    },
  }, "Cancel");
  const o = run.options || {};
  put(app(), 
    h("h1", {}, "Run " + run.id + " — " + run.kind),
    h("table", {},
      [["scenario", h("a", { href: "#/s/" + encodeURIComponent(run.scenario_id) + "/" + run.version }, run.scenario_id + " version " + run.version)],
       ["status", h("span", { class: "status-" + run.status }, run.status)],
       run.status === "queued" || run.status === "running" ? ["progress", h("span", { id: "run-progress" }, progressView(run))] : null,
       run.parts > 1 ? ["parts", run.parts + " (computed by any worker, then merged)"] : null,
       ["models", run.models.join(", ")],
       ["options", Object.entries(o).map(([k, v]) => k + "=" + (typeof v === "object" ? JSON.stringify(v) : v)).join(" ") || "defaults"],
       ["seed", run.seed], ["engine", run.engine_version], ["input hash", h("code", {}, run.input_hash)],
       ["created", when(run.created_at)], ["finished", when(run.finished_at)],
       run.error ? ["error", h("span", { class: "status-failed" }, run.error)] : null,
      ].filter(Boolean).map(([k, v]) => h("tr", {}, h("th", {}, k), h("td", {}, v)))),
    h("div", { class: "row", style: "margin-top:.6rem" }, rerun, run.status === "queued" || run.status === "running" ? cancel : null),
    msg, results);
  renderRun(results, run, sv.scenario);
  // While it runs, follow its progress; show the result when it ends.
  while (run.status === "queued" || run.status === "running") {
    run = (await api("GET", "/api/runs/" + id + "?wait=1")).data;
    if (location.hash !== "#/runs/" + id) return;
    const where = $("#run-progress");
    if (where) where.replaceChildren(progressView(run));
  }
  if (location.hash === "#/runs/" + id) route();
}

// ---- results ---------------------------------------------------------

function renderRun(where, run, sc) {
  where.replaceChildren();
  if (run.status !== "done") {
    where.append(h("div", { class: run.status === "failed" ? "error" : "notice" }, "Run " + run.id + " " + run.status + (run.error ? ": " + run.error : "")));
    return;
  }
  const r = run.result || {};
  where.dataset.run = run.id;
  where.append(h("h2", {}, "Results of run " + run.id + " (" + run.kind + ")"));
  if (run.kind === "deal") { renderDeal(where, r, sc); return; }
  if (run.kind === "levers") { renderLevers(where, r, sc); return; }
  if (run.kind === "timeline") { renderTimeline(where, r, sc); return; }
  if (run.options && run.options.as_of) where.append(h("p", { class: "muted" }, "State as of " + run.options.as_of + " (the last snapshot on or before it)."));
  if (run.kind === "compare") { renderCompare(where, r, sc); return; }
  if (run.kind === "explain") { renderExplain(where, r, sc); return; }
  if (run.kind === "report") { renderReport(where, run); return; }
  const results = r.results || [];
  const models = results.map(x => x.model);
  const color = m => PALETTE[models.indexOf(m) % PALETTE.length];
  where.append(forecastTable(results, sc));
  where.append(predictiveNote(results, run.kind === "sweep"));
  if (results.some(x => x.status === "unsettled")) {
    where.append(h("p", { class: "notice", id: "unsettled-note" }, h("span", { class: "unsettled" }, "~ unsettled: "),
      "the dynamic model's outcome was still moving when the run ended (" +
      results.filter(x => x.status === "unsettled").map(x => x.model + " on " + x.issues.filter(f => f.settle_range).map(f => `${f.issue} ${fmt(f.settle_range[0])}–${fmt(f.settle_range[1])}`).join(", ")).join("; ") +
      "); its forecast is the middle of that range, not the last round's value. The rounds charts show how it moved."));
  }
  where.append(h("div", { class: "legend" }, models.map(m => h("span", { style: "--c:" + color(m) }, m)), h("span", { style: "--c:#9aa4b2" }, "actors (area ∝ capability × salience)")));
  where.append(h("h3", {}, "Forecasts by model"), h("div", { class: "chart" }, dotPlot(results, sc, color)));
  where.append(h("h3", {}, "Positions, forecasts and predictive intervals by issue"));
  where.append(h("div", { class: "charts" }, sc.issues.map(is => issueChart(is, sc, results, color, run.kind === "sweep"))));
  where.append(h("p", { class: "muted" }, "Shaded band under each model: its 80% predictive interval (darker: 50%)." +
    (run.kind === "sweep" ? ` Lines: 10–90% (thin) and 25–75% (thick) of the forecasts over ${r.completed} of ${r.draws} draws (seed ${r.seed}), input uncertainty only; dot: their median.` : "")));
  for (const res of results) {
    if (res.rounds && res.rounds.length) {
      where.append(h("h3", {}, "Rounds of " + res.model, res.status === "unsettled" ? h("span", { class: "unsettled" }, " ~ unsettled") : " (" + res.status + ")"));
      where.append(h("div", { class: "charts" }, sc.issues.map(is => roundsChart(is, sc, res))));
    }
    for (const n of res.notes || []) {
      if (!n.startsWith(PREDICTIVE_NOTE)) where.append(h("p", { class: "muted" }, res.model + ": " + n));
    }
  }
}

// renderCompare shows, per model, each issue's forecast as given and under
// each intervention (alone, and all together), with its shift.
function renderCompare(where, r, sc) {
  const variants = r.variants || [];
  if (variants.length < 2) where.append(h("p", { class: "notice" }, "The scenario has no interventions: only its forecasts as given are shown. Add interventions in the editor."));
  where.append(h("ul", { class: "muted variants" }, variants.slice(1).map(v => h("li", {}, h("b", {}, v.id), " — " + (v.name || "") + (v.kind ? " [" + v.kind + "]" : "")))));
  const name = id => { const is = sc.issues.find(x => x.id === id); return is ? is.name || is.id : id; };
  for (const m of r.models || []) {
    where.append(h("h3", {}, "Model " + m + ": forecast (shift from as given)"));
    where.append(h("div", { class: "grid-wrap" }, h("table", { class: "compare", "data-model": m },
      h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "issue"), variants.map(v => h("th", { class: "num", scope: "col", title: v.name || "" }, v.id)))),
      h("tbody", {}, (r.issues || []).map(is => h("tr", {}, h("th", { scope: "row" }, name(is)), variants.map(v => {
        const row = (r.rows || []).find(x => x.variant === v.id && x.model === m && x.issue === is);
        if (!row) return h("td", { class: "num" }, "–");
        const shift = v.id === "baseline" ? null : h("span", { class: Math.abs(row.shift) >= 0.05 ? "shift" : "muted" }, " (" + (row.shift >= 0 ? "+" : "") + fmt(row.shift) + ")");
        return h("td", { class: "num", "data-variant": v.id, "data-issue": is, title: row.anchor || "" }, fmt(row.forecast), forecastMarks(row, m), shift);
      })))))));
    const notes = (r.notes || {})[m] || [];
    const predictive = notes.find(n => n.startsWith(PREDICTIVE_NOTE));
    where.append(h("p", { class: "muted" }, predictive ? "In brackets: the 80% predictive interval (" + predictive.slice(PREDICTIVE_NOTE.length) + ")" :
      (notes.find(n => n.startsWith("no predictive interval")) || "no predictive interval")));
  }
  if ((r.rows || []).some(x => x.settle_range)) {
    where.append(h("p", { class: "notice", id: "unsettled-note" }, h("span", { class: "unsettled" }, "~ unsettled: "),
      "the dynamic model's outcome was still moving when the run ended; its forecast is the middle of that range, and a shift smaller than the range says little."));
  }
}

// renderExplain shows the story of a dynamic model's rounds, as jirga
// explain prints it.
function renderExplain(where, r, sc) {
  where.append(h("p", { class: "muted" }, `Model ${r.model}${r.issue ? ", issue " + r.issue : ", every issue"}; forecasts: ` +
    Object.entries(r.forecasts || {}).map(([k, v]) => k + " " + fmt(v)).join(", ") + "."));
  where.append(h("pre", { class: "explain", id: "explain-text", tabindex: "0", "aria-label": "the story of the rounds" }, r.text || ""));
}

// renderReport offers the page of a report run for download.
function renderReport(where, run) {
  const kb = Math.round(((run.result && run.result.html) || "").length / 1024);
  where.append(h("div", { class: "card" },
    h("p", {}, "The report of ", h("b", {}, run.scenario_id + " version " + run.version), ` (${kb} kB): one self-contained HTML page with the forecasts, intervals, levers, interventions, deal and sources; it loads nothing from the network.`),
    h("button", { class: "primary", id: "save-report", onclick: () => downloadReport(run).catch(err => showError(where, err)) }, "Save the report"),
    h("span", { id: "report-saved", class: "muted", role: "status" })));
}

// PREDICTIVE_NOTE starts the note a model's predictive intervals carry
// (calib.NotePrefix); predictiveNote says it once for all models.
const PREDICTIVE_NOTE = "predictive interval: ";

// predictiveNote explains the bracketed intervals: where the model errors
// come from and, when the scenario lies outside the calibration's domain,
// that they are borrowed.
function predictiveNote(results, drawn) {
  const notes = results.flatMap(r => (r.notes || []).filter(n => n.startsWith(PREDICTIVE_NOTE)));
  const any = results.some(r => r.issues.some(f => f.predictive));
  if (!any) return h("p", { class: "notice", id: "predictive-note" }, "These forecasts carry no predictive interval: nothing here says how far they may be from the outcome.");
  const basis = results.flatMap(r => r.issues.map(f => f.predictive)).find(p => p).basis;
  const outside = notes.some(n => n.includes("outside that domain"));
  return h("div", { id: "predictive-note" },
    h("p", { class: "muted" }, `In brackets: the 80% predictive interval, where the outcome is expected to fall given the model's own error, measured out of fold on EU legislation with known outcomes (calibration ${basis}), ` +
      (drawn ? "combined with the forecasts over the draws. " : "around the forecast. ") + "Intervals of the forecasts over draws alone (input uncertainty only) held far fewer of those outcomes."),
    outside ? h("p", { class: "notice", id: "calibration-domain" }, "This scenario is not EU legislation: its intervals borrow that domain's errors. Read them as indicative, or set error_scale in the scenario.") : null,
    results.filter(r => !r.issues.some(f => f.predictive)).map(r => h("p", { class: "muted" }, r.model + ": " + ((r.notes || []).find(n => n.startsWith("no predictive interval")) || "no predictive interval"))));
}

// forecastMarks are what follows a forecast f of model: the unsettled
// mark with its settle range, and the 80% predictive interval.
function forecastMarks(f, model) {
  const last = f.last_round !== undefined ? `, the last round gave ${fmt(f.last_round)}` : "";
  return [
    f.settle_range ? h("span", { class: "unsettled", title: `unsettled: ${model}'s outcome still moved between ${fmt(f.settle_range[0])} and ${fmt(f.settle_range[1])} over its last rounds${f.settle_cycle ? ` (a ${f.settle_cycle}-round cycle)` : ""}; the forecast is the middle of that range${last}` }, "~") : null,
    f.predictive ? h("span", { class: "predictive", title: "80% predictive interval (p10–p90)" }, " [" + fmt(f.predictive.p10, 0) + "–" + fmt(f.predictive.p90, 0) + "]") : null,
  ];
}

function forecastTable(results, sc) {
  return h("table", { id: "forecast-table" },
    h("tr", {}, h("th", {}, "issue"), h("th", {}, "scale"), results.map(r => h("th", { class: "num" }, r.model))),
    sc.issues.map(is => h("tr", {},
      h("td", {}, is.name || is.id), h("td", {}, issueBounds(is).join("–")),
      results.map(r => {
        const f = r.issues.find(x => x.issue === is.id);
        return h("td", { class: "num", "data-model": r.model, "data-issue": is.id, title: f && f.anchor ? f.anchor : "" },
          f ? fmt(f.forecast) : "–", f ? forecastMarks(f, r.model) : null,
          f && f.p10 !== undefined ? h("div", { class: "muted", title: "10–90% of the forecasts over the draws: input uncertainty only" }, "input only " + fmt(f.p10) + "–" + fmt(f.p90)) : null);
      }))));
}

function weight(a, issue) {
  const st = (a.stances || {})[issue];
  if (!st || st.position === undefined) return null;
  const cap = est(a.capability) ? est(a.capability).value : 1;
  const sal = est(st.salience) ? est(st.salience).value : 0;
  return { pos: est(st.position).value, w: cap * sal / 100 };
}

// dotPlot draws one row per issue, each issue on its own scale (shown as 0–100%
// of it), with a dot per model at its forecast: where the models agree and
// where they part.
function dotPlot(results, sc, color) {
  const L = 190, W = 640, R = 70, rowH = 24, T = 18;
  const H = T + sc.issues.length * rowH + 8;
  const x = f => L + (W - L - R) * f;
  const g = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "forecasts by model", id: "dot-plot" });
  g.append(s("text", { x: x(0), y: 11, "text-anchor": "middle", "font-size": 9, fill: "#6b7280" }, "scale min"),
    s("text", { x: x(1), y: 11, "text-anchor": "middle", "font-size": 9, fill: "#6b7280" }, "scale max"));
  sc.issues.forEach((is, i) => {
    const [lo, hi] = issueBounds(is);
    const y = T + i * rowH + rowH / 2;
    g.append(s("text", { x: L - 8, y: y + 4, "text-anchor": "end", "font-size": 11 }, is.name || is.id),
      s("line", { x1: x(0), x2: x(1), y1: y, y2: y, stroke: "#d9dde3", "stroke-width": 6, "stroke-linecap": "round" }));
    const vals = [], placed = [];
    results.forEach(res => {
      const f = res.issues.find(q => q.issue === is.id);
      if (!f) return;
      vals.push(f.forecast);
      // Coinciding forecasts are nudged up and down so each stays visible.
      const cx = x((f.forecast - lo) / ((hi - lo) || 1));
      const k = placed.filter(px => Math.abs(px - cx) < 6).length;
      placed.push(cx);
      g.append(s("circle", { cx, cy: y + (k === 0 ? 0 : (k % 2 ? -5 : 5) * Math.ceil(k / 2)), r: 5.5, fill: color(res.model), "fill-opacity": .85, stroke: "#fff" },
        s("title", {}, `${res.model}: ${fmt(f.forecast)}${f.anchor ? " — " + f.anchor : ""}`)));
    });
    if (vals.length) {
      g.append(s("text", { x: x(1) + 10, y: y + 4, "font-size": 10, fill: "#6b7280" }, fmt(Math.min(...vals), 0) + "–" + fmt(Math.max(...vals), 0)));
    }
  });
  return g;
}

// issueChart draws the issue's scale with each actor's position (a circle
// whose area is proportional to capability × salience) and each model's
// forecast (a triangle), with the sweep's intervals when present.
function issueChart(is, sc, results, color, intervals) {
  const W = 420, pad = 22, padR = 48, top = 16, axisY = 96;
  const [lo, hi] = issueBounds(is);
  const x = v => pad + (W - pad - padR) * (v - lo) / ((hi - lo) || 1);
  const ivTop = axisY + 30 + 10 * results.length;
  const banded = results.some(r => r.issues.some(f => f.predictive)) || intervals;
  const H = ivTop + (banded ? results.length * 12 : 0);
  const g = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "positions on " + is.id });
  g.append(s("line", { x1: x(lo), x2: x(hi), y1: axisY, y2: axisY, stroke: "#6b7280" }));
  for (let t = 0; t <= 4; t++) {
    const v = lo + (hi - lo) * t / 4;
    g.append(s("line", { x1: x(v), x2: x(v), y1: axisY, y2: axisY + 4, stroke: "#6b7280" }),
      s("text", { x: x(v), y: axisY + 15, "text-anchor": "middle", "font-size": 10, fill: "#6b7280" }, fmt(v, 0)));
  }
  if (is.status_quo !== undefined) {
    const sq = est(is.status_quo).value;
    g.append(s("line", { x1: x(sq), x2: x(sq), y1: top, y2: axisY, stroke: "#9aa4b2", "stroke-dasharray": "3 3" }),
      s("text", { x: x(sq) + 3, y: top + 2, "font-size": 9, fill: "#6b7280" }, "status quo"));
  }
  // Actors, stacked when they share a position.
  const actors = sc.actors.map(a => Object.assign({ a }, weight(a, is.id))).filter(d => d.pos !== undefined && d.w !== undefined && d.pos !== null);
  const maxW = Math.max(...actors.map(d => d.w), 1e-9);
  const seen = {};
  for (const d of actors.sort((p, q) => q.w - p.w)) {
    const k = Math.round(x(d.pos) / 8);
    const n = seen[k] = (seen[k] || 0) + 1;
    const r = 3 + 9 * Math.sqrt(d.w / maxW);
    const cy = axisY - 14 - (n - 1) * 17;
    g.append(s("circle", { cx: x(d.pos), cy, r, fill: "#9aa4b2", "fill-opacity": .55, stroke: "#495057" },
      s("title", {}, `${d.a.name || d.a.id}: position ${fmt(d.pos)}, weight ${fmt(d.w, 2)}`)));
    g.append(s("text", { x: x(d.pos) + r + 2, y: cy + 3, "font-size": 8, fill: "#343a40", stroke: "#fff", "stroke-width": 2.5, "paint-order": "stroke" }, d.a.id));
  }
  // Forecasts, as triangles below the axis, stacked where they coincide.
  const placed = [];
  results.forEach((res, i) => {
    const f = res.issues.find(q => q.issue === is.id);
    if (!f) return;
    const fx = x(f.forecast), c = color(res.model);
    const level = placed.filter(px => Math.abs(px - fx) < 9).length;
    placed.push(fx);
    g.append(s("path", { d: `M${fx},${axisY + 20 + 10 * level} l-5,9 h10 z`, fill: c }, s("title", {}, `${res.model}: ${fmt(f.forecast)} ${f.anchor || ""}`)));
    const p = f.predictive;
    if (p) {
      const y = ivTop + i * 12;
      g.append(s("rect", { x: x(p.p10), width: Math.max(1, x(p.p90) - x(p.p10)), y: y - 5, height: 10, fill: c, "fill-opacity": .18, class: "predictive" },
        s("title", {}, `${res.model}: 80% predictive interval ${fmt(p.p10)}–${fmt(p.p90)}, 50% ${fmt(p.p25)}–${fmt(p.p75)}`)),
        s("rect", { x: x(p.p25), width: Math.max(1, x(p.p75) - x(p.p25)), y: y - 5, height: 10, fill: c, "fill-opacity": .25 }));
    }
    if (intervals && f.p10 !== undefined) {
      const y = ivTop + i * 12;
      g.append(s("line", { x1: x(f.p10), x2: x(f.p90), y1: y, y2: y, stroke: c, "stroke-width": 2 }),
        s("line", { x1: x(f.p25), x2: x(f.p75), y1: y, y2: y, stroke: c, "stroke-width": 6 }),
        s("circle", { cx: x(f.p50), cy: y, r: 3.5, fill: "#fff", stroke: c, "stroke-width": 2 },
          s("title", {}, `${res.model}: p10 ${fmt(f.p10)}, p25 ${fmt(f.p25)}, p50 ${fmt(f.p50)}, p75 ${fmt(f.p75)}, p90 ${fmt(f.p90)}`)));
    }
  });
  return h("div", { class: "chart" }, h("h3", {}, is.name || is.id), g,
    is.anchors && is.anchors.length ? h("div", { class: "muted", style: "font-size:.75rem;max-width:420px" }, is.anchors.map(a => a.at + " = " + a.label).join(" · ")) : null);
}

// roundsChart draws every actor's position on an issue, round by round,
// with the median and mean of each round when the model reports them.
function roundsChart(is, sc, res) {
  const W = 320, H = 180, L = 32, R = 8, T = 10, B = 22;
  const [lo, hi] = issueBounds(is);
  // Round 0 is the scenario's own positions.
  const start = { round: 0, positions: {} };
  for (const a of sc.actors) {
    const st = (a.stances || {})[is.id];
    if (st && st.position !== undefined) start.positions[a.id] = { [is.id]: est(st.position).value };
  }
  const rounds = [start].concat(res.rounds);
  const n = rounds.length;
  const x = i => L + (W - L - R) * (n > 1 ? i / (n - 1) : 0.5);
  const y = v => T + (H - T - B) * (1 - (v - lo) / ((hi - lo) || 1));
  const g = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "rounds on " + is.id });
  g.append(s("line", { x1: L, x2: L, y1: T, y2: H - B, stroke: "#6b7280" }), s("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#6b7280" }));
  for (const v of [lo, (lo + hi) / 2, hi]) g.append(s("text", { x: L - 4, y: y(v) + 3, "text-anchor": "end", "font-size": 9, fill: "#6b7280" }, fmt(v, 0)));
  g.append(s("text", { x: L, y: H - 6, "font-size": 9, fill: "#6b7280" }, "start"),
    s("text", { x: W - R, y: H - 6, "text-anchor": "end", "font-size": 9, fill: "#6b7280" }, "round " + rounds[n - 1].round));
  const line = (vals, attrs, label) => {
    const pts = vals.map((v, i) => v === undefined ? null : x(i) + "," + y(v)).filter(Boolean);
    if (pts.length) g.append(s("polyline", Object.assign({ points: pts.join(" "), fill: "none" }, attrs), s("title", {}, label)));
  };
  for (const a of sc.actors) {
    line(rounds.map(r => (r.positions[a.id] || {})[is.id]), { stroke: "#9aa4b2", "stroke-width": 1 }, a.name || a.id);
  }
  const series = key => rounds.map(r => r[key] ? r[key][is.id] : undefined);
  if (rounds[1].median) line(series("median"), { stroke: PALETTE[0], "stroke-width": 2.5 }, "median");
  if (rounds[1].mean) line(series("mean"), { stroke: PALETTE[1], "stroke-width": 2, "stroke-dasharray": "4 3" }, "mean");
  if (rounds[1].outcome) line(series("outcome"), { stroke: PALETTE[2], "stroke-width": 2 }, "outcome");
  return h("div", { class: "chart" }, h("h3", {}, is.name || is.id),
    h("div", { class: "legend" }, h("span", { style: "--c:" + PALETTE[0] }, "median"), h("span", { style: "--c:" + PALETTE[1] }, "mean"), h("span", { style: "--c:#9aa4b2" }, "actors")), g);
}

// hbars draws labelled horizontal bars for values in [min, max]. The label
// column is as wide as the longest label needs (at most maxLabel
// characters; longer labels are cut with … and shown whole on hover), so
// that no label runs off the left edge.
function hbars(rows, min, max, fmtv) {
  const maxLabel = 64, charW = 6.3, rowH = 22, R = 60, plot = 320;
  const cut = t => t.length > maxLabel ? t.slice(0, maxLabel - 1) + "…" : t;
  const L = Math.ceil(Math.max(60, ...rows.map(r => cut(String(r.label)).length * charW)) + 10);
  const W = L + plot + R;
  const H = rows.length * rowH + 8;
  const x = v => L + plot * (v - min) / ((max - min) || 1);
  const g = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", class: "hbars" });
  g.append(s("line", { x1: x(Math.max(min, 0)), x2: x(Math.max(min, 0)), y1: 0, y2: H, stroke: "#6b7280" }));
  rows.forEach((r, i) => {
    const y = 4 + i * rowH;
    const x0 = x(Math.max(min, 0)), x1 = x(r.value);
    g.append(s("text", { x: L - 6, y: y + 14, "text-anchor": "end", "font-size": 11 }, cut(String(r.label)), s("title", {}, r.label)),
      s("rect", { x: Math.min(x0, x1), y: y + 3, width: Math.max(1, Math.abs(x1 - x0)), height: rowH - 8, fill: r.color || (r.value < 0 ? "#d9480f" : "#1f5fbf") }, s("title", {}, r.label + ": " + fmtv(r.value))),
      s("text", { x: Math.max(x0, x1) + 4, y: y + 14, "font-size": 11 }, fmtv(r.value)));
  });
  return g;
}

function pct(v) { return (100 * v).toFixed(0) + "%"; }

// share writes a share of draws with its 95% Monte Carlo interval, as
// deal.Percent: "1.5% (95% CI 0.9–2.5%)", "below 0.4% (95%)".
function share(p, ci) {
  if (!ci) return fmt(100 * p, 1) + "% (point values only)";
  if (p === 0) return "below " + (Math.ceil(1000 * ci[1]) / 10).toFixed(1) + "% (95%)";
  if (p === 1) return "above " + (Math.floor(1000 * ci[0]) / 10).toFixed(1) + "% (95%)";
  return `${fmt(100 * p, 1)}% (95% CI ${fmt(100 * ci[0], 1)}–${fmt(100 * ci[1], 1)}%)`;
}

function renderDeal(where, r, sc) {
  where.append(h("div", { class: "card" },
    h("div", { class: "muted" }, "Probability of a deal acceptable to every necessary party (" + (r.necessary || []).join(", ") + ")"),
    h("div", { class: "big", id: "deal-probability" }, pct(r.deal_probability)),
    h("div", { id: "deal-probability-ci" }, share(r.deal_probability, r.deal_probability_ci) + ` — ${Math.round(r.deal_probability * r.draws)} of ${r.draws} draws`),
    hbars([{ label: "deal", value: r.deal_probability, color: "#2b8a3e" }], 0, 1, pct),
    h("div", { class: "muted" }, `${r.draws} draws, seed ${r.seed}; a joint zone ${r.joint && r.joint.exists ? "exists" : "does not exist"} at the point values.`)));
  where.append(h("h3", {}, "Share of draws with a zone of agreement, issue by issue"));
  where.append(hbars(sc.issues.map(is => ({ label: is.name || is.id, value: (r.issue_probability || {})[is.id] || 0 })), 0, 1, pct));
  where.append(h("h3", {}, "Zones of possible agreement at the point values"));
  where.append(h("div", { class: "charts" }, sc.issues.map(is => zopaChart(is, r))));
  if (r.interventions && r.interventions.length) {
    where.append(h("h3", {}, "Deal probability shift by intervention"));
    const m = Math.max(...r.interventions.map(v => Math.abs(v.shift)), 0.01);
    where.append(hbars(r.interventions.map(v => ({ label: v.name || v.id, value: v.shift })), -m, m, v => (v >= 0 ? "+" : "") + pct(v)));
    where.append(h("table", { id: "intervention-table" }, h("tr", {}, h("th", {}, "intervention"), h("th", { class: "num" }, "P(deal)")),
      r.interventions.map(v => h("tr", {}, h("td", {}, v.name || v.id), h("td", { class: "num" }, share(v.deal_probability, v.deal_probability_ci))))));
  }
  if (r.forecast_acceptable) {
    where.append(h("h3", {}, "Are the models' forecasts acceptable deals?"));
    where.append(h("table", {}, h("tr", {}, h("th", {}, "model"), h("th", {}, "acceptable"), h("th", {}, "rejected by"), h("th", { class: "num" }, "share of draws")),
      Object.entries(r.forecast_acceptable).map(([m, c]) => h("tr", {}, h("td", {}, m, c.unsettled ? h("span", { class: "unsettled", title: "unsettled on " + c.unsettled.join(", ") + ": its forecast there is the middle of a range" }, " ~") : null), h("td", {}, c.acceptable ? "yes" : "no"), h("td", {}, (c.rejected_by || []).join(", ")), h("td", { class: "num" }, share(c.probability, c.probability_ci))))));
  }
  for (const n of r.notes || []) where.append(h("p", { class: "muted" }, n));
}

function zopaChart(is, r) {
  const acc = Object.entries((r.acceptable || {})[is.id] || {});
  const W = 330, pad = 14, padR = 78, axisY = 30, H = axisY + 14 + acc.length * 13;
  const [lo, hi] = issueBounds(is);
  const x = v => pad + (W - pad - padR) * (v - lo) / ((hi - lo) || 1);
  const g = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "zone of agreement on " + is.id });
  g.append(s("line", { x1: x(lo), x2: x(hi), y1: axisY, y2: axisY, stroke: "#6b7280" }));
  for (const v of [lo, (lo + hi) / 2, hi]) {
    g.append(s("text", { x: x(v), y: axisY + 11, "text-anchor": "middle", "font-size": 9, fill: "#6b7280" }, fmt(v, 0)));
  }
  const z = (r.zopa || {})[is.id];
  if (z) {
    g.append(s("rect", { x: x(z.low), y: axisY - 14, width: Math.max(2, x(z.high) - x(z.low)), height: 12, fill: "#2b8a3e", "fill-opacity": .6 }, s("title", {}, `zone of agreement ${fmt(z.low)}–${fmt(z.high)}`)),
      s("text", { x: x(hi) + 6, y: axisY - 4, "font-size": 9, fill: "#2b8a3e" }, "zone " + fmt(z.low, 0) + "–" + fmt(z.high, 0)));
  } else {
    g.append(s("text", { x: x(hi) + 6, y: axisY - 4, "font-size": 9, fill: "#b42318" }, "no zone"));
  }
  acc.forEach(([actor, iv], i) => {
    const y = axisY + 22 + i * 13;
    const c = PALETTE[(i + 1) % PALETTE.length];
    g.append(s("text", { x: x(hi) + 6, y: y + 3, "font-size": 9, fill: c }, actor));
    if (!iv) return;
    g.append(s("line", { x1: x(iv.low), x2: Math.max(x(iv.high), x(iv.low) + 2), y1: y, y2: y, stroke: c, "stroke-width": 4 }, s("title", {}, `${actor} accepts ${fmt(iv.low)}–${fmt(iv.high)}`)));
  });
  return h("div", { class: "chart" }, h("h3", {}, is.name || is.id), g);
}

// renderLevers draws one tornado per issue: for each input (an actor's
// capability, or its salience or position on an issue), the change of the
// issue's forecast when the input is lowered (orange) and raised (blue) by
// the run's step, largest first.
function renderLevers(where, r, sc) {
  where.append(h("p", { class: "muted" }, `Model ${r.model}, step ${r.step}: capability ±${Math.round(r.step * 100)}%, salience ±${Math.round(r.step * 100)} points, position ±${Math.round(r.step * 100)}% of the scale, one at a time.`));
  const charts = [];
  for (const is of sc.issues) {
    const rows = new Map();
    for (const l of r.levers || []) {
      // target names what moved (runs before it had only issue).
      if ((l.target || l.issue) !== is.id) continue;
      const key = l.actor + " " + l.field + (l.perturbed ? " on " + l.perturbed : "");
      const row = rows.get(key) || { label: key, down: 0, up: 0 };
      if (l.delta < 0) row.down = l.effect; else row.up = l.effect;
      rows.set(key, row);
    }
    const top = [...rows.values()].sort((a, b) => Math.max(Math.abs(b.down), Math.abs(b.up)) - Math.max(Math.abs(a.down), Math.abs(a.up))).slice(0, 8);
    if (!top.length) continue;
    charts.push(tornado(is, top, (r.baseline || {})[is.id]));
  }
  where.append(h("div", { class: "legend" }, h("span", { style: "--c:#d9480f" }, "input lowered"), h("span", { style: "--c:#1f5fbf" }, "input raised")));
  where.append(h("div", { class: "charts", id: "levers" }, charts));
}

function tornado(is, rows, baseline) {
  const W = 440, L = 170, R = 16, rowH = 20, T = 6;
  const H = T + rows.length * rowH + 18;
  const m = Math.max(...rows.map(r => Math.max(Math.abs(r.down), Math.abs(r.up))), 1e-9);
  const x = v => L + (W - L - R) * (v + m) / (2 * m);
  const g = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": "levers on " + is.id });
  rows.forEach((r, i) => {
    const y = T + i * rowH;
    g.append(s("text", { x: L - 6, y: y + 13, "text-anchor": "end", "font-size": 10 }, r.label));
    for (const [v, c, name] of [[r.down, "#d9480f", "lowered"], [r.up, "#1f5fbf", "raised"]]) {
      if (!v) continue;
      g.append(s("rect", { x: Math.min(x(0), x(v)), y: y + 3, width: Math.max(1, Math.abs(x(v) - x(0))), height: rowH - 7, fill: c, "fill-opacity": .85 },
        s("title", {}, `${r.label} ${name}: forecast ${v >= 0 ? "+" : ""}${fmt(v, 2)}`)));
    }
  });
  g.append(s("line", { x1: x(0), x2: x(0), y1: 0, y2: H - 16, stroke: "#343a40" }));
  for (const v of [-m, 0, m]) g.append(s("text", { x: x(v), y: H - 4, "text-anchor": "middle", "font-size": 9, fill: "#6b7280" }, (v > 0 ? "+" : "") + fmt(v, 1)));
  return h("div", { class: "chart" }, h("h3", {}, (is.name || is.id) + (baseline !== undefined ? " (forecast " + fmt(baseline) + ")" : "")), g);
}

// ---- timeline ----------------------------------------------------------

// renderTimeline draws how P(deal) and each model's forecast of each issue
// moved across the dated states, and lists the changed estimates that moved
// P(deal) most when replayed one at a time.
function renderTimeline(where, r, sc) {
  const states = r.timeline || [];
  const dates = states.map(st => st.as_of);
  const models = r.models || [];
  const color = m => PALETTE[models.indexOf(m) % PALETTE.length];
  where.append(h("p", { class: "muted" }, `${states.length} dated states; P(deal) over ${r.draws} draws, seed ${r.seed}, the same draws at every state. Each changed estimate was replayed one at a time in scenario order; its effect is what it moved at its step, and "alone" what it moves applied by itself to the earlier state.`));
  where.append(h("table", { id: "timeline-table" },
    h("tr", {}, ["as of", "P(deal)", "slack", "hindsight estimates"].map((x, i) => h("th", { class: i ? "num" : "" }, x))),
    states.map(st => h("tr", {}, h("td", {}, st.as_of), h("td", { class: "num" }, share(st.deal_probability, st.deal_probability_ci)), h("td", { class: "num" }, fmt(st.slack, 3)), h("td", { class: "num" }, st.hindsight)))));
  where.append(h("h3", {}, "Deal probability and joint slack over time"));
  const slacks = states.map(st => st.slack);
  const sm = Math.max(0.05, ...slacks.map(Math.abs));
  where.append(h("div", { class: "charts" },
    h("div", { class: "chart" }, h("h3", {}, "P(deal)"), timeChart("timeline-deal", "deal probability over time", dates, [{ label: "P(deal)", color: "#2b8a3e", values: states.map(st => st.deal_probability) }], 0, 1, pct)),
    h("div", { class: "chart" }, h("h3", {}, "Joint slack at the point values (a deal exists above 0)"), timeChart("timeline-slack", "joint slack over time", dates, [{ label: "slack", color: "#1f5fbf", values: slacks }], -sm, sm, v => fmt(v, 2)))));
  where.append(h("h3", {}, "Forecasts over time, by issue"));
  where.append(h("div", { class: "legend" }, models.map(m => h("span", { style: "--c:" + color(m) }, m))));
  where.append(h("div", { class: "charts" }, sc.issues.map(is => {
    const [lo, hi] = issueBounds(is);
    const forecast = (st, m) => {
      const res = (st.results || []).find(x => x.model === m);
      return res && res.issues.find(q => q.issue === is.id);
    };
    const series = models.map(m => ({ label: m, color: color(m),
      values: states.map(st => { const f = forecast(st, m); return f ? f.forecast : undefined; }),
      notes: states.map(st => { const p = (forecast(st, m) || {}).predictive; return p ? ` [80% predictive ${fmt(p.p10, 0)}–${fmt(p.p90, 0)}]` : ""; }) }));
    return h("div", { class: "chart" }, h("h3", {}, is.name || is.id), timeChart("timeline-" + is.id, "timeline of " + is.id, dates, series, lo, hi, v => fmt(v)));
  })));
  // Ordered as timeline.Ranked: by the larger P(deal) effect, replayed or alone, then the slack.
  const size = c => Math.max(Math.abs(c.effect.deal_probability), Math.abs((c.alone || c.effect).deal_probability));
  const changes = (r.changes || []).slice().sort((a, b) => size(b) - size(a) || Math.abs(b.effect.slack) - Math.abs(a.effect.slack)).slice(0, 12);
  if (!changes.length) return;
  where.append(h("h3", {}, "What moved the deal probability"));
  const label = c => c.field === "status_quo" ? "status quo of " + c.issue : c.actor + " " + c.field + (c.issue ? " on " + c.issue : "");
  // A value, with its range when the change moved the range (as timeline.Change.Describe).
  const rangeChanged = c => JSON.stringify(c.range_before || null) !== JSON.stringify(c.range_after || null);
  const val = (c, v, r) => (v === null || v === undefined ? "–" : String(v)) + (rangeChanged(c) && r ? ` (${r[0]}–${r[1]})` : "");
  where.append(h("table", { id: "timeline-changes" },
    h("tr", {}, ["step", "changed estimate", "before", "after", "P(deal)", "alone", "slack", "sources"].map((x, i) => h("th", { class: i >= 2 && i <= 6 ? "num" : "" }, x))),
    changes.map(c => h("tr", { title: c.note || "" },
      h("td", {}, c.from + " → " + c.to), h("td", {}, label(c)),
      h("td", { class: "num" }, val(c, c.before, c.range_before)), h("td", { class: "num" }, val(c, c.after, c.range_after)),
      h("td", { class: "num" }, (c.effect.deal_probability >= 0 ? "+" : "") + fmt(100 * c.effect.deal_probability, 1) + " pts"),
      h("td", { class: "num" }, (c.alone.deal_probability >= 0 ? "+" : "") + fmt(100 * c.alone.deal_probability, 1) + " pts"),
      h("td", { class: "num" }, (c.effect.slack >= 0 ? "+" : "") + fmt(c.effect.slack, 3)),
      h("td", { class: "muted" }, (c.sources || []).join(", "))))));
}

// timeChart draws series of values over dates, the x axis proportional to
// time, with a dot per state and its value on hover.
function timeChart(id, label, dates, series, lo, hi, fmtv) {
  const W = 420, H = 190, L = 44, R = 16, T = 12, B = 34;
  const ts = dates.map(d => Date.parse(d));
  const t0 = Math.min(...ts), t1 = Math.max(...ts);
  const x = t => L + (W - L - R) * (t1 > t0 ? (t - t0) / (t1 - t0) : 0.5);
  const y = v => T + (H - T - B) * (1 - (v - lo) / ((hi - lo) || 1));
  const g = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img", "aria-label": label, id });
  for (let k = 0; k <= 4; k++) {
    const v = lo + (hi - lo) * k / 4;
    g.append(s("line", { x1: L, x2: W - R, y1: y(v), y2: y(v), stroke: "#eef1f5" }),
      s("text", { x: L - 5, y: y(v) + 3, "text-anchor": "end", "font-size": 9, fill: "#6b7280" }, fmtv(v)));
  }
  g.append(s("line", { x1: L, x2: W - R, y1: H - B, y2: H - B, stroke: "#6b7280" }));
  dates.forEach((d, i) => g.append(s("line", { x1: x(ts[i]), x2: x(ts[i]), y1: T, y2: H - B + 4, stroke: "#d9dde3", "stroke-dasharray": "2 3" }),
    s("text", { x: x(ts[i]), y: H - B + 15, "text-anchor": i === 0 ? "start" : i === dates.length - 1 ? "end" : "middle", "font-size": 9, fill: "#6b7280" }, d)));
  for (const se of series) {
    const pts = se.values.map((v, i) => v === undefined ? null : [x(ts[i]), y(v)]).filter(Boolean);
    if (pts.length > 1) g.append(s("polyline", { points: pts.map(p => p.join(",")).join(" "), fill: "none", stroke: se.color, "stroke-width": 2 }, s("title", {}, se.label)));
    se.values.forEach((v, i) => {
      if (v === undefined) return;
      g.append(s("circle", { cx: x(ts[i]), cy: y(v), r: 3.5, fill: se.color, stroke: "#fff" }, s("title", {}, `${se.label}, ${dates[i]}: ${fmtv(v)}${se.notes ? se.notes[i] : ""}`)));
    });
  }
  return g;
}
