#!/usr/bin/env bash
# Baton handoff benchmark: N tickets whose scripted agent reports a context fill past
# handoff.force (a Stop hook naming a transcript whose last request is 85% of the effective
# window), so `baton up` hands each ticket to a fresh agent in the same worktree. Latency is from
# the moment the agent crossed the threshold (just before its hook) to the successor's first
# action (its first "tool call", a command that stamps the time). The raw baseline in the same
# run: the same switch done by hand with tmux alone (kill the session, start the scripted agent
# in the same folder, wait for its prompt, type the task): what ending and starting an agent costs.
# Also counted: tickets the successor finished through the gate and the merge without a human,
# and uncommitted files lost in the switch (each ticket's file compared byte for byte on main).
# Goal (issue 14): <= 30 s latency; >= 95% finished; 0 files lost.
# Usage: bash bench/handoff.sh   (BATON=/path/to/baton, default artifacts/bin/baton;
#                                 BENCH_HANDOFF_N=N tickets, default 20; BENCH_KEEP=1 keeps the temp folder)
# Results: bench/results/handoff-<UTC date-time>.md (and handoff-latest.md), printed too.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
BATON=${BATON:-$root/artifacts/bin/baton}
N=${BENCH_HANDOFF_N:-20}

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

[[ -x "$BATON" ]] || die "baton not found at $BATON. Build it first (from $root):
    dotnet publish src/Baton.Cli -c Release -o artifacts/bin"
for tool in git tmux python3; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not on PATH"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-handoff-bench.XXXXXX")
SOCKET="baton-bench-handoff-$$"
UP_PID=""
cleanup() {
    [[ -n "$UP_PID" ]] && kill "$UP_PID" 2>/dev/null && wait "$UP_PID" 2>/dev/null
    tmux -L "$SOCKET" kill-server 2>/dev/null || true
    if [[ "${BENCH_KEEP:-0}" == 1 ]]; then echo "kept $WORK" >&2; else rm -rf "$WORK"; fi
}
trap cleanup EXIT

REPO="$WORK/repo"
mkdir -p "$REPO" "$WORK/t0" "$WORK/t1" "$WORK/raw0" "$WORK/raw1" "$WORK/files"
git -C "$REPO" init -q -b main
git -C "$REPO" -c user.email=b@localhost -c user.name=bench commit -q --allow-empty -m init
export BATON_TMUX_SOCKET="$SOCKET" NO_COLOR=1
unset TMUX BATON_DB BATON_WORKER
cd "$REPO"
"$BATON" init >/dev/null
cat >.baton/config.yaml <<YAML
agents:
  default: scripted
handoff:
  windows: {scripted: 1000}
YAML

# ---------------------------------------------------------------- the tickets
log "$N tickets whose agent fills 85% of its context, leaving an uncommitted file"
usage='{"type":"assistant","message":{"id":"m1","model":"claude-opus-5-5","usage":{"input_tokens":850,"output_tokens":5}}}'
for i in $(seq "$N"); do
    id="T-$i"
    python3 -c "import os,sys; sys.stdout.write(os.urandom(24).hex())" >"$WORK/files/$id"
    transcript="$WORK/transcript-$i.jsonl"
    "$BATON" ticket create "Long job $i" --body "@once @write wip-$i.txt $(cat "$WORK/files/$id")
@once @write $transcript $usage
@once @run date +%s%N > $WORK/t0/$id; echo '{\"hook_event_name\":\"Stop\",\"transcript_path\":\"$transcript\"}' | baton hook Stop
@once @sleep 600
@run date +%s%N > $WORK/t1/$id
@commit $id: finished after the handoff
@run baton ticket done $id --summary done" >/dev/null
done

# ---------------------------------------------------------------- the run
log "baton up (default tick and workers) until every ticket is done"
start=$SECONDS
"$BATON" up --until-done --plain >"$WORK/up.log" 2>&1 &
UP_PID=$!
deadline=$((SECONDS + 120 + N * 30))
while kill -0 "$UP_PID" 2>/dev/null; do
    (( SECONDS < deadline )) || { kill "$UP_PID"; die "not done in time; see $WORK/up.log (BENCH_KEEP=1 keeps it)"; }
    sleep 1
done
wait "$UP_PID" || true; UP_PID=""
elapsed=$((SECONDS - start))

# ---------------------------------------------------------------- the baseline
log "raw baseline: kill a scripted agent's tmux session, start a new one, wait for its prompt, type"
RAW="$WORK/raw"
mkdir -p "$RAW"
# A session that stays, so killing the last agent's session does not take the tmux server down.
tmux -L "$SOCKET" new-session -d -s keep sleep 3600
for i in $(seq 5); do
    s="raw-$i"
    tmux -L "$SOCKET" new-session -d -s "$s" -x 160 -y 48 -c "$RAW" "$BATON" scripted-agent
    sleep 1
    tmux -L "$SOCKET" send-keys -t "=$s:" -l "@sleep 600"; tmux -L "$SOCKET" send-keys -t "=$s:" Enter
    sleep 0.5
    date +%s%N >"$WORK/raw0/R-$i"
    tmux -L "$SOCKET" kill-session -t "=$s"
    tmux -L "$SOCKET" new-session -d -s "$s" -x 160 -y 48 -c "$RAW" "$BATON" scripted-agent
    until tmux -L "$SOCKET" capture-pane -p -t "=$s:" 2>/dev/null | grep -q '^> *$'; do sleep 0.02; done
    tmux -L "$SOCKET" send-keys -t "=$s:" -l "@run date +%s%N > $WORK/raw1/R-$i"; tmux -L "$SOCKET" send-keys -t "=$s:" Enter
    for _ in $(seq 500); do [[ -s "$WORK/raw1/R-$i" ]] && break; sleep 0.02; done
    tmux -L "$SOCKET" kill-session -t "=$s"
done

# ---------------------------------------------------------------- the figures
git -C "$REPO" checkout -q main
"$BATON" handoffs --json >"$WORK/handoffs.json"
"$BATON" ticket list --json >"$WORK/tickets.json" 2>/dev/null || echo '[]' >"$WORK/tickets.json"
mkdir -p "$RESULTS_DIR"
stamp=$(date -u +%Y%m%d-%H%M%S)
out="$RESULTS_DIR/handoff-$stamp.md"
python3 - "$WORK" "$N" "$REPO" "$elapsed" "$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)" "$BATON" >"$out" <<'PY'
import json, os, sys
work, n, repo, elapsed, commit, baton = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5], sys.argv[6]
def stamps(d): return {f: int(open(os.path.join(work, d, f)).read()) for f in os.listdir(os.path.join(work, d)) if os.path.getsize(os.path.join(work, d, f))}
def lat(a, b):
    t0, t1 = stamps(a), stamps(b)
    return sorted((t1[k] - t0[k]) / 1e6 for k in t1 if k in t0)
def pct(xs, p): return xs[min(len(xs) - 1, int(round(p / 100 * (len(xs) - 1))))] if xs else float("nan")
b, r = lat("t0", "t1"), lat("raw0", "raw1")
handoffs = json.load(open(os.path.join(work, "handoffs.json")))
done_handoffs = [h for h in handoffs if h["status"] == "done"]
tickets = json.load(open(os.path.join(work, "tickets.json")))
if isinstance(tickets, dict): tickets = tickets.get("tickets", [])
finished = sum(1 for t in tickets if t.get("status") == "done")
lost = 0
for i in range(1, n + 1):
    want = open(os.path.join(work, "files", f"T-{i}")).read() + "\n"
    path = os.path.join(repo, f"wip-{i}.txt")
    if not os.path.exists(path) or open(path).read() != want: lost += 1
svc = sorted(h["latency_ms"] for h in done_handoffs if h.get("latency_ms") is not None)
print(f"# Handoff benchmark ({commit})\n")
print(f"{n} tickets under `baton up` (default tick 2 s, 4 workers), each agent reporting 85% of its effective")
print(f"window (handoff.force 80) through a Stop hook, with an uncommitted file; binary: `{os.path.basename(baton)}`; whole run {elapsed} s.\n")
print("| path | n | p50 ms | p95 ms | max ms |\n| --- | --- | --- | --- | --- |")
print(f"| threshold crossed -> successor's first action (Baton) | {len(b)} | {pct(b,50):.0f} | {pct(b,95):.0f} | {max(b) if b else float('nan'):.0f} |")
print(f"| of which: handoff command's own time (trigger -> prompt typed, `latency_ms`) | {len(svc)} | {pct(svc,50):.0f} | {pct(svc,95):.0f} | {max(svc) if svc else float('nan'):.0f} |")
print(f"| raw tmux switch: kill, start, prompt ready, typed -> first action (baseline) | {len(r)} | {pct(r,50):.0f} | {pct(r,95):.0f} | {max(r) if r else float('nan'):.0f} |")
print(f"\nratio (p50): {pct(b,50)/max(pct(r,50),0.001):.1f}x; goal <= 30000 ms: {'met' if b and max(b) <= 30000 else 'NOT met'}")
print(f"\nhandoffs done: {len(done_handoffs)} of {n}; tickets finished by the successor through gate and merge: {finished} of {n} ({100*finished/n:.0f}%, goal >= 95%); uncommitted files lost: {lost} (goal 0)")
PY
cp "$out" "$RESULTS_DIR/handoff-latest.md"
cat "$out"
