// The ocrbatch console: plain JavaScript over the REST API and the WebSocket, no build step.
"use strict";

const $ = (selector) => document.querySelector(selector);
const state = { token: sessionStorage.getItem("ocrbatch.token") || "", projects: [], templates: [], sockets: {} };
const MAX_FILES = 50;
const MAX_FILE_MB = 25;
const FORMATS = ["json", "csv", "text", "xml", "html", "pdf", "docx", "xlsx"];
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
  route();
}

async function loadTemplates() {
  state.templates = (await api("GET", "/v1/openapi/templates")).data;
  for (const select of [$("#upload-template"), $("#history-template")]) {
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
    row.innerHTML = "<td><a></a></td><td></td><td></td><td></td><td></td>";
    const link = row.querySelector("a");
    link.textContent = r.fileName;
    link.href = `#record/${r.id}`;
    row.cells[1].textContent = r.status;
    row.cells[2].textContent = r.templateName || "";
    row.cells[3].textContent = r.needsReview ? "needs review" : "";
    row.cells[4].textContent = new Date(r.createdAt).toLocaleString();
    return row;
  }));
  $("#records-pages").textContent = `${body.pagination.total} records`;
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
  await drawPage(r, details);
}

async function drawPage(r, details) {
  const canvas = $("#page-canvas");
  const page = (r.pages || [])[0];
  if (!page) { canvas.width = canvas.height = 0; canvas.dataset.boxes = "0"; return; }
  canvas.width = page.width || 1000;
  canvas.height = page.height || 1400;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = "#fff";
  ctx.fillRect(0, 0, canvas.width, canvas.height);
  if (r.mimeType.startsWith("image/") && r.fileUrl) {
    const image = new Image();
    image.src = r.fileUrl;
    try { await image.decode(); ctx.drawImage(image, 0, 0, canvas.width, canvas.height); } catch (_) { /* boxes alone */ }
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
    if (line.box.length === 4) outline(line.box, "rgba(43,95,217,.6)", 1);
    if (!r.mimeType.startsWith("image/")) { ctx.fillStyle = "#333"; ctx.fillText(line.text, line.box[0][0], line.box[3][1] - 3); }
  }
  for (const detail of Object.values(details)) {
    if (detail?.box && detail.page === page.number) outline(detail.box, "rgba(217,60,43,.9)", 3);
  }
  canvas.dataset.boxes = String(boxes);
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
  show("upload");
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
const drop = $("#drop");
drop.ondragover = (e) => { e.preventDefault(); drop.classList.add("over"); };
drop.ondragleave = () => drop.classList.remove("over");
drop.ondrop = (e) => { e.preventDefault(); drop.classList.remove("over"); choose([...e.dataTransfer.files]); };
$("#max-files").textContent = MAX_FILES;
$("#limits").textContent = `Up to ${MAX_FILES} files, ${MAX_FILE_MB} MB each; PDF, PNG, JPEG, TIFF, WebP or text.`;
if (state.token) signedIn(state.token); else show("signin");
