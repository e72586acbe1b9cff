#!/usr/bin/env bash
# Warm agents (issue 21), per link of a dependency chain, all modes in one run:
#   cold       a fresh scripted agent per ticket (the baseline);
#   warm       autopilot.reuse_agents, the turn's end read off the screen (idle debounce);
#   warm-hook  the same, the scripted agent reporting through Claude Code's hooks (`--settings`),
#              so the turn's end is its Stop hook;
#   pool       autopilot.warm_pool: 1 (no reuse): the next ticket's agent started ahead of demand;
# then the same modes again with the scripted agent slowed to start like a real agent CLI.
# A chain T-1 <- T-2 <- ... whose tickets do no work (write a file, commit, `baton ticket done`):
# every link is Baton's own time. Per link: parent reported done -> child's prompt taken (the
# issue's "agent report -> dependent's agent working"), parent merged -> taken, dispatched -> taken.
# Usage: bash bench/warm.sh   (BATON=/path/to/baton, BENCH_CHAIN_N=N tickets (default 8),
#                              BENCH_SLOW_START=S slowed modes' start-up in s (default 3; 0 skips),
#                              BENCH_MODES="cold warm warm-hook pool", BENCH_KEEP=1 keeps the temp folder)
# Results: bench/results/warm-<UTC date-time>.md (and warm-latest.md), printed too.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
BATON=${BATON:-$root/artifacts/bin/baton}
SRC_BIN=$BATON
CHAIN_N=${BENCH_CHAIN_N:-8}
SLOW_START=${BENCH_SLOW_START:-3}
read -r -a MODES <<<"${BENCH_MODES:-cold warm warm-hook pool}"

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

[[ -x "$SRC_BIN" ]] || die "Baton binary not found at $SRC_BIN (dotnet publish src/Baton.Cli -c Release -o artifacts/bin, or BATON=...)"
for tool in tmux git python3 timeout; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not on PATH"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-warm-bench.XXXXXX")
SOCK="baton-warmbench-$$"
export BATON_TMUX_SOCKET="$SOCK"
unset TMUX TMUX_PANE BATON_DB BATON_WORKER
cleanup() {
    local rc=$?
    tmux -L "$SOCK" kill-server >/dev/null 2>&1 || true
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
    if [[ -n ${BENCH_KEEP:-} ]]; then echo "bench: kept $WORK" >&2; else rm -rf "$WORK"; fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A private copy: the original may be rebuilt while the benchmark runs.
cp -a "$(dirname "$SRC_BIN")" "$WORK/bin"
BATON="$WORK/bin/$(basename "$SRC_BIN")"
export PATH="$WORK/bin:$PATH"   # the tickets' `baton ticket done` is this binary
DATA="$WORK/data"
mkdir -p "$RESULTS_DIR" "$DATA"
nl=$'\n'
{
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "- host: $(uname -srm), nproc $(nproc), load $(cut -d" " -f1-3 /proc/loadavg)"
    echo "- tmux: $(tmux -V), git: $(git --version | cut -d' ' -f3)"
    echo "- baton: $("$BATON" --version) ($SRC_BIN)"
    echo "- chain of $CHAIN_N tickets; slowed start ${SLOW_START}s"
} > "$DATA/facts.md"

run_mode() {  # run_mode MODE [SLOW] : one chain under `baton up --until-done`
    local mode=$1 slow=${2:-0} name dir prev k body args c0 c1 rc=0
    name=$mode
    if [[ $slow != 0 ]]; then name+=-slow; fi
    dir="$WORK/$name"
    mkdir -p "$dir"
    git -C "$dir" init -q -b main
    git -C "$dir" config user.name bench
    git -C "$dir" config user.email bench@example.invalid
    git -C "$dir" commit -q --allow-empty -m "bench"
    (cd "$dir" && "$BATON" init >/dev/null)
    {
        echo "agents:"
        echo "  default: scripted"
        echo "autopilot:"
        echo "  tick: 200ms"
        echo "  spawns_per_minute: 600"
        echo "  spawn_burst: 8"
        case $mode in
            cold) echo "  max_workers: 1" ;;
            warm | warm-hook) echo "  max_workers: 1"; echo "  reuse_agents: true" ;;
            # One agent on the chain, one started ahead for the next ticket.
            pool) echo "  max_workers: 2"; echo "  warm_pool: 1" ;;
        esac
        echo "gate:"
        echo "  commands: []"
    } > "$dir/.baton/config.yaml"
    {
        cat "$root/assets/agents/scripted.yaml"
        if [[ $mode == warm-hook ]]; then printf 'settings_argument: ["--settings", "{settings_file}"]\n'; fi
        if [[ $slow != 0 ]]; then printf 'env:\n  SCRIPTED_START_DELAY: "%s"\n' "$slow"; fi
    } > "$dir/.baton/agents/scripted.yaml"
    prev=""
    for ((k = 1; k <= CHAIN_N; k++)); do
        body="@write out/c-$k.txt link $k${nl}@commit T-$k: link $k${nl}@run baton ticket done T-$k --summary ok"
        args=(ticket create "link $k" --body "$body")
        if [[ -n $prev ]]; then args+=(--depends-on "$prev"); fi
        (cd "$dir" && "$BATON" "${args[@]}" >/dev/null)
        prev="T-$k"
    done
    log "$name"
    c0=$EPOCHREALTIME
    (cd "$dir" && timeout 300 "$BATON" up --until-done --plain) > "$DATA/up-$name.log" 2>&1 || rc=$?
    c1=$EPOCHREALTIME
    echo "$c0 $c1 $rc" > "$DATA/chain-$name.txt"
    (cd "$dir" && "$BATON" events recent 100000 --json) > "$DATA/chain-$name.json"
    (cd "$dir" && "$BATON" kill-all >/dev/null 2>&1) || true
}

names=()
for mode in "${MODES[@]}"; do run_mode "$mode"; names+=("$mode"); done
if [[ $SLOW_START != 0 ]]; then
    for mode in "${MODES[@]}"; do run_mode "$mode" "$SLOW_START"; names+=("$mode-slow"); done
fi
echo "- load at the end: $(cut -d" " -f1-3 /proc/loadavg)" >> "$DATA/facts.md"

python3 - "$DATA" "${names[@]}" > "$DATA/summary.md" <<'PY'
import json, os, statistics, sys
from datetime import datetime
data, names = sys.argv[1], sys.argv[2:]
med = statistics.median
def ts(e): return datetime.fromisoformat(e["time"]).timestamp()
def first(events, **kw):
    return next((e for e in events if all(e.get(k) == v for k, v in kw.items())), None)
def links(name):
    c0, c1, rc = open(os.path.join(data, f"chain-{name}.txt")).read().split()
    ev = json.load(open(os.path.join(data, f"chain-{name}.json")))
    rows = []
    for k in range(2, 10000):
        tid, parent = f"T-{k}", f"T-{k - 1}"
        rep, d, merged = first(ev, type="task_reported_done", ticket=parent), first(ev, type="task_dispatched", ticket=tid), first(ev, type="merged", ticket=parent)
        if rep is None or d is None or merged is None:
            break
        # Taken: a reused (or pooled) agent's worker_reused, written once its prompt was taken; else the fresh agent's worker_prompt_sent.
        taken = first(ev, type="worker_reused", ticket=tid) or first(ev, type="worker_prompt_sent", worker=d["worker"])
        if taken is None:
            break
        rows.append((ts(taken) - ts(rep), ts(taken) - ts(merged), ts(taken) - ts(d)))
    spawned = sum(1 for e in ev if e["type"] == "worker_spawned")
    reused = sum(1 for e in ev if e["type"] == "worker_reused")
    return float(c1) - float(c0), int(rc), rows, spawned, reused
res = {n: links(n) for n in names}
print("# Warm agents, per link of a chain (`bash bench/warm.sh`)\n")
print(open(os.path.join(data, "facts.md")).read().rstrip() + "\n")
print("Medians over the links, ms; `taken` = the child's prompt taken by its agent.\n")
print("| mode | reported done → taken | merged → taken | dispatched → taken | whole chain, s | agents started / reused | rc |")
print("|---|---:|---:|---:|---:|---:|---:|")
def ms(x): return f"{x * 1000:.0f}"
for n in names:
    wall, rc, rows, spawned, reused = res[n]
    if rows:
        print(f"| {n} | {ms(med(r[0] for r in rows))} | {ms(med(r[1] for r in rows))} | {ms(med(r[2] for r in rows))} | {wall:.2f} | {spawned} / {reused} | {rc} |")
    else:
        print(f"| {n} | – | – | – | {wall:.2f} | {spawned} / {reused} | {rc} |")
for base in ("", "-slow"):
    c = res.get("cold" + base)
    for n in ("warm", "warm-hook", "pool"):
        w = res.get(n + base)
        if c and w and c[2] and w[2]:
            a, b = med(r[0] for r in c[2]), med(r[0] for r in w[2])
            print(f"\n{n}{base} against cold{base}, reported done → taken: {ms(b)} against {ms(a)} ms ({b / a:.2f}×)", end="")
print("\n\nGoal (issue 21): reported done → taken ≤ 300 ms with a warm agent.")
PY
stamp=$(date -u +%Y%m%d-%H%M%S)
cp "$DATA/summary.md" "$RESULTS_DIR/warm-$stamp.md"
cp "$DATA/summary.md" "$RESULTS_DIR/warm-latest.md"
cat "$DATA/summary.md"
