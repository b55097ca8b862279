// Timeline: every recorded task as a bar on its worker's row (actor calls on their actor's row),
// drawn from the same Chrome trace the download link gives.
import { header, api, poll } from "/static/common.js";

header();
const SVG = "http://www.w3.org/2000/svg";
const ROW = 22, LABEL = 150;

function svg(name, attrs) {
  const el = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attrs)) el.setAttribute(k, v);
  return el;
}

function draw(trace) {
  const bars = trace.traceEvents.filter(e => e.ph === "X" && e.tid >= 0);
  const names = new Map(trace.traceEvents.filter(e => e.ph === "M" && e.name === "thread_name")
    .map(e => [e.tid, e.args.name]));
  const rows = [...new Set(bars.map(e => e.tid))].sort((a, b) => a - b);
  const root = document.getElementById("timeline");
  const width = root.clientWidth || 900;
  root.setAttribute("height", Math.max(ROW, rows.length * ROW) + 20);
  root.replaceChildren();
  if (!bars.length) {
    root.append(Object.assign(svg("text", { x: 0, y: 14 }), { textContent: "No finished tasks yet." }));
  }
  const start = Math.min(...bars.map(e => e.ts)), end = Math.max(...bars.map(e => e.ts + e.dur));
  const span = Math.max(end - start, 1), scale = (width - LABEL - 10) / span;
  rows.forEach((tid, i) => {
    root.append(svg("line", { x1: LABEL, x2: width, y1: i * ROW + ROW - 1, y2: i * ROW + ROW - 1 }));
    const label = svg("text", { x: 0, y: i * ROW + 15 });
    label.textContent = names.get(tid) ?? "row " + tid;
    root.append(label);
  });
  for (const e of bars) {
    const row = rows.indexOf(e.tid);
    const rect = svg("rect", {
      class: "bar " + (e.args.state ?? "") + (e.cat === "task" ? "" : " actor"),
      x: LABEL + (e.ts - start) * scale, y: row * ROW + 3,
      width: Math.max(1, e.dur * scale), height: ROW - 6,
    });
    rect.dataset.taskId = e.args.task_id;
    const title = svg("title", {});
    title.textContent = `${e.name} (${e.args.task_id}) ${e.args.state}, ${(e.dur / 1000).toFixed(2)} ms`;
    rect.append(title);
    root.append(rect);
  }
  document.getElementById("timeline-count").textContent = "(" + bars.length + " bars on " + rows.length + " rows)";
}

poll(async () => draw(await api("/api/v0/timeline")), 2000);
