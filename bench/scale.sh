#!/usr/bin/env bash
# Baton at 100,000 tickets: `status --json`, `ticket list --ready --json` and an idle `baton up`,
# each beside its raw baseline in the same run (a native start, `baton --version`, plus the
# same counting SQL in the sqlite3 shell; for the loop, a shell that polls the store the way a
# tick must look at it).
# Usage: bash bench/scale.sh        (BATON_BIN=/path/to/baton, BENCH_TICKETS=N default 100000,
#                                     BENCH_RUNS=N timed runs per command default 15,
#                                     BENCH_IDLE=S seconds of idle loop default 30)
# Results: bench/results/scale-latest.md
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
BATON=${BATON_BIN:-$REPO_ROOT/artifacts/bin/baton}
TICKETS=${BENCH_TICKETS:-100000}
RUNS=${BENCH_RUNS:-15}
IDLE=${BENCH_IDLE:-30}
[[ -x "$BATON" ]] || { echo "bench: no baton binary at $BATON (dotnet publish src/Baton.Cli -c Release -o artifacts/bin)" >&2; exit 1; }
for tool in git python3 sqlite3; do
    command -v "$tool" >/dev/null || { echo "bench: '$tool' is required" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-scale-bench.XXXXXX")
up_pid=""
cleanup() { [[ -z $up_pid ]] || kill -TERM "$up_pid" 2>/dev/null || true; rm -rf "$WORK"; }
trap cleanup EXIT
cd "$WORK"
git init -q repo && cd repo && git commit -q --allow-empty -m init
"$BATON" init >/dev/null
"$BATON" ticket create "made by the CLI" >/dev/null
DB=.baton/baton.db

# The rows `ticket create` writes, copied in by sqlite3: half done, a third with a dependency
# (the store's triggers count each ticket's pending dependencies as the rows go in, schema 16).
python3 "$SCRIPT_DIR/scale-tickets.py" "$TICKETS" > "$WORK/tickets.sql"
sqlite3 "$DB" < "$WORK/tickets.sql"
count=$(sqlite3 "$DB" "SELECT count(*) FROM tickets")

median_ms() { # median_ms CMD... : median wall time of RUNS runs (after one warm-up), in ms
    "$@" >/dev/null 2>&1 || true
    for ((i = 0; i < RUNS; i++)); do
        s=$(date +%s%N); "$@" >/dev/null 2>&1 || true; e=$(date +%s%N)
        echo $(((e - s) / 1000))
    done | sort -n | awk '{a[NR]=$1} END {printf "%.1f", a[int((NR+1)/2)]/1000}'
}

version=$(median_ms "$BATON" --version)
status=$(median_ms "$BATON" status --json)
ready=$(median_ms "$BATON" ticket list --ready --json)
sql_status=$(median_ms sqlite3 "$DB" "SELECT status, count(*) FROM tickets GROUP BY status; SELECT t.number FROM tickets t WHERE t.ready = 1 ORDER BY t.priority_rank, t.created_at, t.number;")
sql_ready=$(median_ms sqlite3 "$DB" "SELECT * FROM tickets t WHERE t.ready = 1 ORDER BY t.priority_rank, t.created_at, t.number LIMIT 1000;")

# The idle loop: every ticket finished, nothing to do; CPU seconds over IDLE seconds, after the
# first 10 s (its start reads everything once). Baseline: a shell asking the store once a tick.
sqlite3 "$DB" "UPDATE tickets SET status = 'done', finished_at = updated_at WHERE status <> 'done';"
cpu_of() { awk '{print $14 + $15}' "/proc/$1/stat"; }
"$BATON" up >/dev/null 2>&1 &
up_pid=$!
sleep 10
a=$(cpu_of "$up_pid"); sleep "$IDLE"; b=$(cpu_of "$up_pid")
kill -TERM "$up_pid"; wait "$up_pid" 2>/dev/null || true; up_pid=""
idle=$(python3 -c "print(f'{($b - $a) / $IDLE:.2f}')")   # clock ticks are 1/100 s: ticks/s = % of a core
( while :; do sqlite3 "$DB" "PRAGMA data_version;" >/dev/null; sleep 2; done ) &
loop=$!
a=$(cpu_of "$loop"); sleep "$IDLE"; b=$(cpu_of "$loop")
kill "$loop"; wait "$loop" 2>/dev/null || true
base_idle=$(python3 -c "print(f'{($b - $a) / $IDLE:.2f}')")

mkdir -p "$SCRIPT_DIR/results"
{
    echo "# bench/scale.sh: $count tickets, $(date -u +%Y-%m-%dT%H:%MZ), load $(cut -d' ' -f1-3 /proc/loadavg), $("$BATON" --version)"
    echo
    echo "| measure | baton | baseline | ratio | goal |"
    echo "| --- | ---: | ---: | ---: | --- |"
    python3 - "$version" "$status" "$ready" "$sql_status" "$sql_ready" "$idle" "$base_idle" <<'PY'
import sys
v, st, rd, sqs, sqr, idle, base = map(float, sys.argv[1:])
print(f"| `status --json` | {st:.1f} ms | {v:.1f} start + {sqs:.1f} SQL = {v + sqs:.1f} ms | {st / (v + sqs):.2f}x | < 100 ms |")
print(f"| `ticket list --ready --json` (1,000 rows) | {rd:.1f} ms | {v:.1f} start + {sqr:.1f} SQL = {v + sqr:.1f} ms | {rd / (v + sqr):.2f}x | < 100 ms |")
print(f"| idle `baton up`, every ticket done | {idle:.2f}% of a core | {base:.2f}% (sqlite3 asked every 2 s) | | < 2% |")
PY
} | tee "$SCRIPT_DIR/results/scale-latest.md"
