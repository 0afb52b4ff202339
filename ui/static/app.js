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
  return p.file === "request.json" ? p.text.replace(/^request\.json(:\d+)?: /, "") : p.text;
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
    if (parts[0] === "s" && parts[1]) await scenarioPage(parts[1], parts[2] ? Number(parts[2]) : 0);
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

async function listPage() {
  const { data } = await api("GET", "/api/scenarios");
  const rows = data.scenarios.map(sv => h("tr", {},
    h("td", {}, h("a", { href: "#/s/" + encodeURIComponent(sv.id) }, sv.id)),
    h("td", {}, sv.title || ""),
    h("td", { class: "num" }, sv.version),
    h("td", {}, when(sv.created_at))));
  const msg = h("div");
  const file = h("input", { type: "file", id: "import-file" });
  const fmtSel = h("select", { id: "import-format" },
    ["", "yaml", "json", "csv", "ktab-csv", "ktab-xml", "decide", "deu"].map(f => h("option", { value: f }, f || "detect format")));
  const importBtn = h("button", {
    onclick: async () => {
      const f = file.files[0];
      if (!f) return;
      try {
        const q = "?name=" + encodeURIComponent(f.name) + (fmtSel.value ? "&format=" + fmtSel.value : "");
        const { data } = await api("POST", "/api/import" + q, undefined, await f.arrayBuffer());
        msg.replaceChildren(h("div", { class: "notice" }, "Imported: ",
          data.scenarios.map((sv, i) => [i ? ", " : "", h("a", { href: "#/s/" + encodeURIComponent(sv.id) }, sv.id + " v" + sv.version)])));
        setTimeout(route, 800);
      } catch (err) { showError(msg, err); }
    },
  }, "Import");
  app().replaceChildren(
    h("h1", {}, "Scenarios"),
    h("table", { id: "scenario-list" }, h("tr", {}, h("th", {}, "id"), h("th", {}, "title"), h("th", { class: "num" }, "version"), h("th", {}, "saved")), rows),
    h("h2", {}, "Import a scenario file"),
    h("div", { class: "card" },
      h("p", { class: "muted" }, "Any format jirga reads: jirga YAML or JSON, CSV and the other importers. A scenario whose id exists is saved as a new version."),
      h("div", { class: "row" }, file, fmtSel, importBtn), msg));
}

// ---- scenario page: editor, run, results -----------------------------

let current = null; // {sv, scenario (being edited), dirty}

async function scenarioPage(id, version) {
  const q = version ? "?version=" + version : "";
  const [{ data: sv }, { data: vs }, info] = await Promise.all([
    api("GET", "/api/scenarios/" + encodeURIComponent(id) + q),
    api("GET", "/api/scenarios/" + encodeURIComponent(id) + "/versions"),
    loadModels(),
  ]);
  current = { sv, scenario: structuredClone(sv.scenario), dirty: false };
  const sc = current.scenario;
  const latest = vs.versions[vs.versions.length - 1].version;
  const verSel = h("select", {
    id: "version", onchange: e => { location.hash = "#/s/" + encodeURIComponent(id) + "/" + e.target.value; },
  }, vs.versions.slice().reverse().map(v => h("option", { value: v.version, selected: v.version === sv.version }, "version " + v.version + " — " + when(v.created_at))));
  const saveMsg = h("div", { id: "save-msg" });
  // save shows its own errors; the promise is settled here.
  const saveBtn = h("button", { id: "save", onclick: () => save(saveMsg).catch(() => {}) }, "Save as new version");
  const results = h("div", { id: "results" });
  app().replaceChildren(
    h("h1", {}, sc.title || sc.id),
    h("div", { class: "row muted" }, h("span", {}, "id ", h("code", {}, sc.id)), sc.as_of ? h("span", {}, "as of " + sc.as_of) : null, verSel,
      sv.version !== latest ? h("span", {}, "(an older version: saving makes it the latest)") : null),
    sc.description ? h("p", {}, sc.description) : null,
    snapshotNote(sc),
    h("h2", {}, "Actors × issues"),
    h("p", { class: "muted" }, "Position on each issue's scale, salience 0–100. Ranges (low–high) feed sweeps and deal probabilities; sources are ids declared in the scenario."),
    h("label", {}, h("input", { type: "checkbox", id: "show-ranges", onchange: e => { $("#grid").classList.toggle("ranges", e.target.checked); renderGrid(); } }), " show ranges and sources"),
    h("div", { class: "grid-wrap" }, h("table", { class: "grid", id: "grid" })),
    h("div", { class: "row" }, saveBtn, saveMsg),
    h("h2", {}, "Run"),
    runForm(info, results, saveMsg),
    results,
    h("h2", {}, "Runs of this scenario"),
    h("div", { id: "scenario-runs" }));
  renderGrid();
  loadScenarioRuns(id);
}

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

// setEst updates one part (value, low, high, sources) of an estimate in place
// and returns the new estimate, bare when nothing but a value is left.
function setEst(e, part, raw) {
  const o = Object.assign({}, est(e) || { value: 0 });
  if (part === "sources") {
    const ids = raw.split(",").map(x => x.trim()).filter(Boolean);
    if (ids.length) o.sources = ids; else delete o.sources;
  } else if (raw === "") {
    if (part === "value") return null;
    delete o[part];
  } else {
    o[part] = Number(raw);
  }
  const keys = Object.keys(o);
  return keys.length === 1 && keys[0] === "value" ? o.value : o;
}

function numInput(attrs, e, part) {
  const o = est(e);
  const v = o && o[part] !== undefined ? o[part] : "";
  return h("input", Object.assign({ type: "number", step: "any", value: v }, attrs));
}

function renderGrid() {
  const sc = current.scenario;
  const ranges = $("#show-ranges") && $("#show-ranges").checked;
  const grid = $("#grid");
  const head = h("tr", {}, h("th", {}, "actor"), h("th", {}, "capability"),
    sc.issues.map(is => h("th", { class: "issue", title: is.description || "" }, is.name || is.id, h("div", { class: "muted" }, issueBounds(is).join("–")))));
  const rows = sc.actors.map((a, ai) => {
    const capCell = h("td", { class: "cell" }, estInputs(ai, "", "capability", a.capability, ranges));
    const cells = sc.issues.map(is => {
      const st = (a.stances || {})[is.id] || {};
      return h("td", { class: "cell" },
        h("span", {}, h("label", {}, "pos"), estInputs(ai, is.id, "position", st.position, ranges)),
        h("span", { class: "sub sal-block" }, h("label", {}, "sal"), estInputs(ai, is.id, "salience", st.salience, ranges)));
    });
    return h("tr", {}, h("td", {}, h("span", { class: "actor-name" }, a.name || a.id), h("div", { class: "muted" }, a.id, a.role && a.role !== "party" ? " · " + a.role : "", a.necessary ? " · necessary" : "")), capCell, cells);
  });
  grid.replaceChildren(head, ...rows);
}

function estInputs(ai, issue, field, e, ranges) {
  const data = { "data-actor": current.scenario.actors[ai].id, "data-issue": issue, "data-field": field };
  const mk = part => {
    const inp = numInput(Object.assign({ "data-part": part, title: field + " " + part }, data), e, part);
    inp.addEventListener("change", () => { edit(ai, issue, field, part, inp.value); inp.classList.add("changed"); });
    return inp;
  };
  const out = [mk("value")];
  if (ranges) {
    out.push(h("span", { class: "sub" }, h("label", {}, "low"), mk("low"), h("label", {}, " high"), mk("high")));
    const o = est(e);
    const src = h("input", Object.assign({ class: "src", "data-part": "sources", placeholder: "source ids", value: o && o.sources ? o.sources.join(", ") : "" }, data));
    src.addEventListener("change", () => { edit(ai, issue, field, "sources", src.value); src.classList.add("changed"); });
    out.push(h("span", { class: "sub" }, h("label", {}, "src"), src));
  }
  return out;
}

function edit(ai, issue, field, part, raw) {
  const a = current.scenario.actors[ai];
  current.dirty = true;
  if (field === "capability") {
    a.capability = setEst(a.capability, part, raw);
    return;
  }
  a.stances = a.stances || {};
  const st = a.stances[issue] || {};
  st[field] = setEst(st[field], part, raw);
  if (st[field] === null) delete st[field];
  if (st.position === undefined && st.salience === undefined) delete a.stances[issue];
  else a.stances[issue] = st;
}

// save saves the edited scenario as a new version and returns it.
async function save(msg) {
  const sc = current.scenario;
  document.querySelectorAll("#grid input.bad").forEach(i => i.classList.remove("bad"));
  try {
    const { data } = await api("PUT", "/api/scenarios/" + encodeURIComponent(sc.id), sc);
    current.dirty = false;
    current.sv.version = data.version;
    document.querySelectorAll("#grid input.changed").forEach(i => i.classList.remove("changed"));
    msg.replaceChildren(h("span", { class: "notice" }, "Saved version " + data.version));
    const sel = $("#version");
    if (sel) {
      sel.prepend(h("option", { value: data.version, selected: true }, "version " + data.version + " — " + when(data.created_at)));
    }
    return data;
  } catch (err) {
    showError(msg, err);
    for (const p of err.problems || []) {
      if (!p.actor) continue;
      const sel = `#grid input[data-actor="${CSS.escape(p.actor)}"][data-field="${CSS.escape(p.field || "")}"]` + (p.issue ? `[data-issue="${CSS.escape(p.issue)}"]` : "");
      document.querySelectorAll(sel).forEach(i => i.classList.add("bad"));
    }
    throw err;
  }
}

function runForm(info, results, saveMsg) {
  const models = h("div", { class: "row", id: "models" }, info.models.map(m =>
    h("label", { title: m.summary + "\n" + m.citation }, h("input", { type: "checkbox", name: "model", value: m.name, checked: info.default.includes(m.name) }), " " + m.name + (m.dynamic ? " (dynamic)" : ""))));
  const kind = h("select", { id: "kind" }, info.kinds.map(k => h("option", { value: k, selected: k === "forecast" }, k)));
  // Each kind preselects its default models, those of the CLI command
  // that computes the same (a levers run takes one).
  kind.addEventListener("change", () => {
    const def = (info.defaults || {})[kind.value];
    if (def) models.querySelectorAll("input").forEach(i => { i.checked = def.includes(i.value); });
    if (kind.value !== "levers") return;
    const checked = [...models.querySelectorAll("input:checked")];
    checked.slice(1).forEach(i => { i.checked = false; });
  });
  const num = (id, label, val, title) => h("label", { title }, label + " ", h("input", { type: "number", id, value: val, step: "any", min: 0 }));
  const sc = current.scenario;
  // With snapshots, "as of" picks the state a run uses (a timeline uses all).
  const asOf = sc.snapshots && sc.snapshots.length ? h("select", { id: "as-of", title: "the dated state the run uses" },
    [sc.as_of].concat(sc.snapshots.map(sn => sn.as_of)).map((d, i) => h("option", { value: i ? d : "" }, d + (i ? "" : " (the scenario)")))) : null;
  const syncAsOf = () => { if (asOf) asOf.disabled = kind.value === "timeline"; };
  kind.addEventListener("change", syncAsOf);
  syncAsOf();
  const btn = h("button", { class: "primary", id: "run" }, "Run");
  const status = h("span", { id: "run-status" });
  btn.addEventListener("click", async () => {
    btn.disabled = true;
    try {
      if (current.dirty) await save(saveMsg);
      const body = {
        scenario_id: current.scenario.id, version: current.sv.version, kind: kind.value,
        models: [...document.querySelectorAll("#models input:checked")].map(i => i.value),
      };
      for (const [id, key] of [["rounds", "rounds"], ["seed", "seed"], ["draws", "draws"], ["step", "step"]]) {
        const v = $("#" + id).value;
        if (v !== "") body[key] = Number(v);
      }
      if (asOf && !asOf.disabled && asOf.value) body.as_of = asOf.value;
      status.replaceChildren("running…");
      let { data: run } = await api("POST", "/api/runs", body);
      while (run.status === "queued" || run.status === "running") {
        status.replaceChildren(run.status + "… ", progressView(run));
        run = (await api("GET", "/api/runs/" + run.id + "?wait=1")).data;
      }
      status.replaceChildren(h("a", { href: "#/runs/" + run.id }, "run " + run.id), " ", h("span", { class: "status-" + run.status }, run.status));
      renderRun(results, run, current.scenario);
      loadScenarioRuns(current.scenario.id);
    } catch (err) {
      showError(results, err);
      status.replaceChildren();
    } finally {
      btn.disabled = false;
    }
  });
  return h("div", { class: "card" },
    h("div", { class: "row" }, h("label", {}, "kind ", kind), asOf ? h("label", {}, "as of ", asOf) : null, models),
    h("div", { class: "row", style: "margin-top:.5rem" },
      num("rounds", "rounds", "", "rounds of the dynamic models (empty: each model's default)"),
      num("seed", "seed", 1, "seed of stochastic models, sweeps and deal draws"),
      num("draws", "draws", "", "draws of a sweep or deal run (empty: default)"),
      num("step", "step", "", "perturbation of a levers run (empty: default)"),
      btn, status));
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
  app().replaceChildren(h("h1", {}, "Run history"), h("div", { class: "row" }, fScenario, fKind, fStatus), list);
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
  app().replaceChildren(
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
  const results = r.results || [];
  const models = results.map(x => x.model);
  const color = m => PALETTE[models.indexOf(m) % PALETTE.length];
  where.append(forecastTable(results, sc));
  where.append(h("div", { class: "legend" }, models.map(m => h("span", { style: "--c:" + color(m) }, m)), h("span", { style: "--c:#9aa4b2" }, "actors (area ∝ capability × salience)")));
  where.append(h("h3", {}, "Forecasts by model"), h("div", { class: "chart" }, dotPlot(results, sc, color)));
  where.append(h("h3", {}, run.kind === "sweep" ? "Positions, forecasts and 10–90% intervals by issue" : "Positions and forecasts by issue"));
  where.append(h("div", { class: "charts" }, sc.issues.map(is => issueChart(is, sc, results, color, run.kind === "sweep"))));
  if (run.kind === "sweep") {
    where.append(h("p", { class: "muted" }, `${r.completed} of ${r.draws} draws, seed ${r.seed}. Bars: 10–90% (thin) and 25–75% (thick) of the forecasts over the draws; dot: median.`));
  }
  for (const res of results) {
    if (res.rounds && res.rounds.length) {
      where.append(h("h3", {}, "Rounds of " + res.model));
      where.append(h("div", { class: "charts" }, sc.issues.map(is => roundsChart(is, sc, res))));
    }
    for (const n of res.notes || []) where.append(h("p", { class: "muted" }, res.model + ": " + n));
  }
}

function forecastTable(results, sc) {
  return h("table", { id: "forecast-table" },
    h("tr", {}, h("th", {}, "issue"), h("th", {}, "scale"), results.map(r => h("th", { class: "num" }, r.model))),
    sc.issues.map(is => h("tr", {},
      h("td", {}, is.name || is.id), h("td", {}, issueBounds(is).join("–")),
      results.map(r => {
        const f = r.issues.find(x => x.issue === is.id);
        return h("td", { class: "num", "data-model": r.model, "data-issue": is.id, title: f && f.anchor ? f.anchor : "" },
          f ? fmt(f.forecast) : "–", f && f.p10 !== undefined ? h("div", { class: "muted" }, fmt(f.p10) + "–" + fmt(f.p90)) : null);
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
  const H = ivTop + (intervals ? results.length * 12 : 0);
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

// hbars draws labelled horizontal bars for values in [min, max].
function hbars(rows, min, max, fmtv) {
  const W = 520, L = 200, rowH = 22, R = 60;
  const H = rows.length * rowH + 8;
  const x = v => L + (W - L - R) * (v - min) / ((max - min) || 1);
  const g = s("svg", { width: W, height: H, viewBox: `0 0 ${W} ${H}`, role: "img" });
  g.append(s("line", { x1: x(Math.max(min, 0)), x2: x(Math.max(min, 0)), y1: 0, y2: H, stroke: "#6b7280" }));
  rows.forEach((r, i) => {
    const y = 4 + i * rowH;
    const x0 = x(Math.max(min, 0)), x1 = x(r.value);
    g.append(s("text", { x: L - 6, y: y + 14, "text-anchor": "end", "font-size": 11 }, r.label),
      s("rect", { x: Math.min(x0, x1), y: y + 3, width: Math.max(1, Math.abs(x1 - x0)), height: rowH - 8, fill: r.color || (r.value < 0 ? "#d9480f" : "#1f5fbf") }, s("title", {}, r.label + ": " + fmtv(r.value))),
      s("text", { x: Math.max(x0, x1) + 4, y: y + 14, "font-size": 11 }, fmtv(r.value)));
  });
  return g;
}

function pct(v) { return (100 * v).toFixed(0) + "%"; }

function renderDeal(where, r, sc) {
  where.append(h("div", { class: "card" },
    h("div", { class: "muted" }, "Probability of a deal acceptable to every necessary party (" + (r.necessary || []).join(", ") + ")"),
    h("div", { class: "big", id: "deal-probability" }, pct(r.deal_probability)),
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
  }
  if (r.forecast_acceptable) {
    where.append(h("h3", {}, "Are the models' forecasts acceptable deals?"));
    where.append(h("table", {}, h("tr", {}, h("th", {}, "model"), h("th", {}, "acceptable"), h("th", {}, "rejected by"), h("th", { class: "num" }, "share of draws")),
      Object.entries(r.forecast_acceptable).map(([m, c]) => h("tr", {}, h("td", {}, m), h("td", {}, c.acceptable ? "yes" : "no"), h("td", {}, (c.rejected_by || []).join(", ")), h("td", { class: "num" }, pct(c.probability))))));
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
      if (l.issue !== is.id) continue;
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
    states.map(st => h("tr", {}, h("td", {}, st.as_of), h("td", { class: "num" }, fmt(100 * st.deal_probability, 1) + "%"), h("td", { class: "num" }, fmt(st.slack, 3)), h("td", { class: "num" }, st.hindsight)))));
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
    const series = models.map(m => ({ label: m, color: color(m), values: states.map(st => {
      const res = (st.results || []).find(x => x.model === m);
      const f = res && res.issues.find(q => q.issue === is.id);
      return f ? f.forecast : undefined;
    }) }));
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
      g.append(s("circle", { cx: x(ts[i]), cy: y(v), r: 3.5, fill: se.color, stroke: "#fff" }, s("title", {}, `${se.label}, ${dates[i]}: ${fmtv(v)}`)));
    });
  }
  return g;
}
