// The run report's timeline: lanes on the virtual clock and the log, one row per tool call
// and per event, with filters by app and kind, folding of repeated calls, and paging, so
// that a run of thousands of calls stays readable. Every text from the run is put into the
// page with textContent: nothing an agent wrote is ever parsed as HTML.
"use strict";
(function () {
  const data = JSON.parse(document.getElementById("vei-data").textContent);
  const PAGE = 250, BINS = 120, GROUP_MIN = 3;
  const BOOKKEEPING = ["npc", "monitor", "policy", "drift", "actors"];
  const PROBLEM_KINDS = ["monitor.finding", "policy.violation"];

  const columns = (names) => Object.fromEntries(names.map((n, i) => [n, i]));
  const C = columns(data.call_columns), E = columns(data.event_columns);
  const calls = data.calls.map((r) => ({
    type: "call", index: r[C.index], tool: r[C.tool], ok: r[C.ok], error: r[C.error_code],
    t: r[C.t_ms], latency: r[C.latency_ms], cost: r[C.cost_cents], fault: r[C.fault],
    first: r[C.first_event], last: r[C.last_event], hash: r[C.hash], journal: r[C.journal],
    lane: "agent", events: [],
  }));
  const callAt = new Map(calls.map((c) => [c.index, c]));
  const events = data.events.map((r) => ({
    type: "event", seq: r[E.seq], t: r[E.t_ms], kind: r[E.kind], actor: r[E.actor],
    cause: r[E.cause], data: r[E.data], call: r[E.call], lane: r[E.kind].split(".")[0],
  }));
  const eventAt = new Map(events.map((e) => [e.seq, e]));
  const loose = [];
  for (const e of events) (callAt.has(e.call) ? callAt.get(e.call).events : loose).push(e);

  const seen = [];
  for (const e of events) if (!seen.includes(e.lane)) seen.push(e.lane);
  const apps = seen.filter((l) => !BOOKKEEPING.includes(l) && l !== "core").sort();
  const lanes = ["agent", ...apps, ...BOOKKEEPING.filter((l) => seen.includes(l)),
    ...(seen.includes("core") ? ["core"] : [])];
  const end = Math.max(1, ...calls.map((c) => c.t + c.latency), ...events.map((e) => e.t));

  const defaults = () => ({ lanes: new Set(lanes.filter((l) => l !== "core")), kind: "",
    text: "", problems: false, fold: true, window: null });
  let state = defaults();
  let limit = PAGE;
  const open = new Set(), openGroups = new Set();

  // ---------------------------------------------------------------- helpers
  const el = (tag, cls, text) => {
    const node = document.createElement(tag);
    if (cls) node.className = cls;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  };
  const fmt = (ms) => {
    if (ms < 60000) return (ms / 1000).toFixed(3) + " s";
    const s = Math.floor(ms / 1000), h = Math.floor(s / 3600), m = Math.floor((s % 3600) / 60);
    return (h ? h + ":" + String(m).padStart(2, "0") : m) + ":" +
      String(s % 60).padStart(2, "0") + "." + String(ms % 1000).padStart(3, "0");
  };
  const json = (v) => JSON.stringify(v, null, 2);
  const isProblem = (x) => x.type === "call" ? (!x.ok || !!x.fault) : PROBLEM_KINDS.includes(x.kind);
  const haystack = (x) => {
    if (x._text === undefined) {
      const parts = x.type === "call"
        ? [x.tool, x.error, x.fault, "#" + x.index, json(data.journal[x.index] || null)]
        : [x.kind, x.actor, "event " + x.seq, json(x.data)];
      x._text = parts.join(" ").toLowerCase();
    }
    return x._text;
  };
  const matches = (x) => {
    if (state.kind && (x.type === "call" ? "call:" + x.tool : x.kind) !== state.kind) return false;
    if (state.problems && !isProblem(x)) return false;
    if (state.window && (x.t < state.window[0] || x.t > state.window[1])) return false;
    return !state.text || haystack(x).includes(state.text);
  };
  // The agent's own app events are folded into the call that made them (they show there).
  const folded = (e) => state.fold && e.actor === "agent" && !BOOKKEEPING.includes(e.lane);
  const topLevel = (e) => state.lanes.has(e.lane) && !folded(e) && matches(e);
  const callShown = (c) => state.lanes.has("agent") && matches(c);

  // ------------------------------------------------------------ row models
  function visible() {
    const out = [];
    for (const c of calls) {
      if (callShown(c)) out.push(c);
      for (const e of c.events) if (topLevel(e)) out.push(e);
    }
    for (const e of loose) if (topLevel(e)) out.push(e);
    return out;
  }
  // Runs of the same call with the same outcome collapse into one row that opens.
  function units(items) {
    const out = [];
    for (let i = 0; i < items.length;) {
      const x = items[i];
      let j = i + 1;
      if (x.type === "call" && !x.fault) {
        while (j < items.length && items[j].type === "call" && items[j].tool === x.tool &&
          items[j].ok === x.ok && !items[j].fault) j++;
      }
      if (j - i >= GROUP_MIN) {
        const key = x.index, members = items.slice(i, j);
        if (openGroups.has(key)) { out.push({ type: "group", key, members, open: true }); out.push(...members); }
        else out.push({ type: "group", key, members, open: false });
      } else out.push(...items.slice(i, j));
      i = j;
    }
    return out;
  }

  // ------------------------------------------------------------------ rows
  function callRow(c) {
    const row = el("div", "row call" + (isProblem(c) ? " problem" : ""));
    row.dataset.index = c.index;
    row.append(el("span", "t", fmt(c.t)), el("span", "lane", "agent"), el("span", "mono", "#" + c.index),
      el("span", "what mono", c.tool),
      el("span", c.ok ? "ok" : "bad", c.ok ? "ok" : c.error),
      el("span", "preview", [c.latency + " ms", c.fault ? "fault: " + c.fault : "",
        c.events.length ? c.events.length + (c.events.length === 1 ? " event" : " events") : "", journalNote(c)].filter(Boolean).join(" · ")));
    row.addEventListener("click", () => toggle(open, c.index));
    return row;
  }
  function eventRow(e) {
    const row = el("div", "row event" + (isProblem(e) ? " problem" : ""));
    row.dataset.seq = e.seq;
    const preview = JSON.stringify(e.data);
    row.append(el("span", "t", fmt(e.t)), el("span", "lane", e.lane), el("span", "mono", "e" + e.seq),
      el("span", "what mono", e.kind), el("span", "", e.actor),
      el("span", "preview mono", preview.length > 160 ? preview.slice(0, 159) + "…" : preview));
    row.addEventListener("click", () => toggle(open, "e" + e.seq));
    return row;
  }
  function groupRow(g) {
    const a = g.members[0], b = g.members[g.members.length - 1];
    const row = el("div", "row group");
    row.dataset.group = g.key;
    row.append(el("span", "t", fmt(a.t)), el("span", "lane", "agent"), el("span", "mono", g.open ? "▾" : "▸"),
      el("span", "what mono", a.tool + " × " + g.members.length),
      el("span", a.ok ? "ok" : "bad", a.ok ? "ok" : a.error),
      el("span", "preview", "#" + a.index + " – #" + b.index + (g.open ? " (click to fold)" : " (click to unfold)")));
    row.addEventListener("click", () => toggle(openGroups, g.key));
    return row;
  }
  const journalNote = (c) => ["", "", "journal differs from receipt"][c.journal] || "";
  function pre(title, value, parent) {
    parent.append(el("h4", "", title), el("pre", "", typeof value === "string" ? value : json(value)));
  }
  function callDetail(c) {
    const box = el("div", "detail");
    box.dataset.detail = c.index;
    const entry = data.journal[c.index];
    if (entry) {
      const note = c.journal === 1 ? "matches the signed receipt's digests" : "does NOT match the signed receipt's digests";
      box.append(el("p", c.journal === 1 ? "ok" : "bad", "Journal entry " + note + (entry.via ? " (called inside #" + entry.via + ")" : "")));
      pre("arguments", entry.args, box);
      pre(c.ok ? "result" : "error", entry.result, box);
    } else {
      box.append(el("p", "muted", "Arguments and result were not recorded for this call; the receipt's digests and the events it caused are shown."));
    }
    pre("receipt", { index: c.index, tool: c.tool, ok: c.ok, error_code: c.error, t_ms: c.t,
      latency_ms: c.latency, cost_cents: c.cost, fault: c.fault,
      events: c.first === null ? null : [c.first, c.last], hash: c.hash }, box);
    if (c.events.length) {
      box.append(el("h4", "", "events caused (" + c.events.length + ")"));
      for (const e of c.events) {
        const item = el("div", "nested");
        item.dataset.seq = e.seq;
        item.append(el("div", "mono", "e" + e.seq + " · " + fmt(e.t) + " · " + e.kind + " · " + e.actor));
        item.append(el("pre", "", json(e.data)));
        box.append(item);
      }
    }
    return box;
  }
  function eventDetail(e) {
    const box = el("div", "detail");
    box.append(el("p", "muted", "caused by call #" + e.call + (e.cause ? ", scheduled by event " + e.cause : "")));
    box.append(el("pre", "", json(e.data)));
    return box;
  }
  function toggle(set, key) { set.has(key) ? set.delete(key) : set.add(key); render(); }

  // ---------------------------------------------------------------- render
  const list = document.getElementById("timeline");
  let counter;
  function render() {
    const items = visible(), all = units(items);
    const shown = all.slice(0, limit);
    const frag = document.createDocumentFragment();
    for (const u of shown) {
      if (u.type === "group") frag.append(groupRow(u));
      else if (u.type === "call") {
        frag.append(callRow(u));
        if (open.has(u.index)) frag.append(callDetail(u));
      } else {
        frag.append(eventRow(u));
        if (open.has("e" + u.seq)) frag.append(eventDetail(u));
      }
    }
    list.replaceChildren(frag);
    const more = document.getElementById("more");
    more.replaceChildren();
    if (all.length > limit) {
      const next = el("button", "", "show " + Math.min(PAGE, all.length - limit) + " more");
      next.addEventListener("click", () => { limit += PAGE; render(); });
      const every = el("button", "", "show all " + all.length);
      every.addEventListener("click", () => { limit = all.length; render(); });
      more.append(next, every);
    }
    const nCalls = items.filter((x) => x.type === "call").length;
    counter.textContent = nCalls + " of " + calls.length + " calls, " + (items.length - nCalls) +
      " of " + events.length + " events" + (state.window ? " in " + fmt(state.window[0]) + " – " + fmt(state.window[1]) : "");
    drawLanes();
  }

  // ----------------------------------------------------------------- lanes
  const SVG = "http://www.w3.org/2000/svg";
  const svgEl = (tag, attrs) => {
    const node = document.createElementNS(SVG, tag);
    for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
    return node;
  };
  const binOf = (t) => Math.min(BINS - 1, Math.floor((t / end) * BINS));
  const laneCounts = new Map(lanes.map((l) => [l, new Array(BINS).fill(0)]));
  const laneProblems = new Map(lanes.map((l) => [l, new Array(BINS).fill(0)]));
  for (const c of calls) { laneCounts.get("agent")[binOf(c.t)]++; if (isProblem(c)) laneProblems.get("agent")[binOf(c.t)]++; }
  for (const e of events) { laneCounts.get(e.lane)[binOf(e.t)]++; if (isProblem(e)) laneProblems.get(e.lane)[binOf(e.t)]++; }
  function drawLanes() {
    const LABEL = 90, W = 1000, H = 18, width = (W - LABEL) / BINS;
    const svg = svgEl("svg", { viewBox: `0 0 ${W} ${lanes.length * H + 16}`, role: "img",
      "aria-label": "calls and events per lane over virtual time" });
    lanes.forEach((lane, i) => {
      const y = i * H, counts = laneCounts.get(lane), max = Math.max(1, ...counts);
      const label = svgEl("text", { x: 4, y: y + 13, class: "lane-label" + (state.lanes.has(lane) ? "" : " off") });
      label.textContent = lane;
      label.addEventListener("click", () => { state.lanes.has(lane) ? state.lanes.delete(lane) : state.lanes.add(lane); syncControls(); reset(); });
      svg.append(label);
      counts.forEach((n, b) => {
        if (!n) return;
        const bad = laneProblems.get(lane)[b], x = LABEL + b * width, w = Math.max(width - 0.5, 1);
        const rect = svgEl("rect", { x, y: y + 3, width: w, height: H - 8, class: "bin",
          fill: "var(--accent)", "fill-opacity": 0.25 + 0.75 * (n / max) });
        const title = svgEl("title", {});
        title.textContent = `${lane}: ${n} at ${fmt(b * end / BINS)} – ${fmt((b + 1) * end / BINS)}` +
          (bad ? ` (${bad} errors, faults or findings)` : "");
        rect.append(title);
        rect.addEventListener("click", () => { state.window = [Math.floor(b * end / BINS), Math.ceil((b + 1) * end / BINS)]; reset(); });
        svg.append(rect);
        // Problems get their own strip under the bar, shaded by their share of the bin.
        if (bad) svg.append(svgEl("rect", { x, y: y + H - 4, width: w, height: 3, fill: "var(--bad)",
          "fill-opacity": 0.35 + 0.65 * (bad / n) }));
      });
    });
    const axis = lanes.length * H + 12;
    for (const [x, t, anchor] of [[LABEL, 0, "start"], [W - 2, end, "end"]]) {
      const tick = svgEl("text", { x, y: axis, class: "lane-label", "text-anchor": anchor });
      tick.textContent = fmt(t);
      svg.append(tick);
    }
    document.getElementById("lanes").replaceChildren(svg);
  }

  // -------------------------------------------------------------- controls
  const controls = document.getElementById("controls");
  const boxes = new Map();
  function reset() { limit = PAGE; render(); }
  function syncControls() { for (const [lane, box] of boxes) box.checked = state.lanes.has(lane); }
  function checkbox(text, checked, onChange) {
    const label = el("label"), box = el("input");
    box.type = "checkbox"; box.checked = checked;
    box.addEventListener("change", () => { onChange(box.checked); reset(); });
    label.append(box, " " + text);
    controls.append(label);
    return box;
  }
  for (const lane of lanes) {
    const n = lane === "agent" ? calls.length : events.filter((e) => e.lane === lane).length;
    boxes.set(lane, checkbox(lane + " (" + n + ")", state.lanes.has(lane), (on) => on ? state.lanes.add(lane) : state.lanes.delete(lane)));
  }
  const kinds = el("select");
  kinds.append(new Option("every kind", ""));
  for (const tool of [...new Set(calls.map((c) => c.tool))].sort()) kinds.append(new Option("call: " + tool, "call:" + tool));
  for (const kind of [...new Set(events.map((e) => e.kind))].sort()) kinds.append(new Option(kind, kind));
  kinds.addEventListener("change", () => { state.kind = kinds.value; reset(); });
  controls.append(kinds);
  const search = el("input");
  search.type = "search"; search.placeholder = "search tools, kinds, arguments, data";
  let pending;
  search.addEventListener("input", () => { clearTimeout(pending); pending = setTimeout(() => { state.text = search.value.trim().toLowerCase(); reset(); }, 200); });
  controls.append(search);
  const problems = checkbox("problems only", false, (on) => { state.problems = on; });
  const fold = checkbox("fold the agent's own events into its calls", true, (on) => { state.fold = on; });
  const clear = el("button", "", "clear filters");
  clear.addEventListener("click", () => {
    state = defaults(); kinds.value = ""; search.value = ""; problems.checked = false; fold.checked = true;
    syncControls(); reset();
  });
  controls.append(clear);
  counter = el("span", "count");
  controls.append(counter);

  // ------------------------------------------------------ links to evidence
  // #r12 opens call 12, #e40 shows event 40 (in its call when it is folded there).
  function reveal(hash) {
    const m = /^#([re])(\d+)$/.exec(hash);
    if (!m) return;
    const n = Number(m[2]);
    let call = m[1] === "r" ? callAt.get(n) : null, ev = m[1] === "e" ? eventAt.get(n) : null;
    if (!call && !ev) return;
    if (ev && !topLevel(ev)) call = callAt.get(ev.call);
    const target = ev && topLevel(ev) ? ev : call;
    if (!target) return;
    if ((target.type === "call" && !callShown(target)) || (target.type === "event" && !topLevel(target))) {
      state = defaults(); syncControls(); kinds.value = ""; search.value = ""; problems.checked = false; fold.checked = true;
    }
    if (target.type === "call") open.add(target.index); else open.add("e" + target.seq);
    const all = units(visible());
    const at = all.findIndex((u) => u === target || (u.type === "group" && u.members.includes(target)));
    if (at >= 0 && all[at].type === "group") openGroups.add(all[at].key);
    limit = Math.max(limit, at + PAGE);
    render();
    const sel = ev ? `[data-seq="${ev.seq}"]` : `.row.call[data-index="${target.index}"]`;
    const node = list.querySelector(sel);
    if (node) { node.scrollIntoView({ block: "center" }); node.classList.add("flash"); }
  }
  window.addEventListener("hashchange", () => reveal(location.hash));
  render();
  if (location.hash) reveal(location.hash);
  document.body.dataset.ready = "true";
})();
