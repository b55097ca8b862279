// Shared by every page: the header, fetching the JSON API, polling at most once a second, formats.

const PAGES = [["/", "Overview"], ["/tasks", "Tasks"], ["/actors", "Actors"], ["/objects", "Objects"],
  ["/timeline", "Timeline"], ["/logs", "Logs"]];

/** Fills the page's header: title, navigation with the current page marked, and a status line. */
export function header() {
  const header = document.querySelector("header");
  header.innerHTML = "";
  const h1 = document.createElement("h1");
  h1.textContent = "Raylite";
  const nav = document.createElement("nav");
  for (const [href, label] of PAGES) {
    const a = document.createElement("a");
    a.href = href;
    a.textContent = label;
    if (href === location.pathname) a.setAttribute("aria-current", "page");
    nav.append(a);
  }
  const status = document.createElement("span");
  status.id = "status";
  header.append(h1, nav, status);
}

/** GETs a JSON endpoint; throws with the server's message on an error status. */
export async function api(path) {
  const response = await fetch(path, { headers: { Accept: "application/json" } });
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || response.statusText);
  return body;
}

/** Calls refresh now and then once a second after each refresh ends; errors show in the status line. */
export function poll(refresh, periodMs = 1000) {
  const status = () => document.getElementById("status");
  async function tick() {
    try {
      await refresh();
      status().textContent = "updated " + new Date().toLocaleTimeString();
      status().dataset.ok = "true";
    } catch (e) {
      status().textContent = "cannot update: " + e.message;
      status().dataset.ok = "false";
    }
    setTimeout(tick, periodMs);
  }
  tick();
}

export function bytes(n) {
  const units = ["B", "KiB", "MiB", "GiB", "TiB"];
  let i = 0;
  while (n >= 1024 && i < units.length - 1) { n /= 1024; i++; }
  return (i === 0 ? n : n.toFixed(1)) + " " + units[i];
}

export function amount(x) {
  return Number.isInteger(x) ? String(x) : x.toFixed(2);
}

export function time(ms) {
  return ms ? new Date(ms).toLocaleTimeString() : "";
}

export function duration(fromMs, toMs) {
  if (!fromMs) return "";
  const ms = (toMs || Date.now()) - fromMs;
  return ms < 1000 ? ms + " ms" : (ms / 1000).toFixed(1) + " s";
}

/** A table cell with text, and optional classes. */
export function cell(text, ...classes) {
  const td = document.createElement("td");
  td.textContent = text ?? "";
  if (classes.length) td.classList.add(...classes);
  return td;
}

/** A cell showing a state, coloured by it. */
export function stateCell(state) {
  return cell(state, "state", "state-" + state);
}

/** Replaces a table body's rows. */
export function fillRows(tbody, rows, toRow) {
  tbody.replaceChildren(...rows.map(toRow));
}
