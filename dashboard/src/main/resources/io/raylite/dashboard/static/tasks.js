// Tasks: a table with filter and sort; a row opens the task's detail, with why it is not ready
// (Raylite.explain), its error and stack trace.
import { header, api, poll, time, duration, cell, stateCell, fillRows } from "/static/common.js";

header();

const STATES = ["PENDING_ARGS_AVAIL", "PENDING_NODE_ASSIGNMENT", "SUBMITTED_TO_WORKER", "RUNNING", "FINISHED",
  "FAILED", "CANCELLED"];
const stateSelect = document.getElementById("filter-state");
for (const s of STATES) stateSelect.add(new Option(s, s));
let sortKey = "task_id", descending = true, rows = [];

function query() {
  const params = new URLSearchParams();
  const state = stateSelect.value, name = document.getElementById("filter-name").value.trim();
  if (state) params.set("state", state);
  if (name) params.set("name", name);
  params.set("limit", document.getElementById("filter-limit").value || "100");
  return params;
}

function value(row, key) {
  if (key === "duration") return row.started_ms ? (row.ended_ms || Date.now()) - row.started_ms : -1;
  if (key === "task_id") return parseInt(row.task_id.slice(row.task_id.lastIndexOf("/") + 6), 16);  // <node>/task-<hex>
  return row[key] ?? "";
}

function draw() {
  const sorted = [...rows].sort((a, b) => {
    const x = value(a, sortKey), y = value(b, sortKey);
    return (x < y ? -1 : x > y ? 1 : 0) * (descending ? -1 : 1);
  });
  fillRows(document.getElementById("task-rows"), sorted, t => {
    const tr = document.createElement("tr");
    tr.className = "selectable";
    tr.dataset.taskId = t.task_id;
    tr.append(cell(t.task_id), cell(t.name), stateCell(t.state), cell(t.attempt, "num"), cell(t.worker),
      cell(time(t.submitted_ms)), cell(duration(t.started_ms, t.ended_ms), "num"), cell(t.error_summary));
    tr.addEventListener("click", () => { location.hash = t.task_id; });
    return tr;
  });
}

async function showDetail() {
  const id = decodeURIComponent(location.hash.slice(1));
  const section = document.getElementById("detail");
  if (!id) { section.hidden = true; return; }
  const t = await api("/api/v0/tasks/" + encodeURIComponent(id));
  section.hidden = false;
  document.getElementById("detail-title").textContent = "Task " + t.task_id + " · " + t.name;
  const fields = [["State", t.state], ["Attempt", t.attempt], ["Worker", t.worker ?? ""], ["Caller", t.caller],
    ["Submitted", time(t.submitted_ms)], ["Duration", duration(t.started_ms, t.ended_ms)],
    ["Resources", Object.entries(t.resources).filter(([, v]) => v > 0).map(([k, v]) => k + " " + v).join(", ")],
    ["Waiting for", t.waiting_for.join(", ")]];
  document.getElementById("detail-fields").replaceChildren(...fields.map(([k, v]) => {
    const div = document.createElement("div");
    const dt = document.createElement("dt"); dt.textContent = k;
    const dd = document.createElement("dd"); dd.textContent = v; dd.style.fontSize = "1rem";
    div.append(dt, dd);
    return div;
  }));
  document.getElementById("detail-explanation").textContent = t.explanation?.text ?? "(not live: nothing to wait for)";
  document.getElementById("detail-error").textContent = t.error ?? "(none)";
}

for (const th of document.querySelectorAll("#task-table th")) {
  th.addEventListener("click", () => {
    descending = sortKey === th.dataset.key ? !descending : true;
    sortKey = th.dataset.key;
    draw();
  });
}
document.getElementById("filters").addEventListener("input", () => refresh());
document.getElementById("filters").addEventListener("submit", e => e.preventDefault());
window.addEventListener("hashchange", () => showDetail());

async function refresh() {
  const listing = await api("/api/v0/tasks?" + query());
  rows = listing.rows;
  document.getElementById("task-total").textContent =
    "(" + listing.rows.length + " of " + listing.total + (listing.truncated ? ", limited" : "") + ")";
  draw();
}

poll(async () => {
  await refresh();
  if (location.hash && document.getElementById("detail").hidden) await showDetail();
});
