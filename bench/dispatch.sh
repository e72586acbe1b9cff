#!/usr/bin/env bash
# Dispatch per step, and the idle loop (issue 21), each beside its raw baseline in the same run:
#   1. one ticket at a time under `baton up` (tick 200ms, one worker, the scripted agent on a
#      private tmux server), each step of its dispatch timed from Baton's events and its process
#      trace (BATON_TRACE: every git and tmux call the loop made, with its wall time): claim,
#      `git worktree add`, context (role files, hooks, the worker's row), `tmux new-session`, the
#      ready prompt, typing until the prompt is taken; beside the same steps run by this shell
#      (git worktree add, tmux new-session, a 10 ms ready poll, send-keys -l + Enter, a 10 ms
#      "taken" poll), interleaved ticket by ticket;
#   2. CPU of an idle `baton up` (default tick 2 s) with BENCH_IDLE_WORKERS idle scripted workers,
#      over BENCH_CPU_SECONDS, beside a bash loop that runs `tmux list-panes -a` with the same
#      fields every 2 s, in the same window; and the tmux calls the loop made per tick.
# Usage: bash bench/dispatch.sh   (BATON=/path/to/baton, BENCH_DISPATCH_N=N tickets (12),
#                                  BENCH_IDLE_WORKERS=N (200; 0 skips part 2), BENCH_CPU_SECONDS=S (60),
#                                  BENCH_KEEP=1 keeps the temp folder)
# Results: bench/results/dispatch-<UTC date-time>.md and dispatch-latest.md, printed too.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
SRC_BIN=${BATON:-$root/artifacts/bin/baton}
DISPATCH_N=${BENCH_DISPATCH_N:-12}
IDLE_N=${BENCH_IDLE_WORKERS:-200}
CPU_SECONDS=${BENCH_CPU_SECONDS:-60}
CPU_WARMUP=6
POLL=0.01

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

[[ -x "$SRC_BIN" ]] || die "Baton binary not found at $SRC_BIN: dotnet publish src/Baton.Cli -c Release -o artifacts/bin (or BATON=...)"
for tool in tmux git python3 timeout; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not on PATH"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-dispatch-bench.XXXXXX")
SOCK="baton-dpbench-$$"
export BATON_TMUX_SOCKET="$SOCK"
unset TMUX TMUX_PANE BATON_DB BATON_WORKER BATON_TRACE
T() { tmux -L "$SOCK" "$@"; }
BG_PIDS=()

cleanup() {
    local rc=$? pid
    for pid in "${BG_PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${BG_PIDS[@]}"; do wait "$pid" 2>/dev/null || true; done
    T kill-server >/dev/null 2>&1 || true
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
    if [[ -n ${BENCH_KEEP:-} ]]; then echo "bench: kept $WORK" >&2; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

cp -a "$(dirname "$SRC_BIN")" "$WORK/bin"
BATON="$WORK/bin/$(basename "$SRC_BIN")"
CLK_TCK=$(getconf CLK_TCK)
DATA="$WORK/data"
mkdir -p "$RESULTS_DIR" "$DATA"

new_repo() {
    mkdir -p "$1"
    git -C "$1" init -q -b main
    git -C "$1" config user.name bench
    git -C "$1" config user.email bench@example.invalid
    git -C "$1" commit -q --allow-empty -m "bench"
    (cd "$1" && "$BATON" init >/dev/null)
}

config() {  # config DIR TICK MAX_WORKERS
    {
        echo "agents:"
        echo "  default: scripted"
        echo "autopilot:"
        echo "  max_workers: $3"
        echo "  spawns_per_minute: 600"
        echo "  spawn_burst: 8"
        [[ $2 == default ]] || echo "  tick: $2"
        echo "gate:"
        echo "  commands: []"
    } > "$1/.baton/config.yaml"
}

cpu_ticks() {  # "self children" CPU ticks of PID
    local s f
    s=$(<"/proc/$1/stat")
    s=${s##*) }
    read -r -a f <<<"$s"
    echo "$((f[11] + f[12])) $((f[13] + f[14]))"
}

stop_bg() {
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    local keep=() p
    for p in "${BG_PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
    BG_PIDS=("${keep[@]}")
}

wait_event() {  # wait_event DIR TICKET TYPE TIMEOUT_S
    local deadline=$((SECONDS + $4)) out
    while :; do
        out=$(cd "$1" && "$BATON" events recent 1 --ticket "$2" --type "$3" --json)
        [[ $out == *'"type"'* ]] && return 0
        ((SECONDS < deadline)) || die "$2 has no $3 event after $4 s (BENCH_KEEP=1 keeps $1)"
        sleep 0.15
    done
}

{
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "- host: $(uname -srm), nproc $(nproc), load at the start $(cut -d" " -f1-3 /proc/loadavg)"
    echo "- tmux: $(tmux -V), git: $(git --version | cut -d' ' -f3)"
    echo "- baton: $("$BATON" --version) ($SRC_BIN)"
} > "$DATA/facts.md"
cat "$DATA/facts.md" >&2

# ================================================= 1. dispatch, step by step
log "1. dispatch: $DISPATCH_N tickets one at a time, each beside the raw commands"
R1="$WORK/dispatch"
RAW="$WORK/raw"
new_repo "$R1"
config "$R1" 200ms 1
mkdir -p "$RAW" "$WORK/raw-wt"
git -C "$RAW" init -q -b main
git -C "$RAW" -c user.name=bench -c user.email=bench@example.invalid commit -q --allow-empty -m "bench"

(cd "$R1" && BATON_TRACE="$DATA/trace.tsv" exec "$BATON" up --plain) > "$DATA/up-dispatch.log" 2>&1 &
UP=$!
BG_PIDS+=("$UP")
echo "$UP" > "$DATA/up-dispatch.pid"
sleep 1

nl=$'\n'
: > "$DATA/raw.tsv"
for ((i = 1; i <= DISPATCH_N; i++)); do
    body="@dump prompt-$i.txt${nl}@write out/dispatch-$i.txt done${nl}@commit dispatch $i${nl}@run baton ticket done T-$i --summary ok"
    id=$(cd "$R1" && "$BATON" ticket create "dispatch $i" --body "$body")
    id=${id%% *}
    [[ $id == "T-$i" ]] || die "expected ticket T-$i, got '$id'"
    wait_event "$R1" "$id" worktree_removed 60

    prompt=$(git -C "$R1" show "main:prompt-$i.txt")
    s="raw-$i"
    t0=$EPOCHREALTIME
    git -C "$RAW" worktree add -q -b "raw-$i" "$WORK/raw-wt/$i" main
    t1=$EPOCHREALTIME
    T new-session -d -s "$s" -x 160 -y 48 -c "$WORK/raw-wt/$i" "$BATON" scripted-agent
    t2=$EPOCHREALTIME
    deadline=$((SECONDS + 20))
    while :; do
        screen=$(T capture-pane -p -t "=$s:")
        [[ "$nl$screen$nl" == *"$nl>"[" $nl"]* ]] && break
        ((SECONDS < deadline)) || die "raw agent $s not ready after 20 s"
        sleep "$POLL"
    done
    t3=$EPOCHREALTIME
    T send-keys -t "=$s:" -l $'\e[200~'"$prompt"$'\e[201~'
    T send-keys -t "=$s:" Enter
    t4=$EPOCHREALTIME
    while :; do
        screen=$(T capture-pane -p -t "=$s:")
        [[ "$screen" == *"$nl>" && "$screen" == *"$nl> You have been given ticket"* ]] && break
        ((SECONDS < deadline)) || die "raw agent $s did not take its prompt within 20 s"
        sleep "$POLL"
    done
    t5=$EPOCHREALTIME
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" >> "$DATA/raw.tsv"
    T kill-session -t "=$s:"
    # The raw agent may still be writing in its folder for a moment after its session ended.
    git -C "$RAW" worktree remove --force "$WORK/raw-wt/$i" 2>/dev/null || { sleep 0.3; rm -rf "$WORK/raw-wt/$i"; git -C "$RAW" worktree prune; }
done
stop_bg "$UP"
(cd "$R1" && "$BATON" events recent 100000 --json) > "$DATA/dispatch-events.json"

# ================================================= 2. the idle loop
if ((IDLE_N > 0)); then
    log "2. idle baton up: $IDLE_N idle workers, ${CPU_SECONDS}s window"
    R2="$WORK/idle"
    new_repo "$R2"
    config "$R2" default "$IDLE_N"
    for ((k = 1; k <= IDLE_N; k++)); do
        (cd "$R2" && "$BATON" spawn --agent scripted --name "w$k" >/dev/null)
    done
    idle=$(cd "$R2" && "$BATON" list --json | python3 -c 'import json, sys; print(sum(w["state"] == "idle" for w in json.load(sys.stdin)))')
    [[ $idle == "$IDLE_N" ]] || die "only $idle of $IDLE_N workers are idle"
    (cd "$R2" && BATON_TRACE="$DATA/idle-trace.tsv" exec "$BATON" up --plain) > "$DATA/up-idle.log" 2>&1 &
    UP=$!
    BG_PIDS+=("$UP")
    (
        while :; do
            tmux -L "$SOCK" list-panes -a -F '#{session_name}	#{session_created}	#{window_activity}	#{pane_dead}	#{pane_dead_status}	#{pane_pid}	#{@baton-worker}	#{pane_dead_time}' >/dev/null
            sleep 2
        done
    ) &
    LOOP=$!
    BG_PIDS+=("$LOOP")
    SERVER=$(T display-message -p '#{pid}')
    sleep "$CPU_WARMUP"
    w0=$EPOCHREALTIME; u0=$(cpu_ticks "$UP"); l0=$(cpu_ticks "$LOOP"); s0=$(cpu_ticks "$SERVER")
    sleep "$CPU_SECONDS"
    w1=$EPOCHREALTIME; u1=$(cpu_ticks "$UP"); l1=$(cpu_ticks "$LOOP"); s1=$(cpu_ticks "$SERVER")
    kill -0 "$UP" 2>/dev/null || die "baton up exited early; see $DATA/up-idle.log"
    stop_bg "$LOOP"
    stop_bg "$UP"
    after=$(cd "$R2" && "$BATON" list --json | python3 -c 'import json, sys; print(sum(w["state"] == "idle" for w in json.load(sys.stdin)))')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$IDLE_N" "$w0" "$w1" "$u0" "$u1" "$l0" "$l1" "$s0" "$s1" "$after" "$UP" > "$DATA/cpu.tsv"
    (cd "$R2" && "$BATON" kill-all >/dev/null)
fi
echo "- load at the end: $(cut -d" " -f1-3 /proc/loadavg)" >> "$DATA/facts.md"

# ------------------------------------------------------------------ summary
python3 "$SCRIPT_DIR/dispatch_report.py" "$DATA" "$CLK_TCK" > "$DATA/summary.md"
stamp=$(date -u '+%Y-%m-%d-%H%M%S')
cp "$DATA/summary.md" "$RESULTS_DIR/dispatch-$stamp.md"
cp "$DATA/summary.md" "$RESULTS_DIR/dispatch-latest.md"
rm -rf "$RESULTS_DIR/dispatch-data"
cp -a "$DATA" "$RESULTS_DIR/dispatch-data"
echo
cat "$DATA/summary.md"
