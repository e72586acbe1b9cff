#!/usr/bin/env bash
# The dashboard's ticket graph on a big repository: GET /api/graph (Core's GraphBuilder picks the
# bounded set, finds the critical path and lays it out) beside the raw baseline in the same run,
# GET /api/tickets for the same tickets (the store read and the JSON, no graph). 10,000 tickets
# by default: filed through `baton inbox` (every fifth depends on the one before, every 50th on
# the one 50 before), then statuses spread like a busy repository with one SQL UPDATE.
# Usage: bash bench/graph.sh   (BATON_BIN=/path/to/baton, BENCH_TICKETS=N, BENCH_RUNS=N, default 10)
# Results: printed, and bench/results/graph-latest.md
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
BATON=${BATON_BIN:-$REPO_ROOT/artifacts/bin/baton}
TICKETS=${BENCH_TICKETS:-10000}
RUNS=${BENCH_RUNS:-10}
[[ -x "$BATON" ]] || { echo "bench: build baton first: dotnet publish src/Baton.Cli -c Release -o artifacts/bin (or set BATON_BIN)" >&2; exit 1; }
for tool in git curl sqlite3; do command -v "$tool" >/dev/null || { echo "bench: '$tool' is required" >&2; exit 1; }; done
mkdir -p "$SCRIPT_DIR/results"
OUT="$SCRIPT_DIR/results/graph-latest.md"
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-graph-bench.XXXXXX")
PID=
cleanup() { [[ -n "$PID" ]] && kill "$PID" 2>/dev/null; wait 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
cd "$WORK"
git init -q -b main repo && cd repo
git -c user.email=bench@localhost -c user.name=bench commit -q --allow-empty -m init
export BATON_TMUX_SOCKET="baton-graph-bench-$$"
"$BATON" init >/dev/null

echo "==> filing $TICKETS tickets through baton inbox" >&2
mkdir -p .baton/inbox
python3 - "$TICKETS" <<'PY'
import json, sys
n = int(sys.argv[1])
for i in range(1, n + 1):
    deps = [f"task-{i - 1}"] if i % 5 == 0 else []
    if i % 50 == 0 and i > 50:
        deps.append(f"task-{i - 50}")
    task = {"task_id": f"task-{i}", "title": f"Ticket {i}: make part {i} work", "description": f"Part {i}.", "dependencies": deps,
            "priority": ["critical", "high", "medium", "medium", "low"][i % 5], "labels": [["backend", "frontend", "docs"][i % 3]]}
    with open(f".baton/inbox/task-{i:05d}.json", "w") as f:
        json.dump(task, f)
PY
start=$(date +%s)
"$BATON" inbox >/dev/null
echo "    filed in $(( $(date +%s) - start )) s" >&2
sqlite3 .baton/baton.db "UPDATE tickets SET status = CASE
    WHEN number % 100 < 45 THEN 'done' WHEN number % 100 < 55 THEN 'in-progress' WHEN number % 100 < 60 THEN 'testing'
    WHEN number % 100 < 65 THEN 'review' WHEN number % 100 < 68 THEN 'blocked' WHEN number % 100 < 70 THEN 'failed' ELSE 'open' END,
    finished_at = CASE WHEN number % 100 < 45 THEN strftime('%Y-%m-%dT%H:%M:%fZ', 'now', '-' || (20000 - number) || ' seconds') ELSE NULL END;"

"$BATON" dashboard --port 0 > dash.out 2> dash.err &
PID=$!
for _ in $(seq 100); do grep -q '^Dashboard: ' dash.out 2>/dev/null && break; sleep 0.1; done
URL=$(sed -n 's/^Dashboard: //p' dash.out)
[[ -n "$URL" ]] || { echo "bench: the dashboard did not start: $(cat dash.err)" >&2; exit 1; }
BASE=${URL%%/?token=*}
TOKEN=$(cat .baton/dashboard.token)
get() { curl -s -o "$2" -w '%{time_total}\n' -H "Authorization: Bearer $TOKEN" "$BASE/$1"; }

# One warm-up each (the JIT or the page cache), then alternating timed runs.
get "api/graph" graph.json >/dev/null
get "api/tickets?limit=$TICKETS" tickets.json >/dev/null
: > graph.times; : > tickets.times
for _ in $(seq "$RUNS"); do
    get "api/graph" graph.json >> graph.times
    get "api/tickets?limit=$TICKETS" tickets.json >> tickets.times
done
ms() { awk '{printf "%.0f\n", $1 * 1000}'; }
GRAPH=$(ms < graph.times | median)
LIST=$(ms < tickets.times | median)
NODES=$(python3 -c 'import json,sys; g=json.load(open("graph.json")); print(len(g["nodes"]), len(g["edges"]), len(g["critical_path"]), g["omitted"], g["width"], g["height"])')
read -r N E C O W H <<< "$NODES"
RATIO=$(awk -v a="$GRAPH" -v b="$LIST" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }')
{
    echo "## The ticket graph with $TICKETS tickets ($(date -u +%Y-%m-%d), $(nproc) cores)"
    echo
    echo "| request | median of $RUNS, ms | answer |"
    echo "| --- | --- | --- |"
    echo "| GET /api/graph (select, critical path, layout, JSON) | $GRAPH | $N nodes, $E edges, critical path of $C, $O left out; ${W}x${H} px; $(stat -c %s graph.json) bytes |"
    echo "| baseline: GET /api/tickets?limit=$TICKETS (read and JSON only) | $LIST | $(stat -c %s tickets.json) bytes |"
    echo
    echo "Ratio graph / ticket list: ${RATIO}x. Reproduce: \`bash bench/graph.sh\` (BATON_BIN=$BATON)."
} | tee "$OUT"
