// jirga web UI: the scenario editor. Every field of the scenario format is
// edited here, in tabs (the actors × issues grid, issues, actors, sources,
// interventions, snapshots, the scenario's own fields, versions); the panel
// beside them edits the range, distribution, sources and note of the
// selected estimate. The draft is checked by the server (POST
// /api/validate) as the analyst types, and its problems are marked at the
// cells they belong to, with the CLI's messages. Saving makes a new version.
"use strict";

const ROLES = ["party", "mediator", "guarantor", "observer"];
const DISTS = ["", "triangular", "uniform", "normal"];
const STANCE_FIELDS = ["position", "salience", "reservation", "power"];
const CHANGE_FIELDS = ["capability", "position", "salience", "reservation", "power"];
const REVISION_FIELDS = ["status_quo", "capability", "position", "salience", "reservation", "power"];
const ID_RE = /^[A-Za-z0-9][A-Za-z0-9_.:+-]{0,63}$/;
const SHORT = { position: "pos", salience: "sal", reservation: "res", power: "pow", value: "value", low: "low", high: "high", sources: "src" };

// ed is the editor's state: the scenario version shown (sv, null for a new
// scenario), its draft being edited, the current tab, the selected estimate
// (sel: its path, a label, and the stance path for a stance's notes), the
// problems and warnings of the last check, and the grid's columns.
let ed = null;

// ---- paths into the scenario ----------------------------------------

// pathStr writes a path as the server's problems name it:
// ["actors", 0, "stances", "merger", "salience"] → actors[0].stances.merger.salience.
function pathStr(p) {
  let s = "";
  for (const k of p) s += typeof k === "number" ? "[" + k + "]" : (s ? "." : "") + k;
  return s;
}

function getAt(o, p) {
  for (const k of p) {
    if (o === null || o === undefined) return undefined;
    o = o[k];
  }
  return o;
}

// setAt sets the value at path p, creating objects on the way; undefined
// deletes the key.
function setAt(o, p, v) {
  for (let i = 0; i < p.length - 1; i++) {
    if (o[p[i]] === undefined || o[p[i]] === null) o[p[i]] = typeof p[i + 1] === "number" ? [] : {};
    o = o[p[i]];
  }
  const last = p[p.length - 1];
  if (v === undefined) delete o[last];
  else o[last] = v;
}

// parseNum reads a number typed or pasted into a cell: "" is no number
// (undefined); text that is not a number is kept as text, so that the server
// names it at its cell with the CLI's message.
function parseNum(raw) {
  const t = String(raw).trim();
  if (t === "") return undefined;
  const x = Number(t);
  return isFinite(x) && /^[-+]?(\d+\.?\d*|\.\d+)([eE][-+]?\d+)?$/.test(t) ? x : t;
}

function numText(v) {
  return v === undefined || v === null ? "" : String(v);
}

// compactEst drops the empty parts of an estimate and returns it bare when
// only its value is left, as the format writes it.
function compactEst(o) {
  for (const k of Object.keys(o)) {
    const v = o[k];
    if (v === undefined || v === false || (Array.isArray(v) && !v.length) || (k !== "value" && v === "")) delete o[k];
  }
  const keys = Object.keys(o);
  if (!keys.length) return undefined;
  return keys.length === 1 && keys[0] === "value" ? o.value : o;
}

function setEstPart(path, part, v) {
  const o = Object.assign({}, est(getAt(ed.draft, path)) || {});
  if (v === undefined) delete o[part];
  else o[part] = v;
  setAt(ed.draft, path, compactEst(o));
  tidyStance(path);
}

// tidyStance removes a stance left empty by an edit.
function tidyStance(path) {
  if (path[0] !== "actors" || path[2] !== "stances" || path.length < 4) return;
  const st = getAt(ed.draft, path.slice(0, 4));
  if (st && !Object.keys(st).length) delete ed.draft.actors[path[1]].stances[path[3]];
}

// estText describes an estimate beyond its value, for titles and the diff.
function estText(e) {
  const o = est(e);
  if (!o) return "";
  const parts = [];
  if (o.low !== undefined || o.high !== undefined) parts.push(numText(o.low) + "–" + numText(o.high));
  if (o.dist) parts.push(o.dist + (o.sd !== undefined ? " sd " + o.sd : ""));
  if (o.sources && o.sources.length) parts.push("sources " + o.sources.join(", "));
  if (o.judgement) parts.push("judgement");
  if (o.hindsight) parts.push("hindsight");
  if (o.note) parts.push("“" + o.note + "”");
  return parts.join("; ");
}

function fmtEst(e) {
  const o = est(e);
  if (!o) return "—";
  const rest = estText(o);
  return numText(o.value) + (rest ? " (" + rest + ")" : "");
}

// ---- page ------------------------------------------------------------

// editorPage shows a stored scenario (version 0: the latest) in the editor.
async function editorPage(id, version) {
  const q = version ? "?version=" + version : "";
  const [{ data: sv }, { data: vs }, info] = await Promise.all([
    api("GET", "/api/scenarios/" + encodeURIComponent(id) + q),
    api("GET", "/api/scenarios/" + encodeURIComponent(id) + "/versions"),
    loadModels(),
  ]);
  openEditor({ sv, versions: vs.versions, draft: structuredClone(sv.scenario), info });
}

// newPage starts a new scenario: from nothing, from a skeleton, or as a
// copy of a stored scenario.
async function newPage() {
  const { data } = await api("GET", "/api/scenarios");
  const idIn = h("input", { id: "new-id", required: true, pattern: ID_RE.source, placeholder: "e.g. water-talks-2025", "aria-describedby": "new-id-help" });
  const titleIn = h("input", { id: "new-title", placeholder: "what the negotiation is about", size: 40 });
  const tpl = h("select", { id: "new-template" },
    h("option", { value: "blank" }, "nothing: no issues, no actors"),
    h("option", { value: "bilateral" }, "two parties and a mediator on one issue (no numbers)"),
    data.scenarios.length ? h("optgroup", { label: "a copy of a stored scenario" },
      data.scenarios.map(sv => h("option", { value: "copy:" + sv.id }, sv.id + (sv.title ? " — " + sv.title : "")))) : null);
  const msg = h("div", { role: "status" });
  const start = async () => {
    const id = idIn.value.trim();
    if (!ID_RE.test(id)) {
      msg.replaceChildren(h("div", { class: "error" }, "The id must be 1–64 letters, digits or _.:+- and start with a letter or digit."));
      idIn.focus();
      return;
    }
    if (data.scenarios.some(sv => sv.id === id)) {
      msg.replaceChildren(h("div", { class: "error" }, "A scenario with the id " + id + " exists: choose another id."));
      idIn.focus();
      return;
    }
    let draft;
    if (tpl.value.startsWith("copy:")) {
      const { data: sv } = await api("GET", "/api/scenarios/" + encodeURIComponent(tpl.value.slice(5)));
      draft = structuredClone(sv.scenario);
    } else {
      draft = skeleton(tpl.value);
    }
    draft.id = id;
    if (titleIn.value.trim()) draft.title = titleIn.value.trim();
    openEditor({ sv: null, versions: [], draft, info: await loadModels() });
  };
  put(app(),
    h("h1", {}, "New scenario"),
    h("div", { class: "card form" },
      h("label", { for: "new-id" }, "Id"), h("div", {}, idIn, h("div", { class: "muted", id: "new-id-help" }, "1–64 letters, digits or _.:+-; a scenario keeps its id.")),
      h("label", { for: "new-title" }, "Title"), titleIn,
      h("label", { for: "new-template" }, "Start from"), tpl,
      h("span"), h("div", {}, h("button", { class: "primary", id: "new-start", onclick: () => start().catch(err => showError(msg, err)) }, "Start editing"))),
    msg,
    h("p", { class: "muted" }, "Nothing is stored until you create the scenario in the editor; its problems are shown as you type."));
  idIn.focus();
}

// skeleton returns the starting draft of a template.
function skeleton(kind) {
  if (kind === "bilateral") {
    return {
      id: "", issues: [{ id: "issue1", name: "the issue" }],
      actors: [
        { id: "party-a", name: "Party A", role: "party", necessary: true, stances: {} },
        { id: "party-b", name: "Party B", role: "party", necessary: true, stances: {} },
        { id: "mediator", name: "Mediator", role: "mediator", stances: {} },
      ],
    };
  }
  return { id: "", issues: [], actors: [] };
}

function openEditor({ sv, versions, draft, info }) {
  draft.issues = draft.issues || [];
  draft.actors = draft.actors || [];
  for (const a of draft.actors) a.stances = a.stances || {};
  const hasPower = draft.actors.some(a => Object.values(a.stances).some(st => st.power !== undefined));
  const prev = ed && ed.draft.id === draft.id ? ed : null;
  ed = {
    sv, versions, draft, info, isNew: !sv,
    tab: prev ? prev.tab : "grid",
    fields: prev ? prev.fields : { position: true, salience: true, reservation: true, power: hasPower },
    ranges: prev ? prev.ranges : false,
    sel: null, problems: [], warnings: [], open: new Set(), seq: 0, timer: null, dirty: !sv,
  };
  // current is what the run form (app.js) reads.
  current = { sv: sv || { version: 0 }, scenario: draft, dirty: ed.dirty };
  const latest = versions.length ? versions[versions.length - 1].version : 0;
  const verSel = sv ? h("select", {
    id: "version", "aria-label": "version shown",
    onchange: e => { location.hash = "#/s/" + encodeURIComponent(sv.id) + "/" + e.target.value; },
  }, versions.slice().reverse().map(v => h("option", { value: v.version, selected: v.version === sv.version }, "version " + v.version + " — " + when(v.created_at)))) : null;
  const results = h("div", { id: "results" });
  const saveMsg = h("div", { id: "save-msg", role: "status" });
  const saveBtn = h("button", { id: "save", class: "primary", onclick: () => save(saveMsg).catch(() => {}) }, sv ? "Save as new version" : "Create scenario");
  const discard = h("button", { id: "discard", onclick: () => { if (sv) editorPage(sv.id, sv.version).catch(err => showError(app(), err)); else newPage(); } }, "Discard changes");
  const tabs = h("div", { class: "tabs", role: "tablist", "aria-label": "parts of the scenario" });
  put(app(),
    h("h1", { id: "scenario-title" }, draft.title || draft.id || "New scenario"),
    h("div", { class: "row muted" }, h("span", {}, "id ", h("code", {}, draft.id)), draft.as_of ? h("span", {}, "as of " + draft.as_of) : null, verSel,
      sv && sv.version !== latest ? h("span", {}, "(an older version: saving makes it the latest)") : null,
      sv ? null : h("span", { class: "badge" }, "not saved yet")),
    draft.description ? h("p", { id: "scenario-description" }, draft.description) : null,
    snapshotNote(draft),
    h("div", { class: "editor-bar" }, saveBtn, discard, h("span", { id: "dirty", class: "muted" }), h("span", { id: "check", role: "status", "aria-live": "polite" }), saveMsg),
    tabs,
    h("div", { class: "editor" },
      h("section", { id: "tabpanel", role: "tabpanel", tabindex: "-1" }),
      h("aside", { id: "details", "aria-label": "the selected estimate" })),
    h("div", { id: "problems", "aria-live": "polite" }),
    sv ? [h("h2", {}, "Run"), runForm(info, results, saveMsg), results, h("h2", {}, "Runs of this scenario"), h("div", { id: "scenario-runs" })]
      : h("p", { class: "notice" }, "Create the scenario to run forecasts, deals and reports on it."));
  renderTabs();
  renderTab();
  renderPanel();
  markDirty(ed.dirty);
  if (sv) loadScenarioRuns(sv.id);
  scheduleCheck(0);
}

const TABS = [
  ["grid", "Actors × issues"], ["issues", "Issues"], ["actors", "Actors"], ["sources", "Sources"],
  ["interventions", "Interventions"], ["snapshots", "Snapshots"], ["scenario", "Scenario"], ["versions", "Versions"],
];

// PANEL_TABS are the tabs with estimates, beside which the panel is shown.
const PANEL_TABS = ["grid", "issues", "actors", "snapshots"];

// tabOf is the tab where the field at a problem's path is edited.
function tabOf(path) {
  if (/^actors\[\d+\]\.stances/.test(path)) return "grid";
  const head = path.split(/[.[]/)[0];
  return { issues: "issues", actors: "actors", sources: "sources", interventions: "interventions", snapshots: "snapshots" }[head] || "scenario";
}

function renderTabs() {
  const tabs = $(".tabs");
  const count = (name, list) => list.filter(p => tabOf(p.path || "") === name).length;
  const sc = ed.draft;
  const n = { issues: sc.issues.length, actors: sc.actors.length, sources: (sc.sources || []).length, interventions: (sc.interventions || []).length, snapshots: (sc.snapshots || []).length };
  // The buttons are made once and updated, so that they keep the focus
  // (and a click that lands while the check redraws them).
  if (!tabs.children.length) {
    tabs.append(...TABS.map(([name]) => h("button", { role: "tab", id: "tab-" + name, "aria-controls": "tabpanel", onclick: () => switchTab(name) })));
  }
  for (const [name, label] of TABS) {
    const b = $("#tab-" + name);
    const bad = count(name, ed.problems), warn = count(name, ed.warnings);
    b.setAttribute("aria-selected", String(ed.tab === name));
    b.tabIndex = ed.tab === name ? 0 : -1;
    b.className = ed.tab === name ? "active" : "";
    put(b, label, n[name] !== undefined ? h("span", { class: "count" }, n[name]) : null,
      bad ? h("span", { class: "badge bad", title: bad + " problem" + (bad > 1 ? "s" : "") }, bad) : null,
      !bad && warn ? h("span", { class: "badge warn", title: warn + " warning" + (warn > 1 ? "s" : "") }, warn) : null);
  }
  // Arrow keys move between tabs (the ARIA tabs pattern).
  tabs.onkeydown = e => {
    const i = TABS.findIndex(([name]) => name === ed.tab);
    let j = -1;
    if (e.key === "ArrowRight") j = (i + 1) % TABS.length;
    else if (e.key === "ArrowLeft") j = (i + TABS.length - 1) % TABS.length;
    else if (e.key === "Home") j = 0;
    else if (e.key === "End") j = TABS.length - 1;
    if (j < 0) return;
    e.preventDefault();
    switchTab(TABS[j][0]);
    $("#tab-" + TABS[j][0]).focus();
  };
}

function switchTab(name) {
  ed.tab = name;
  renderTabs();
  renderTab();
}

// renderTab draws the current tab, keeping the focus on the control it was
// on (by its path) across the redraw.
function renderTab() {
  const panel = $("#tabpanel");
  const active = document.activeElement;
  const keep = active && panel.contains(active) && active.dataset.key ? active.dataset.key : null;
  panel.setAttribute("aria-labelledby", "tab-" + ed.tab);
  // The estimate panel stays beside the tabs that show estimates.
  $(".editor").classList.toggle("no-panel", !PANEL_TABS.includes(ed.tab));
  const draw = { grid: gridTab, issues: issuesTab, actors: actorsTab, sources: sourcesTab, interventions: interventionsTab, snapshots: snapshotsTab, scenario: scenarioTab, versions: versionsTab }[ed.tab];
  panel.replaceChildren();
  append(panel, [draw()]);
  for (const t of panel.querySelectorAll("table.kgrid")) kgrid(t);
  markProblems();
  if (keep) {
    const el = panel.querySelector(`[data-key="${CSS.escape(keep)}"]`);
    if (el) el.focus();
  }
}

// edited records an edit: the draft differs from the saved version, and the
// server checks it again shortly.
function edited(redraw) {
  markDirty(true);
  if (redraw) {
    renderTab();
    renderTabs();
  }
  scheduleCheck(400);
}

function markDirty(d) {
  ed.dirty = d;
  current.dirty = d;
  const el = $("#dirty");
  if (el) el.textContent = d && ed.sv ? "unsaved changes" : "";
  const btn = $("#save");
  // Saving an unchanged scenario would only repeat the version.
  if (btn) btn.disabled = !d;
  const title = $("#scenario-title");
  if (title) title.textContent = ed.draft.title || ed.draft.id || "New scenario";
}

// ---- controls ----------------------------------------------------------

// ctl builds a text input bound to a path of the draft. kind "num" reads a
// number, "id" renames (see rename), "list" reads comma-separated ids.
function ctl(path, opts = {}) {
  const v = getAt(ed.draft, path);
  const kind = opts.kind || "text";
  const shown = kind === "list" ? (v || []).join(", ") : numText(v);
  const attrs = Object.assign({
    class: "k" + (kind === "num" ? " num" : "") + (opts.cls ? " " + opts.cls : ""), value: shown, "data-path": pathStr(path), "data-key": pathStr(path),
    "aria-label": opts.label, spellcheck: kind === "text" ? null : "false", autocomplete: "off",
  }, kind === "num" ? { inputmode: "decimal" } : {}, opts.attrs || {});
  if (opts.area) attrs.rows = Math.min(10, Math.max(2, Math.ceil(shown.length / 90) + shown.split("\n").length));
  const inp = h(opts.area ? "textarea" : "input", attrs);
  if (opts.area) inp.value = shown;
  inp.addEventListener("change", () => {
    const raw = inp.value;
    if (kind === "id") {
      rename(path, raw.trim());
      edited(true);
      return;
    }
    let val;
    if (kind === "num") val = parseNum(raw);
    else if (kind === "list") {
      const ids = raw.split(/[,\s]+/).map(x => x.trim()).filter(Boolean);
      val = ids.length ? ids : undefined;
    } else val = raw === "" ? undefined : raw;
    setAt(ed.draft, path, val);
    if (opts.after) opts.after(val);
    edited(opts.redraw);
  });
  return inp;
}

function checkbox(path, label, opts = {}) {
  const inp = h("input", { type: "checkbox", class: "k", checked: !!getAt(ed.draft, path), "data-path": pathStr(path), "data-key": pathStr(path), "aria-label": label });
  inp.addEventListener("change", () => {
    setAt(ed.draft, path, inp.checked ? true : undefined);
    edited(opts.redraw);
  });
  return inp;
}

function selectCtl(path, choices, label, opts = {}) {
  const v = getAt(ed.draft, path) || "";
  const sel = h("select", { class: "k", "data-path": pathStr(path), "data-key": pathStr(path), "aria-label": label },
    choices.map(c => Array.isArray(c) ? h("option", { value: c[0], selected: c[0] === v }, c[1]) : h("option", { value: c, selected: c === v }, c)));
  if (v && !choices.some(c => (Array.isArray(c) ? c[0] : c) === v)) sel.append(h("option", { value: v, selected: true }, v));
  sel.addEventListener("change", () => {
    setAt(ed.draft, path, sel.value === "" ? undefined : sel.value);
    if (opts.after) opts.after(sel.value);
    edited(opts.redraw);
  });
  return sel;
}

// estCtl is the input of one part (value, low, high, sources) of the
// estimate at path; focusing it selects the estimate for the panel.
function estCtl(path, part, label, stance) {
  const e = est(getAt(ed.draft, path));
  const shown = part === "sources" ? ((e && e.sources) || []).join(", ") : numText(e ? e[part] : undefined);
  const p = pathStr(path);
  const inp = h("input", {
    class: "k est" + (part === "sources" ? " src" : " num"), value: shown, "data-path": p, "data-part": part,
    "data-key": p + "#" + part, "aria-label": label + (part === "value" ? "" : " " + part), autocomplete: "off", spellcheck: "false",
    inputmode: part === "sources" ? null : "decimal",
  });
  inp.addEventListener("focus", () => select(path, label, stance));
  inp.addEventListener("change", () => {
    let v;
    if (part === "sources") {
      const ids = inp.value.split(/[,\s]+/).map(x => x.trim()).filter(Boolean);
      v = ids.length ? ids : undefined;
    } else v = parseNum(inp.value);
    setEstPart(path, part, v);
    inp.classList.add("changed");
    refresh(path);
    edited(false);
  });
  return inp;
}

// flags marks what an estimate has beyond its value: a range (±), sources
// (§ and their number), judgement (J), hindsight (H), a note (✎).
function flags(path) {
  const o = est(getAt(ed.draft, path));
  const f = [];
  if (o) {
    if (o.low !== undefined || o.high !== undefined || o.dist) f.push("±");
    if (o.sources && o.sources.length) f.push("§");
    if (o.judgement) f.push("J");
    if (o.hindsight) f.push("H");
    if (o.note) f.push("✎");
  }
  return h("span", { class: "flags", "data-flags": pathStr(path), title: o ? estText(o) : "", "aria-hidden": "true" }, f.join(""));
}

// refresh shows the estimate at path again wherever it is displayed (the
// grid and the issues tab show a status quo, the panel the selection).
function refresh(path, redrawPanel = true) {
  const p = pathStr(path);
  const o = est(getAt(ed.draft, path));
  for (const inp of document.querySelectorAll(`input.est[data-path="${CSS.escape(p)}"]`)) {
    if (inp === document.activeElement) continue;
    const part = inp.dataset.part;
    inp.value = part === "sources" ? ((o && o.sources) || []).join(", ") : numText(o ? o[part] : undefined);
  }
  for (const f of document.querySelectorAll(`[data-flags="${CSS.escape(p)}"]`)) f.replaceWith(flags(path));
  if (redrawPanel && ed.sel && pathStr(ed.sel.path) === p) renderPanel();
}

function estCell(path, label, stance) {
  return h("td", { class: "cell" }, estCtl(path, "value", label, stance), flags(path));
}

function removeBtn(label, fn) {
  return h("button", { class: "icon", type: "button", title: label, "aria-label": label, onclick: () => { fn(); edited(true); } }, "✕");
}

function moveBtns(list, i, what) {
  const mv = d => () => {
    const j = i + d;
    if (j < 0 || j >= list.length) return;
    [list[i], list[j]] = [list[j], list[i]];
    edited(true);
  };
  return [
    h("button", { class: "icon", type: "button", title: "move " + what + " up", "aria-label": "move " + what + " up", disabled: i === 0, onclick: mv(-1) }, "↑"),
    h("button", { class: "icon", type: "button", title: "move " + what + " down", "aria-label": "move " + what + " down", disabled: i === list.length - 1, onclick: mv(1) }, "↓"),
  ];
}

// freshID returns prefix1, prefix2, … the first not in used.
function freshID(prefix, used) {
  for (let n = 1; ; n++) if (!used.includes(prefix + n)) return prefix + n;
}

// ---- renames and removals keep references whole ------------------------

// rename sets the id at path and, when it names an actor, an issue or a
// source, renames every reference to it (stances, changes, revisions,
// cited sources). A new id that another of its kind has is set as typed and
// left for the check to report: merging two would lose data.
function rename(path, to) {
  const from = getAt(ed.draft, path);
  setAt(ed.draft, path, to === "" ? undefined : to);
  if (!from || from === to || !to) return;
  const sc = ed.draft;
  const kind = path[0];
  const taken = list => list.filter((x, i) => i !== path[1]).some(x => x && x.id === to);
  if (path.length !== 3 || path[2] !== "id") return;
  if (kind === "issues" && !taken(sc.issues)) {
    for (const a of sc.actors) {
      if (a.stances && a.stances[from] !== undefined) {
        a.stances[to] = a.stances[from];
        delete a.stances[from];
      }
    }
    forRefs(r => { if (r.issue === from) r.issue = to; });
  } else if (kind === "actors" && !taken(sc.actors)) {
    forRefs(r => { if (r.actor === from) r.actor = to; });
  } else if (kind === "sources" && !taken(sc.sources || [])) {
    walk(sc, o => {
      if (Array.isArray(o.sources)) o.sources = o.sources.map(s => s === from ? to : s);
    });
  }
}

// forRefs calls f on every change and revision (they refer to actors and
// issues by id).
function forRefs(f) {
  for (const iv of ed.draft.interventions || []) for (const ch of iv.changes || []) f(ch);
  for (const sn of ed.draft.snapshots || []) for (const rv of sn.revisions || []) f(rv);
}

// walk calls f on every object in v.
function walk(v, f) {
  if (Array.isArray(v)) v.forEach(x => walk(x, f));
  else if (v && typeof v === "object") {
    f(v);
    for (const x of Object.values(v)) walk(x, f);
  }
}

function removeIssue(k) {
  const sc = ed.draft;
  const id = sc.issues[k].id;
  sc.issues.splice(k, 1);
  for (const a of sc.actors) if (a.stances) delete a.stances[id];
  dropRefs(r => r.issue === id);
}

function removeActor(i) {
  const sc = ed.draft;
  const id = sc.actors[i].id;
  sc.actors.splice(i, 1);
  dropRefs(r => r.actor === id);
}

// dropRefs removes the changes and revisions that refer to a removed actor
// or issue.
function dropRefs(gone) {
  for (const iv of ed.draft.interventions || []) iv.changes = (iv.changes || []).filter(ch => !gone(ch));
  for (const sn of ed.draft.snapshots || []) {
    sn.revisions = (sn.revisions || []).filter(rv => !gone(rv));
    if (!sn.revisions.length) delete sn.revisions;
  }
}

function addIssue() {
  const sc = ed.draft;
  sc.issues.push({ id: freshID("issue", sc.issues.map(x => x.id)) });
  return sc.issues.length - 1;
}

function addActor() {
  const sc = ed.draft;
  sc.actors.push({ id: freshID("actor", sc.actors.map(x => x.id)), stances: {} });
  return sc.actors.length - 1;
}

// ---- the actors × issues grid ----------------------------------------

function gridTab() {
  const sc = ed.draft;
  const tools = h("div", { class: "row tools" },
    h("fieldset", { class: "inline" }, h("legend", {}, "Columns"),
      STANCE_FIELDS.map(f => h("label", {}, h("input", {
        type: "checkbox", id: "col-" + f, checked: ed.fields[f],
        onchange: e => { ed.fields[f] = e.target.checked; renderTab(); },
      }), " " + f))),
    h("label", {}, h("input", { type: "checkbox", id: "show-ranges", checked: ed.ranges, onchange: e => { ed.ranges = e.target.checked; renderTab(); } }), " show ranges and sources"),
    h("button", { type: "button", id: "grid-add-actor", onclick: () => { const i = addActor(); edited(true); focusKey(pathStr(["actors", i, "id"]), "actors"); } }, "Add actor"),
    h("button", { type: "button", id: "grid-add-issue", onclick: () => { const k = addIssue(); edited(true); focusKey(pathStr(["issues", k, "id"]), "issues"); } }, "Add issue"));
  const help = h("p", { class: "muted" }, "Each row is an actor, each column an estimate on an issue's scale (salience 0–100). ",
    "Type a number; Enter or the arrows move between cells, Esc undoes the cell; paste a block copied from a spreadsheet. ",
    "Select a cell to edit its range, distribution, sources and note in the panel. Marks: ± range, § sources, J judgement, H hindsight, ✎ note.");
  if (!sc.issues.length || !sc.actors.length) {
    return [help, tools, h("p", { class: "notice", id: "grid-empty" }, !sc.issues.length && !sc.actors.length ? "No issues and no actors yet: add an issue and an actor to start."
      : !sc.issues.length ? "No issues yet: add one." : "No actors yet: add one.")];
  }
  const fields = STANCE_FIELDS.filter(f => ed.fields[f]);
  const parts = ed.ranges ? ["value", "low", "high", "sources"] : ["value"];
  const rowsHead = ed.ranges ? 3 : 2;
  let c = 0;
  const head1 = h("tr", {}, h("th", { rowspan: rowsHead, scope: "col" }, "actor"), h("th", { colspan: parts.length, rowspan: ed.ranges ? 2 : rowsHead, scope: "colgroup" }, "capability"));
  const head2 = h("tr");
  const head3 = ed.ranges ? h("tr", {}, parts.map(p => h("th", { class: "part" }, SHORT[p]))) : null;
  for (const is of sc.issues) {
    head1.append(h("th", { class: "issue", colspan: Math.max(1, fields.length * parts.length), scope: "colgroup", title: is.description || "" },
      is.name || is.id, h("div", { class: "muted" }, issueBounds(is).join("–"))));
    if (!fields.length) { head2.append(h("th")); continue; }
    for (const f of fields) {
      head2.append(h("th", { class: "field", colspan: parts.length, title: f }, SHORT[f]));
      if (head3) for (const p of parts) head3.append(h("th", { class: "part" }, SHORT[p]));
    }
  }
  const cellFor = (path, label, part, attrs, stance) => {
    const inp = estCtl(path, part, label, stance);
    Object.assign(inp.dataset, attrs);
    inp.dataset.c = String(c++);
    return h("td", { class: "cell" }, inp, part === "value" && !ed.ranges ? flags(path) : null);
  };
  // The status quo of each issue, above the actors, in its position column.
  c = 0;
  const sq = h("tr", { class: "sq" }, h("th", { scope: "row", title: "the outcome if there is no agreement; the default reservation" }, "status quo"),
    parts.map(() => { c++; return h("td"); }));
  for (const is of sc.issues) {
    const k = sc.issues.indexOf(is);
    for (const f of fields) {
      for (const p of parts) {
        if (f === "position") sq.append(cellFor(["issues", k, "status_quo"], "status quo of " + (is.name || is.id), p, { issue: is.id, field: "status_quo", part: p }));
        else { c++; sq.append(h("td")); }
      }
    }
  }
  const rows = sc.actors.map((a, ai) => {
    c = 0;
    const tr = h("tr", {}, h("th", { scope: "row", class: "actor", "data-path": pathStr(["actors", ai]) },
      h("span", { class: "actor-name" }, a.name || a.id || "(no id)"),
      h("div", { class: "muted" }, a.id, a.role && a.role !== "party" ? " · " + a.role : "", a.necessary ? " · necessary" : "")));
    for (const p of parts) tr.append(cellFor(["actors", ai, "capability"], (a.name || a.id) + " capability", p, { actor: a.id, issue: "", field: "capability", part: p }));
    for (const is of sc.issues) {
      for (const f of fields) {
        for (const p of parts) {
          const st = ["actors", ai, "stances", is.id];
          tr.append(cellFor([...st, f], `${a.name || a.id} ${f} on ${is.name || is.id}`, p, { actor: a.id, issue: is.id, field: f, part: p }, st));
        }
      }
    }
    return tr;
  });
  const table = h("table", { class: "grid kgrid" + (ed.ranges ? " ranges" : ""), id: "grid" },
    h("thead", {}, head1, head2, head3), h("tbody", {}, sq, rows));
  return [help, tools, h("div", { class: "grid-wrap" }, table)];
}

// focusKey switches to tab (if given) and focuses the control with key.
function focusKey(key, tab) {
  if (tab && ed.tab !== tab) switchTab(tab);
  const el = document.querySelector(`[data-key="${CSS.escape(key)}"]`);
  if (el) {
    el.focus();
    if (el.select) el.select();
  }
}

// ---- issues ----------------------------------------------------------

function issuesTab() {
  const sc = ed.draft;
  const rows = [];
  sc.issues.forEach((is, k) => {
    const p = ["issues", k];
    const open = ed.open.has("issue:" + k);
    const label = is.name || is.id || "issue " + (k + 1);
    rows.push(h("tr", { "data-path": pathStr(p) },
      h("td", { class: "nowrap" }, moveBtns(sc.issues, k, "issue " + label)),
      h("td", {}, ctl([...p, "id"], { kind: "id", label: "id of issue " + (k + 1), cls: "id" })),
      h("td", {}, ctl([...p, "name"], { label: "name of " + label, redraw: false })),
      h("td", {}, ctl([...p, "scale", "min"], { kind: "num", label: "scale min of " + label, attrs: { placeholder: "0" }, after: () => tidyScale(k) })),
      h("td", {}, ctl([...p, "scale", "max"], { kind: "num", label: "scale max of " + label, attrs: { placeholder: "100" }, after: () => tidyScale(k) })),
      estCell([...p, "status_quo"], "status quo of " + label),
      h("td", {}, ctl([...p, "outcome"], { kind: "num", label: "outcome of " + label })),
      h("td", {}, h("button", {
        type: "button", class: "linkish", "aria-expanded": String(open), "aria-label": "anchors, description and attributes of " + label,
        onclick: () => { if (open) ed.open.delete("issue:" + k); else ed.open.add("issue:" + k); renderTab(); },
      }, (is.anchors || []).length + " anchors" + (open ? " ▴" : " ▾"))),
      h("td", {}, removeBtn("remove issue " + label, () => removeIssue(k)))));
    if (open) rows.push(h("tr", { class: "sub" }, h("td"), h("td", { colspan: 8 }, issueDetails(k))));
  });
  return [
    h("p", { class: "muted" }, "The dimensions of the negotiation: each has a scale (default 0–100) whose ends the anchors name, a status quo (the outcome without agreement), and for backtests the outcome."),
    h("div", { class: "grid-wrap" }, h("table", { class: "kgrid form-table", id: "issues" },
      h("thead", {}, h("tr", {}, ["", "id", "name", "scale min", "scale max", "status quo", "outcome", "more", ""].map(x => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows))),
    h("button", { type: "button", id: "add-issue", onclick: () => { const k = addIssue(); edited(true); focusKey(pathStr(["issues", k, "id"])); } }, "Add issue"),
  ];
}

// tidyScale drops a scale left with neither end.
function tidyScale(k) {
  const is = ed.draft.issues[k];
  if (is.scale && is.scale.min === undefined && is.scale.max === undefined) delete is.scale;
}

function issueDetails(k) {
  const is = ed.draft.issues[k];
  const p = ["issues", k];
  const anchors = is.anchors || [];
  return h("div", { class: "details-grid" },
    h("label", {}, "Description", ctl([...p, "description"], { label: "description of " + (is.name || is.id), area: true })),
    h("div", {}, h("div", { class: "sublabel" }, "Anchors: labelled points of the scale"),
      h("table", { class: "kgrid" }, h("tbody", {}, anchors.map((an, j) => h("tr", {},
        h("td", {}, ctl([...p, "anchors", j, "at"], { kind: "num", label: "anchor " + (j + 1) + " at" })),
        h("td", {}, ctl([...p, "anchors", j, "label"], { label: "anchor " + (j + 1) + " label", attrs: { size: 36 } })),
        h("td", {}, removeBtn("remove anchor " + (j + 1), () => { anchors.splice(j, 1); if (!anchors.length) delete is.anchors; })))))),
      h("button", { type: "button", onclick: () => { is.anchors = anchors; anchors.push({ at: 0, label: "" }); edited(true); } }, "Add anchor")),
    attributesEditor([...p, "attributes"], "attributes of " + (is.name || is.id)));
}

// attributesEditor edits a map of free key/value text.
function attributesEditor(path, label) {
  const m = getAt(ed.draft, path) || {};
  const keys = Object.keys(m);
  const setKey = (old, nu) => {
    const o = {};
    for (const k of Object.keys(m)) o[k === old ? nu : k] = m[k];
    setAt(ed.draft, path, Object.keys(o).length ? o : undefined);
  };
  return h("div", {}, h("div", { class: "sublabel" }, "Attributes (free key/value text)"),
    h("table", { class: "kgrid" }, h("tbody", {}, keys.map(k => {
      const key = h("input", { class: "k", value: k, "aria-label": label + " key", "data-key": pathStr(path) + "#k#" + k });
      key.addEventListener("change", () => { setKey(k, key.value.trim()); edited(true); });
      return h("tr", {}, h("td", {}, key), h("td", {}, ctl([...path, k], { label: label + " " + k })),
        h("td", {}, removeBtn("remove attribute " + k, () => { delete m[k]; setAt(ed.draft, path, Object.keys(m).length ? m : undefined); })));
    }))),
    h("button", { type: "button", onclick: () => { const k = freshID("key", keys); setAt(ed.draft, path, Object.assign({}, m, { [k]: "" })); edited(true); } }, "Add attribute"));
}

// ---- actors ----------------------------------------------------------

function actorsTab() {
  const sc = ed.draft;
  const rows = [];
  sc.actors.forEach((a, i) => {
    const p = ["actors", i];
    const label = a.name || a.id || "actor " + (i + 1);
    const open = ed.open.has("actor:" + i);
    const texts = [a.description, a.notes].filter(Boolean).length;
    rows.push(h("tr", { "data-path": pathStr(p) },
      h("td", { class: "nowrap" }, moveBtns(sc.actors, i, "actor " + label)),
      h("td", {}, ctl([...p, "id"], { kind: "id", label: "id of actor " + (i + 1), cls: "id" })),
      h("td", {}, ctl([...p, "name"], { label: "name of " + label })),
      h("td", {}, selectCtl([...p, "role"], [["", "party"], ...ROLES.slice(1)], "role of " + label)),
      h("td", { class: "center" }, checkbox([...p, "necessary"], label + " is necessary for a deal")),
      estCell([...p, "capability"], label + " capability"),
      h("td", {}, ctl([...p, "sources"], { kind: "list", label: "sources about " + label, cls: "src" })),
      h("td", {}, h("button", {
        type: "button", class: "linkish", "aria-expanded": String(open), "aria-label": "description and notes of " + label,
        onclick: () => { if (open) ed.open.delete("actor:" + i); else ed.open.add("actor:" + i); renderTab(); },
      }, (texts ? "description, notes" : "add a description") + (open ? " ▴" : " ▾"))),
      h("td", {}, removeBtn("remove actor " + label, () => removeActor(i)))));
    if (open) {
      rows.push(h("tr", { class: "sub" }, h("td"), h("td", { colspan: 8 }, h("div", { class: "details-grid two" },
        h("label", {}, "Description", ctl([...p, "description"], { label: "description of " + label, area: true })),
        h("label", {}, "Notes", ctl([...p, "notes"], { label: "notes on " + label, area: true }))))));
    }
  });
  return [
    h("p", { class: "muted" }, "The participants. Capability is an actor's clout on a ratio scale (only ratios matter); a necessary party must accept a deal; mediators, guarantors and observers take part in the forecasts but not in the deal analysis."),
    h("div", { class: "grid-wrap" }, h("table", { class: "kgrid form-table", id: "actors" },
      h("thead", {}, h("tr", {}, ["", "id", "name", "role", "necessary", "capability", "sources", "more", ""].map(x => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows))),
    h("button", { type: "button", id: "add-actor", onclick: () => { const i = addActor(); edited(true); focusKey(pathStr(["actors", i, "id"])); } }, "Add actor"),
  ];
}

// ---- sources ---------------------------------------------------------

function sourcesTab() {
  const sc = ed.draft;
  const srcs = sc.sources || [];
  const cited = {};
  walk(sc, o => { if (o !== sc && Array.isArray(o.sources)) for (const s of o.sources) if (typeof s === "string") cited[s] = (cited[s] || 0) + 1; });
  const rows = srcs.map((src, i) => {
    const p = ["sources", i];
    return h("tr", { "data-path": pathStr(p) },
      h("td", {}, ctl([...p, "id"], { kind: "id", label: "id of source " + (i + 1), cls: "id" })),
      h("td", {}, ctl([...p, "title"], { label: "title of source " + (src.id || i + 1), attrs: { size: 30 } })),
      h("td", {}, ctl([...p, "publisher"], { label: "publisher of source " + (src.id || i + 1) })),
      h("td", {}, ctl([...p, "date"], { label: "date of source " + (src.id || i + 1), attrs: { placeholder: "YYYY-MM-DD", size: 10 } })),
      h("td", {}, ctl([...p, "url"], { label: "url of source " + (src.id || i + 1), attrs: { size: 24 } })),
      h("td", { class: "num muted" }, cited[src.id] || 0),
      h("td", {}, removeBtn("remove source " + (src.id || i + 1), () => { srcs.splice(i, 1); if (!srcs.length) delete sc.sources; })));
  });
  return [
    h("p", { class: "muted" }, "The documents the estimates rest on. Cite them by id in an estimate's sources (select a cell and tick them in the panel). In a dated scenario a source published after the as_of may only be cited by an estimate marked hindsight."),
    h("div", { class: "grid-wrap" }, h("table", { class: "kgrid form-table", id: "sources" },
      h("thead", {}, h("tr", {}, ["id", "title", "publisher", "date", "url", "cited", ""].map(x => h("th", { scope: "col" }, x)))),
      h("tbody", {}, rows))),
    h("button", { type: "button", id: "add-source", onclick: () => { sc.sources = srcs; srcs.push({ id: freshID("source", srcs.map(s => s.id)) }); edited(true); focusKey(pathStr(["sources", srcs.length - 1, "id"])); } }, "Add source"),
  ];
}

// ---- interventions ---------------------------------------------------

function actorChoices(blank) {
  return (blank ? [["", blank]] : []).concat(ed.draft.actors.map(a => [a.id, a.id]));
}

function issueChoices(blank) {
  return [["", blank]].concat(ed.draft.issues.map(is => [is.id, is.id]));
}

function interventionsTab() {
  const sc = ed.draft;
  const ivs = sc.interventions || [];
  const cards = ivs.map((iv, i) => {
    const p = ["interventions", i];
    const changes = iv.changes || [];
    const label = iv.name || iv.id || "intervention " + (i + 1);
    return h("fieldset", { class: "card", "data-path": pathStr(p) }, h("legend", {}, label),
      h("div", { class: "form" },
        h("label", {}, "id"), ctl([...p, "id"], { label: "id of " + label, cls: "id" }),
        h("label", {}, "name"), ctl([...p, "name"], { label: "name of " + label, attrs: { size: 40 } }),
        h("label", {}, "kind"), ctl([...p, "kind"], { label: "kind of " + label, attrs: { list: "intervention-kinds", placeholder: "carrot, stick or free text" } }),
        h("label", {}, "description"), ctl([...p, "description"], { label: "description of " + label, area: true }),
        h("label", {}, "sources"), ctl([...p, "sources"], { kind: "list", label: "sources of " + label, cls: "src" }),
        h("label", {}, "hindsight"), h("span", {}, checkbox([...p, "hindsight"], label + " needs hindsight"), " cites sources published after the as_of (say why in the notes)"),
        h("label", {}, "notes"), ctl([...p, "notes"], { label: "notes on " + label, area: true })),
      h("div", { class: "sublabel" }, "Changes: set replaces a value, delta adds to it"),
      h("table", { class: "kgrid form-table" },
        h("thead", {}, h("tr", {}, ["actor", "issue", "field", "", "value", ""].map(x => h("th", { scope: "col" }, x)))),
        h("tbody", {}, changes.map((ch, j) => {
          const cp = [...p, "changes", j];
          const op = ch.delta !== undefined ? "delta" : "set";
          const opSel = h("select", { class: "k", "aria-label": "set or delta, change " + (j + 1) + " of " + label },
            h("option", { value: "set", selected: op === "set" }, "set"), h("option", { value: "delta", selected: op === "delta" }, "delta"));
          opSel.addEventListener("change", () => {
            const v = ch[op];
            delete ch.set;
            delete ch.delta;
            ch[opSel.value] = v;
            edited(true);
          });
          return h("tr", { "data-path": pathStr(cp) },
            h("td", {}, selectCtl([...cp, "actor"], actorChoices("(choose)"), "actor of change " + (j + 1))),
            h("td", {}, selectCtl([...cp, "issue"], issueChoices("(none: capability)"), "issue of change " + (j + 1))),
            h("td", {}, selectCtl([...cp, "field"], CHANGE_FIELDS, "field of change " + (j + 1))),
            h("td", {}, opSel),
            h("td", {}, ctl([...cp, op], { kind: "num", label: op + " of change " + (j + 1) })),
            h("td", {}, removeBtn("remove change " + (j + 1), () => changes.splice(j, 1))));
        }))),
      h("div", { class: "row" },
        h("button", { type: "button", onclick: () => { iv.changes = changes; changes.push({ actor: (sc.actors[0] || {}).id || "", field: "salience", issue: (sc.issues[0] || {}).id, delta: 0 }); edited(true); } }, "Add change"),
        moveBtns(ivs, i, label),
        h("button", { type: "button", onclick: () => { ivs.splice(i, 1); if (!ivs.length) delete sc.interventions; edited(true); } }, "Remove " + label)));
  });
  return [
    h("p", { class: "muted" }, "Named what-ifs, carrots and sticks, that change some numbers. Compare and deal runs forecast the scenario under each of them alone and all together (in this order)."),
    h("datalist", { id: "intervention-kinds" }, h("option", { value: "carrot" }), h("option", { value: "stick" })),
    cards,
    h("button", { type: "button", id: "add-intervention", onclick: () => { sc.interventions = ivs; ivs.push({ id: freshID("intervention", ivs.map(v => v.id)), changes: [] }); edited(true); } }, "Add intervention"),
  ];
}

// ---- snapshots -------------------------------------------------------

function snapshotsTab() {
  const sc = ed.draft;
  const sns = sc.snapshots || [];
  const cards = sns.map((sn, i) => {
    const p = ["snapshots", i];
    const revs = sn.revisions || [];
    return h("fieldset", { class: "card", "data-path": pathStr(p) }, h("legend", {}, "state as of " + (sn.as_of || "?")),
      h("div", { class: "form" },
        h("label", {}, "as of"), ctl([...p, "as_of"], { label: "date of snapshot " + (i + 1), attrs: { placeholder: "YYYY-MM-DD", size: 10 }, redraw: true }),
        h("label", {}, "description"), ctl([...p, "description"], { label: "what had happened by snapshot " + (i + 1), area: true }),
        h("label", {}, "notes"), ctl([...p, "notes"], { label: "notes on snapshot " + (i + 1), area: true })),
      h("div", { class: "sublabel" }, "Revised estimates (each replaces the estimate of the state before, whole; select a value to edit its range and sources)"),
      h("table", { class: "kgrid form-table" },
        h("thead", {}, h("tr", {}, ["actor", "issue", "field", "estimate", ""].map(x => h("th", { scope: "col" }, x)))),
        h("tbody", {}, revs.map((rv, j) => {
          const rp = [...p, "revisions", j];
          return h("tr", { "data-path": pathStr(rp) },
            h("td", {}, selectCtl([...rp, "actor"], actorChoices("(none: status quo)"), "actor of revision " + (j + 1))),
            h("td", {}, selectCtl([...rp, "issue"], issueChoices("(none: capability)"), "issue of revision " + (j + 1))),
            h("td", {}, selectCtl([...rp, "field"], REVISION_FIELDS, "field of revision " + (j + 1))),
            estCell([...rp, "estimate"], `revision ${j + 1} as of ${sn.as_of || "?"}`),
            h("td", {}, removeBtn("remove revision " + (j + 1), () => { revs.splice(j, 1); if (!revs.length) delete sn.revisions; })));
        }))),
      h("div", { class: "row" },
        h("button", { type: "button", onclick: () => { sn.revisions = revs; revs.push({ actor: (sc.actors[0] || {}).id, issue: (sc.issues[0] || {}).id, field: "position" }); edited(true); } }, "Add revision"),
        h("button", { type: "button", onclick: () => { sns.splice(i, 1); if (!sns.length) delete sc.snapshots; edited(true); } }, "Remove this state")));
  });
  return [
    h("p", { class: "muted" }, "Later dated states of the same negotiation. The scenario itself is the first state (its as_of, in the Scenario tab); each snapshot revises some estimates of the state before it, and a timeline run forecasts every state. Snapshots are in date order."),
    cards,
    h("button", { type: "button", id: "add-snapshot", onclick: () => { sc.snapshots = sns; sns.push({ as_of: "" }); edited(true); } }, "Add a dated state"),
  ];
}

// ---- the scenario's own fields ----------------------------------------

function scenarioTab() {
  const sc = ed.draft;
  const copyId = h("input", { id: "copy-id", placeholder: "new id", "aria-label": "id of the copy" });
  const copyMsg = h("span", { role: "status" });
  return [
    h("div", { class: "form card" },
      h("label", { for: "sc-id" }, "id"),
      ed.isNew ? ctl(["id"], { label: "scenario id", cls: "id", attrs: { id: "sc-id" } }) : h("span", {}, h("code", { id: "sc-id" }, sc.id), h("span", { class: "muted" }, " a scenario keeps its id; copy it below to give it another")),
      h("label", { for: "sc-title" }, "title"), ctl(["title"], { label: "title", attrs: { id: "sc-title", size: 60 } }),
      h("label", { for: "sc-description" }, "description"), ctl(["description"], { label: "description", area: true, attrs: { id: "sc-description" } }),
      h("label", { for: "sc-as-of" }, "as of"), h("span", {}, ctl(["as_of"], { label: "as of", attrs: { id: "sc-as-of", placeholder: "YYYY-MM-DD", size: 10 } }), h("span", { class: "muted" }, " the date the scenario describes; estimates may cite only sources published by then")),
      h("label", { for: "sc-notes" }, "notes"), ctl(["notes"], { label: "notes", area: true, attrs: { id: "sc-notes" } })),
    attributesEditor(["attributes"], "scenario attributes"),
    ed.isNew ? null : h("div", { class: "card" }, h("div", { class: "sublabel" }, "Copy as a new scenario (the draft, unsaved edits included)"),
      h("div", { class: "row" }, copyId, h("button", {
        type: "button", id: "copy",
        onclick: async () => {
          const c = structuredClone(sc);
          c.id = copyId.value.trim();
          try {
            const { data } = await api("POST", "/api/scenarios", c);
            location.hash = "#/s/" + encodeURIComponent(data.id);
          } catch (err) { showError(copyMsg, err); }
        },
      }, "Copy"), copyMsg)),
  ];
}

// ---- versions and their differences -----------------------------------

function versionsTab() {
  if (!ed.sv) return h("p", { class: "notice" }, "A new scenario has no versions yet.");
  const vs = ed.versions;
  const opt = (v, sel) => h("option", { value: v.version, selected: v.version === sel }, "version " + v.version + " — " + when(v.created_at));
  const latest = vs[vs.length - 1].version;
  const a = h("select", { id: "diff-a", "aria-label": "older version" }, vs.map(v => opt(v, Math.max(1, latest - 1))));
  const b = h("select", { id: "diff-b", "aria-label": "newer version" }, vs.map(v => opt(v, latest)), h("option", { value: "draft" }, "the unsaved draft"));
  const out = h("div", { id: "diff" });
  const show = async () => {
    try {
      const get = async v => v === "draft" ? ed.draft : (await api("GET", "/api/scenarios/" + encodeURIComponent(ed.sv.id) + "?version=" + v)).data.scenario;
      const [x, y] = await Promise.all([get(a.value), get(b.value)]);
      out.replaceChildren(diffTable(diffScenarios(x, y), "version " + a.value, b.value === "draft" ? "draft" : "version " + b.value));
    } catch (err) { showError(out, err); }
  };
  return [
    h("table", { id: "versions" }, h("thead", {}, h("tr", {}, ["version", "saved", "title"].map(x => h("th", { scope: "col" }, x)))),
      h("tbody", {}, vs.slice().reverse().map(v => h("tr", {}, h("td", {}, h("a", { href: "#/s/" + encodeURIComponent(ed.sv.id) + "/" + v.version }, v.version)), h("td", {}, when(v.created_at)), h("td", {}, v.title || ""))))),
    h("div", { class: "row", style: "margin-top:.6rem" }, "Changes from ", a, " to ", b, h("button", { type: "button", id: "diff-show", onclick: show }, "Show changes")),
    out,
  ];
}

function diffTable(rows, ta, tb) {
  if (!rows.length) return h("p", { class: "muted" }, "No differences.");
  return h("table", { class: "diff" },
    h("thead", {}, h("tr", {}, h("th", { scope: "col" }, "what"), h("th", { scope: "col" }, ta), h("th", { scope: "col" }, tb))),
    h("tbody", {}, rows.map(r => h("tr", {}, h("td", {}, r.where), h("td", { class: "before" }, r.before), h("td", { class: "after" }, r.after)))));
}

// diffScenarios lists what differs between two scenarios, element by
// element (matched by id, snapshots by date), in the order of the file.
function diffScenarios(a, b) {
  const out = [];
  const add = (where, before, after) => out.push({ where, before, after });
  const text = (where, x, y) => { if ((x ?? "") !== (y ?? "")) add(where, x ?? "—", y ?? "—"); };
  const json = (where, x, y) => {
    const X = x === undefined || x === null ? "" : JSON.stringify(x), Y = y === undefined || y === null ? "" : JSON.stringify(y);
    if (X !== Y) add(where, X || "—", Y || "—");
  };
  const est = (where, x, y) => { if (JSON.stringify(x ?? null) !== JSON.stringify(y ?? null)) add(where, fmtEst(x), fmtEst(y)); };
  const byKey = (kind, key, xs, ys, each) => {
    const X = new Map((xs || []).map(o => [o[key], o])), Y = new Map((ys || []).map(o => [o[key], o]));
    for (const k of X.keys()) if (!Y.has(k)) add(kind + " " + k, "present", "removed");
    for (const [k, o] of Y) {
      if (!X.has(k)) add(kind + " " + k, "—", "added");
      else each(kind + " " + k, X.get(k), o);
    }
    const ox = [...X.keys()].filter(k => Y.has(k)), oy = [...Y.keys()].filter(k => X.has(k));
    if (ox.join("\n") !== oy.join("\n")) add("order of " + kind + "s", ox.join(", "), oy.join(", "));
  };
  for (const k of ["title", "description", "as_of", "notes"]) text("scenario " + k, a[k], b[k]);
  json("scenario attributes", a.attributes, b.attributes);
  byKey("source", "id", a.sources, b.sources, (w, x, y) => { for (const k of ["title", "publisher", "date", "url"]) text(w + " " + k, x[k], y[k]); });
  byKey("issue", "id", a.issues, b.issues, (w, x, y) => {
    for (const k of ["name", "description"]) text(w + " " + k, x[k], y[k]);
    json(w + " scale", x.scale, y.scale);
    json(w + " anchors", x.anchors, y.anchors);
    est(w + " status quo", x.status_quo, y.status_quo);
    json(w + " outcome", x.outcome, y.outcome);
    json(w + " attributes", x.attributes, y.attributes);
  });
  byKey("actor", "id", a.actors, b.actors, (w, x, y) => {
    for (const k of ["name", "description", "notes"]) text(w + " " + k, x[k], y[k]);
    text(w + " role", x.role || "party", y.role || "party");
    json(w + " necessary", !!x.necessary, !!y.necessary);
    json(w + " sources", x.sources, y.sources);
    est(w + " capability", x.capability, y.capability);
    const sx = x.stances || {}, sy = y.stances || {};
    for (const is of new Set([...Object.keys(sx), ...Object.keys(sy)])) {
      const ww = w + ", issue " + is;
      if (!sx[is]) { add(ww, "no stance", "stance added"); }
      if (!sy[is]) { add(ww, "stance", "removed"); continue; }
      for (const f of STANCE_FIELDS) est(ww + ", " + f, (sx[is] || {})[f], sy[is][f]);
      text(ww + ", notes", (sx[is] || {}).notes, sy[is].notes);
    }
  });
  byKey("intervention", "id", a.interventions, b.interventions, (w, x, y) => {
    for (const k of ["name", "kind", "description", "notes"]) text(w + " " + k, x[k], y[k]);
    json(w + " sources", x.sources, y.sources);
    json(w + " hindsight", !!x.hindsight, !!y.hindsight);
    json(w + " changes", x.changes, y.changes);
  });
  byKey("snapshot", "as_of", a.snapshots, b.snapshots, (w, x, y) => {
    for (const k of ["description", "notes"]) text(w + " " + k, x[k], y[k]);
    json(w + " revisions", x.revisions, y.revisions);
  });
  return out;
}

// ---- the panel of the selected estimate --------------------------------

function select(path, label, stance) {
  if (ed.sel && pathStr(ed.sel.path) === pathStr(path)) return;
  ed.sel = { path, label, stance };
  renderPanel();
}

function renderPanel() {
  const box = $("#details");
  if (!box) return;
  if (!ed.sel) {
    box.replaceChildren(h("h3", {}, "Estimate"), h("p", { class: "muted" }, "Select a number in the tables to edit its range, distribution, sources, judgement and note here."));
    return;
  }
  const { path, label, stance } = ed.sel;
  const p = pathStr(path);
  // Redrawn after each of its own edits: the focus stays on the control it
  // was on (Tab from low to high must land on high).
  const focused = box.contains(document.activeElement) ? document.activeElement.id : "";
  const o = est(getAt(ed.draft, path)) || {};
  const field = (part, text, attrs = {}) => {
    const inp = h("input", Object.assign({ id: "est-" + part, class: "num", value: numText(o[part]), "data-path": p + "." + part, "data-key": "panel#" + part, inputmode: "decimal", autocomplete: "off" }, attrs));
    inp.addEventListener("change", () => { setEstPart(path, part, parseNum(inp.value)); refresh(path, false); edited(false); });
    return [h("label", { for: "est-" + part }, text), inp];
  };
  const dist = h("select", { id: "est-dist", "data-path": p + ".dist" }, DISTS.map(d => h("option", { value: d, selected: (o.dist || "") === d }, d || (o.low !== undefined || o.high !== undefined ? "triangular (default)" : "(none)"))));
  dist.addEventListener("change", () => {
    setEstPart(path, "dist", dist.value || undefined);
    const sd = $("#est-sd");
    if (dist.value !== "normal") {
      setEstPart(path, "sd", undefined);
      sd.value = "";
    }
    sd.disabled = dist.value !== "normal";
    refresh(path, false);
    edited(false);
  });
  const cites = o.sources || [];
  // The cited sources first, then the others in file order.
  const all = (ed.draft.sources || []).filter(s => s && s.id);
  const declared = all.filter(s => cites.includes(s.id)).concat(all.filter(s => !cites.includes(s.id)));
  const toggle = (id, on) => {
    const now = (est(getAt(ed.draft, path)) || {}).sources || [];
    const next = on ? [...now.filter(x => x !== id), id] : now.filter(x => x !== id);
    setEstPart(path, "sources", next.length ? next : undefined);
    refresh(path, false);
    edited(false);
  };
  const other = cites.filter(id => !declared.some(s => s.id === id));
  const otherIn = h("input", { id: "est-other-sources", class: "src", value: other.join(", "), "data-path": p + ".sources", placeholder: "ids not declared yet", autocomplete: "off" });
  otherIn.addEventListener("change", () => {
    const typed = otherIn.value.split(/[,\s]+/).map(x => x.trim()).filter(Boolean);
    const now = (est(getAt(ed.draft, path)) || {}).sources || [];
    const keep = now.filter(id => all.some(s => s.id === id));
    const next = [...keep, ...typed];
    setEstPart(path, "sources", next.length ? next : undefined);
    refresh(path, false);
    edited(false);
  });
  const check = (part, text, help) => {
    const inp = h("input", { type: "checkbox", id: "est-" + part, checked: !!o[part], "data-path": p + "." + part });
    inp.addEventListener("change", () => { setEstPart(path, part, inp.checked || undefined); refresh(path, false); edited(false); });
    return h("label", { class: "check", title: help }, inp, " " + text);
  };
  const note = h("textarea", { id: "est-note", rows: 4, "data-path": p + ".note" });
  note.value = o.note || "";
  note.addEventListener("change", () => { setEstPart(path, "note", note.value || undefined); refresh(path, false); edited(false); });
  let stanceNotes = null;
  if (stance && getAt(ed.draft, stance)) {
    const sn = h("textarea", { id: "stance-notes", rows: 2, "data-path": pathStr(stance) + ".notes" });
    sn.value = getAt(ed.draft, [...stance, "notes"]) || "";
    sn.addEventListener("change", () => { setAt(ed.draft, [...stance, "notes"], sn.value || undefined); edited(false); });
    stanceNotes = [h("label", { for: "stance-notes" }, "stance notes"), sn];
  }
  box.replaceChildren(
    h("h3", {}, "Estimate"), h("div", { class: "sel-label", id: "sel-label" }, label),
    h("div", { class: "form narrow" },
      field("value", "value"), field("low", "low"), field("high", "high"),
      h("label", { for: "est-dist" }, "distribution"), dist,
      field("sd", "sd", { disabled: o.dist !== "normal" }),
      h("span", { class: "lbl" }, "sources"),
      h("div", { class: "sources", role: "group", "aria-label": "sources cited" },
        declared.length ? declared.map(s => {
          const c = h("input", { type: "checkbox", id: "est-src-" + s.id, checked: cites.includes(s.id), "data-source": s.id });
          c.addEventListener("change", () => toggle(s.id, c.checked));
          return h("label", { class: "check", title: [s.title, s.publisher, s.date].filter(Boolean).join(", ") }, c, " " + s.id + (s.date ? " (" + s.date + ")" : ""));
        }) : h("span", { class: "muted" }, "no sources declared (Sources tab)"),
        otherIn),
      h("span", { class: "lbl" }, "marks"),
      h("div", {}, check("judgement", "judgement", "the analyst's judgement rather than a sourced fact"),
        check("hindsight", "hindsight", "set with knowledge from after the as_of; the note must say why")),
      h("label", { for: "est-note" }, "note"), note,
      stanceNotes));
  markProblems(box);
  if (focused && document.getElementById(focused)) document.getElementById(focused).focus();
}

// ---- checking and saving -------------------------------------------------

function scheduleCheck(ms) {
  clearTimeout(ed.timer);
  ed.timer = setTimeout(() => check().catch(() => {}), ms);
}

// check asks the server what is wrong with the draft and marks it.
async function check() {
  const seq = ++ed.seq;
  let data;
  try {
    ({ data } = await api("POST", "/api/validate", ed.draft));
  } catch (err) {
    // A read token cannot check: the save will.
    return;
  }
  if (seq !== ed.seq) return;
  setProblems(data.problems || [], data.warnings || []);
}

function setProblems(problems, warnings) {
  ed.problems = problems;
  ed.warnings = warnings;
  renderTabs();
  markProblems();
  renderProblems();
}

// markProblems marks each problem (and warning) at the controls of its
// path in root: the control whose path it is, else those of the nearest
// enclosing path (a problem at a stance's salience.sources marks the
// salience cell, one at actors[2].stances the actor's row).
function markProblems(root = document) {
  for (const el of root.querySelectorAll("[data-path].bad, [data-path].warn-mark")) {
    el.classList.remove("bad", "warn-mark");
    el.removeAttribute("aria-invalid");
    if (el.dataset.title !== undefined) { el.title = el.dataset.title; delete el.dataset.title; }
  }
  const els = [...root.querySelectorAll("[data-path]")];
  const index = new Map();
  for (const el of els) {
    const part = el.dataset.part;
    const key = el.dataset.path + (part && part !== "value" ? "." + part : "");
    if (!index.has(key)) index.set(key, []);
    index.get(key).push(el);
  }
  const mark = (p, cls) => {
    let path = p.path || "";
    while (path) {
      const hit = index.get(path);
      if (hit) {
        for (const el of hit) {
          el.classList.add(cls);
          if (cls === "bad") el.setAttribute("aria-invalid", "true");
          if (el.dataset.title === undefined) el.dataset.title = el.title || "";
          el.title = (el.title && el.title !== el.dataset.title ? el.title + "\n" : "") + problemText(p);
        }
        return;
      }
      const i = Math.max(path.lastIndexOf("."), path.lastIndexOf("["));
      path = i > 0 ? path.slice(0, i) : "";
    }
  };
  for (const w of ed.warnings) mark(w, "warn-mark");
  for (const p of ed.problems) mark(p, "bad");
}

// renderProblems lists the problems and warnings; each jumps to its cell.
function renderProblems() {
  const box = $("#problems"), status = $("#check");
  if (!box) return;
  const n = ed.problems.length, w = ed.warnings.length;
  if (status) {
    status.className = n ? "status-failed" : "status-done";
    status.textContent = n ? n + " problem" + (n > 1 ? "s" : "") + (w ? ", " + w + " warning" + (w > 1 ? "s" : "") : "") : "no problems" + (w ? ", " + w + " warning" + (w > 1 ? "s" : "") : "");
  }
  if (!n && !w) { box.replaceChildren(); return; }
  const item = (p, cls) => h("li", { class: cls }, h("button", { type: "button", class: "linkish", onclick: () => jump(p) }, problemText(p)));
  box.replaceChildren(h("div", { class: n ? "error" : "warning" },
    h("b", {}, n ? "The scenario cannot be saved until these are fixed:" : "Warnings:"),
    h("ul", { class: "problems" }, ed.problems.map(p => item(p, "bad-item")), ed.warnings.map(p => item(p, "warn-item")))));
}

// jump shows the tab of a problem and focuses its first marked control.
function jump(p) {
  const tab = tabOf(p.path || "");
  if (ed.tab !== tab) switchTab(tab);
  const el = $("#tabpanel .bad, #tabpanel .warn-mark");
  const exact = [...document.querySelectorAll("#tabpanel [data-path]")].find(e => (e.dataset.path + (e.dataset.part && e.dataset.part !== "value" ? "." + e.dataset.part : "")) === p.path);
  const target = exact || el;
  if (target) {
    const f = target.matches("input, select, textarea, button") ? target : target.querySelector("input, select, textarea, button");
    (f || target).focus();
    target.scrollIntoView({ block: "center" });
  }
}

// save stores the draft: a new scenario, or a new version of this one.
// Its problems, if the server refuses it, are marked at their cells.
async function save(msg) {
  const sc = ed.draft;
  try {
    let data;
    if (ed.isNew) {
      ({ data } = await api("POST", "/api/scenarios", sc));
      location.hash = "#/s/" + encodeURIComponent(data.id);
      return data;
    }
    ({ data } = await api("PUT", "/api/scenarios/" + encodeURIComponent(sc.id), sc));
    const prev = ed.sv.version;
    ed.sv = Object.assign({}, ed.sv, { version: data.version, created_at: data.created_at });
    current.sv = ed.sv;
    ed.versions = ed.versions.concat([{ id: data.id, version: data.version, title: data.title, created_at: data.created_at }]);
    markDirty(false);
    document.querySelectorAll("#tabpanel input.changed").forEach(i => i.classList.remove("changed"));
    msg.replaceChildren(h("span", { class: "notice" }, "Saved version " + data.version + " ",
      h("button", { type: "button", class: "linkish", onclick: () => { switchTab("versions"); $("#diff-a").value = prev; $("#diff-b").value = data.version; $("#diff-show").click(); } }, "(changes from version " + prev + ")")));
    const sel = $("#version");
    if (sel) sel.prepend(h("option", { value: data.version, selected: true }, "version " + data.version + " — " + when(data.created_at)));
    if (ed.tab === "versions") renderTab();
    setProblems([], ed.warnings);
    return data;
  } catch (err) {
    showError(msg, err);
    if (err.problems && err.problems.length) setProblems(err.problems, ed.warnings);
    throw err;
  }
}

// ---- keyboard-friendly grids ------------------------------------------

// kgrid makes a table's controls (class k) a grid: the arrows move between
// cells (left and right at the ends of the text, or when all of it is
// selected), Enter moves down (Shift+Enter up), Esc restores the value the
// cell had when it was entered, and pasting a block copied from a
// spreadsheet (tab-separated rows) fills the cells from the one pasted
// into, rightwards and downwards.
function kgrid(table) {
  const rows = [...table.querySelectorAll(":scope > tbody > tr, :scope > thead > tr")].filter(tr => tr.querySelector(".k"));
  rows.forEach((tr, r) => {
    let c = 0;
    for (const el of tr.querySelectorAll(".k")) {
      if (el.closest("table") !== table) continue;
      el.dataset.r = String(r);
      if (el.dataset.c === undefined) el.dataset.c = String(c);
      c++;
    }
  });
  table.addEventListener("focusin", e => {
    const t = e.target;
    if (t.matches && t.matches(".k")) t.dataset.orig = t.value;
  });
  table.addEventListener("keydown", e => {
    const t = e.target;
    if (!t.matches(".k") || t.closest("table") !== table || e.altKey || e.ctrlKey || e.metaKey) return;
    let dr = 0, dc = 0;
    switch (e.key) {
      case "ArrowUp": dr = -1; break;
      case "ArrowDown": dr = 1; break;
      case "ArrowLeft": if (!atEdge(t, -1)) return; dc = -1; break;
      case "ArrowRight": if (!atEdge(t, 1)) return; dc = 1; break;
      case "Enter":
        if (t.tagName === "TEXTAREA" || t.tagName === "BUTTON") return;
        dr = e.shiftKey ? -1 : 1;
        break;
      case "Escape":
        if (t.dataset.orig !== undefined && t.value !== t.dataset.orig) {
          t.value = t.dataset.orig;
          e.preventDefault();
        }
        return;
      default: return;
    }
    if (t.tagName === "TEXTAREA" && dr) return;
    e.preventDefault();
    const to = cellAt(table, +t.dataset.r + dr, +t.dataset.c + dc, dc === 0);
    if (to) {
      to.focus();
      if (to.select && to.type !== "checkbox") to.select();
    } else if (e.key === "Enter") {
      t.dispatchEvent(new Event("change", { bubbles: true }));
    }
  });
  table.addEventListener("paste", e => {
    const t = e.target;
    if (!t.matches("input.k") || t.type === "checkbox" || t.closest("table") !== table) return;
    const text = (e.clipboardData || window.clipboardData).getData("text/plain").replace(/\r\n?/g, "\n").replace(/\n$/, "");
    if (!/[\t\n]/.test(text)) return;
    e.preventDefault();
    const r0 = +t.dataset.r, c0 = +t.dataset.c;
    let n = 0, skipped = 0;
    text.split("\n").forEach((line, i) => line.split("\t").forEach((v, j) => {
      const el = cellAt(table, r0 + i, c0 + j, false, true);
      if (!el || el.tagName !== "INPUT" || el.type === "checkbox") { skipped++; return; }
      el.value = v.trim();
      el.dispatchEvent(new Event("change", { bubbles: true }));
      n++;
    }));
    const s = $("#check");
    if (s) s.textContent = `pasted ${n} cell${n === 1 ? "" : "s"}` + (skipped ? `, ${skipped} outside the table` : "");
  });
}

// cellAt returns the control at row r and column c of a kgrid table; with
// near, the nearest column of row r when c has none (rows may have gaps).
function cellAt(table, r, c, near, exact) {
  const inRow = [...table.querySelectorAll(`.k[data-r="${r}"]`)].filter(el => el.closest("table") === table);
  if (!inRow.length) return null;
  const hit = inRow.find(el => +el.dataset.c === c);
  if (hit || exact) return hit || null;
  if (!near) return null;
  return inRow.reduce((best, el) => Math.abs(+el.dataset.c - c) < Math.abs(+best.dataset.c - c) ? el : best);
}

// atEdge reports whether the caret of t is at its start (dir < 0) or end,
// or the whole text is selected, so that an arrow moves to the next cell.
function atEdge(t, dir) {
  if (t.tagName !== "INPUT" || t.type === "checkbox") return true;
  const n = t.value.length;
  let s, e;
  try { s = t.selectionStart; e = t.selectionEnd; } catch (err) { return true; }
  if (s === null) return true;
  if (s === 0 && e === n) return true;
  return dir < 0 ? s === 0 && e === 0 : s === n && e === n;
}
