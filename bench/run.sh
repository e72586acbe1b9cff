#!/usr/bin/env bash
# Baton benchmark harness: measures Baton's CLI against raw tmux / a native-AOT hello world.
# Usage: bash bench/run.sh            (BATON_BIN=/path/to/baton to use another binary,
#                                      BENCH_RUNS=N to change the number of timed runs)
# Results: bench/results/latest.md and bench/results/*.json (hyperfine exports).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
SRC_BIN=${BATON_BIN:-$REPO_ROOT/artifacts/bin/baton}
RUNS=${BENCH_RUNS:-50}
WARMUP=3
WORKER_COUNTS=(1 10 50)

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites
if [[ ! -x "$SRC_BIN" ]]; then
    die "Baton binary not found at $SRC_BIN.
Build it first (from $REPO_ROOT):
    dotnet publish src/Baton.Cli -c Release -o artifacts/bin
or point BATON_BIN at an existing binary: BATON_BIN=/path/to/baton bash bench/run.sh"
fi
for tool in tmux git python3 dotnet; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not on PATH"
done
if ! command -v hyperfine >/dev/null 2>&1; then
    log "Installing hyperfine (apt-get)"
    apt-get update
    apt-get install -y hyperfine
fi

# ------------------------------------------------------------------ environment
WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-bench.XXXXXX")
SOCK="baton-bench-$$"
export BATON_TMUX_SOCKET="$SOCK"
# Never talk to the user's own tmux server: everything below uses `tmux -L $SOCK`.
unset TMUX TMUX_PANE

cleanup() {
    local rc=$?
    tmux -L "$SOCK" kill-server >/dev/null 2>&1 || true
    # tmux 3.3 leaves the socket file behind after kill-server.
    rm -f "${TMUX_TMPDIR:-/tmp}/tmux-$(id -u)/$SOCK"
    rm -rf "$WORK"
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A private copy: the original may be rebuilt while the benchmark runs.
cp -a "$(dirname "$SRC_BIN")" "$WORK/bin"
BATON="$WORK/bin/$(basename "$SRC_BIN")"
q() { printf '%q' "$1"; }     # quote a path for hyperfine command strings
B=$(q "$BATON")

log "Publishing the native-AOT hello world (bench/hello)"
if ! (cd "$REPO_ROOT" && dotnet publish bench/hello -c Release -o "$WORK/hello" >"$WORK/hello-publish.log" 2>&1); then
    cat "$WORK/hello-publish.log" >&2
    die "dotnet publish bench/hello failed"
fi
HELLO=$(q "$WORK/hello/hello")

REPO="$WORK/repo"
mkdir -p "$REPO"
cd "$REPO"
git init -q
git -c user.name=bench -c user.email=bench@example.invalid commit -q --allow-empty -m "bench"
"$BATON" init >/dev/null
cat > .baton/agents/bench.yaml <<'EOF'
name: bench
command: ["sh", "-c", "echo READY; exec cat"]
exit_command: ""
exit_timeout: 0
screen:
  ready: '^READY'
EOF

mkdir -p "$RESULTS_DIR"
rm -f "$RESULTS_DIR"/*.json "$RESULTS_DIR/latest.md"

BATON_VERSION=$("$BATON" --version)
{
    echo "# Baton benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "- host: $(uname -srm), nproc $(nproc), load $(cut -d" " -f1-3 /proc/loadavg), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo '?')"
    echo "- tmux: $(tmux -V)"
    echo "- hyperfine: $(hyperfine --version)"
    echo "- baton: $BATON_VERSION ($SRC_BIN)"
    echo "- runs: $RUNS timed + $WARMUP warm-up per command"
} > "$WORK/facts.md"
cat "$WORK/facts.md" >&2

hf() {  # hf NAME ARGS... : hyperfine with the common options, JSON to results/NAME.json
    local name=$1; shift
    hyperfine --warmup "$WARMUP" --runs "$RUNS" --export-json "$RESULTS_DIR/$name.json" "$@"
}

spawn_workers() {  # spawn_workers FROM TO : scripted workers wFROM..wTO, then wait until all are idle
    local i
    for ((i = $1; i <= $2; i++)); do
        "$BATON" spawn --agent scripted --name "$(printf 'w%02d' "$i")" >/dev/null
    done
    wait_idle "$2"
}

wait_idle() {  # wait_idle N : poll `baton list --json` until N workers are all idle
    local want=$1 deadline=$((SECONDS + 90)) status
    while :; do
        status=$("$BATON" list --json | python3 -c '
import json, sys
ws = json.load(sys.stdin)
print(sum(w["state"] == "idle" for w in ws), len(ws))')
        [[ "$status" == "$want $want" ]] && return 0
        ((SECONDS < deadline)) || die "workers not idle after 90 s (idle/total: $status, want $want)"
        sleep 0.25
    done
}

# -------------------------------------------------------------- a. start-up
log "a. start-up"
hf startup -N \
    -n "baton --version" "$B --version" \
    -n "hello (AOT)" "$HELLO" \
    -n "true" "true"

# ------------------------------------------------- b/c/d with 1 live worker
log "Spawning w01"
spawn_workers 1 1

log "b. list, 1 worker"
hf list-1 -N \
    -n "baton list (1)" "$B list" \
    -n "baton list --json (1)" "$B list --json" \
    -n "tmux list-sessions (1)" "tmux -L $SOCK list-sessions" \
    -n "hello (AOT) (1)" "$HELLO"

log "c. capture"
hf capture -N \
    -n "baton capture --lines 50" "$B capture w01 --lines 50" \
    -n "tmux capture-pane -S -50" "tmux -L $SOCK capture-pane -p -J -t =baton-w01: -S -50"

# The hook runs on every tool call of every Claude Code worker: process start to exit, spool
# write included, next to the floor (an AOT hello-world) and `true`.
log "e. hook"
# A worker name no live worker has: its spool is written but never decides a state here.
BATON_WORKER=hookbench BATON_DB="$REPO/.baton/baton.db" hf hook -N \
    -n "baton hook PreToolUse" "$B hook PreToolUse" \
    -n "baton-hook PreToolUse" "$(q "$WORK/bin/baton-hook") PreToolUse" \
    -n "hello (AOT) (hook)" "$HELLO" \
    -n "true (hook)" "true"

# w01 stays alive during the spawn benchmark so the tmux server does not exit (and restart)
# every time the last session is killed.
log "d. spawn (agent start excluded)"
hf spawn -N \
    --prepare "sh -c '$B kill sb >/dev/null 2>&1 || true'" \
    --prepare "sh -c 'tmux -L $SOCK kill-session -t =rawsb 2>/dev/null || true'" \
    --cleanup "sh -c '$B kill sb >/dev/null 2>&1 || true; tmux -L $SOCK kill-session -t =rawsb 2>/dev/null || true'" \
    -n "baton spawn --agent bench" "$B spawn --agent bench --name sb" \
    -n "tmux new-session" "tmux -L $SOCK new-session -d -s rawsb -x 160 -y 48 sh -c 'echo READY; exec cat'"

# -------------------------------------------------- b. list with 10 and 50
for n in "${WORKER_COUNTS[@]:1}"; do
    log "Spawning workers up to w$(printf '%02d' "$n")"
    have=$("$BATON" list --json | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
    spawn_workers $((have + 1)) "$n"
    log "b. list, $n workers"
    hf "list-$n" -N \
        -n "baton list ($n)" "$B list" \
        -n "baton list --json ($n)" "$B list --json" \
        -n "tmux list-sessions ($n)" "tmux -L $SOCK list-sessions" \
        -n "hello (AOT) ($n)" "$HELLO"
done

# ------------------------------------------------------------------ summary
python3 - "$RESULTS_DIR" "$WORK/facts.md" "${WORKER_COUNTS[@]}" > "$WORK/summary.md" <<'PY'
import json, os, sys

results_dir, facts, counts = sys.argv[1], sys.argv[2], sys.argv[3:]
def load(name):
    with open(os.path.join(results_dir, name + ".json")) as f:
        return {r["command"]: r for r in json.load(f)["results"]}
ms = lambda s: s * 1000.0
rows = []  # (command, median, stddev, ratio text, baseline, goal, met)
def row(r, ratio="", baseline="", goal="", met=""):
    rows.append((r["command"], f'{ms(r["median"]):.2f}', f'± {ms(r["stddev"]):.2f}', ratio, baseline, goal, met))

s = load("startup")
row(s["baton --version"], f'{s["baton --version"]["median"] / s["hello (AOT)"]["median"]:.2f}×', "hello")
row(s["hello (AOT)"], f'{s["hello (AOT)"]["median"] / s["true"]["median"]:.2f}×', "true")
row(s["true"])

headline = None
for n in counts:
    l = load(f"list-{n}")
    hello, tls = l[f"hello (AOT) ({n})"], l[f"tmux list-sessions ({n})"]
    base = hello["median"] + tls["median"]
    for cmd in (f"baton list ({n})", f"baton list --json ({n})"):
        ratio = l[cmd]["median"] / base
        goal = met = ""
        if n == counts[-1]:
            goal, met = "≤ 1.3×", "yes" if ratio <= 1.3 else "**no**"
            if headline is None:
                headline = (cmd, ratio)
        row(l[cmd], f"{ratio:.2f}×", "hello + tmux list-sessions", goal, met)
    row(tls)
    row(hello)

c = load("capture")
bc, rc = c["baton capture --lines 50"], c["tmux capture-pane -S -50"]
row(bc, f'{bc["median"] / rc["median"]:.2f}×', "tmux capture-pane")
row(rc)

h = load("hook")
bh, hh = h["baton hook PreToolUse"], h["hello (AOT) (hook)"]
hook_ratio = bh["median"] / hh["median"]
bhh = h["baton-hook PreToolUse"]
small_ratio = bhh["median"] / hh["median"]
row(bh, f"{hook_ratio:.2f}×", "hello (AOT)", "≤ 1.3×", "yes" if hook_ratio <= 1.3 else "**no**")
row(bhh, f"{small_ratio:.2f}×", "hello (AOT)", "≤ 1.3×", "yes" if small_ratio <= 1.3 else "**no**")
row(hh)
row(h["true (hook)"])

sp = load("spawn")
bs, rs = sp["baton spawn --agent bench"], sp["tmux new-session"]
overhead = ms(bs["median"] - rs["median"])
row(bs, f'{bs["median"] / rs["median"]:.2f}× (+{overhead:.1f} ms)', "tmux new-session",
    "overhead < 20 ms", "yes" if overhead < 20 else "**no**")
row(rs)

print(open(facts).read().rstrip())
print()
print("| command | median ms | ± stddev | ratio to baseline | baseline | goal | met? |")
print("|---|---:|---:|---:|---|---|---|")
for r in rows:
    print("| " + " | ".join(r) + " |")
print()
print(f"- list with {counts[-1]} workers: median(baton list) / (median(hello) + median(tmux list-sessions)) = "
      f"{headline[1]:.2f} (goal ≤ 1.3)")
print(f"- spawn overhead (median baton spawn − median tmux new-session): {overhead:.1f} ms (goal < 20 ms)")
print(f"- hook / AOT hello-world: baton hook {hook_ratio:.2f}, baton-hook {small_ratio:.2f} (goal ≤ 1.3; role settings use baton-hook when it is installed beside baton)")
print("- medians in ms; ± is hyperfine's standard deviation; raw data in the *.json files beside this one.")
PY

cp "$WORK/summary.md" "$RESULTS_DIR/latest.md"
echo
cat "$WORK/summary.md"
echo
echo "Written: $RESULTS_DIR/latest.md (and hyperfine JSON files in $RESULTS_DIR)" >&2
