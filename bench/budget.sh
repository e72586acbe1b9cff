#!/usr/bin/env bash
# Budget overshoot benchmark: how far past a hard daily token budget `baton up` goes with 8
# concurrent headless scripted agents, beside the raw baseline in the same run: the same work
# under the older hourly profile limit (agents.tokens_per_hour), which, like any limit checked
# against what was already spent, stops dispatch only once the limit is reached and so lets every
# agent in flight finish its ticket. Baton's budgets reserve each ticket's expected spend at
# dispatch (docs/budgets.md). Goal: overshoot <= one turn per agent.
# One turn = one `@tokens TURN 0` line of the scripted agent (TURN tokens, default 1000), which
# the headless supervisor records as one worker_usage event, as it would a real agent's turn.
# Tickets take 2 to 8 turns (2 + 37i mod 7: 5 on average: TICKET = 5 x TURN expected), so estimates are right
# on average and wrong for every single ticket.
# Usage: bash bench/budget.sh   (BATON_BIN=/path/to/baton, BENCH_TICKETS=N, default 40,
#                                BENCH_BUDGET_TICKETS=N budget in average tickets, default 10,
#                                BENCH_TURN=N tokens a turn, default 1000, BENCH_KEEP=1 keeps the repos)
# Results: bench/results/budget-latest.md, printed too.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
BATON=${BATON_BIN:-$REPO_ROOT/artifacts/bin/baton}
TICKETS=${BENCH_TICKETS:-40}
TURN=${BENCH_TURN:-1000}
AGENTS=8
TICKET=$((5 * TURN))
BUDGET=$(( ${BENCH_BUDGET_TICKETS:-10} * TICKET ))
[[ -x "$BATON" ]] || { echo "bench: build baton first: dotnet publish src/Baton.Cli -c Release -o artifacts/bin (or set BATON_BIN)" >&2; exit 1; }
command -v python3 >/dev/null || { echo "bench: python3 is needed" >&2; exit 1; }
mkdir -p "$SCRIPT_DIR/results"
OUT="$SCRIPT_DIR/results/budget-latest.md"
SOCK="baton-budget-bench-$$"
export BATON_TMUX_SOCKET="$SOCK"
unset TMUX TMUX_PANE BATON_DB BATON_WORKER
WORK=$(mktemp -d /tmp/baton-bench-budget-XXXX)
UP_PID=""
cleanup() {
    [[ -n "$UP_PID" ]] && kill -TERM "$UP_PID" 2>/dev/null || true
    tmux -L "$SOCK" kill-server 2>/dev/null || true
    [[ -n "${BENCH_KEEP:-}" ]] || rm -rf "$WORK"
}
trap cleanup EXIT

# A repository with TICKETS tickets; ticket i's agent takes 2 + (37 i mod 7) turns of TURN tokens, a
# short sleep after each (so turns of different agents interleave), then commits and reports done.
make_repo() {
    local dir=$1 extra=$2
    git init -q -b main "$dir"
    git -C "$dir" config user.email bench@localhost
    git -C "$dir" config user.name bench
    echo base > "$dir/README" && git -C "$dir" add -A && git -C "$dir" commit -q -m base
    (cd "$dir" && "$BATON" init >/dev/null)
    printf 'agents:\n  default: scripted\n%sautopilot:\n  headless: true\n  max_workers: %d\n  tick: 200ms\n  spawns_per_minute: 600\n  spawn_burst: 10\n  retry_base: 0s\n  retry_max: 1s\n  status_files: false\nconflicts:\n  enabled: false\n' \
        "$extra" "$AGENTS" > "$dir/.baton/config.yaml"
    local i t body
    for ((i = 1; i <= TICKETS; i++)); do
        body=""
        for ((t = 0; t < 2 + (i * 37) % 7; t++)); do body+="@tokens $TURN 0"$'\n'"@sleep 0.4"$'\n'; done
        body+="@write f$i.txt work $i"$'\n'"@commit T-$i: work $i"$'\n'"@run baton ticket done T-$i"
        (cd "$dir" && "$BATON" ticket create "Job $i" --body "$body" >/dev/null)
    done
}

# Runs `baton up` until no ticket is in progress and either the budget is reached or nothing is
# left to start (two looks in a row), then stops it; prints the tokens spent, tickets dispatched
# and the most agents alive at once.
run() {
    local dir=$1
    (cd "$dir" && exec "$BATON" up --plain > "$dir/up.log" 2>&1) &
    UP_PID=$!
    local settled=0 deadline=$((SECONDS + 600))
    while (( SECONDS < deadline )); do
        sleep 0.5
        if python3 - "$dir" "$BUDGET" <<'PY'
import json, subprocess, sys
d, budget = sys.argv[1], int(sys.argv[2])
b = lambda *a: json.loads(subprocess.run([__import__("os").environ["BATON"], *a], cwd=d, capture_output=True, text=True).stdout)
tickets = b("ticket", "list", "--json")
total = b("usage", "--json")["total"]
spent = total["input_tokens"] + total["output_tokens"] + total["cache_creation_tokens"]
busy = any(t["status"] in ("in_progress", "testing", "review") for t in tickets)
left = any(t["status"] in ("open", "queued") for t in tickets)
sys.exit(0 if not busy and (spent >= budget or not left) else 1)
PY
        then settled=$((settled + 1)); else settled=0; fi
        (( settled >= 2 )) && break
        kill -0 "$UP_PID" 2>/dev/null || break   # `up` may stop by itself
    done
    kill -TERM "$UP_PID" 2>/dev/null || true
    wait "$UP_PID" 2>/dev/null || true
    UP_PID=""
    python3 - "$dir" <<'PY'
import json, os, subprocess, sys
d = sys.argv[1]
b = lambda *a: json.loads(subprocess.run([os.environ["BATON"], *a], cwd=d, capture_output=True, text=True).stdout)
total = b("usage", "--json")["total"]
spent = total["input_tokens"] + total["output_tokens"] + total["cache_creation_tokens"]
events = b("events", "recent", "5000", "--json")
starts = sorted((e["time"], 1) for e in events if e["type"] == "task_dispatched")
ends = {}
for e in events:
    if e["type"] in ("worker_exited", "worker_killed", "worker_lost") and e.get("worker"):
        ends.setdefault(e["worker"], e["time"])
live = most = 0
for _, delta in sorted(starts + [(t, -1) for t in ends.values()], key=lambda x: (x[0], x[1])):
    live += delta
    most = max(most, live)
print(spent, len(starts), most)
PY
}

export BATON
echo "== baseline: agents.tokens_per_hour: {scripted: $BUDGET}" >&2
make_repo "$WORK/baseline" "  tokens_per_hour: {scripted: $BUDGET}"$'\n'
read -r base_spent base_tickets base_most < <(run "$WORK/baseline")
echo "== baton: baton budget set --daily-tokens $BUDGET --per-ticket-tokens $TICKET" >&2
make_repo "$WORK/baton" ""
(cd "$WORK/baton" && "$BATON" budget set --daily-tokens "$BUDGET" --per-ticket-tokens "$TICKET" >/dev/null)
read -r bat_spent bat_tickets bat_most < <(run "$WORK/baton")

row() {
    local name=$1 spent=$2 tickets=$3 most=$4
    python3 - "$name" "$spent" "$tickets" "$most" "$BUDGET" "$TURN" "$AGENTS" <<'PY'
import sys
name, spent, tickets, most, budget, turn, agents = sys.argv[1], *map(int, sys.argv[2:])
over = max(0, spent - budget)
print(f"| {name} | {tickets} | {most} | {spent} | {over} | {over / turn:.1f} | {over / turn / agents:.2f} |")
PY
}

{
    echo "# Budget overshoot benchmark"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, baton $("$BATON" --version): $TICKETS ready tickets of 2-8 turns (5 on average) of $TURN tokens,"
    echo "$AGENTS agents at once (autopilot.max_workers), headless scripted agents, hard limit $BUDGET tokens (${BENCH_BUDGET_TICKETS:-10} average tickets)."
    echo
    echo "| run | tickets dispatched | most agents at once | tokens spent | overshoot (tokens) | overshoot (turns) | turns per agent |"
    echo "|---|---|---|---|---|---|---|"
    row "baseline: agents.tokens_per_hour (stops at the limit)" "$base_spent" "$base_tickets" "$base_most"
    row "baton budget (reserves expected spend)" "$bat_spent" "$bat_tickets" "$bat_most"
    echo
    echo "Overshoot is the tokens spent past the limit; a turn is one @tokens line ($TURN tokens), one"
    echo "worker_usage event. Goal: at most one turn per agent ($AGENTS turns in all)."
} > "$OUT"
cat "$OUT"
