// Overview: resource use over the last minutes, the nodes, task counts by state, and the actors.
import { header, api, poll, amount, bytes, cell, stateCell, fillRows } from "/static/common.js";
import { lineChart } from "/static/chart.js";

header();

/** The card of one chart, made on first use; returns its canvas and figure. */
function card(id, title) {
  let el = document.getElementById("card-" + id);
  if (!el) {
    el = document.createElement("article");
    el.className = "card";
    el.id = "card-" + id;
    el.innerHTML = `<h3><span class="title"></span><span class="figure" id="figure-${id}"></span></h3>
      <canvas class="chart" id="chart-${id}"></canvas>`;
    el.querySelector(".title").textContent = title;
    document.getElementById("resource-cards").append(el);
  }
  return { canvas: el.querySelector("canvas"), figure: el.querySelector(".figure") };
}

function drawHistory(history) {
  const samples = history.samples;
  const totals = history.totals;
  for (const r of totals.resources) {
    if (r.name === "memory") continue;  // the logical memory resource: rarely asked for, shown in the API
    if (r.name === "GPU" && totals.gpus.length > 0) continue;  // drawn per device below
    const c = card("res-" + r.name, r.name);
    c.figure.textContent = amount(r.used) + " / " + amount(r.total);
    lineChart(c.canvas, [{ points: samples.map(s => [s.time_ms, s.used[r.name] ?? 0]), color: "--running" }], r.total);
  }
  totals.gpus.forEach((gpu, i) => {
    const c = card("gpu-" + i, "GPU " + i);
    c.figure.textContent = Math.round(gpu.used * 100) + "%";
    lineChart(c.canvas, [{ points: samples.map(s => [s.time_ms, s.gpus[i] ?? 0]), color: "--running" }], 1);
  });
  const store = totals.object_store;
  const mem = card("store", "Object store memory");
  mem.figure.textContent = bytes(store.bytes_in_memory) + " / " + bytes(store.capacity_bytes);
  lineChart(mem.canvas, [{ points: samples.map(s => [s.time_ms, s.store_bytes]), color: "--running" }], store.capacity_bytes);
  const spilled = card("spilled", "Spilled to disk");
  spilled.figure.textContent = bytes(store.bytes_spilled);
  lineChart(spilled.canvas, [{ points: samples.map(s => [s.time_ms, s.spilled_bytes]), color: "--pending" }], 1);
  const running = card("tasks", "Running and pending tasks");
  const last = samples.length ? samples[samples.length - 1].tasks : {};
  running.figure.textContent = (last.RUNNING ?? 0) + " running";
  lineChart(running.canvas, [
    { points: samples.map(s => [s.time_ms, s.tasks.RUNNING]), color: "--running" },
    { points: samples.map(s => [s.time_ms, s.tasks.PENDING_NODE_ASSIGNMENT + s.tasks.PENDING_ARGS_AVAIL]), color: "--pending" },
  ], 1);
}

function drawCounts(summary) {
  const dl = document.getElementById("task-counts");
  dl.replaceChildren(...Object.entries(summary.by_state).map(([state, n]) => {
    const div = document.createElement("div");
    const dt = document.createElement("dt");
    dt.textContent = state;
    const dd = document.createElement("dd");
    dd.id = "count-" + state;
    dd.className = "state-" + state;
    dd.textContent = n;
    div.append(dt, dd);
    return div;
  }));
}

function drawNodes(nodes) {
  fillRows(document.getElementById("node-rows"), nodes, n => {
    const tr = document.createElement("tr");
    const resources = Object.entries(n.resources).map(([name, total]) => name + " " + amount(total)).join(", ");
    tr.append(cell(n.node_id), cell(n.address), stateCell(n.state), cell(resources));
    return tr;
  });
}

function drawActors(actors) {
  fillRows(document.getElementById("actor-rows"), actors.rows, a => {
    const tr = document.createElement("tr");
    tr.append(cell(a.name ?? a.actor_id), cell(a.class_name), stateCell(a.state), cell(a.restarts, "num"),
      cell(a.pending_calls, "num"));
    return tr;
  });
}

poll(async () => {
  const [history, summary, actors, nodes] = await Promise.all([
    api("/api/v0/history"), api("/api/v0/summary"), api("/api/v0/actors?limit=20"), api("/api/v0/nodes")]);
  drawHistory(history);
  drawNodes(nodes);
  drawCounts(summary);
  drawActors(actors);
});
