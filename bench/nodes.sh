#!/usr/bin/env bash
# Baton nodes benchmark (issue 16): tickets dispatched per second and claim latency with 1, 2 and 4
# `baton node` processes on one PostgreSQL store, and the same workload on SQLite with one node
# (the embedded baseline), all in the same run, on one machine and one repository per case.
# Each case: N tickets whose scripted agents only sleep, filed before the nodes start; nodes with
# enough capacity between them for all N; measured from the first node's start to each ticket's
# task_dispatched event (the claim, the lease and the background spawn it starts).
# Usage: bash bench/nodes.sh    (BATON="dotnet src/Baton.Cli/bin/Release/net10.0/baton.dll" by default,
#                                or BATON=/path/to/baton; BENCH_TICKETS=N, default 24;
#                                BENCH_NODE_COUNTS="1 2 4"; BENCH_PG_BIN=dir of initdb/pg_ctl)
# Soak (BENCH_MODE=soak): many short tickets (each writes a file, commits, reports done, and is
# gated and merged) through 1, 2 and 4 nodes, SQLite with one node the baseline: tickets done per
# second from the first node's start to the last task_completed, against node count
# (BENCH_TICKETS default 40 there; each node's capacity BENCH_SOAK_CAPACITY, default 4).
# Results: bench/results/nodes-<dispatch|soak>-<UTC date-time>.md (and nodes-<mode>-latest.md), printed too.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
read -r -a BATON_CMD <<<"${BATON:-dotnet $root/src/Baton.Cli/bin/Release/net10.0/baton.dll}"
MODE=${BENCH_MODE:-dispatch}
if [[ $MODE == soak ]]; then TICKETS=${BENCH_TICKETS:-40}; EVENT=task_completed; else TICKETS=${BENCH_TICKETS:-24}; EVENT=task_dispatched; fi
read -r -a NODE_COUNTS <<<"${BENCH_NODE_COUNTS:-1 2 4}"

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

PG_BIN=${BENCH_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || die "initdb and pg_ctl not found (apt-get install postgresql, or BENCH_PG_BIN)"
command -v tmux >/dev/null || die "tmux is needed"

work=$(mktemp -d /tmp/baton-bench-nodes-XXXXXX)
chmod 755 "$work"
pids=()
sockets=()
cleanup() {
    for p in "${pids[@]:-}"; do [[ -n "$p" ]] && kill -TERM "$p" 2>/dev/null || true; done
    sleep 1
    for p in "${pids[@]:-}"; do [[ -n "$p" ]] && kill -KILL "$p" 2>/dev/null || true; done
    for s in "${sockets[@]:-}"; do [[ -n "$s" ]] && tmux -L "$s" kill-server 2>/dev/null || true; done
    [[ -f "$work/pg/data/postmaster.pid" ]] && as_pg "$PG_BIN/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
    rm -rf "$work"
}
trap cleanup EXIT

# PostgreSQL in the temp folder on 127.0.0.1 (as nobody when root: initdb refuses root).
as_pg() { if [[ $(id -u) == 0 ]]; then runuser -u "${BATON_PG_USER:-nobody}" -- "$@"; else "$@"; fi; }
mkdir -p "$work/pg"
[[ $(id -u) == 0 ]] && chown "${BATON_PG_USER:-nobody}" "$work/pg"
password=bench$RANDOM$RANDOM
as_pg bash -c "printf '%s' '$password' > '$work/pg/pw'"
as_pg "$PG_BIN/initdb" -D "$work/pg/data" -U baton --pwfile="$work/pg/pw" --auth=scram-sha-256 -E UTF8 --no-sync --no-instructions >/dev/null
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
as_pg "$PG_BIN/pg_ctl" -D "$work/pg/data" -l "$work/pg/server.log" -w -t 30 -o "-c listen_addresses=127.0.0.1 -p $port -c unix_socket_directories='' -c fsync=off -c max_connections=200" start >/dev/null
export PGPASSWORD=$password BATON_STORE_PASSWORD=$password

baton() { "${BATON_CMD[@]}" "$@"; }

# One case: $1 = label, $2 = nodes, $3 = store URL or "" (SQLite). Prints "label nodes rate p50 p95 total".
run_case() {
    local label=$1 nodes=$2 url=$3
    local repo="$work/$label-$nodes"
    local socket="bn-$label-$nodes-$$"
    sockets+=("$socket")
    mkdir -p "$repo"
    git -C "$repo" init -q -b main && git -C "$repo" -c user.email=b@e -c user.name=b commit -q --allow-empty -m initial
    export BATON_TMUX_SOCKET=$socket
    if [[ -n "$url" ]]; then
        "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U baton -d postgres -qc "CREATE DATABASE \"$label$nodes\"" >/dev/null
        (cd "$repo" && baton init --store "$url" >/dev/null)
    else
        (cd "$repo" && baton init >/dev/null)
    fi
    {
        # Every node runs in this one repository: the bench measures claims, not git pushes.
        [[ -n "$url" ]] && printf 'store:\n  url: "%s"\nnodes:\n  remote: none\n' "$url"
        printf 'agents:\n  default: scripted\nautopilot:\n  tick: 200ms\n  spawns_per_minute: 600\n  spawn_burst: 200\n' 
        printf 'conflicts:\n  enabled: false\n'
    } >"$repo/.baton/config.yaml"
    # The worker role holds 8 agents at once by default: the bench measures claims, not that limit.
    sed -i 's/^capacity: .*/capacity: 200/' "$repo/.baton/roles/worker.yaml"
    for i in $(seq 1 "$TICKETS"); do
        if [[ $MODE == soak ]]; then
            (cd "$repo" && baton ticket create "Soak $i" --body "@write f$i.txt soak $i
@commit T-$i: soak $i
@run baton ticket done T-$i" >/dev/null)
        else
            (cd "$repo" && baton ticket create "Bench $i" --body "@sleep 120" >/dev/null)
        fi
    done
    local per=$(( (TICKETS + nodes - 1) / nodes ))
    [[ $MODE == soak ]] && per=${BENCH_SOAK_CAPACITY:-4}
    local started=()
    for n in $(seq 1 "$nodes"); do
        (cd "$repo" && exec "${BATON_CMD[@]}" node --name "n$n" --capacity "$per" --plain >"$work/$label-$nodes-n$n.log" 2>&1) &
        pids+=($!); started+=($!)
    done
    local wait=120
    [[ $MODE == soak ]] && wait=900
    local deadline=$((SECONDS + wait))
    while (( SECONDS < deadline )); do
        count=$(cd "$repo" && baton events recent 5000 --type "$EVENT" --json | python3 -c 'import json,sys; print(len(json.load(sys.stdin)))')
        (( count >= TICKETS )) && break
        sleep 1
    done
    (cd "$repo" && baton events recent 5000 --json) >"$work/$label-$nodes-events.json"
    for p in "${started[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    for p in "${started[@]}"; do wait "$p" 2>/dev/null || true; done
    tmux -L "$socket" kill-server 2>/dev/null || true
    python3 - "$work/$label-$nodes-events.json" "$label" "$nodes" "$TICKETS" "$EVENT" <<'PY'
import json, sys
from datetime import datetime
events = json.load(open(sys.argv[1]))
label, nodes, want = sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
t = lambda e: datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp()
start = min(t(e) for e in events if e["type"] == "node_started")
event = sys.argv[5]
disp = sorted(t(e) - start for e in events if e["type"] == event)
if len(disp) < want:
    print(f"{label} {nodes} incomplete {len(disp)}/{want}")
    sys.exit(0)
first, last = disp[0], disp[-1]
rate = (len(disp) - 1) / (last - first) if last > first else float("inf")
if event == "task_completed":
    rate = len(disp) / last  # the whole run: tickets done per second from the first node's start
p = lambda q: disp[min(len(disp) - 1, int(q * len(disp)))]
print(f"{label} {nodes} {rate:.2f} {p(0.5):.2f} {p(0.95):.2f} {last:.2f} {first:.2f}")
PY
}

log "SQLite, 1 node (the embedded baseline); $TICKETS tickets"
rows=("$(run_case sqlite 1 "")")
for k in "${NODE_COUNTS[@]}"; do
    log "PostgreSQL, $k node(s)"
    rows+=("$(run_case pg "$k" "postgres://baton@127.0.0.1:$port/pg$k")")
done

mkdir -p "$RESULTS_DIR"
stamp=$(date -u +%Y%m%d-%H%M%S)
out="$RESULTS_DIR/nodes-$MODE-$stamp.md"
{
    echo "# bench/nodes.sh $MODE, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $TICKETS tickets"
    echo
    if [[ $MODE == soak ]]; then
    echo "| store | nodes | done/s (whole run) | done p50 (s) | p95 (s) | all done after (s) | first done after (s) | vs SQLite 1 node |"
    else
    echo "| store | nodes | dispatched/s (first to last) | claim latency p50 (s) | p95 (s) | all dispatched after (s) | first after (s) | vs SQLite 1 node |"
    fi
    echo "| --- | --- | --- | --- | --- | --- | --- | --- |"
    base=$(awk '{print $3}' <<<"${rows[0]}")
    for r in "${rows[@]}"; do
        read -r label n rate p50 p95 total first <<<"$r"
        ratio=$(python3 -c "print(f'{float(\"$rate\")/float(\"$base\"):.2f}x')" 2>/dev/null || echo "-")
        echo "| $label | $n | $rate | $p50 | $p95 | $total | $first | $ratio |"
    done
    echo
    if [[ $MODE == soak ]]; then
    echo "Soak: short tickets (write, commit, report, gate, merge), each node's capacity ${BENCH_SOAK_CAPACITY:-4}; times from the first node's start to each task_completed."
    echo "Reproduce: BENCH_MODE=soak BENCH_TICKETS=$TICKETS BENCH_NODE_COUNTS=\"${NODE_COUNTS[*]}\" bash bench/nodes.sh (BATON=${BATON_CMD[*]})"
    else
    echo "Claim latency: from the first node's start to the ticket's task_dispatched event (all tickets filed before)."
    echo "Reproduce: bash bench/nodes.sh (BATON=${BATON_CMD[*]})"
    fi
} >"$out"
cp "$out" "$RESULTS_DIR/nodes-$MODE-latest.md"
cat "$out"
