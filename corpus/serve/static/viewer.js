// The viewer's one script: sortable tables, the index's collect field, and on a sample page the overlay, the
// hover details, a walk through the model's mistakes and labeling with a click. The
// sample itself runs no script (its frame is sandboxed); this script reaches into it
// as a same-origin parent.
"use strict";

const DATA = JSON.parse(document.getElementById("corpus-data").textContent);
const TOKEN = document.querySelector('meta[name="corpus-token"]').content;
const MARK = "data-corpus-i";

function sortable(table) {
  table.querySelectorAll("th").forEach((th, column) => {
    th.addEventListener("click", () => {
      const body = table.tBodies[0];
      const down = th.dataset.sorted !== "down";
      table.querySelectorAll("th").forEach((h) => delete h.dataset.sorted);
      th.dataset.sorted = down ? "down" : "up";
      const key = (row) => {
        const text = row.cells[column].textContent.trim();
        const number = parseFloat(text);
        return Number.isNaN(number) ? text : number;
      };
      const rows = Array.from(body.rows).sort((a, b) => {
        const x = key(a), y = key(b);
        const order = typeof x === "number" && typeof y === "number" ? x - y : String(x).localeCompare(String(y));
        return down ? -order : order;
      });
      rows.forEach((row) => body.appendChild(row));
    });
  });
}

async function post(path, body) {
  const response = await fetch(path, {
    method: "POST",
    headers: {"content-type": "application/json", "x-corpus-token": TOKEN},
    body: JSON.stringify(body),
  });
  const answer = await response.json().catch(() => ({error: response.statusText}));
  if (!response.ok) throw new Error(answer.error || response.statusText);
  return answer;
}

function samplePage() {
  const frame = document.getElementById("page");
  const query = DATA.trainee ? `?trainee=${encodeURIComponent(DATA.trainee)}` : "";
  const api = `/api/sample/${encodeURIComponent(DATA.set)}/${encodeURIComponent(DATA.name)}${query}`;
  const hover = document.getElementById("hover");
  const selectedText = document.getElementById("selected");
  const applyLabel = document.getElementById("apply-label");
  const message = document.getElementById("message");
  let info = null;
  let selected = null;

  const say = (text, bad) => { message.textContent = text; message.className = bad ? "message bad" : "message"; };

  function element(doc, number) {
    return doc.querySelector(`[${MARK}="${number}"]`);
  }

  const COLORS = {TP: "#1a7f37", FP: "#cf222e", FN: "#bf8700", pruned: "#8250df", label: "#0969da", selected: "#000"};

  function box(doc, layer, el, cls, text) {
    const r = el.getBoundingClientRect();
    const win = doc.defaultView;
    const div = doc.createElement("div");
    div.className = `corpus-box ${cls}`;
    div.dataset.outcome = cls;
    Object.assign(div.style, {
      position: "absolute", left: `${r.left + win.scrollX}px`, top: `${r.top + win.scrollY}px`,
      width: `${Math.max(r.width, 2)}px`, height: `${Math.max(r.height, 2)}px`,
      pointerEvents: "none", zIndex: 2147483647, boxSizing: "border-box",
      border: `${cls === "pruned" || cls === "label" ? "dashed" : "solid"} 3px ${COLORS[cls]}`,
    });
    if (text) {
      const tag = doc.createElement("span");
      tag.textContent = text;
      // Labels caption below the box, outcomes above, so both stay readable on one element.
      Object.assign(tag.style, {position: "absolute", [cls === "label" ? "bottom" : "top"]: "-1.3em", left: "0",
                                font: "11px sans-serif", color: COLORS[cls], background: "#fff",
                                padding: "0 2px", whiteSpace: "nowrap"});
      div.appendChild(tag);
    }
    layer.appendChild(div);
  }

  function draw() {
    const doc = frame.contentDocument;
    if (!doc || !doc.body || !info) return;
    doc.getElementById("corpus-overlay")?.remove();
    const layer = doc.createElement("div");
    layer.id = "corpus-overlay";
    Object.assign(layer.style, {position: "absolute", left: "0", top: "0", width: "0", height: "0"});
    doc.body.appendChild(layer);
    for (const [number, label] of Object.entries(info.labels)) {
      const el = element(doc, number);
      if (el) box(doc, layer, el, "label", label);
    }
    for (const node of info.nodes) {
      if (node.outcome === "TN" || node.element === null) continue;
      const el = element(doc, node.element);
      if (!el) continue;
      const score = node.score === null ? "" : ` ${node.score.toFixed(3)}`;
      box(doc, layer, el, node.outcome, `${node.outcome}${score}`);
    }
    if (selected !== null) {
      const el = element(doc, selected);
      if (el) box(doc, layer, el, "selected", "selected");
    }
  }

  function numbered(el) {
    while (el && el.nodeType === 1 && !el.hasAttribute(MARK)) el = el.parentElement;
    return el && el.nodeType === 1 ? Number(el.getAttribute(MARK)) : null;
  }

  function describe(number) {
    const doc = frame.contentDocument;
    const node = info.nodes.find((n) => n.element === number);
    const el = element(doc, number);
    const tag = el ? el.cloneNode(false).outerHTML.replace(/ data-corpus-i="\d+"/, "").replace(/<\/[^>]*>$/, "") : "";
    hover.textContent = "";
    const head = document.createElement("code");
    head.textContent = tag.slice(0, 300);
    hover.appendChild(head);
    if (!node) return;
    const summary = document.createElement("p");
    summary.textContent = `${node.outcome}${node.score === null ? "" : `, score ${node.score.toFixed(4)}`}`;
    hover.appendChild(summary);
    const rules = [...node.contributions].sort((a, b) => Math.abs(b[2]) - Math.abs(a[2]));
    const table = document.createElement("table");
    for (const [rule, value, share] of rules) {
      const row = table.insertRow();
      row.insertCell().textContent = rule;
      row.insertCell().textContent = value.toFixed(3);
      const cell = row.insertCell();
      cell.textContent = (share >= 0 ? "+" : "") + share.toFixed(3);
      cell.className = share > 0 ? "up" : share < 0 ? "down" : "";
    }
    hover.appendChild(table);
  }

  function wire() {
    const doc = frame.contentDocument;
    if (!doc) return;
    doc.addEventListener("mousemove", (event) => {
      const number = numbered(event.target);
      if (number !== null) describe(number);
    });
    // Capture every click: pick the element instead of following links or buttons.
    doc.addEventListener("click", (event) => {
      event.preventDefault();
      event.stopPropagation();
      selected = numbered(event.target);
      if (selected === null) return;
      const label = info.labels[selected];
      selectedText.textContent = `selected element ${selected}` + (label ? `, labeled "${label}"` : "");
      applyLabel.disabled = false;
      draw();
    }, true);
    doc.addEventListener("submit", (event) => event.preventDefault(), true);
  }

  // The stops: the model's mistakes (false positives and negatives, pruned targets) in
  // page order, else its targets; the view opens at the first, next/previous walk them.
  let stops = {kind: "target", elements: []};
  let stopAt = 0;

  function findStops() {
    const at = (nodes) => [...new Set(nodes.filter((n) => n.element !== null).map((n) => n.element))].sort((a, b) => a - b);
    const mistakes = at(info.nodes.filter((n) => ["FP", "FN", "pruned"].includes(n.outcome)));
    const targets = at(info.nodes.filter((n) => n.outcome === "TP"));
    const labeled = Object.keys(info.labels).map(Number).filter((n) => n !== info.htmlElement).sort((a, b) => a - b);
    if (mistakes.length) return {kind: "mistake", elements: mistakes};
    return {kind: "target", elements: targets.length ? targets : labeled};
  }

  function showStop(index) {
    const found = stops.elements;
    const text = document.getElementById("stop-at");
    stopAt = Math.max(0, Math.min(index, found.length - 1));
    document.getElementById("previous-stop").disabled = stopAt <= 0;
    document.getElementById("next-stop").disabled = stopAt >= found.length - 1;
    if (!found.length) { text.textContent = "no mistakes or targets"; return; }
    text.textContent = `${stops.kind} ${stopAt + 1} of ${found.length}`;
    const el = element(frame.contentDocument, found[stopAt]);
    if (el) el.scrollIntoView({block: "center", inline: "nearest"});
    describe(found[stopAt]);
  }

  document.getElementById("previous-stop").addEventListener("click", () => showStop(stopAt - 1));
  document.getElementById("next-stop").addEventListener("click", () => showStop(stopAt + 1));

  function showFindings(findings) {
    const list = document.getElementById("findings");
    list.textContent = "";
    for (const finding of findings.length ? findings : ["no findings"]) {
      const item = document.createElement("li");
      item.textContent = finding;
      list.appendChild(item);
    }
  }

  async function load(first) {
    const response = await fetch(api);
    info = await response.json();
    if (info.error) { say(info.error, true); return; }
    if (info.nodesError) say(info.nodesError, true);
    document.getElementById("page-type").value = info.labels[info.htmlElement] || "";
    showFindings(info.findings);
    draw();
    stops = findStops();
    // Opened: jump to the first stop. After a label, stay where the reader is.
    if (first) showStop(0);
    else { const keep = frame.contentWindow.scrollY; showStop(stopAt); frame.contentWindow.scrollTo(0, keep); }
    document.body.dataset.ready = "yes";
  }

  async function refresh() {
    document.body.dataset.ready = "no";
    await new Promise((resolve) => { frame.addEventListener("load", resolve, {once: true}); frame.contentWindow.location.reload(); });
    wire();
    await load(false);
  }

  async function write(body) {
    document.body.dataset.ready = "no";  // until the page is shown again
    try {
      const answer = await post("/api/label", {set: DATA.set, name: DATA.name, ...body});
      say(answer.changed ? `label ${answer.old ?? "(none)"} → ${answer.new ?? "(none)"}` : "no change");
      await refresh();
    } catch (error) {
      say(error.message, true);
      document.body.dataset.ready = "yes";
    }
  }

  applyLabel.addEventListener("click", () => write({element: selected, label: document.getElementById("label-type").value}));
  document.getElementById("apply-page").addEventListener("click", () => write({wholePage: true, label: document.getElementById("page-type").value}));
  document.getElementById("undo").addEventListener("click", async () => {
    document.body.dataset.ready = "no";
    try {
      const answer = await post("/api/undo", {});
      say(`undid the change to ${answer.set}/${answer.name}`);
      await refresh();
    } catch (error) {
      say(error.message, true);
      document.body.dataset.ready = "yes";
    }
  });

  const start = () => { wire(); load(true); };
  // Before the sample loads, the frame holds an empty about:blank document that is also "complete".
  const doc = frame.contentDocument;
  if (doc && doc.URL.includes("/frame/") && doc.readyState === "complete") start();
  else frame.addEventListener("load", start, {once: true});
}

// The index's collect field: the server freezes the page into unused, then it opens for labeling.
function collectField(form) {
  const input = form.querySelector("input");
  const button = form.querySelector("button");
  const message = document.getElementById("collect-message");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    button.disabled = true;
    message.className = "message";
    message.textContent = `collecting ${input.value.trim()}…`;
    try {
      const answer = await post("/api/collect", {url: input.value});
      location.href = answer.view;
    } catch (error) {
      message.textContent = error.message;
      message.className = "message bad";
      button.disabled = false;
    }
  });
}

document.querySelectorAll("table.sortable").forEach(sortable);
if (DATA.view === "sample") samplePage();
const collectForm = document.getElementById("collect");
if (collectForm) collectField(collectForm);
