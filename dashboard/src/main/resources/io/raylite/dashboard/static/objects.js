// Objects: the store's statistics and its largest objects.
import { header, api, poll, bytes, cell, fillRows } from "/static/common.js";

header();

const STATS = [["objects_in_memory", "Objects in memory", false], ["bytes_in_memory", "In memory", true],
  ["capacity_bytes", "Capacity", true], ["peak_bytes_in_memory", "Peak", true],
  ["objects_spilled", "Objects spilled", false], ["bytes_spilled", "Spilled", true],
  ["spills", "Spills", false], ["restores", "Restores", false], ["releases", "Releases", false]];

poll(async () => {
  const objects = await api("/api/v0/objects?limit=50");
  document.getElementById("store-stats").replaceChildren(...STATS.map(([key, label, isBytes]) => {
    const div = document.createElement("div");
    const dt = document.createElement("dt"); dt.textContent = label;
    const dd = document.createElement("dd"); dd.id = "stat-" + key;
    dd.textContent = isBytes ? bytes(objects.store[key]) : objects.store[key];
    div.append(dt, dd);
    return div;
  }));
  document.getElementById("object-total").textContent = "(" + objects.rows.length + " of " + objects.total + ")";
  fillRows(document.getElementById("object-rows"), objects.rows, o => {
    const tr = document.createElement("tr");
    tr.append(cell(o.object_id), cell(bytes(o.size_bytes), "num"), cell(o.location, "state"),
      cell(o.references, "num"), cell(o.local_refs, "num"), cell(o.pending_task_arguments, "num"),
      cell(o.producer));
    return tr;
  });
});
