#!/usr/bin/env bash
# The commands agents run all day (`ticket show`, `ticket done`, `events log`, `list`) and
# `ticket list --ready`, each beside its floor in one run: a native-AOT hello-world plus the same
# SQL in the sqlite3 shell (or the same tmux call), and beside an older `baton` when one is given.
# Store: 100,000 tickets (bench/scale.sh's rows); `list` with 50 scripted workers.
# Every command is run RUNS times, interleaved with the others (round-robin), and each child's CPU
# time (user + system, getrusage) and wall time are taken; minima are what load disturbs least.
# Usage: bash bench/agentcmds.sh      (BATON_BIN=/path/to/baton, the published folder's `baton`;
#                                       BATON_OLD_BIN=/path/to/older/baton to compare with;
#                                       BENCH_TICKETS=N default 100000, BENCH_RUNS=N default 25,
#                                       BENCH_WORKERS=N default 50)
# Results: bench/results/agentcmds-latest.md
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
SRC_BIN=${BATON_BIN:-$REPO_ROOT/artifacts/bin/baton}
OLD_BIN=${BATON_OLD_BIN:-}
TICKETS=${BENCH_TICKETS:-100000}
RUNS=${BENCH_RUNS:-25}
WORKERS=${BENCH_WORKERS:-50}
[[ -x "$SRC_BIN" ]] || { echo "bench: no baton binary at $SRC_BIN (bash scripts/install.sh, or dotnet publish src/Baton.Cli and src/Baton.Lean -c Release -o artifacts/bin)" >&2; exit 1; }
for tool in git python3 sqlite3 tmux dotnet; do
    command -v "$tool" >/dev/null || { echo "bench: '$tool' is required" >&2; exit 1; }
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-agentcmds.XXXXXX")
SOCK="baton-agentcmds-$$"
export BATON_TMUX_SOCKET="$SOCK"
unset TMUX TMUX_PANE BATON_WORKER BATON_ROLE BATON_STORE_URL
cleanup() {
    tmux -L "$SOCK" kill-server >/dev/null 2>&1 || true
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
    rm -rf "$WORK"
}
trap cleanup EXIT

# Private copies: the originals may be rebuilt while this runs.
cp -a "$(dirname "$SRC_BIN")" "$WORK/new"
BATON="$WORK/new/$(basename "$SRC_BIN")"
if [[ -n $OLD_BIN ]]; then
    cp -a "$(dirname "$OLD_BIN")" "$WORK/old"
    OLD="$WORK/old/$(basename "$OLD_BIN")"
fi
(cd "$REPO_ROOT" && dotnet publish bench/hello -c Release -o "$WORK/hello" -nologo -v q >"$WORK/hello.log" 2>&1) || { cat "$WORK/hello.log" >&2; exit 1; }

cd "$WORK"
git init -q repo && cd repo && git -c user.name=bench -c user.email=bench@example.invalid commit -q --allow-empty -m init
"$BATON" init >/dev/null
"$BATON" ticket create "made by the CLI" >/dev/null
DB=.baton/baton.db
python3 "$SCRIPT_DIR/scale-tickets.py" "$TICKETS" | sqlite3 "$DB"

# Scripted workers, each started and idle (as bench/run.sh does).
for ((i = 1; i <= WORKERS; i++)); do
    "$BATON" spawn --force --agent scripted --name "$(printf 'w%02d' "$i")" >/dev/null
done
deadline=$((SECONDS + 120))
until [[ $("$BATON" list --json | python3 -c 'import json, sys; ws = json.load(sys.stdin); print(sum(w["state"] == "idle" for w in ws))') == "$WORKERS" ]]; do
    ((SECONDS < deadline)) || { echo "bench: workers not idle after 120 s" >&2; exit 1; }
    sleep 0.5
done

# Tickets `ticket done` can close, one per run and binary: ready ones no other ticket waits on.
sqlite3 "$DB" "SELECT number FROM tickets t WHERE ready = 1 AND NOT EXISTS (SELECT 1 FROM ticket_dependencies d WHERE d.depends_on = t.number) ORDER BY number LIMIT $((3 * (RUNS + 1)))" > "$WORK/done-ids"
SHOW=5

mkdir -p "$SCRIPT_DIR/results"
python3 "$SCRIPT_DIR/agentcmds.py" "$RUNS" "$WORK/hello/hello" "$BATON" "${OLD:-}" "$DB" "$SOCK" "$SHOW" "$WORK/done-ids" \
    "$TICKETS tickets, $WORKERS workers, $(date -u +%Y-%m-%dT%H:%MZ), nproc $(nproc), load before $(cut -d' ' -f1-3 /proc/loadavg), $("$BATON" --version)" \
    | tee "$SCRIPT_DIR/results/agentcmds-latest.md"
