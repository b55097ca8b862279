// Actors: state, restarts, pending calls, resources; a row shows the actor's recent calls.
import { header, api, poll, time, duration, cell, stateCell, fillRows } from "/static/common.js";

header();
let chosen = null;

poll(async () => {
  const actors = await api("/api/v0/actors?limit=1000");
  document.getElementById("actor-total").textContent = "(" + actors.total + ")";
  fillRows(document.getElementById("actor-rows"), actors.rows, a => {
    const tr = document.createElement("tr");
    tr.className = "selectable";
    tr.dataset.actorId = a.actor_id;
    const resources = Object.entries(a.resources).filter(([, v]) => v > 0).map(([k, v]) => k + " " + v).join(", ");
    tr.append(cell(a.actor_id), cell(a.name), cell(a.class_name), stateCell(a.state), cell(a.restarts, "num"),
      cell(a.pending_calls, "num"), cell(resources), cell(a.death_cause),
      cell(a.namespace), cell(a.lifetime), cell(a.node_id ?? ""));
    tr.addEventListener("click", () => { chosen = a.actor_id; });
    return tr;
  });
  if (!chosen && actors.rows.length) chosen = actors.rows[0].actor_id;
  if (chosen) {
    const detail = await api("/api/v0/actors/" + encodeURIComponent(chosen) + "?limit=20");
    document.getElementById("calls-actor").textContent = "of " + (detail.actor.name ?? detail.actor.actor_id);
    fillRows(document.getElementById("call-rows"), detail.calls, c => {
      const tr = document.createElement("tr");
      tr.append(cell(c.task_id), cell(c.name), stateCell(c.state), cell(c.attempt, "num"), cell(time(c.started_ms)),
        cell(duration(c.started_ms, c.ended_ms), "num"));
      return tr;
    });
  }
});
