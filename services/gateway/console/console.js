// The ocrbatch console: plain JavaScript over the REST API and the WebSocket, no build step.
"use strict";

const $ = (selector) => document.querySelector(selector);
const state = { token: sessionStorage.getItem("ocrbatch.token") || "", projects: [], templates: [], sockets: {} };
const MAX_FILES = 50;
const MAX_FILE_MB = 25;
const FORMATS = ["json", "csv", "text", "xml", "html", "pdf", "docx", "xlsx", "searchable-pdf"];
const FINAL = ["completed", "partially_failed", "failed"];

function project() { return $("#project").value; }

async function api(method, path, { body, params, raw } = {}) {
  const url = new URL(path, location.origin);
  if (project()) url.searchParams.set("projectId", project());
  for (const [k, v] of Object.entries(params || {})) if (v !== "" && v !== undefined) url.searchParams.set(k, v);
  const headers = { Authorization: `Bearer ${state.token}` };
  let payload = body;
  if (body && !(body instanceof FormData)) { headers["Content-Type"] = "application/json"; payload = JSON.stringify(body); }
  const reply = await fetch(url, { method, headers, body: payload });
  if (!reply.ok) {
    let message = reply.statusText;
    try { message = (await reply.json()).message; } catch (_) { /* not JSON */ }
    if (reply.status === 401 && path !== "/auth/login") signOut(message);
    throw new Error(message);
  }
  return raw ? reply : reply.json();
}

function show(view) {
  for (const section of document.querySelectorAll("main > section")) section.hidden = section.id !== `view-${view}`;
}

function signOut(message) {
  sessionStorage.removeItem("ocrbatch.token");
  state.token = "";
  $("#nav").hidden = true;
  show("signin");
  $("#signin-error").textContent = message || "";
}

async function signedIn(token) {
  state.token = token;
  sessionStorage.setItem("ocrbatch.token", token);
  try {
    state.projects = (await api("GET", "/v1/openapi/projects")).data;
  } catch (error) { $("#signin-error").textContent = error.message; return; }
  $("#project").replaceChildren(...state.projects.map((p) => new Option(p.name, p.id)));
  $("#nav").hidden = false;
  await loadTemplates();
  reviewCount();
  route();
}

async function loadTemplates() {
  state.templates = (await api("GET", "/v1/openapi/templates")).data;
  for (const select of [$("#upload-template"), $("#history-template"), $("#review-template")]) {
    const first = select.options[0];
    select.replaceChildren(first, ...state.templates.map((t) => new Option(t.name, t.id)));
  }
  if ([...$("#upload-template").options].some((o) => o.value === "invoice")) $("#upload-template").value = "invoice";
  $("#template-list").replaceChildren(...state.templates.map((t) => {
    const item = document.createElement("li");
    item.textContent = `${t.name} (${t.id})${t.builtin ? " — built in" : ""} `;
    const edit = document.createElement("button");
    edit.type = "button";
    edit.textContent = t.builtin ? "Copy" : "Edit";
    edit.onclick = () => editTemplate(t);
    item.append(edit);
    return item;
  }));
}

// --- upload -------------------------------------------------------------------------------------
let chosen = [];

function choose(files) {
  chosen = [...chosen, ...files];
  const problems = [];
  if (chosen.length > MAX_FILES) problems.push(`at most ${MAX_FILES} files per batch: ${chosen.length} chosen`);
  for (const f of chosen) if (f.size > MAX_FILE_MB * 1024 * 1024) problems.push(`${f.name} is over ${MAX_FILE_MB} MB`);
  $("#chosen").replaceChildren(...chosen.map((f) => Object.assign(document.createElement("li"), { textContent: `${f.name} (${Math.ceil(f.size / 1024)} KB)` })));
  $("#upload-error").textContent = problems.join("\n");
  $("#upload-button").disabled = chosen.length === 0 || problems.length > 0;
}

async function upload(event) {
  event.preventDefault();
  const form = new FormData($("#upload-form"));
  for (const f of chosen) form.append("files", f, f.name);
  form.set("projectId", project());
  $("#upload-button").disabled = true;
  try {
    const batch = await api("POST", "/v1/openapi/batch/upload", { body: form });
    chosen = [];
    choose([]);
    follow(batch);
  } catch (error) {
    $("#upload-error").textContent = error.message;
    $("#upload-button").disabled = false;
  }
}

function batchCard(batch) {
  let card = document.getElementById(`batch-${batch.id}`);
  if (!card) {
    card = document.createElement("div");
    card.className = "batch";
    card.id = `batch-${batch.id}`;
    card.innerHTML = `<strong></strong> <progress max="100" value="0"></progress> <span class="status"></span>
      <a href="#history" class="open">history</a>
      <label>Export <select class="export"><option value="">format…</option>${FORMATS.map((f) => `<option>${f}</option>`).join("")}</select></label>
      <ul class="failures"></ul>`;
    card.querySelector("strong").textContent = batch.name;
    card.querySelector(".open").onclick = () => { $("#history-batch").value = batch.id; };
    card.querySelector(".export").onchange = (e) => { if (e.target.value) download(batch.id, e.target.value); e.target.value = ""; };
    $("#batches").prepend(card);
  }
  card.querySelector("progress").value = batch.progress;
  card.querySelector(".status").textContent =
    `${batch.status} — ${batch.completedFiles} completed, ${batch.failedFiles} failed of ${batch.totalFiles}`;
  card.dataset.status = batch.status;
  return card;
}

function follow(batch) {
  batchCard(batch);
  const ws = new WebSocket(`${location.origin.replace("http", "ws")}/v1/ws?apiKey=${encodeURIComponent(state.token)}`);
  state.sockets[batch.id] = ws;
  ws.onopen = () => ws.send(JSON.stringify({ action: "subscribe", batchId: batch.id, projectId: project() }));
  ws.onmessage = async (message) => {
    const event = JSON.parse(message.data);
    if (event.event === "error") return;
    batchCard({ ...batch, ...event });
    if (FINAL.includes(event.status)) {
      ws.close();
      const failures = (await api("GET", "/v1/openapi/processing-history", { params: { batchId: batch.id, status: "failed", limit: 100 } })).data;
      const list = document.getElementById(`batch-${batch.id}`).querySelector(".failures");
      list.replaceChildren(...failures.map((r) => Object.assign(document.createElement("li"), { className: "failed", textContent: `${r.fileName}: ${r.error}` })));
    }
  };
}

async function download(batchId, format) {
  const reply = await api("GET", `/v1/openapi/batch/${batchId}/export`, { params: { format }, raw: true });
  const name = /filename="([^"]+)"/.exec(reply.headers.get("content-disposition") || "")?.[1] || `export.${format}`;
  const link = Object.assign(document.createElement("a"), { href: URL.createObjectURL(await reply.blob()), download: name });
  document.body.append(link);
  link.click();
  link.remove();
}

// --- history --------------------------------------------------------------------------------------
async function history(event) {
  event?.preventDefault();
  const params = Object.fromEntries(new FormData($("#history-filters")));
  params.limit = 100;
  const body = await api("GET", "/v1/openapi/processing-history", { params });
  $("#records tbody").replaceChildren(...body.data.map((r) => {
    const row = document.createElement("tr");
    row.innerHTML = "<td><a></a></td><td></td><td></td><td></td><td></td><td></td>";
    const link = row.querySelector("a");
    link.textContent = r.fileName;
    link.href = `#record/${r.id}`;
    row.cells[1].textContent = r.status;
    row.cells[2].textContent = r.templateName || "";
    row.cells[3].textContent = keyFields(r);
    row.cells[4].textContent = r.needsReview ? "needs review" : r.reviewedAt ? "approved" : "";
    row.cells[5].textContent = new Date(r.createdAt).toLocaleString();
    return row;
  }));
  $("#records-pages").textContent = `${body.pagination.total} records`;
}

// The template's first three fields, as a list shows them (in the template's order: a record's JSON object
// does not keep it).
function keyFields(r) {
  const values = r.processingResult || {};
  return templateFields(r).slice(0, 3)
    .map(({ name }) => `${name}: ${values[name] === null || values[name] === undefined ? "—" : typeof values[name] === "object" ? "…" : values[name]}`)
    .join(" · ");
}

// --- one record ---------------------------------------------------------------------------------
async function record(id) {
  const r = await api("GET", `/v1/openapi/processing-history/${id}`);
  show("record");
  $("#record-title").textContent = r.fileName;
  $("#record-status").textContent = `${r.status}${r.error ? ": " + r.error : ""}${r.needsReview ? " — needs review" : ""}`;
  $("#retry").hidden = r.status !== "failed";
  $("#retry").onclick = async () => { await api("POST", `/v1/openapi/processing-history/${id}/retry`); record(id); };
  $("#record-text").textContent = r.text || "";
  const details = r.fieldDetails || {};
  $("#fields tbody").replaceChildren(...Object.entries(r.processingResult || {}).map(([name, value]) => {
    const row = document.createElement("tr");
    row.innerHTML = "<td></td><td></td><td></td>";
    row.cells[0].textContent = name;
    row.cells[1].textContent = typeof value === "object" ? JSON.stringify(value) : String(value ?? "");
    const confidence = details[name]?.confidence;
    row.cells[2].textContent = confidence === undefined ? "" : confidence.toFixed(2);
    return row;
  }));
  await showPages($("#record-pages"), $("#page-canvas"), r, details);
}

// Every page of a record: a switcher, the page (its image where the file is one, else its recognised lines)
// with the lines' and fields' boxes, and each recognised word as something to click.
async function showPages(switcher, canvas, r, details, onWord) {
  const pages = r.pages || [];
  const draw = async (k) => {
    for (const [j, button] of [...switcher.children].entries()) button.setAttribute("aria-pressed", String(j === k));
    await drawPage(canvas, r, pages[k], details, onWord);
  };
  switcher.replaceChildren(...pages.map((p, k) => {
    const button = Object.assign(document.createElement("button"), { type: "button", textContent: `Page ${p.number}` });
    button.onclick = () => draw(k);
    return button;
  }));
  switcher.hidden = pages.length < 2;
  await draw(0);
}

async function drawPage(canvas, r, page, details, onWord) {
  const words = canvas.parentElement.querySelector(".words");
  words.replaceChildren();
  if (!page) { canvas.width = canvas.height = 0; canvas.dataset.boxes = "0"; return; }
  canvas.width = page.width || 1000;
  canvas.height = page.height || 1400;
  canvas.dataset.page = String(page.number);
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  const image = r.mimeType.startsWith("image/") && r.fileUrl && page.number === 1;
  if (image) {
    const picture = new Image();
    picture.src = r.fileUrl;
    try { await picture.decode(); ctx.drawImage(picture, 0, 0, canvas.width, canvas.height); } catch (_) { /* boxes alone */ }
  }
  let boxes = 0;
  const outline = (box, colour, width) => {
    ctx.strokeStyle = colour;
    ctx.lineWidth = width;
    ctx.beginPath();
    box.forEach(([x, y], k) => (k ? ctx.lineTo(x, y) : ctx.moveTo(x, y)));
    ctx.closePath();
    ctx.stroke();
    boxes += 1;
  };
  ctx.font = "14px sans-serif";
  for (const line of page.lines) {
    if (line.box.length !== 4) continue;
    outline(line.box, "rgba(43,95,217,.6)", 1);
    if (!image) { ctx.fillStyle = "#333"; ctx.fillText(line.text, line.box[0][0], line.box[3][1] - 3); }
    words.append(...lineWords(line, canvas.width, canvas.height, onWord));
  }
  for (const detail of Object.values(details)) {
    if (detail?.box && detail.page === page.number) outline(detail.box, "rgba(217,60,43,.9)", 3);
  }
  canvas.dataset.boxes = String(boxes);
}

// A line's words, each placed over its share of the line's box (by its characters, along the line's own
// direction: a page read turned has its lines' boxes turned too), as percentages of the page.
function lineWords(line, width, height, onWord) {
  const [start, end, , under] = line.box;
  const along = [end[0] - start[0], end[1] - start[1]];
  const across = [under[0] - start[0], under[1] - start[1]];
  const chars = Math.max(line.text.length, 1);
  const out = [];
  for (const match of line.text.matchAll(/\S+/g)) {
    const a = match.index / chars, b = (match.index + match[0].length) / chars;
    const corners = [a, b].flatMap((t) => [0, 1].map((u) => [start[0] + t * along[0] + u * across[0], start[1] + t * along[1] + u * across[1]]));
    const left = Math.min(...corners.map((p) => p[0])), right = Math.max(...corners.map((p) => p[0]));
    const top = Math.min(...corners.map((p) => p[1])), bottom = Math.max(...corners.map((p) => p[1]));
    const span = document.createElement("span");
    span.className = "word";
    span.textContent = "";
    span.dataset.word = match[0];
    span.title = match[0];
    span.setAttribute("aria-label", match[0]);
    Object.assign(span.style, {
      left: `${(100 * left) / width}%`,
      top: `${(100 * top) / height}%`,
      width: `${(100 * (right - left)) / width}%`,
      height: `${(100 * (bottom - top)) / height}%`,
    });
    span.onmousedown = (event) => event.preventDefault(); // the field being set keeps the focus
    span.onclick = (event) => onWord && onWord(match[0], event.shiftKey);
    out.push(span);
  }
  return out;
}

// --- review ---------------------------------------------------------------------------------------
const review = { queue: [], record: null, active: null, original: {} };

async function reviewCount() {
  try {
    const stats = await api("GET", "/v1/openapi/processing-history/stats");
    $("#review-count").textContent = stats.needsReview ? String(stats.needsReview) : "";
  } catch (_) { /* shown on the next success */ }
}

async function loadQueue() {
  const params = { ...Object.fromEntries(new FormData($("#review-filters"))), needsReview: "true", status: "completed", order: "asc", limit: 100 };
  const body = await api("GET", "/v1/openapi/processing-history", { params });
  review.queue = body.data.map((r) => r.id);
  return body;
}

async function reviewQueue(event) {
  event?.preventDefault();
  show("review");
  const body = await loadQueue();
  $("#queue tbody").replaceChildren(...body.data.map((r) => {
    const row = document.createElement("tr");
    row.innerHTML = "<td><a></a></td><td></td><td></td><td></td>";
    const link = row.querySelector("a");
    link.textContent = r.fileName;
    link.href = `#review/${r.id}`;
    row.cells[1].textContent = r.templateName || "";
    row.cells[2].textContent = keyFields(r);
    row.cells[3].textContent = new Date(r.createdAt).toLocaleString();
    return row;
  }));
  $("#queue-count").textContent = `${body.pagination.total} waiting`;
  reviewCount();
}

function asText(value) {
  return value === null || value === undefined ? "" : typeof value === "object" ? JSON.stringify(value) : String(value);
}

// The record's fields in its template's order, each with its table columns when it is a table.
function templateFields(r) {
  const template = state.templates.find((t) => t.id === r.templateId);
  const defined = (template?.fields || []).map((f) => ({ name: f.name, columns: (f.rule?.table?.columns || []).map((c) => c.name) }));
  const known = new Set(defined.map((f) => f.name));
  return [...defined.filter((f) => f.name in (r.processingResult || {})),
    ...Object.keys(r.processingResult || {}).filter((name) => !known.has(name)).map((name) => ({ name, columns: [] }))];
}

function fieldRow(name, value, detail, columns = [], threshold = 0.8) {
  const row = document.createElement("div");
  row.className = "field";
  row.dataset.field = name;
  const confidence = detail?.confidence;
  if (value === null || value === undefined || value === "" || (Array.isArray(value) && !value.length)) row.classList.add("missing");
  else if (confidence !== undefined && confidence < threshold) row.classList.add("low");
  const label = Object.assign(document.createElement("label"), { textContent: name, htmlFor: `field-${name}` });
  const conf = Object.assign(document.createElement("span"), { className: "conf", textContent: confidence === undefined ? "" : confidence.toFixed(2) });
  const error = Object.assign(document.createElement("span"), { className: "field-error", role: "alert" });
  if (Array.isArray(value) || columns.length) {
    row.append(label, itemsTable(name, value || [], columns), conf, error);
  } else {
    const input = Object.assign(document.createElement("input"), { id: `field-${name}`, value: asText(value), autocomplete: "off" });
    input.setAttribute("aria-label", name);
    input.dataset.field = name;
    row.append(label, input, conf, error);
  }
  return row;
}

// A table field (line items) as an editable table: a row of inputs per item, columns from its items.
function itemsTable(name, items, defined) {
  const columns = [...new Set([...defined, ...items.flatMap((item) => Object.keys(item))])];
  const table = document.createElement("table");
  table.className = "items";
  table.dataset.field = name;
  table.setAttribute("aria-label", name);
  table.dataset.columns = JSON.stringify(columns);
  const head = table.createTHead().insertRow();
  for (const column of columns) head.append(Object.assign(document.createElement("th"), { textContent: column }));
  const body = table.createTBody();
  const addRow = (item) => {
    const row = body.insertRow();
    for (const column of columns) {
      const input = Object.assign(document.createElement("input"), { value: asText(item[column]), autocomplete: "off" });
      input.setAttribute("aria-label", `${name} ${body.rows.length} ${column}`);
      input.dataset.column = column;
      row.insertCell().append(input);
    }
  };
  items.forEach(addRow);
  const add = Object.assign(document.createElement("button"), { type: "button", textContent: "Add row" });
  add.onclick = () => addRow({});
  table.createCaption().append(add);
  return table;
}

function tableValue(table) {
  return [...table.tBodies[0].rows]
    .map((row) => Object.fromEntries([...row.querySelectorAll("input")].map((i) => [i.dataset.column, i.value.trim() === "" ? null : i.value])))
    .filter((item) => Object.values(item).some((v) => v !== null));
}

function changedFields() {
  const changed = {};
  for (const input of $("#review-fields").querySelectorAll("input[data-field]")) {
    if (input.value !== review.original[input.dataset.field]) changed[input.dataset.field] = input.value.trim() === "" ? null : input.value;
  }
  for (const table of $("#review-fields").querySelectorAll("table[data-field]")) {
    const value = tableValue(table);
    if (JSON.stringify(value) !== review.original[table.dataset.field]) changed[table.dataset.field] = value;
  }
  return changed;
}

async function reviewRecord(id) {
  const r = await api("GET", `/v1/openapi/processing-history/${id}`);
  review.record = r;
  show("reviewing");
  $("#reviewing-title").textContent = r.fileName;
  $("#reviewing-status").textContent = `${r.templateName || ""} — ${r.needsReview ? "needs review" : r.reviewedAt ? "approved" : "no review needed"}`;
  $("#review-error").textContent = "";
  const details = r.fieldDetails || {};
  const values = r.processingResult || {};
  review.original = Object.fromEntries(templateFields(r).map((f) => {
    const v = values[f.name];
    return [f.name, Array.isArray(v) || f.columns.length ? JSON.stringify(v || []) : asText(v)];
  }));
  const threshold = state.templates.find((t) => t.id === r.templateId)?.reviewThreshold ?? 0.8; // the API's default
  $("#review-fields").replaceChildren(...templateFields(r).map((f) => fieldRow(f.name, values[f.name], details[f.name], f.columns, threshold)));
  for (const input of $("#review-fields").querySelectorAll("input")) {
    input.onfocus = () => {
      review.active = input;
      for (const row of $("#review-fields").querySelectorAll(".field")) row.classList.toggle("selected", row.contains(input));
    };
  }
  review.active = null;
  await showPages($("#reviewing-pages"), $("#reviewing-canvas"), r, details, setFromWord);
  $("#review-fields").querySelector("input")?.focus();
}

// A clicked word sets the selected field; a shift-click adds it after what is there.
function setFromWord(word, adding) {
  const input = review.active;
  if (!input) { $("#review-error").textContent = "select a field first, then click words on the page"; return; }
  input.value = adding && input.value ? `${input.value} ${word}` : word;
  input.focus();
}

async function saveReview(approve) {
  $("#review-error").textContent = "";
  for (const e of $("#review-fields").querySelectorAll(".field-error")) e.textContent = "";
  const fields = changedFields();
  if (!approve && !Object.keys(fields).length) { $("#review-error").textContent = "nothing changed"; return false; }
  try {
    await api("PATCH", `/v1/openapi/processing-history/${review.record.id}`, { body: { fields, approve } });
  } catch (error) {
    const named = /^fields\.(\w+)/.exec(error.message);
    const place = named && $("#review-fields").querySelector(`.field[data-field="${named[1]}"] .field-error`);
    (place || $("#review-error")).textContent = error.message;
    return false;
  }
  return true;
}

async function approveAndNext(event) {
  event.preventDefault();
  const current = review.record.id;
  if (!(await saveReview(true))) return;
  await loadQueue();
  reviewCount();
  const next = review.queue.find((id) => id !== current);
  location.hash = next ? `#review/${next}` : "#review";
}

// --- upload page: the project's latest batches, whoever sent them ---------------------------------
async function latestBatches() {
  const body = await api("GET", "/v1/openapi/batch", { params: { limit: 10 } });
  for (const batch of [...body.data].reverse()) {
    batchCard(batch);
    if (!FINAL.includes(batch.status) && !state.sockets[batch.id]) follow(batch);
  }
}

// --- templates ------------------------------------------------------------------------------------
function editTemplate(t) {
  const { id, builtin, projectId, createdAt, updatedAt, ...body } = t;
  $("#template-form").elements.id.value = builtin ? "" : id;
  $("#template-form").elements.body.value = JSON.stringify(builtin ? { ...body, name: `${body.name} (copy)` } : body, null, 2);
  $("#template-form-title").textContent = builtin ? `New template from ${t.name}` : `Edit ${t.name}`;
}

async function saveTemplate(event) {
  event.preventDefault();
  const form = $("#template-form").elements;
  $("#template-error").textContent = "";
  let body;
  try { body = JSON.parse(form.body.value); } catch (error) { $("#template-error").textContent = `not JSON: ${error.message}`; return; }
  try {
    if (form.id.value) await api("PUT", `/v1/openapi/templates/${form.id.value}`, { body });
    else await api("POST", "/v1/openapi/templates", { body });
    await loadTemplates();
    $("#template-error").textContent = "saved";
  } catch (error) { $("#template-error").textContent = error.message; }
}

// --- routing and wiring --------------------------------------------------------------------------
function route() {
  if (!state.token) return show("signin");
  const [view, id] = location.hash.slice(1).split("/");
  if (view === "record" && id) return record(id).catch((e) => alert(e.message));
  if (view === "history") { show("history"); return history().catch((e) => alert(e.message)); }
  if (view === "templates") return show("templates");
  if (view === "review" && id) return reviewRecord(id).catch((e) => { $("#review-error").textContent = e.message; });
  if (view === "review") return reviewQueue().catch((e) => alert(e.message));
  show("upload");
  latestBatches().catch((e) => { $("#upload-error").textContent = e.message; });
}

window.addEventListener("hashchange", route);
$("#login-form").onsubmit = async (event) => {
  event.preventDefault();
  const form = Object.fromEntries(new FormData(event.target));
  try {
    const reply = await fetch("/auth/login", { method: "POST", headers: { "Content-Type": "application/json" }, body: JSON.stringify(form) });
    const body = await reply.json();
    if (!reply.ok) throw new Error(body.message);
    await signedIn(body.accessToken);
  } catch (error) { $("#signin-error").textContent = error.message; }
};
$("#key-form").onsubmit = (event) => { event.preventDefault(); signedIn(new FormData(event.target).get("key").trim()); };
$("#sign-out").onclick = () => signOut("");
$("#project").onchange = () => { loadTemplates(); route(); };
$("#upload-form").onsubmit = upload;
$("#file-input").onchange = (e) => choose([...e.target.files]);
$("#history-filters").onsubmit = history;
$("#template-form").onsubmit = saveTemplate;
$("#review-filters").onsubmit = reviewQueue;
$("#review-form").onsubmit = approveAndNext;
$("#review-save").onclick = async () => { if (await saveReview(false)) reviewRecord(review.record.id); };
document.addEventListener("keydown", (event) => {
  if (event.key === "Escape" && !$("#view-reviewing").hidden) location.hash = "#review";
});
const drop = $("#drop");
drop.ondragover = (e) => { e.preventDefault(); drop.classList.add("over"); };
drop.ondragleave = () => drop.classList.remove("over");
drop.ondrop = (e) => { e.preventDefault(); drop.classList.remove("over"); choose([...e.dataTransfer.files]); };
$("#max-files").textContent = MAX_FILES;
$("#limits").textContent = `Up to ${MAX_FILES} files, ${MAX_FILE_MB} MB each; PDF, PNG, JPEG, TIFF, WebP or text.`;
if (state.token) signedIn(state.token); else show("signin");
