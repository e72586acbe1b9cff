#!/usr/bin/env bash
# Baton crash run (`baton up` killed again and again), one line of figures per run:
#   20 scripted tickets as a DAG (chains and fan-ins), a shell gate that fails two tickets once,
#   CHAOS_KILLS loop kills with SIGKILL (at random moments, and at the named risky points
#   after_dispatch / after_gate_pass / after_merge through BATON_FAULT_KILL_AT), two agent kills,
#   then one `baton up --until-done` to completion. Printed figures:
#     done       tickets done, of 20
#     twice      tickets that had two agents at work at the same time
#     lost       tickets whose agent's commit is not on main
#     red        first-parent commits of main whose test fails (0: main green)
#     worktrees  leftover worktrees (git's list and .baton/worktrees) after completion
#     branches   leftover baton/* branches
#     sessions   leftover tmux sessions on the private server
#     processes  leftover processes carrying the repository's store (agents) or gate tags
#     gates      gate runs that found another gate running in the same folder
#   and, for the record: how many kills hit their named point, and the dead agent panes left
#   just before the completion loop (crashed agents whose pane no loop reaped).
# Usage: bash bench/chaos.sh [RUNS]   (RUNS default 1; BATON=/path/to/baton, default
#        artifacts/bin/baton, else the Release build output; CHAOS_KILLS=8; CHAOS_SEED=N for
#        a repeatable kill schedule; CHAOS_KEEP=1 keeps the temp folders)
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$SCRIPT_DIR/.." && pwd)
RUNS=${1:-1}
KILLS=${CHAOS_KILLS:-8}
if [[ -z ${BATON:-} ]]; then
    BATON=$root/artifacts/bin/baton
    [[ -x $BATON ]] || BATON=$root/src/Baton.Cli/bin/Release/net10.0/baton
fi
[[ -x $BATON ]] || { echo "chaos: no baton binary at $BATON (dotnet build -c Release, or BATON=...)" >&2; exit 2; }
for tool in tmux git flock python3 timeout; do
    command -v "$tool" >/dev/null 2>&1 || { echo "chaos: '$tool' is required" >&2; exit 2; }
done
[[ -n ${CHAOS_SEED:-} ]] && RANDOM=$CHAOS_SEED

unset TMUX TMUX_PANE BATON_DB BATON_WORKER BATON_FAULT_KILL_AT
BIN=$(mktemp -d "${TMPDIR:-/tmp}/baton-chaos-bin.XXXXXX")
cp -a "$(dirname "$BATON")/." "$BIN/" # a private copy: the build may change while this runs
BATON="$BIN/$(basename "$BATON")"

run_one() {  # run_one N : one crash run, prints its figures line
    local n=$1 W SOCK R S
    W=$(mktemp -d "${TMPDIR:-/tmp}/baton-chaos.XXXXXX")
    SOCK="baton-chaos-$$-$n"
    R=$W/repo
    S=$W/state
    mkdir -p "$R" "$S/locks"
    export BATON_TMUX_SOCKET=$SOCK
    T() { tmux -L "$SOCK" "$@"; }

    git -C "$R" init -q -b main
    git -C "$R" config user.name chaos
    git -C "$R" config user.email chaos@example.invalid
    # The project's test: every work file says ok. Run at each first-parent commit of main at the end.
    printf '#!/bin/sh\nfor f in work/*.txt; do [ -e "$f" ] || continue; grep -qx ok "$f" || { echo "bad $f"; exit 1; }; done\n' > "$R/test.sh"
    # The gate: holds a lock on its folder while it runs (a second gate in the same folder at the
    # same time is counted), fails T-5 and T-12 once each, then runs the project's test.
    cat > "$R/gate.sh" <<EOF
#!/bin/sh
lock="$S/locks/\$(pwd | cksum | cut -d' ' -f1)"
exec 9>>"\$lock"
flock -n 9 || echo "\$(pwd)" >> "$S/concurrent-gates"
echo "\$(date +%s.%N) \$(pwd)" >> "$S/gate-runs"
branch=\$(git rev-parse --abbrev-ref HEAD)
for t in T-5 T-12; do
  case "\$branch" in baton/\$t-*)
    if mkdir "$S/failed-\$t" 2>/dev/null; then echo "\$t fails its first gate"; exit 1; fi;;
  esac
done
sleep 1
sh test.sh
EOF
    git -C "$R" add test.sh gate.sh
    git -C "$R" commit -q -m "chaos: project"
    (cd "$R" && "$BATON" init >/dev/null)
    cat > "$R/.baton/config.yaml" <<EOF
agents:
  default: scripted
autopilot:
  tick: 200ms
  max_workers: 4
  retry_base: 0s
  retry_max: 1s
  retry_attempts: 20
  spawns_per_minute: 600
  spawn_burst: 8
gate:
  commands: ["sh gate.sh"]
  retries: 3
EOF

    # The DAG: three chains of four, fan-ins over them, and a last fan-in over everything before.
    local -A deps=(
        [2]=T-1 [3]=T-2 [4]=T-3
        [6]=T-5 [7]=T-6 [8]=T-7
        [10]=T-9 [11]=T-10 [12]=T-11
        [13]=T-4,T-8 [14]=T-8,T-12 [15]=T-4,T-12 [16]=T-13,T-14,T-15
        [18]=T-17 [19]=T-16,T-18 [20]=T-19,T-1,T-5,T-9
    )
    local i body args nl=$'\n'
    for i in $(seq 1 20); do
        # A watcher holds the ticket's lock while this agent lives: a second agent at work on the
        # same ticket at the same time finds it taken.
        body="@run sh -c 'a=\$PPID; (exec 9>>$S/locks/T-$i; flock -n 9 || echo T-$i >> $S/twice; while kill -0 \$a 2>/dev/null; do sleep 0.2; done) >/dev/null 2>&1 &'"
        body+="${nl}@sleep $((1 + RANDOM % 3))${nl}@write work/t$i.txt ok${nl}@commit T-$i: work $i${nl}@run baton ticket done T-$i --summary ok"
        body+="${nl}@next${nl}@run baton ticket done T-$i --summary again"
        args=(ticket create "Chaos $i" --body "$body")
        [[ -n ${deps[$i]:-} ]] && args+=(--depends-on "${deps[$i]}")
        (cd "$R" && "$BATON" "${args[@]}" >/dev/null)
    done

    # The kills: named points first in a shuffled order, the rest at random moments.
    local points=(after_dispatch after_gate_pass after_merge) k pid agent_kills=0 when
    local schedule=()
    for ((k = 0; k < KILLS; k++)); do
        if ((k < ${#points[@]})); then schedule+=("${points[k]}"); else schedule+=(random); fi
    done
    schedule=($(printf '%s\n' "${schedule[@]}" | awk -v s=$RANDOM 'BEGIN{srand(s)} {print rand() "\t" $0}' | sort | cut -f2))
    for when in "${schedule[@]}"; do
        if [[ $when == random ]]; then
            (cd "$R" && exec "$BATON" up --plain >>"$W/up.log" 2>&1) &
            pid=$!
            sleep "$((2 + RANDOM % 6)).$((RANDOM % 10))"
        else
            (cd "$R" && BATON_FAULT_KILL_AT=$when exec "$BATON" up --plain >>"$W/up.log" 2>&1) &
            pid=$!
            # Reaches its point and kills itself; a point never reached within 40 s is a random kill.
            for _ in $(seq 1 400); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        fi
        if ((agent_kills < 2)) && ((RANDOM % 2 == 0)); then
            # An agent killed mid-work (SIGKILL to the agent's process in its pane).
            local victim
            victim=$(T list-panes -a -F '#{pane_pid} #{pane_dead}' 2>/dev/null | awk '$2 == 0 {print $1}' | shuf -n 1 || true)
            if [[ -n $victim ]]; then kill -9 "$victim" 2>/dev/null && agent_kills=$((agent_kills + 1)); fi
        fi
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done
    while ((agent_kills < 2)); do
        (cd "$R" && exec "$BATON" up --plain >>"$W/up.log" 2>&1) &
        pid=$!
        sleep 3
        victim=$(T list-panes -a -F '#{pane_pid} #{pane_dead}' 2>/dev/null | awk '$2 == 0 {print $1}' | shuf -n 1 || true)
        [[ -n $victim ]] && kill -9 "$victim" 2>/dev/null || true
        agent_kills=$((agent_kills + 1))
        kill -9 "$pid" 2>/dev/null || true
        wait "$pid" 2>/dev/null || true
    done

    # Dead panes the killed loops left (crashed or killed agents not reaped while a loop ran).
    local dead
    dead=$({ T list-panes -a -F '#{pane_dead}' 2>/dev/null || true; } | grep -c '^1$' || true)

    # Completion: one loop, no faults, until everything is done.
    local rc=0
    (cd "$R" && timeout 600 "$BATON" up --until-done --plain >>"$W/up.log" 2>&1) || rc=$?
    sleep 1 # the last agents' sessions end with the loop

    # The figures.
    local done twice lost red worktrees branches sessions processes gates
    done=$(cd "$R" && "$BATON" ticket list --json | python3 -c 'import json,sys; print(sum(1 for t in json.load(sys.stdin) if t["status"] == "done"))')
    twice=0
    [[ -f $S/twice ]] && twice=$(sort -u "$S/twice" | wc -l)
    lost=0
    git -C "$R" log main --format=%s > "$W/subjects"
    for i in $(seq 1 20); do
        grep -qx "T-$i: work $i" "$W/subjects" || lost=$((lost + 1))
    done
    red=0
    local c
    git -C "$R" worktree add -q --detach "$W/check" main
    for c in $(git -C "$R" rev-list --first-parent main); do
        git -C "$W/check" checkout -q --detach "$c"
        (cd "$W/check" && sh test.sh >/dev/null 2>&1) || red=$((red + 1))
    done
    git -C "$R" worktree remove --force "$W/check"
    worktrees=$(( $(git -C "$R" worktree list | wc -l) - 1 + $(find "$R/.baton/worktrees" -mindepth 1 -maxdepth 1 2>/dev/null | wc -l) ))
    branches=$(git -C "$R" branch --list 'baton/*' | wc -l)
    sessions=$({ T list-sessions -F '#{session_name}' 2>/dev/null || true; } | wc -l)
    processes=$(python3 - "$R" <<'EOF'
import os, sys
repo = sys.argv[1]
marks = [f"BATON_DB={repo}/.baton/baton.db".encode(), f"BATON_GATE_ROOT={repo}".encode()]
n = 0
for p in os.listdir("/proc"):
    if not p.isdigit() or int(p) == os.getpid():
        continue
    try:
        env = open(f"/proc/{p}/environ", "rb").read().split(b"\0")
        state = open(f"/proc/{p}/stat").read().rsplit(")", 1)[1].split()[0]
    except OSError:
        continue
    if state != "Z" and any(m in env for m in marks):
        n += 1
print(n)
EOF
)
    gates=0
    [[ -f $S/concurrent-gates ]] && gates=$(wc -l < "$S/concurrent-gates")
    local named
    named=$(grep -c 'BATON_FAULT_KILL_AT: killed at' "$W/up.log" || true)
    printf 'run %d: done %d/20 twice %d lost %d red %d worktrees %d branches %d sessions %d processes %d gates %d (until-done exit %d, %d loop kills of which %d at a named point, %d agent kills, %d dead panes before completion)\n' \
        "$n" "$done" "$twice" "$lost" "$red" "$worktrees" "$branches" "$sessions" "$processes" "$gates" "$rc" "$KILLS" "$named" "$agent_kills" "$dead"

    T kill-server >/dev/null 2>&1 || true
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
    if [[ -n ${CHAOS_KEEP:-} ]]; then echo "chaos: kept $W" >&2; else rm -rf "$W"; fi
}

for r in $(seq 1 "$RUNS"); do
    run_one "$r"
done
rm -rf "$BIN"
