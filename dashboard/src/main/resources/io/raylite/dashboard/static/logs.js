// Logs: the last lines tasks and actors wrote with Raylite.context().log, with their task prefix.
import { header, api, poll } from "/static/common.js";

header();

poll(async () => {
  const logs = await api("/api/v0/logs?limit=1000");
  const pre = document.getElementById("log-lines");
  pre.textContent = logs.lines.length ? logs.lines.join("\n") : "(no lines yet)";
  pre.dataset.lines = String(logs.lines.length);
});
