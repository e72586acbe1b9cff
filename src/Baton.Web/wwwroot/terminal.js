// The live terminal of one worker (terminal.html?worker=NAME): xterm.js fed by the dashboard's
// WebSocket, which shares one tmux control-mode feed per pane among all pages. Messages: "screen"
// (the pane now, with its colours and cursor: the terminal is reset to it), "output" (what the
// pane printed next), "ended" (why the feed stopped). The page only watches: typing goes through
// the send box (POST /send, like `baton send`), never through the terminal.

import { workerFromUrl, wireActions, explainMissing } from "/worker-actions.js";

const worker = workerFromUrl();
const state = document.getElementById("terminal-state");
const reason = document.getElementById("terminal-reason");
document.getElementById("worker-name").textContent = worker || "(no worker)";
document.getElementById("pane-link").href = `/pane.html?worker=${encodeURIComponent(worker)}`;
document.title = `${worker} · Baton terminal`;

const term = new Terminal({ disableStdin: true, scrollback: 5000, fontSize: 13, cursorBlink: false, convertEol: false });
term.open(document.getElementById("terminal"));

// For tests (and copy-paste): the terminal's whole buffer as text, lines joined by "\n".
window.batonTerminalText = () => {
  const buffer = term.buffer.active;
  const lines = [];
  for (let i = 0; i < buffer.length; i++) lines.push(buffer.getLine(i)?.translateToString(true) ?? "");
  return lines.join("\n");
};

function show(text, why, live) {
  state.textContent = text;
  state.classList.toggle("off", !live);
  reason.textContent = why || "";
}

let retry = 1000;

function connect() {
  const scheme = location.protocol === "https:" ? "wss" : "ws";
  const socket = new WebSocket(`${scheme}://${location.host}/api/workers/${encodeURIComponent(worker)}/terminal`);
  let ended = false;
  let opened = false;
  socket.onopen = () => {
    opened = true;
    retry = 1000;
    show("live", "", true);
  };
  socket.onmessage = (event) => {
    const message = JSON.parse(event.data);
    if (message.type === "screen") {
      term.reset();
      if (message.cols > 0 && message.rows > 0) term.resize(message.cols, message.rows);
      term.write(message.data);
    } else if (message.type === "output") {
      term.write(message.data);
    } else if (message.type === "ended") {
      ended = true;
      show("ended", message.reason, false);
    }
  };
  socket.onclose = async () => {
    if (ended) return;
    // A refused upgrade tells the page nothing: ask the API why, then try again unless it is hopeless.
    const missing = opened ? null : await explainMissing(worker);
    if (missing) {
      show(missing, "", false);
      return;
    }
    show("disconnected", `reconnecting in ${Math.round(retry / 1000)} s`, false);
    setTimeout(connect, retry);
    retry = Math.min(retry * 2, 15000);
  };
}

wireActions(worker);
if (worker) connect();
else show("unknown worker", "the address needs ?worker=NAME", false);
