#!/usr/bin/env bash
# Baton notification benchmark: a worker's permission question, reported by its hook the way
# Claude Code's Notification hook (notification_type permission_prompt) reports it, until the
# urgent notification reaches a local webhook receiver through `baton up` (spool -> monitor ->
# event -> notifier outbox -> HTTP POST). The raw baseline in the same run: the same agent POSTs
# to the same receiver itself (curl) right after its hook ran — what the wire costs alone.
# Goal (issue 13): <= 5 s from the hook to the delivered notification.
# Usage: bash bench/notify.sh     (BATON=/path/to/baton to use another binary (baton-hook beside it),
#                                  BENCH_NOTIFY_N=N questions, default 12,
#                                  BENCH_KEEP=1 keeps the temp folder)
# Results: bench/results/notify-<UTC date-time>.md (and notify-latest.md), printed too.
# The loop runs with its default settings (tick 2 s, 4 workers), so the figure is what a user gets.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
BATON=${BATON:-$root/artifacts/bin/baton}
HOOK=$(dirname "$BATON")/baton-hook
N=${BENCH_NOTIFY_N:-12}

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

[[ -x "$BATON" && -x "$HOOK" ]] || die "baton and baton-hook not found beside $BATON.
Build them first (from $root):
    dotnet publish src/Baton.Cli -c Release -o artifacts/bin && dotnet publish src/Baton.Hook -c Release -o artifacts/bin"
for tool in git tmux python3 curl; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not on PATH"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-notify-bench.XXXXXX")
SOCKET="baton-bench-notify-$$"
UP_PID=""
RECEIVER_PID=""
cleanup() {
    [[ -n "$UP_PID" ]] && kill "$UP_PID" 2>/dev/null && wait "$UP_PID" 2>/dev/null
    [[ -n "$RECEIVER_PID" ]] && kill "$RECEIVER_PID" 2>/dev/null
    tmux -L "$SOCKET" kill-server 2>/dev/null || true
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

# ---------------------------------------------------------------- the receiver
# Records the arrival time (ns, wall clock, same host) of every POST with its body.
cat >"$WORK/receiver.py" <<'PY'
import http.server, json, sys, time, threading
log = open(sys.argv[1], "a", buffering=1)
lock = threading.Lock()
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        arrived = time.time_ns()
        body = self.rfile.read(int(self.headers.get("Content-Length", "0"))).decode()
        with lock:
            log.write(json.dumps({"ns": arrived, "path": self.path, "body": body}) + "\n")
        self.send_response(200); self.send_header("Content-Length", "0"); self.end_headers()
    def log_message(self, *a): pass
server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), H)
open(sys.argv[2], "w").write(str(server.server_address[1]))
server.serve_forever()
PY
python3 "$WORK/receiver.py" "$WORK/received.jsonl" "$WORK/port" &
RECEIVER_PID=$!
for _ in $(seq 100); do [[ -s "$WORK/port" ]] && break; sleep 0.05; done
PORT=$(cat "$WORK/port")

# ---------------------------------------------------------------- the repository
log "repository with $N tickets that each ask a permission question (hook, then the screen)"
REPO="$WORK/repo"
mkdir -p "$REPO" "$WORK/t0"
git -C "$REPO" init -q -b main
git -C "$REPO" -c user.email=b@localhost -c user.name=bench commit -q --allow-empty -m init
export BATON_TMUX_SOCKET="$SOCKET" NO_COLOR=1
unset TMUX BATON_DB BATON_WORKER
cd "$REPO"
"$BATON" init >/dev/null
cat >.baton/config.yaml <<YAML
agents:
  default: scripted
notify:
  channels:
    people: {type: webhook, url: "http://127.0.0.1:$PORT/baton"}
  rules:
    urgent: {priority: urgent, channels: [people]}
YAML
for i in $(seq "$N"); do
    id="T-$i"
    # The hook exactly as an agent's settings call it (BATON_DB and BATON_WORKER are the worker's),
    # then the raw POST, then the question on the screen.
    hook="date +%s%N > $WORK/t0/$id; echo '{\"notification_type\":\"permission_prompt\",\"message\":\"Claude needs your permission\"}' | $HOOK Notification; curl -s -o /dev/null -X POST --data raw-$id http://127.0.0.1:$PORT/raw"
    # A random delay first: a question comes at any phase of the loop's tick, not just after a dispatch.
    delay=$(python3 -c "import random; print(round(random.uniform(0.5, 6.5), 2))")
    "$BATON" ticket create "Question $i" --body "@sleep $delay
@run $hook
@ask Delete the cache?
@write q$i.txt answered
@commit $id: answered
@run $BATON ticket done $id --summary answered" >/dev/null
done

# ---------------------------------------------------------------- the run
log "baton up (default tick and workers) until all $N notifications arrived"
"$BATON" up --plain >"$WORK/up.log" 2>&1 &
UP_PID=$!
answered=" "
deadline=$((SECONDS + 60 + N * 15))
while :; do
    (( SECONDS < deadline )) || die "only $(grep -c '"path": "/baton"' "$WORK/received.jsonl" || true) of $N notifications in time; see $WORK/up.log (BENCH_KEEP=1 keeps it)"
    # Answer every question whose notification arrived, so the next tickets get workers.
    while read -r worker; do
        [[ -z "$worker" || "$answered" == *" $worker "* ]] && continue
        "$BATON" send "$worker" y >/dev/null 2>&1 || true
        answered+="$worker "
    done < <(python3 - "$WORK/received.jsonl" <<'PY'
import json, sys
for line in open(sys.argv[1]):
    r = json.loads(line)
    if r["path"] == "/baton":
        b = json.loads(r["body"])
        if b.get("kind") == "needs_human" and b.get("worker"): print(b["worker"])
PY
)
    got=$(python3 -c 'import json,sys; print(len({json.loads(json.loads(l)["body"]).get("ticket") for l in open(sys.argv[1]) if json.loads(l)["path"]=="/baton" and json.loads(json.loads(l)["body"]).get("kind")=="needs_human"}))' "$WORK/received.jsonl")
    (( got >= N )) && break
    sleep 0.2
done
kill "$UP_PID"; wait "$UP_PID" 2>/dev/null || true; UP_PID=""

# ---------------------------------------------------------------- the figures
mkdir -p "$RESULTS_DIR"
stamp=$(date -u +%Y%m%d-%H%M%S)
out="$RESULTS_DIR/notify-$stamp.md"
python3 - "$WORK" "$N" "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" >"$out" <<'PY'
import json, os, sys, statistics
work, n, commit = sys.argv[1], int(sys.argv[2]), sys.argv[3]
t0 = {f: int(open(os.path.join(work, "t0", f)).read()) for f in os.listdir(os.path.join(work, "t0"))}
baton, raw = {}, {}
for line in open(os.path.join(work, "received.jsonl")):
    r = json.loads(line)
    if r["path"] == "/raw":
        raw.setdefault(r["body"][4:], r["ns"])
    else:
        b = json.loads(r["body"])
        if b.get("kind") == "needs_human" and b.get("ticket") in t0:
            baton.setdefault(b["ticket"], r["ns"])
def ms(d): return sorted((d[t] - t0[t]) / 1e6 for t in d if t in t0)
def pct(xs, p): return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))]
b, w = ms(baton), ms(raw)
print(f"# Notification benchmark ({commit})\n")
print(f"{n} permission questions (hook `Notification` / `permission_prompt`, then the question on screen),")
print("each 0.5-6.5 s (random) after its agent started, so at any phase of the loop's tick;")
print("`baton up` with its default settings (tick 2 s, 4 workers) and a webhook channel on 127.0.0.1.\n")
print("| path | n | p50 ms | p95 ms | max ms |\n| --- | --- | --- | --- | --- |")
print(f"| hook -> Baton's urgent notification received | {len(b)} | {pct(b,50):.0f} | {pct(b,95):.0f} | {max(b):.0f} |")
print(f"| hook -> raw POST by the agent itself (baseline) | {len(w)} | {pct(w,50):.0f} | {pct(w,95):.0f} | {max(w):.0f} |")
print(f"\nratio (p50): {pct(b,50)/max(pct(w,50),0.001):.0f}x; goal: <= 5000 ms: {'met' if max(b) <= 5000 else 'NOT met'} (max {max(b):.0f} ms)")
PY
cp "$out" "$RESULTS_DIR/notify-latest.md"
cat "$out"
