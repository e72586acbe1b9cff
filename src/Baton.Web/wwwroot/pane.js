// The phone view of a worker's pane (pane.html?worker=NAME): its screen as plain text, no colours,
// read every 2 s from /api/workers/NAME/pane (the server captures each pane at most once a second
// whoever asks), with the same send box and buttons as the terminal.

import { workerFromUrl, wireActions, explainMissing } from "/worker-actions.js";

const worker = workerFromUrl();
const text = document.getElementById("pane-text");
const state = document.getElementById("pane-state");
document.getElementById("worker-name").textContent = worker || "(no worker)";
document.getElementById("terminal-link").href = `/terminal.html?worker=${encodeURIComponent(worker)}`;
document.title = `${worker} · Baton`;

function show(label, live) {
  state.textContent = label;
  state.classList.toggle("off", !live);
}

async function refresh() {
  try {
    const response = await fetch(`/api/workers/${encodeURIComponent(worker)}/pane`, { credentials: "same-origin" });
    const body = await response.json().catch(() => ({}));
    if (response.ok) {
      // The screen's trailing blank lines are noise on a phone.
      text.textContent = body.text.replace(/\s+$/, "");
      show("live", true);
    } else if (response.status === 404) {
      show((await explainMissing(worker)) || "unknown worker", false);
      return;
    } else {
      show(body.error || `HTTP ${response.status}`, false);
      if (response.status === 409) return; // a dead session stays dead
    }
  } catch {
    show("offline", false);
  }
  setTimeout(refresh, document.hidden ? 10000 : 2000);
}

wireActions(worker);
if (worker) refresh();
else show("unknown worker", false);
