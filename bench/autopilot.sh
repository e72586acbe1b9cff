#!/usr/bin/env bash
# Baton autopilot benchmark (`baton up`), each part next to its raw baseline in the same run:
#   1. dispatch latency: ticket -> agent has its prompt, vs git worktree add + tmux new-session +
#      ready poll + send-keys of the same prompt;
#   2. monitoring CPU of an idle `baton up` with 10/50/100 idle workers, vs a bash loop running
#      `tmux list-sessions` every 2 s;
#   3. makespan of a 40-ticket dependency DAG on 8 workers, vs its critical-path lower bound,
#      with fresh agents for every ticket and again with autopilot.reuse_agents (warm agents);
#   4. a chain of BENCH_CHAIN_N tickets on one worker, cold (a fresh agent per ticket) vs warm
#      (the same agent reset and reused): per link, parent reported done -> child's prompt taken.
# Usage: bash bench/autopilot.sh      (BATON=/path/to/baton to use another binary,
#                                      BENCH_DISPATCH_N=N tickets in part 1, default 10,
#                                      BENCH_CPU_SECONDS=S measuring window in part 2, default 30,
#                                      BENCH_WORKER_COUNTS="10 50 100" idle workers in part 2,
#                                      BENCH_CHAIN_N=N tickets in part 4's chain, default 8,
#                                      BENCH_SLOW_START=S part 4 again with a 3 s agent start, 0 skips,
#                                      BENCH_KEEP=1 keeps the temp folder with the repos)
# Results: bench/results/autopilot-<UTC date-time>.md (and autopilot-latest.md), printed too.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
BATON=${BATON:-$root/artifacts/bin/baton}
SRC_BIN=$BATON                 # copied to a temp folder below; $BATON then names the copy
DISPATCH_N=${BENCH_DISPATCH_N:-10}
CPU_SECONDS=${BENCH_CPU_SECONDS:-30}
CPU_WARMUP=4                   # seconds of `baton up` before the CPU window opens (first ticks, recovery)
read -r -a WORKER_COUNTS <<<"${BENCH_WORKER_COUNTS:-10 50 100}"
DAG_LAYERS=8
DAG_WIDTH=5
DAG_WORK=${BENCH_DAG_WORK:-2}   # seconds of `@sleep` per ticket in part 3 (BENCH_DAG_WORK)
DAG_WORKERS=8
CHAIN_N=${BENCH_CHAIN_N:-8}     # tickets in part 4's chain (BENCH_CHAIN_N)
SLOW_START=${BENCH_SLOW_START:-3} # part 4 again with an agent that takes this long to start (s; 0: not run)
POLL=0.01                      # raw baseline's capture-pane poll interval (s)

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites
if [[ ! -x "$SRC_BIN" ]]; then
    die "Baton binary not found at $SRC_BIN.
Build it first (from $root):
    dotnet publish src/Baton.Cli -c Release -o artifacts/bin
or point BATON at an existing binary: BATON=/path/to/baton bash bench/autopilot.sh"
fi
for tool in tmux git python3 timeout; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not on PATH"
done
[[ -n ${EPOCHREALTIME:-} ]] || die "bash 5 or later is needed (EPOCHREALTIME)"

# ------------------------------------------------------------------ environment
WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-autopilot-bench.XXXXXX")
SOCK="baton-apbench-$$"
export BATON_TMUX_SOCKET="$SOCK"
# Never talk to the user's own tmux server: everything below uses `tmux -L $SOCK`.
unset TMUX TMUX_PANE BATON_DB BATON_WORKER
T() { tmux -L "$SOCK" "$@"; }
BG_PIDS=()

cleanup() {
    local rc=$? pid
    for pid in "${BG_PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    for pid in "${BG_PIDS[@]}"; do
        wait "$pid" 2>/dev/null || true
    done
    T kill-server >/dev/null 2>&1 || true
    # tmux 3.3 leaves the socket file behind after kill-server.
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
    if [[ -n ${BENCH_KEEP:-} ]]; then
        echo "bench: kept $WORK" >&2
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A private copy: the original may be rebuilt while the benchmark runs.
cp -a "$(dirname "$SRC_BIN")" "$WORK/bin"
BATON="$WORK/bin/$(basename "$SRC_BIN")"
CLK_TCK=$(getconf CLK_TCK)
mkdir -p "$RESULTS_DIR" "$WORK/data"
DATA="$WORK/data"

new_repo() {  # new_repo DIR : git repo on branch main with one commit, `baton init`, scripted agents
    mkdir -p "$1"
    git -C "$1" init -q -b main
    git -C "$1" config user.name bench
    git -C "$1" config user.email bench@example.invalid
    git -C "$1" commit -q --allow-empty -m "bench"
    (cd "$1" && "$BATON" init >/dev/null)
}

config() {  # config DIR TICK MAX_WORKERS [REUSE] : .baton/config.yaml for the scripted agent, no gate commands
    {
        echo "agents:"
        echo "  default: scripted"
        echo "autopilot:"
        echo "  max_workers: $3"
        [[ ${4:-} == reuse ]] && echo "  reuse_agents: true"
        echo "  spawns_per_minute: 600"
        echo "  spawn_burst: 8"
        [[ $2 == default ]] || echo "  tick: $2"
        echo "gate:"
        echo "  commands: []"
    } > "$1/.baton/config.yaml"
}

events_json() {  # events_json DIR OUT : the whole event log as JSON
    (cd "$1" && "$BATON" events recent 100000 --json) > "$2"
}

cpu_ticks() {  # cpu_ticks PID : "self children" CPU ticks (utime+stime, cutime+cstime) from /proc
    local s f
    s=$(<"/proc/$1/stat")
    s=${s##*) }            # the command name may hold spaces ("tmux: server")
    read -r -a f <<<"$s"
    echo "$((f[11] + f[12])) $((f[13] + f[14]))"
}

stop_bg() {  # stop_bg PID : SIGTERM one background job of ours and wait for it
    kill -TERM "$1" 2>/dev/null || true
    wait "$1" 2>/dev/null || true
    local keep=() p
    for p in "${BG_PIDS[@]}"; do [[ $p == "$1" ]] || keep+=("$p"); done
    BG_PIDS=("${keep[@]}")
}

wait_event() {  # wait_event DIR TICKET TYPE TIMEOUT_S : poll the store until the ticket has an event of TYPE
    local deadline=$((SECONDS + $4)) out
    while :; do
        out=$(cd "$1" && "$BATON" events recent 1 --ticket "$2" --type "$3" --json)
        [[ $out == *'"type"'* ]] && return 0
        ((SECONDS < deadline)) || die "$2 has no $3 event after $4 s; see $1/.baton (BENCH_KEEP=1 keeps it)"
        sleep 0.15
    done
}

wait_idle() {  # wait_idle DIR N : poll `baton list --json` until N workers are all idle
    local want=$2 deadline=$((SECONDS + 120)) status
    while :; do
        status=$(cd "$1" && "$BATON" list --json | python3 -c '
import json, sys
ws = json.load(sys.stdin)
print(sum(w["state"] == "idle" for w in ws), len(ws))')
        [[ "$status" == "$want $want" ]] && return 0
        ((SECONDS < deadline)) || die "workers not idle after 120 s (idle/total: $status, want $want)"
        sleep 0.5
    done
}

{
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "- host: $(uname -srm), nproc $(nproc), load $(cut -d" " -f1-3 /proc/loadavg), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo '?')"
    echo "- tmux: $(tmux -V), git: $(git --version | cut -d' ' -f3)"
    echo "- baton: $("$BATON" --version) ($SRC_BIN)"
} > "$DATA/facts.md"
cat "$DATA/facts.md" >&2
facts_end() { echo "- load at the end: $(cut -d" " -f1-3 /proc/loadavg) (Baton's figures suffer more from a busy machine than the baselines: it starts more processes)" >> "$DATA/facts.md"; }

# =============================================== 1. dispatch latency, one ticket at a time
# Baton: `baton up` (tick 200ms, max_workers 1) runs all along; each ticket is created while the
# loop idles, and the next only after the previous one's worktree was removed. Timed from the
# store's events: ticket_created -> task_dispatched (waiting for the next tick, and the tick's work
# before dispatching), task_dispatched -> worker_spawned -> worker_ready -> worker_prompt_sent
# (Baton records prompt_sent once it has seen the agent take the prompt).
# Raw, right after each Baton ticket: the same steps by hand on the same tmux server, in a separate
# repository (so the raw agent, which executes the same prompt, cannot report to Baton's store).
log "1. dispatch latency: $DISPATCH_N tickets, one at a time, each next to the raw commands"
R1="$WORK/dispatch"
RAW="$WORK/raw"
new_repo "$R1"
config "$R1" 200ms 1
mkdir -p "$RAW" "$WORK/raw-wt"
git -C "$RAW" init -q -b main
git -C "$RAW" -c user.name=bench -c user.email=bench@example.invalid commit -q --allow-empty -m "bench"

(cd "$R1" && exec "$BATON" up --plain) > "$DATA/up-dispatch.log" 2>&1 &
UP=$!
BG_PIDS+=("$UP")
sleep 1

nl=$'\n'
: > "$DATA/raw.tsv"
: > "$DATA/raw-react.tsv"
mkfifo "$WORK/report.fifo"
for ((i = 1; i <= DISPATCH_N; i++)); do
    body="@dump prompt-$i.txt${nl}@write out/dispatch-$i.txt done${nl}@commit dispatch $i${nl}@run baton ticket done T-$i --summary ok"
    id=$(cd "$R1" && "$BATON" ticket create "dispatch $i" --body "$body")
    id=${id%% *}
    [[ $id == "T-$i" ]] || die "expected ticket T-$i, got '$id'"
    wait_event "$R1" "$id" worktree_removed 60

    # The raw baseline types exactly what Baton typed (the agent dumped it, Baton merged it).
    prompt=$(git -C "$R1" show "main:prompt-$i.txt")
    s="raw-$i"
    t0=$EPOCHREALTIME
    git -C "$RAW" worktree add -q -b "raw-$i" "$WORK/raw-wt/$i" main
    t1=$EPOCHREALTIME
    T new-session -d -s "$s" -x 160 -y 48 -c "$WORK/raw-wt/$i" "$BATON" scripted-agent
    t2=$EPOCHREALTIME
    deadline=$((SECONDS + 20))
    while :; do    # ready: an input line '>' (the profile's ready pattern '^>( |$)')
        screen=$(T capture-pane -p -t "=$s:")
        [[ "$nl$screen$nl" == *"$nl>"[" $nl"]* ]] && break
        ((SECONDS < deadline)) || die "raw agent $s not ready after 20 s"
        sleep "$POLL"
    done
    t3=$EPOCHREALTIME
    T send-keys -t "=$s:" -l $'\e[200~'"$prompt"$'\e[201~'
    T send-keys -t "=$s:" Enter
    t4=$EPOCHREALTIME
    while :; do    # taken: the input line is empty again and the task is echoed above it
        screen=$(T capture-pane -p -t "=$s:")
        [[ "$screen" == *"$nl>" && "$screen" == *"$nl> You have been given ticket"* ]] && break
        ((SECONDS < deadline)) || die "raw agent $s did not take its prompt within 20 s"
        sleep "$POLL"
    done
    t5=$EPOCHREALTIME
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$i" "$t0" "$t1" "$t2" "$t3" "$t4" "$t5" >> "$DATA/raw.tsv"
    # Raw reaction to a report: a reader blocked on a FIFO (the cheapest way to be told) gets the
    # agent's "done" and runs the git checks a gate needs before it starts (clean worktree, HEAD,
    # commits ahead), the same ones Baton runs between task_reported_done and gate_started.
    (
        read -r _ < "$WORK/report.fifo"
        git -C "$WORK/raw-wt/$i" status --porcelain >/dev/null
        git -C "$WORK/raw-wt/$i" rev-parse HEAD >/dev/null
        git -C "$WORK/raw-wt/$i" rev-list --count main..HEAD >/dev/null
        echo "$EPOCHREALTIME" > "$WORK/react.txt"
    ) &
    reader=$!
    sleep 0.1                  # the reader is blocked in open(2) on the FIFO by now
    t6=$EPOCHREALTIME
    echo done > "$WORK/report.fifo"
    wait "$reader"
    printf '%s\t%s\t%s\n' "$i" "$t6" "$(<"$WORK/react.txt")" >> "$DATA/raw-react.tsv"
    T kill-session -t "=$s:"
    git -C "$RAW" worktree remove --force "$WORK/raw-wt/$i"
done
stop_bg "$UP"
events_json "$R1" "$DATA/dispatch-events.json"

# ================================================ 2. monitoring CPU of an idle `baton up`
# N idle scripted workers (no tickets). `baton up` with the default tick (2s) and a bash loop
# doing what an ideal monitor must do at least (one `tmux list-sessions -F` every 2 s) run side
# by side; each one's CPU (its own + its reaped children's, i.e. tmux clients, git, sleep) is read
# from /proc/PID/stat at the start and end of the same window, after a warm-up.
log "2. monitoring CPU: ${WORKER_COUNTS[*]} idle workers, ${CPU_SECONDS}s windows"
R2="$WORK/monitor"
new_repo "$R2"
# max_workers: as many as the largest count (`baton spawn` keeps to it); no tickets, so nothing is dispatched.
config "$R2" default "$(printf '%s\n' "${WORKER_COUNTS[@]}" | sort -n | tail -1)"
: > "$DATA/cpu.tsv"
have=0
for n in "${WORKER_COUNTS[@]}"; do
    log "spawning workers w$((have + 1))..w$n"
    for ((k = have + 1; k <= n; k++)); do
        (cd "$R2" && "$BATON" spawn --agent scripted --name "w$k" >/dev/null)
    done
    have=$n
    wait_idle "$R2" "$n"

    (cd "$R2" && exec "$BATON" up --plain) > "$DATA/up-monitor-$n.log" 2>&1 &
    UP=$!
    BG_PIDS+=("$UP")
    (
        while :; do
            tmux -L "$SOCK" list-sessions -F '#{session_name}	#{session_created}	#{window_activity}	#{pane_dead}	#{pane_dead_status}	#{pane_pid}	#{@baton-worker}	#{pane_dead_time}' >/dev/null
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
    kill -0 "$UP" 2>/dev/null || die "baton up exited early; see $DATA/up-monitor-$n.log"
    stop_bg "$LOOP"
    stop_bg "$UP"
    live=$(cd "$R2" && "$BATON" list --json | python3 -c 'import json, sys; print(sum(w["state"] == "idle" for w in json.load(sys.stdin)))')
    printf '%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t%s\n' "$n" "$w0" "$w1" "$u0" "$u1" "$l0" "$l1" "$s0" "$s1" "$live" >> "$DATA/cpu.tsv"
    echo "  $n workers: baton up $u0 -> $u1, loop $l0 -> $l1, tmux server $s0 -> $s1 (ticks; $CLK_TCK/s), idle after: $live" >&2
done
(cd "$R2" && "$BATON" kill-all >/dev/null)

# =============================================== 3. makespan of a 40-ticket dependency DAG
# Layer 0 has no dependencies; ticket j of layer L>0 depends on ticket j of layer L-1 and, for odd
# j, also on ticket j+1 (mod width) of layer L-1. Each agent sleeps DAG_WORK s, writes its own
# file, commits and reports done. Timed: the whole `baton up --until-done --plain` process.
log "3. makespan: $((DAG_LAYERS * DAG_WIDTH)) tickets in $DAG_LAYERS layers, $DAG_WORKERS workers, ${DAG_WORK}s of work each"
R3="$WORK/dag"
new_repo "$R3"
config "$R3" 200ms "$DAG_WORKERS"
: > "$DATA/dag.tsv"
for ((L = 0; L < DAG_LAYERS; L++)); do
    for ((j = 0; j < DAG_WIDTH; j++)); do
        n=$((L * DAG_WIDTH + j + 1))
        deps=()
        if ((L > 0)); then
            deps+=("T-$(((L - 1) * DAG_WIDTH + j + 1))")
            ((j % 2 == 1)) && deps+=("T-$(((L - 1) * DAG_WIDTH + (j + 1) % DAG_WIDTH + 1))")
        fi
        body="@sleep $DAG_WORK${nl}@write out/T-$n.txt layer $L${nl}@commit T-$n: layer $L${nl}@run baton ticket done T-$n --summary ok"
        args=(ticket create "L$L-$j" --body "$body")
        ((${#deps[@]})) && args+=(--depends-on "$(IFS=,; echo "${deps[*]}")")
        id=$(cd "$R3" && "$BATON" "${args[@]}")
        [[ ${id%% *} == "T-$n" ]] || die "expected ticket T-$n, got '$id'"
        printf 'T-%s\t%s\t%s\n' "$n" "$L" "$(IFS=,; echo "${deps[*]:-}")" >> "$DATA/dag.tsv"
    done
done
# The same DAG twice: fresh agents (as configured by default), then warm agents (reuse_agents).
run_dag() {  # run_dag DIR SUFFIX : time `baton up --until-done` on the DAG already filed in DIR
    local m0 m1 rc=0
    m0=$EPOCHREALTIME
    (cd "$1" && timeout 300 "$BATON" up --until-done --plain) > "$DATA/up-dag$2.log" 2>&1 || rc=$?
    m1=$EPOCHREALTIME
    echo "$m0 $m1 $rc" > "$DATA/makespan$2.txt"
    ((rc == 0)) || echo "bench: warning: baton up --until-done exited with $rc (124 = timed out after 300 s); see the log below" >&2
    tail -3 "$DATA/up-dag$2.log" >&2
    events_json "$1" "$DATA/dag-events$2.json"
    (cd "$1" && "$BATON" kill-all >/dev/null 2>&1) || true
}
R3W="$WORK/dag-warm"
new_repo "$R3W"
config "$R3W" 200ms "$DAG_WORKERS" reuse
while IFS=$'\t' read -r tid L d; do
    j=$(( (${tid#T-} - 1) % DAG_WIDTH ))
    body="@sleep $DAG_WORK${nl}@write out/$tid.txt layer $L${nl}@commit $tid: layer $L${nl}@run baton ticket done $tid --summary ok"
    args=(ticket create "L$L-$j" --body "$body")
    [[ -n $d ]] && args+=(--depends-on "$d")
    (cd "$R3W" && "$BATON" "${args[@]}" >/dev/null)
done < "$DATA/dag.tsv"
run_dag "$R3" ""
log "3b. the same DAG with autopilot.reuse_agents"
run_dag "$R3W" "-warm"

# ================================ 4. cold spawn vs warm reuse on a chain, one worker
# T-1 <- T-2 <- ... : each ticket writes a file, commits and reports done at once (no @sleep), so
# each link is Baton's own time: gate, merge, then a fresh agent (cold) or the same agent reset
# and given the next prompt (warm).
log "4. chain of $CHAIN_N tickets on one worker: cold spawn vs warm reuse"
modes=(cold warm)
[[ $SLOW_START == 0 ]] || modes+=(cold-slow warm-slow)
for mode in "${modes[@]}"; do
    R4="$WORK/chain-$mode"
    new_repo "$R4"
    config "$R4" 200ms 1 "$([[ $mode == warm* ]] && echo reuse)"
    if [[ $mode == *-slow ]]; then
        # The scripted agent, slowed to start like a real agent CLI (seconds before its prompt).
        { cat "$root/assets/agents/scripted.yaml"; printf 'env:\n  SCRIPTED_START_DELAY: "%s"\n' "$SLOW_START"; } > "$R4/.baton/agents/scripted.yaml"
    fi
    prev=""
    for ((k = 1; k <= CHAIN_N; k++)); do
        body="@write out/c-$k.txt link $k${nl}@commit T-$k: link $k${nl}@run baton ticket done T-$k --summary ok"
        args=(ticket create "link $k" --body "$body")
        [[ -n $prev ]] && args+=(--depends-on "$prev")
        (cd "$R4" && "$BATON" "${args[@]}" >/dev/null)
        prev="T-$k"
    done
    c0=$EPOCHREALTIME
    rc=0
    (cd "$R4" && timeout 300 "$BATON" up --until-done --plain) > "$DATA/up-chain-$mode.log" 2>&1 || rc=$?
    c1=$EPOCHREALTIME
    echo "$c0 $c1 $rc" > "$DATA/chain-$mode.txt"
    events_json "$R4" "$DATA/chain-$mode-events.json"
    (cd "$R4" && "$BATON" kill-all >/dev/null 2>&1) || true
done

# ------------------------------------------------------------------ summary
facts_end
python3 - "$DATA" "$DAG_WORK" "$DAG_WORKERS" "$CLK_TCK" "$SLOW_START" > "$DATA/summary.md" <<'PY'
import json, os, statistics, sys
from datetime import datetime

data, work, workers, clk = sys.argv[1], float(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4])
med = statistics.median
def ts(e): return datetime.fromisoformat(e["time"]).timestamp()
def load(name):
    with open(os.path.join(data, name)) as f:
        return json.load(f)
def first(events, **kw):
    for e in events:
        if all(e.get(k) == v for k, v in kw.items()):
            return e
    return None
def ms(x): return f"{x * 1000:.0f}"
out = []
p = out.append

# ---- 1. dispatch
ev = load("dispatch-events.json")
b = {k: [] for k in ("wait", "disp", "wt", "ready", "type", "total")}
for i in range(1, 1000):
    tid = f"T-{i}"
    c = first(ev, type="ticket_created", ticket=tid)
    if c is None:
        break
    d = first(ev, type="task_dispatched", ticket=tid)
    w = d["worker"]
    sp, rd, ps = (first(ev, type=t, worker=w) for t in ("worker_spawned", "worker_ready", "worker_prompt_sent"))
    b["wait"].append(ts(d) - ts(c))
    b["disp"].append(ts(ps) - ts(d))
    b["wt"].append(ts(sp) - ts(d))
    b["ready"].append(ts(rd) - ts(sp))
    b["type"].append(ts(ps) - ts(rd))
    b["total"].append(ts(ps) - ts(c))
raw = {k: [] for k in ("wt", "ready", "send", "taken", "total", "sent")}
with open(os.path.join(data, "raw.tsv")) as f:
    for line in f:
        _, t0, t1, t2, t3, t4, t5 = (float(x) for x in line.split("\t"))
        raw["wt"].append(t1 - t0)
        raw["ready"].append(t3 - t1)
        raw["send"].append(t4 - t3)
        raw["taken"].append(t5 - t3)
        raw["total"].append(t5 - t0)
        raw["sent"].append(t4 - t0)
n1 = len(b["disp"])
def pctl(xs, q):  # nearest-rank percentile
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, int(-(-q * len(xs) // 100)) - 1))]
def reactions(events):  # task_reported_done -> gate_started of the same ticket (the first of each)
    out = []
    for e in events:
        if e["type"] == "task_reported_done":
            g = next((x for x in events if x["type"] == "gate_started" and x.get("ticket") == e.get("ticket") and ts(x) >= ts(e)), None)
            if g is not None:
                out.append(ts(g) - ts(e))
    return out
react1 = reactions(ev)
raw_react = []
with open(os.path.join(data, "raw-react.tsv")) as f:
    for line in f:
        _, a, z = (float(x) for x in line.split("\t"))
        raw_react.append(z - a)
overhead = med(b["disp"]) - med(raw["total"])

# ---- 2. CPU
cpu = []
with open(os.path.join(data, "cpu.tsv")) as f:
    for line in f:
        parts = line.rstrip("\n").split("\t")
        n, w0, w1 = int(parts[0]), float(parts[1]), float(parts[2])
        def delta(a, b):
            a, b = [int(x) for x in a.split()], [int(x) for x in b.split()]
            return (b[0] - a[0]) / clk, (b[1] - a[1]) / clk
        up, loop, srv = delta(parts[3], parts[4]), delta(parts[5], parts[6]), delta(parts[7], parts[8])
        cpu.append((n, w1 - w0, up, loop, srv, parts[9]))

# ---- 3. DAG
m0, m1, rc = open(os.path.join(data, "makespan.txt")).read().split()
makespan, rc = float(m1) - float(m0), int(rc)
deps, layer = {}, {}
with open(os.path.join(data, "dag.tsv")) as f:
    for line in f:
        tid, L, d = line.rstrip("\n").split("\t")
        deps[tid], layer[tid] = [x for x in d.split(",") if x], int(L)
depth = {}
for tid in deps:  # tickets were created in dependency order
    depth[tid] = 1 + max((depth[d] for d in deps[tid]), default=0)
chain = max(depth.values())
lb_chain = chain * work
lb = max(lb_chain, len(deps) * work / workers)
ev = load("dag-events.json")
react3 = reactions(ev)
start = ts(first(ev, type="autopilot_started"))
t = {}
for tid in deps:
    d = first(ev, type="task_dispatched", ticket=tid)
    row = {"dispatched": ts(d) if d else None}
    w = d["worker"] if d else None
    ps = first(ev, type="worker_prompt_sent", worker=w) if w else None
    row["prompt"] = ts(ps) if ps else None
    for key, typ in (("reported", "task_reported_done"), ("gate", "gate_passed"), ("merged", "merged"), ("removed", "worktree_removed")):
        e = first(ev, type=typ, ticket=tid)
        row[key] = ts(e) if e else None
    t[tid] = row
done = all(r["merged"] for r in t.values())
for tid in deps:  # ready: when its last dependency was merged (layer 0: when the loop started)
    t[tid]["ready"] = max((t[d]["merged"] or float("nan") for d in deps[tid]), default=start)
phases = [
    ("ready → dispatched", "ready", "dispatched"),
    ("dispatched → prompt sent", "dispatched", "prompt"),
    ("prompt sent → reported done (agent)", "prompt", "reported"),
    ("reported done → gate passed", "reported", "gate"),
    ("gate passed → merged", "gate", "merged"),
]
def span(r, a, z):
    return r[z] - r[a] if r.get(a) is not None and r.get(z) is not None else None
# The chain that decided the makespan: back from the last merge through the dependency merged last.
crit = []
if done:
    cur = max(t, key=lambda k: t[k]["merged"])
    while cur:
        crit.append(cur)
        cur = max(deps[cur], key=lambda d: t[d]["merged"]) if deps[cur] else None
    crit.reverse()
# With the agents' measured speed and zero Baton overhead: the longest chain of agent times.
agent = {k: span(r, "prompt", "reported") or work for k, r in t.items()}
best = {}
for tid in deps:
    best[tid] = agent[tid] + max((best[d] for d in deps[tid]), default=0.0)
lb_agent = max(max(best.values()), sum(agent.values()) / workers)

# ---- 3b. the DAG with warm agents; 4. the chain, cold vs warm
def count(events, typ): return sum(1 for e in events if e["type"] == typ)
w0, w1, wrc = open(os.path.join(data, "makespan-warm.txt")).read().split()
makespan_w, wrc = float(w1) - float(w0), int(wrc)
evw = load("dag-events-warm.json")
done_w = all(first(evw, type="merged", ticket=tid) for tid in deps)
def links(mode):
    c0, c1, crc = open(os.path.join(data, f"chain-{mode}.txt")).read().split()
    ev = load(f"chain-{mode}-events.json")
    rows = []
    for k in range(2, 10000):
        tid, parent = f"T-{k}", f"T-{k - 1}"
        rep, d, merged = first(ev, type="task_reported_done", ticket=parent), first(ev, type="task_dispatched", ticket=tid), first(ev, type="merged", ticket=parent)
        if rep is None or d is None or merged is None:
            break
        # Prompt taken: a reused agent's worker_reused (written once its new prompt was taken), else the fresh agent's worker_prompt_sent.
        taken = first(ev, type="worker_reused", ticket=tid) or first(ev, type="worker_prompt_sent", worker=d["worker"])
        if taken is None:
            break
        rows.append((ts(taken) - ts(rep), ts(taken) - ts(merged), ts(taken) - ts(d)))
    return float(c1) - float(c0), int(crc), rows, count(ev, "worker_spawned"), count(ev, "worker_reused")
chain_cold, chain_warm = links("cold"), links("warm")
slow = os.path.exists(os.path.join(data, "chain-cold-slow.txt"))
chain_cold_slow, chain_warm_slow = (links("cold-slow"), links("warm-slow")) if slow else (None, None)

# ---- report
facts = open(os.path.join(data, "facts.md")).read().rstrip()
p("# Baton autopilot benchmark (`bash bench/autopilot.sh`)")
p("")
p(facts)
p("")
p("| benchmark | Baton | baseline (same run) | ratio / overhead | goal | met? |")
p("|---|---:|---:|---:|---|---|")
p(f"| 1. dispatch: task_dispatched → prompt taken, median of {n1} | {ms(med(b['disp']))} ms | raw worktree+tmux+ready poll+send-keys+taken {ms(med(raw['total']))} ms "
  f"| +{ms(overhead)} ms | overhead < 50 ms | {'yes' if overhead < 0.050 else '**no**'} |")
p(f"| 1. ticket created → prompt taken (tick 200ms), median | {ms(med(b['total']))} ms | – | – | – | |")
for n, wall, up, loop, srv, live in cpu:
    pct, lpct = 100 * sum(up) / wall, 100 * sum(loop) / wall
    goal, met = ("< 5% of a core", "yes" if pct < 5 else "**no**") if n == max(c[0] for c in cpu) else ("", "")
    p(f"| 2. idle `baton up` CPU, {n} idle workers, tick 2s, {wall:.0f} s | {pct:.2f}% | bash `tmux list-sessions` loop {lpct:.2f}% | {pct / lpct if lpct else float('inf'):.1f}× | {goal} | {met} |")
for label, xs in ((f"one ticket at a time, tick 200ms, {len(react1)} reports", react1), (f"40-ticket DAG, 8 workers, {len(react3)} reports", react3)):
    if xs:
        p(f"| 1b. reaction: task_reported_done → gate_started, {label}: p50 / p95 / max | {ms(pctl(xs, 50))} / {ms(pctl(xs, 95))} / {ms(max(xs))} ms "
          f"| FIFO wake-up + the gate's 3 git checks: p50 {ms(pctl(raw_react, 50))} / p95 {ms(pctl(raw_react, 95))} ms | p95 +{ms(pctl(xs, 95) - pctl(raw_react, 95))} ms | p95 < 100 ms | {'yes' if pctl(xs, 95) < 0.100 else '**no**'} |")
ratio = makespan / lb
p(f"| 3. makespan, {len(deps)}-ticket DAG, {workers} workers{'' if done and rc == 0 else ' (**did not finish**, rc ' + str(rc) + ')'} | {makespan:.1f} s "
  f"| lower bound max({chain}×{work:g} s, {len(deps)}×{work:g}/{workers}) = {lb:.1f} s | {ratio:.2f}× | ≤ 1.15× | {'yes' if ratio <= 1.15 else '**no**'} |")
ratio_w = makespan_w / lb
p(f"| 3b. the same DAG with `autopilot.reuse_agents` ({count(evw, 'worker_spawned')} agents started, {count(evw, 'worker_reused')} reuses){'' if done_w and wrc == 0 else ' (**did not finish**, rc ' + str(wrc) + ')'} | {makespan_w:.1f} s "
  f"| same bound {lb:.1f} s; fresh agents above {makespan:.1f} s | {ratio_w:.2f}× | ≤ 1.15× | {'yes' if ratio_w <= 1.15 else '**no**'} |")
if chain_warm[2]:
    per_link = med([r[0] for r in chain_warm[2]])
    p(f"| 4. per link on a chain, warm agent: parent reported done → child's prompt taken, median of {len(chain_warm[2])} | {ms(per_link)} ms "
      f"| cold (a fresh agent per ticket) {ms(med([r[0] for r in chain_cold[2]]))} ms | {ms(per_link - med([r[0] for r in chain_cold[2]]))} ms | ≤ 300 ms | {'yes' if per_link <= 0.3 else '**no**'} |")
p("")
p(f"**4. Cold spawn vs warm reuse** (a chain of {len(chain_cold[2]) + 1} tickets on one worker, no work in the tickets; medians over the links, ms):")
p("")
p("| per link | cold | warm | warm − cold |")
p("|---|---:|---:|---:|")
for i, name in enumerate(("parent reported done → child's prompt taken", "parent merged → child's prompt taken", "child dispatched → prompt taken (spawn + ready vs checkout + reset + ready)")):
    if chain_cold[2] and chain_warm[2]:
        a, b2 = med([r[i] for r in chain_cold[2]]), med([r[i] for r in chain_warm[2]])
        p(f"| {name} | {ms(a)} | {ms(b2)} | {ms(b2 - a)} |")
p(f"| whole chain (`up --until-done`), s | {chain_cold[0]:.2f} | {chain_warm[0]:.2f} | {chain_warm[0] - chain_cold[0]:.2f} |")
p(f"| agents started / reused | {chain_cold[3]} / {chain_cold[4]} | {chain_warm[3]} / {chain_warm[4]} | |")
if slow and chain_cold_slow[2] and chain_warm_slow[2]:
    p("")
    p(f"The same chain with the scripted agent slowed to start like a real agent CLI (`SCRIPTED_START_DELAY={sys.argv[5]}` s before its prompt appears):")
    p("")
    p("| per link | cold | warm | warm − cold |")
    p("|---|---:|---:|---:|")
    for i, name in enumerate(("parent reported done → child's prompt taken", "parent merged → child's prompt taken", "child dispatched → prompt taken")):
        a, b2 = med([r[i] for r in chain_cold_slow[2]]), med([r[i] for r in chain_warm_slow[2]])
        p(f"| {name} | {ms(a)} | {ms(b2)} | {ms(b2 - a)} |")
    p(f"| whole chain, s | {chain_cold_slow[0]:.2f} | {chain_warm_slow[0]:.2f} | {chain_warm_slow[0] - chain_cold_slow[0]:.2f} |")
    p(f"| agents started / reused | {chain_cold_slow[3]} / {chain_cold_slow[4]} | {chain_warm_slow[3]} / {chain_warm_slow[4]} | |")
p("")
p("**1. Dispatch, per step** (medians in ms; Baton from its events, raw from the shell's clock):")
p("")
p("| step | Baton | raw | Baton − raw |")
p("|---|---:|---:|---:|")
p(f"| ticket created → task_dispatched (waits for the next tick, 0–200 ms, + the tick's work) | {ms(med(b['wait']))} (min {ms(min(b['wait']))}, max {ms(max(b['wait']))}) | – | |")
p(f"| worktree (Baton: dispatched → worker_spawned: claim, `git worktree add`, role context, git guards, store) | {ms(med(b['wt']))} | {ms(med(raw['wt']))} | {ms(med(b['wt']) - med(raw['wt']))} |")
p(f"| tmux new-session → ready prompt seen (raw polls every 10 ms) | {ms(med(b['ready']))} | {ms(med(raw['ready']))} | {ms(med(b['ready']) - med(raw['ready']))} |")
p(f"| ready → prompt typed, Enter, and seen taken | {ms(med(b['type']))} | {ms(med(raw['taken']))} (send-keys alone {ms(med(raw['send']))}) | {ms(med(b['type']) - med(raw['taken']))} |")
p(f"| **total** dispatched → taken | {ms(med(b['disp']))} | {ms(med(raw['total']))} (up to Enter sent: {ms(med(raw['sent']))}) | {ms(overhead)} |")
p("")
p("**2. Monitoring CPU** (CPU seconds in the window: own + reaped children, % of one core):")
p("")
p("| workers | window s | `baton up` own s | its children s | `baton up` % | loop own s | loop children s | loop % | tmux server s (both + workers) | idle workers after |")
p("|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
for n, wall, up, loop, srv, live in cpu:
    p(f"| {n} | {wall:.1f} | {up[0]:.2f} | {up[1]:.2f} | {100 * sum(up) / wall:.2f}% | {loop[0]:.2f} | {loop[1]:.2f} | {100 * sum(loop) / wall:.2f}% | {sum(srv):.2f} ({100 * sum(srv) / wall:.1f}%) | {live} |")
p("")
p(f"**3. Makespan: where the time goes** (s; {len(deps)} tickets; ready = last dependency merged, layer 0 = loop start):")
p("")
p("| phase | median | max | sum on the deciding chain |")
p("|---|---:|---:|---:|")
for name, a, z in phases:
    vals = [v for v in (span(r, a, z) for r in t.values()) if v is not None]
    on_chain = sum(span(t[c], a, z) or 0 for c in crit)
    p(f"| {name} | {med(vals):.2f} | {max(vals):.2f} | {on_chain:.2f} |" if vals else f"| {name} | – | – | – |")
if crit:
    p(f"| loop start → first ready, last merge → loop exit | | | {makespan - (t[crit[-1]]['merged'] - t[crit[0]]['ready']):.2f} |")
    p("")
    p(f"- deciding chain: {' → '.join(crit)} ({len(crit)} tickets); makespan {makespan:.1f} s = "
      f"{len(crit)} × {work:g} s of `@sleep` + {makespan - len(crit) * work:.1f} s of everything else.")
# Throughput and parallelism: the merge queue lands one branch at a time; spawns and clean-ups run
# inside the loop's tick, one after the other, so time spent there is time nothing else moves.
merges = sorted(r["merged"] for r in t.values() if r["merged"])
gaps = [b - a for a, b in zip(merges, merges[1:])]
work_iv = [(r["prompt"], r["reported"]) for r in t.values() if r["prompt"] and r["reported"]]
edges = sorted([(a, 1) for a, _ in work_iv] + [(z, -1) for _, z in work_iv])
peak = cur = 0
for _, d in edges:
    cur += d
    peak = max(peak, cur)
busy = sum(z - a for a, z in work_iv)
spawning = sum(span(r, "dispatched", "prompt") or 0 for r in t.values())
cleaning = sum(span(r, "merged", "removed") or 0 for r in t.values())
if gaps:
    p(f"- merges land one at a time: {len(merges)} merges, median gap between two {med(gaps):.2f} s (max {max(gaps):.2f} s), i.e. {len(merges) - 1} gaps × median = {(len(merges) - 1) * med(gaps):.1f} s of the {makespan:.1f} s.")
p(f"- agents working at once (prompt sent → reported done): peak {peak} of {workers}, mean {busy / makespan:.2f}.")
p(f"- the loop's own serial work, summed over all tickets: spawning (dispatched → prompt sent) {spawning:.1f} s = {100 * spawning / makespan:.0f}% of the makespan, "
  f"clean-up after merging (merged → worktree removed: end the agent, remove the worktree, delete the branch) {cleaning:.1f} s = {100 * cleaning / makespan:.0f}%.")
p(f"- bound with the agents' measured times (prompt → reported, incl. commit and `baton ticket done`) instead of {work:g} s: {lb_agent:.1f} s → ratio {makespan / lb_agent:.2f}×.")
p(f"- phase medians are over all tickets; the last column sums each phase along the chain of tickets that finished last.")
print("\n".join(out))
PY

stamp=$(date -u '+%Y-%m-%d-%H%M%S')
cp "$DATA/summary.md" "$RESULTS_DIR/autopilot-$stamp.md"
cp "$DATA/summary.md" "$RESULTS_DIR/autopilot-latest.md"
rm -rf "$RESULTS_DIR/autopilot-data"
cp -a "$DATA" "$RESULTS_DIR/autopilot-data"
echo
cat "$DATA/summary.md"
echo
echo "Written: $RESULTS_DIR/autopilot-$stamp.md (event logs, loop logs and raw timings in autopilot-data/)" >&2
