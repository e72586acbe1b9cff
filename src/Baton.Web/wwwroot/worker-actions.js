// The send box and the nudge/kill/approve buttons shared by terminal.html and pane.html: every
// action is a POST with the CSRF header (dom.js), through the same services as the CLI commands.

import { post } from "/dom.js";

export function workerFromUrl() {
  return new URLSearchParams(location.search).get("worker") || "";
}

export function wireActions(worker) {
  const text = document.getElementById("send-text");
  const send = document.getElementById("send-button");
  const result = document.getElementById("send-result");
  const say = (message, bad) => {
    result.textContent = message;
    result.classList.toggle("error", !!bad);
  };
  const base = `/api/workers/${encodeURIComponent(worker)}`;

  send.addEventListener("click", async () => {
    if (!text.value.trim()) {
      say("type a message first", true);
      return;
    }
    send.disabled = true;
    say("sending…", false);
    try {
      const answer = await post(`${base}/send`, { text: text.value });
      say(answer.verified === false ? `sent, but the submit was not confirmed: ${answer.detail || ""}` : "sent", answer.verified === false);
      if (answer.verified !== false) text.value = "";
    } catch (e) {
      say(e.message, true);
    } finally {
      send.disabled = false;
    }
  });

  // Ctrl+Enter (Cmd+Enter) sends, as in most chat boxes; Enter alone makes a new line.
  text.addEventListener("keydown", (e) => {
    if (e.key === "Enter" && (e.ctrlKey || e.metaKey)) {
      e.preventDefault();
      send.click();
    }
  });

  for (const button of document.querySelectorAll("button[data-action]")) {
    button.addEventListener("click", async () => {
      const action = button.dataset.action;
      button.disabled = true;
      say(`${action}…`, false);
      try {
        await post(`${base}/${action}`);
        say(`${action}: done`, false);
      } catch (e) {
        say(`${action}: ${e.message}`, true);
      } finally {
        button.disabled = false;
      }
    });
  }
}

// Why a worker's pane cannot be shown ("unknown worker", a headless worker), or null when it might come back.
export async function explainMissing(worker) {
  if (!worker) return "unknown worker";
  try {
    const response = await fetch("/api/workers", { credentials: "same-origin" });
    if (response.status === 401) return "needs the token: open the URL baton dashboard printed";
    if (!response.ok) return null;
    const workers = await response.json();
    const found = workers.find((w) => w.name === worker);
    if (!found) return "unknown worker";
    return found.session ? null : "no terminal (headless worker)";
  } catch {
    return null;
  }
}
