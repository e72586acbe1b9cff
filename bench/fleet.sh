#!/usr/bin/env bash
# Baton fleet endurance benchmark (issue 16), against one PostgreSQL on 127.0.0.1:
#   failover  lease loss to re-dispatch elsewhere: two `baton node`s, the one holding a ticket is
#             killed with SIGKILL; measured from the kill to the other node's lease on the ticket
#             (leases.taken_at). Goal: <= lease_ttl + one heartbeat. Baseline in the same run: the
#             same lease protocol done raw with psql (a holder renewing every heartbeat, a taker
#             polling every heartbeat for an expired lease to take), killed the same way.
#   chaos     FLEET_ITERATIONS (default 20; 200 for the recorded run) kill/cut iterations on short
#             tickets across three nodes: each iteration SIGKILLs a node (started again at once) or
#             cuts the relayed node off the database for 0.5-3 s (a TCP relay stopped and started),
#             while one new ticket is filed per iteration; then every node runs --until-done.
#             Counted from the event store: double completions (a ticket with two task_completed),
#             double merges (two merged events), tickets not done. Baseline: the same tickets on
#             one node with no fault, for the time per ticket.
# Usage: bash bench/fleet.sh [failover|chaos|all]   (default all; BATON="dotnet .../baton.dll" by
#        default or BATON=/path/to/baton; FLEET_ROUNDS=5 failover rounds; FLEET_ITERATIONS=20;
#        FLEET_CALM_TICKETS=N baseline tickets, default FLEET_ITERATIONS; FLEET_SEED=N;
#        BENCH_PG_BIN=dir of initdb/pg_ctl)
# Results: bench/results/fleet-<UTC date-time>.md (and fleet-latest.md), printed too.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
if [[ -z ${BATON:-} ]]; then
    PRIVATE_BIN=$(mktemp -d /tmp/baton-bench-fleet-bin-XXXXXX)
    cp -a "$root/src/Baton.Cli/bin/Release/net10.0/." "$PRIVATE_BIN/" # a rebuild during the run must not change it
    BATON="dotnet $PRIVATE_BIN/baton.dll"
fi
read -r -a BATON_CMD <<<"$BATON"
MODE=${1:-all}
ROUNDS=${FLEET_ROUNDS:-5}
ITERATIONS=${FLEET_ITERATIONS:-20}
CALM=${FLEET_CALM_TICKETS:-$ITERATIONS} # the no-fault baseline's tickets (fewer keeps a 200 run in minutes)
TTL=3
BEAT=1
[[ -n ${FLEET_SEED:-} ]] && RANDOM=$FLEET_SEED

log() { printf '==> %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

PG_BIN=${BENCH_PG_BIN:-$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)}
[[ -x "$PG_BIN/initdb" && -x "$PG_BIN/pg_ctl" ]] || die "initdb and pg_ctl not found (apt-get install postgresql, or BENCH_PG_BIN)"
for tool in tmux git python3; do command -v "$tool" >/dev/null || die "$tool is needed"; done
unset TMUX TMUX_PANE BATON_DB BATON_WORKER BATON_STORE_URL

work=$(mktemp -d /tmp/baton-bench-fleet-XXXXXX)
chmod 755 "$work"
pids=()
sockets=()
# Processes and tmux servers are recorded in files: the cases run in $(...) subshells, whose
# changes to a shell array would not reach this clean-up.
track() { echo "$1" >>"$work/pids"; }
cleanup() {
    for p in "${pids[@]:-}" $(cat "$work/pids" 2>/dev/null); do [[ -n "$p" ]] && kill -KILL "$p" 2>/dev/null || true; done
    for s in "${sockets[@]:-}" $(cat "$work/sockets" 2>/dev/null); do [[ -n "$s" ]] && tmux -L "$s" kill-server 2>/dev/null || true; done
    [[ -f "$work/pg/data/postmaster.pid" ]] && as_pg "$PG_BIN/pg_ctl" -D "$work/pg/data" -m immediate -w stop >/dev/null 2>&1 || true
    if [[ -f "$work/keep" ]]; then
        # A run that found a double or a ticket not done keeps its logs, repositories and database
        # (started again with: pg_ctl -D $work/pg/data start) for whoever looks into it.
        printf 'bench: kept %s for inspection (see %s)\n' "$work" "$work/keep" >&2
        rm -rf "${PRIVATE_BIN:-}"
    else
        rm -rf "$work" "${PRIVATE_BIN:-}"
    fi
}
trap cleanup EXIT

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
psql_db() { local db=$1; shift; "$PG_BIN/psql" -h 127.0.0.1 -p "$port" -U baton -d "$db" -qAt "$@"; }
now() { date +%s.%N; }

# A repository on its own database; $1 = name. Prints its folder.
new_repo() {
    local name=$1 repo="$work/$1"
    mkdir -p "$repo"
    git -C "$repo" init -q -b main && git -C "$repo" -c user.email=b@e -c user.name=b commit -q --allow-empty -m initial
    psql_db postgres -c "CREATE DATABASE \"$name\"" >/dev/null
    local url="postgres://baton@127.0.0.1:$port/$name"
    (cd "$repo" && baton init --store "$url" >/dev/null)
    {
        printf 'store:\n  url: "%s"\n' "$url"
        printf 'agents:\n  default: scripted\nautopilot:\n  tick: 200ms\n  retry_base: 0s\n  retry_max: 1s\n  spawns_per_minute: 600\n  spawn_burst: 50\n'
        printf 'conflicts:\n  enabled: false\nnodes:\n  lease_ttl: %ss\n  heartbeat: %ss\n  remote: none\n' "$TTL" "$BEAT"
    } >"$repo/.baton/config.yaml"
    sed -i 's/^capacity: .*/capacity: 200/' "$repo/.baton/roles/worker.yaml"
    echo "$repo"
}

# Starts node $2 in repository $1 (extra env in $3, e.g. BATON_STORE_URL=...); sets NODE_PID.
start_node() {
    local repo=$1 name=$2 env=${3:-}
    (cd "$repo" && exec env $env "${BATON_CMD[@]}" node --name "$name" --capacity "${4:-20}" --plain >>"$work/$(basename "$repo")-$name.log" 2>&1) &
    NODE_PID=$!
    pids+=("$NODE_PID"); track "$NODE_PID"
}

# ---- (a) failover ---------------------------------------------------------------------------
failover_baton() {
    local repo socket
    repo=$(new_repo failover)
    socket="bf-$$"; sockets+=("$socket"); echo "$socket" >>"$work/sockets"; export BATON_TMUX_SOCKET=$socket
    declare -A pid
    start_node "$repo" n1; pid[n1]=$NODE_PID
    start_node "$repo" n2; pid[n2]=$NODE_PID
    local db=failover results=()
    for r in $(seq 1 "$ROUNDS"); do
        local id
        id=$(cd "$repo" && baton ticket create "Failover $r" --body "@sleep 600" --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["id"])')
        local n=${id#T-} holder=""
        for _ in $(seq 1 600); do
            holder=$(psql_db "$db" -c "SELECT node FROM leases WHERE ticket = $n AND state = 'held'")
            [[ -n "$holder" ]] && break
            sleep 0.1
        done
        [[ -n "$holder" ]] || die "no node leased $id"
        sleep 0.5
        local killed
        killed=$(now)
        kill -KILL "${pid[$holder]}"
        local taken=""
        for _ in $(seq 1 300); do
            taken=$(psql_db "$db" -c "SELECT extract(epoch FROM taken_at::timestamptz) FROM leases WHERE ticket = $n AND node <> '$holder' ORDER BY token DESC LIMIT 1")
            [[ -n "$taken" ]] && break
            sleep 0.05
        done
        [[ -n "$taken" ]] || die "no other node took $id"
        results+=("$(python3 -c "print(f'{$taken - $killed:.2f}')")")
        start_node "$repo" "$holder"; pid[$holder]=$NODE_PID # back, to be the next round's taker
        sleep 2
    done
    for p in "${pid[@]}"; do kill -TERM "$p" 2>/dev/null || true; done
    tmux -L "$socket" kill-server 2>/dev/null || true
    echo "${results[*]}"
}

# The same protocol raw: a psql holder renewing every heartbeat, a psql taker polling every heartbeat.
failover_raw() {
    psql_db postgres -c 'CREATE DATABASE raw' >/dev/null
    psql_db raw -c "CREATE TABLE lease (id int PRIMARY KEY, node text, expires timestamptz, taken timestamptz)"
    local results=()
    for r in $(seq 1 "$ROUNDS"); do
        psql_db raw -c "DELETE FROM lease; INSERT INTO lease VALUES (1, 'a', now() + interval '$TTL s', now())"
        ( while :; do psql_db raw -c "UPDATE lease SET expires = now() + interval '$TTL s' WHERE node = 'a'"; sleep "$BEAT"; done ) &
        local holder=$!; pids+=("$holder"); track "$holder"
        ( while :; do
            [[ $(psql_db raw -c "UPDATE lease SET node = 'b', taken = now(), expires = now() + interval '$TTL s' WHERE expires < now() RETURNING 1") == 1 ]] && exit 0
            sleep "$BEAT"
          done ) &
        local taker=$!; pids+=("$taker"); track "$taker"
        sleep 2
        local killed
        killed=$(now)
        kill -KILL "$holder"
        wait "$taker" 2>/dev/null || true
        local taken
        taken=$(psql_db raw -c "SELECT extract(epoch FROM taken) FROM lease")
        results+=("$(python3 -c "print(f'{$taken - $killed:.2f}')")")
    done
    echo "${results[*]}"
}

# ---- (b) chaos ------------------------------------------------------------------------------
RELAY_PY="$work/relay.py"
cat >"$RELAY_PY" <<'PY'
import socket, sys, threading
listen, target = int(sys.argv[1]), int(sys.argv[2])
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); s.bind(("127.0.0.1", listen)); s.listen(64)
def pipe(a, b):
    try:
        while (d := a.recv(65536)):
            b.sendall(d)
    except OSError:
        pass
    finally:
        for x in (a, b):
            try: x.close()
            except OSError: pass
while True:
    c, _ = s.accept()
    try:
        u = socket.create_connection(("127.0.0.1", target))
    except OSError:
        c.close(); continue
    threading.Thread(target=pipe, args=(c, u), daemon=True).start()
    threading.Thread(target=pipe, args=(u, c), daemon=True).start()
PY

chaos_run() {
    local label=$1 iterations=$2 faults=$3 repo socket
    repo=$(new_repo "$label")
    socket="bc-$label-$$"; sockets+=("$socket"); echo "$socket" >>"$work/sockets"; export BATON_TMUX_SOCKET=$socket
    local rport relay
    rport=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
    python3 "$RELAY_PY" "$rport" "$port" & relay=$!; pids+=("$relay"); track "$relay"
    local relayed="BATON_STORE_URL=postgres://baton@127.0.0.1:$rport/$label"
    declare -A pid
    local names=(n1 n2 n3)
    [[ $faults == 0 ]] && names=(n1)
    for n in "${names[@]}"; do
        start_node "$repo" "$n" "$([[ $n == n3 ]] && echo "$relayed")" 4; pid[$n]=$NODE_PID
    done
    local kills=0 cuts=0 busy=0 start
    start=$(now)
    for i in $(seq 1 "$iterations"); do
        # A node killed inside a write holds the store's write lock until the server sees it gone: retry.
        local body="@sleep 0.$((RANDOM % 9 + 1))
@write f$i.txt chaos $i
@commit T-$i: chaos $i
@run baton ticket done T-$i"
        for attempt in 1 2 3 4 5 6; do
            (cd "$repo" && baton ticket create "Chaos $i" --body "$body" >/dev/null 2>>"$work/create-errors.log") && break
            (( attempt == 6 )) && die "could not file ticket $i: $(tail -1 "$work/create-errors.log")"
            busy=$((busy + 1))
            sleep 1
        done
        [[ $faults == 0 ]] && continue
        sleep "0.$((RANDOM % 9 + 1))"
        if (( RANDOM % 2 == 0 )); then
            local victim=${names[$((RANDOM % 3))]}
            kill -KILL "${pid[$victim]}" 2>/dev/null || true
            wait "${pid[$victim]}" 2>/dev/null || true
            start_node "$repo" "$victim" "$([[ $victim == n3 ]] && echo "$relayed")" 4; pid[$victim]=$NODE_PID
            kills=$((kills + 1))
        else
            kill -KILL "$relay" 2>/dev/null || true
            wait "$relay" 2>/dev/null || true
            sleep "$((RANDOM % 3)).$((RANDOM % 9 + 1))"
            python3 "$RELAY_PY" "$rport" "$port" & relay=$!; pids+=("$relay"); track "$relay"
            cuts=$((cuts + 1))
        fi
    done
    # Then every node until nothing is left.
    for n in "${names[@]}"; do kill -TERM "${pid[$n]}" 2>/dev/null || true; done
    for n in "${names[@]}"; do wait "${pid[$n]}" 2>/dev/null || true; done
    local finals=()
    for n in "${names[@]}"; do
        (cd "$repo" && exec env $([[ $n == n3 ]] && echo "$relayed") timeout 900 "${BATON_CMD[@]}" node --name "$n" --capacity 4 --until-done --plain >>"$work/$label-$n.log" 2>&1) &
        finals+=($!); pids+=($!); track $!
    done
    for p in "${finals[@]}"; do wait "$p" 2>/dev/null || true; done
    local took
    took=$(python3 -c "print(f'{$(now) - $start:.1f}')")
    kill -KILL "$relay" 2>/dev/null || true
    tmux -L "$socket" kill-server 2>/dev/null || true
    local counts
    counts=$(psql_db "$label" -F' ' -c "
        SELECT (SELECT count(*) FROM (SELECT ticket FROM events WHERE type = 'task_completed' GROUP BY ticket HAVING count(*) > 1) d),
               (SELECT count(*) FROM (SELECT ticket FROM events WHERE type = 'merged' GROUP BY ticket HAVING count(*) > 1) m),
               (SELECT count(*) FROM tickets WHERE status <> 'done'),
               (SELECT count(*) FROM events WHERE type = 'lease_expired'),
               (SELECT count(*) FROM events WHERE type = 'node_reconnected')")
    read -r doubled_done doubled_merged not_done _ <<<"$counts"
    if (( doubled_done + doubled_merged + not_done > 0 )); then
        # The events of every such ticket, beside the kept work folder (cleanup).
        psql_db "$label" -c "
            SELECT e.ticket, e.time, e.type, e.worker, e.message FROM events e
            WHERE e.ticket IN (SELECT ticket FROM events WHERE type IN ('task_completed', 'merged') GROUP BY ticket, type HAVING count(*) > 1
                               UNION SELECT 'T-' || number FROM tickets WHERE status <> 'done')
            ORDER BY e.ticket, e.id" >"$work/$label-suspects.txt" 2>&1 || true
        echo "$label: $doubled_done double completions, $doubled_merged double merges, $not_done not done: $work/$label-suspects.txt" >>"$work/keep"
    fi
    echo "$label $iterations $kills $cuts $took $counts $busy"
}

rows_failover="" rows_chaos=()
if [[ $MODE == failover || $MODE == all ]]; then
    log "failover: Baton, $ROUNDS rounds (lease_ttl ${TTL}s, heartbeat ${BEAT}s)"
    baton_fail=$(failover_baton)
    log "failover: raw psql lease, $ROUNDS rounds"
    raw_fail=$(failover_raw)
    rows_failover="$baton_fail|$raw_fail"
fi
if [[ $MODE == chaos || $MODE == all ]]; then
    log "chaos: baseline, $CALM tickets on one node, no fault"
    rows_chaos+=("$(chaos_run calm "$CALM" 0)")
    log "chaos: $ITERATIONS kill/cut iterations on three nodes"
    rows_chaos+=("$(chaos_run chaos "$ITERATIONS" 1)")
fi

mkdir -p "$RESULTS_DIR"
stamp=$(date -u +%Y%m%d-%H%M%S)
out="$RESULTS_DIR/fleet-$stamp.md"
{
    echo "# bench/fleet.sh $MODE, $(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores"
    if [[ -n $rows_failover ]]; then
        IFS='|' read -r b r <<<"$rows_failover"
        python3 - "$b" "$r" "$TTL" "$BEAT" <<'PY'
import statistics, sys
b = [float(x) for x in sys.argv[1].split()]; r = [float(x) for x in sys.argv[2].split()]
ttl, beat = float(sys.argv[3]), float(sys.argv[4])
print()
print(f"Lease loss to re-dispatch elsewhere (kill -9 to the other node's lease), lease_ttl {ttl:g}s, heartbeat {beat:g}s, goal <= {ttl + beat:g}s:")
print()
print("| | rounds | median (s) | max (s) | each (s) |")
print("| --- | --- | --- | --- | --- |")
print(f"| Baton nodes | {len(b)} | {statistics.median(b):.2f} | {max(b):.2f} | {' '.join(f'{x:.2f}' for x in b)} |")
print(f"| raw psql lease | {len(r)} | {statistics.median(r):.2f} | {max(r):.2f} | {' '.join(f'{x:.2f}' for x in r)} |")
print()
print(f"Baton / raw (median): {statistics.median(b) / statistics.median(r):.2f}x; goal {'met' if max(b) <= ttl + beat else 'NOT met'} (max {max(b):.2f}s vs {ttl + beat:g}s)")
PY
    fi
    if (( ${#rows_chaos[@]} > 0 )); then
        echo
        echo "Chaos: short tickets, one filed per iteration; each iteration SIGKILLs a node (started again) or cuts n3 off PostgreSQL for 0.5-3 s; then --until-done on every node."
        echo
        echo "| run | tickets | kills | cuts | wall (s) | s/ticket | double completions | double merges | not done | leases expired | reconnections | ticket create retried (store busy) |"
        echo "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |"
        for row in "${rows_chaos[@]}"; do
            read -r label n kills cuts took dc dm nd le rc busy <<<"$row"
            echo "| $label | $n | $kills | $cuts | $took | $(python3 -c "print(f'{$took / $n:.2f}')") | $dc | $dm | $nd | $le | $rc | $busy |"
        done
        read -r _ cn _ _ calm _ <<<"${rows_chaos[0]}"
        read -r _ wn _ _ wild _ <<<"${rows_chaos[1]}"
        echo
        echo "chaos / calm (s per ticket): $(python3 -c "print(f'{($wild / $wn) / ($calm / $cn):.2f}x')")"
    fi
    echo
    echo "Reproduce: FLEET_ROUNDS=$ROUNDS FLEET_ITERATIONS=$ITERATIONS FLEET_CALM_TICKETS=$CALM bash bench/fleet.sh $MODE (BATON=${BATON_CMD[*]})"
} >"$out"
cp "$out" "$RESULTS_DIR/fleet-latest.md"
cat "$out"
