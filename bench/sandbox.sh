#!/usr/bin/env bash
# Sandboxed workers benchmark, both halves in the same run:
#   1. spawn overhead: `baton spawn --agent scripted --sandbox bwrap` until the agent is ready,
#      against the same spawn with `--sandbox none` (alternating, N each; medians and the difference),
#      and with `--network loopback` and a model API on 127.0.0.1 (the relay's two halves started);
#   2. escape attempts: a sandboxed headless scripted agent (network none) tries 6 ways out
#      (write outside its worktree, read a fake ~/.ssh key, read another worktree, reach a listener
#      on the host's 127.0.0.1, kill a sibling process, rewrite .git/hooks); each is checked on
#      the host and counted blocked or not.
# Usage: bash bench/sandbox.sh    (BATON=/path/to/baton, default artifacts/bin/baton, else the
#                                  Release build run through dotnet; BENCH_N=N spawns each, default 10)
# Results: bench/results/sandbox-<UTC date-time>.md (and sandbox-latest.md), printed too.
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
N=${BENCH_N:-10}
if [[ -n "${BATON:-}" ]]; then
    baton=("$BATON")
elif [[ -x "$root/artifacts/bin/baton" ]]; then
    baton=("$root/artifacts/bin/baton")
else
    baton=(dotnet "$root/src/Baton.Cli/bin/Release/net10.0/baton.dll")
fi
command -v bwrap >/dev/null || { echo "bench: bubblewrap is not installed (apt-get install bubblewrap)" >&2; exit 1; }

work=$(mktemp -d /tmp/baton-bench-sandbox.XXXXXX)
socket="bench-sbx-$$"
listener_pid=""; sibling_pid=""
cleanup() {
    tmux -L "$socket" kill-server 2>/dev/null || true
    [[ -n "$listener_pid" ]] && kill "$listener_pid" 2>/dev/null || true
    [[ -n "$sibling_pid" ]] && kill "$sibling_pid" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
export BATON_TMUX_SOCKET=$socket
repo=$work/repo
git init -q -b main "$repo"
git -C "$repo" -c user.email=b@localhost -c user.name=bench commit -q --allow-empty -m init
cd "$repo"
"${baton[@]}" init >/dev/null
"${baton[@]}" sandbox check >/dev/null || { "${baton[@]}" sandbox check; exit 1; }

ms() { echo $(( $(date +%s%N) / 1000000 )); }
spawn_ms() { # mode name [network]
    local t0 t1 agent=scripted net=()
    [[ -n "${3:-}" ]] && agent=scripted-net && net=(--network "$3")
    t0=$(ms); "${baton[@]}" spawn --force --agent "$agent" --sandbox "$1" "${net[@]}" --name "$2" >/dev/null; t1=$(ms)
    echo $((t1 - t0))
    "${baton[@]}" kill "$2" >/dev/null
}
median() { sort -n | awk '{a[NR]=$1} END {print (NR%2) ? a[(NR+1)/2] : int((a[NR/2]+a[NR/2+1])/2)}'; }

# The scripted agent with a model API on the host's loopback: network loopback forwards its port,
# so `baton sandbox net` runs around bubblewrap and `baton sandbox relay` inside it.
mkdir -p .baton/agents
{ sed 's/^name: scripted$/name: scripted-net/' "$root/assets/agents/scripted.yaml"; printf 'env:\n  ANTHROPIC_BASE_URL: http://127.0.0.1:11434\n'; } > .baton/agents/scripted-net.yaml

echo "==> 1. spawn until ready, $N each (alternating)" >&2
spawn_ms none warm >/dev/null; spawn_ms bwrap warmb >/dev/null; spawn_ms bwrap warml loopback >/dev/null   # first-run costs out of the figures
: > "$work/none.txt"; : > "$work/bwrap.txt"; : > "$work/loop.txt"
for i in $(seq 1 "$N"); do
    spawn_ms none "n$i" >> "$work/none.txt"
    spawn_ms bwrap "b$i" >> "$work/bwrap.txt"
    spawn_ms bwrap "l$i" loopback >> "$work/loop.txt"
done
none_ms=$(median < "$work/none.txt"); bwrap_ms=$(median < "$work/bwrap.txt"); loop_ms=$(median < "$work/loop.txt")
overhead=$((bwrap_ms - none_ms)); loop_overhead=$((loop_ms - none_ms))

echo "==> 2. escape attempts" >&2
home=$work/home; mkdir -p "$home/.ssh"; echo FAKE-KEY-BENCH > "$home/.ssh/id_ed25519"
mkdir -p .baton/worktrees/other; echo OTHER-TREE-BENCH > .baton/worktrees/other/secret.txt
git worktree add -q -b esc .baton/worktrees/esc
port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
python3 -c "import socket,sys; s=socket.socket(); s.bind(('127.0.0.1',$port)); s.listen(); c,_=s.accept(); open('$work/connected','w').write('yes')" & listener_pid=$!
sleep 600 & sibling_pid=$!
before=$(cat .git/hooks/pre-commit 2>/dev/null || true)
task="@run echo escaped > $repo/outside.txt
@run cat $home/.ssh/id_ed25519 > tries.txt 2>&1; cat $repo/.baton/worktrees/other/secret.txt >> tries.txt 2>&1
@run python3 -c \"import socket; socket.create_connection(('127.0.0.1', $port), 2)\"
@run kill -9 $sibling_pid
@run echo 'exit 0 # evil' > $repo/.git/hooks/pre-commit
@exit"
HOME=$home "${baton[@]}" spawn --force --headless --agent scripted --sandbox bwrap --network none --name esc --dir .baton/worktrees/esc "$task" >/dev/null
for _ in $(seq 1 100); do
    [[ "$("${baton[@]}" list --all --json | python3 -c 'import json,sys; print(next((w["state"] for w in json.load(sys.stdin) if w["name"]=="esc"), ""))')" == exited ]] && break
    sleep 0.2
done
# The attempts must have run, or "blocked" would mean nothing.
[[ -s .baton/worktrees/esc/tries.txt ]] || { echo "bench: the escape agent did not run its attempts" >&2; cat ".baton/logs/esc.log" >&2; exit 1; }
blocked=0; total=6; escaped=()
[[ ! -e $repo/outside.txt ]] && blocked=$((blocked+1)) || escaped+=("write outside")
grep -q FAKE-KEY-BENCH .baton/worktrees/esc/tries.txt 2>/dev/null && escaped+=("read ~/.ssh") || blocked=$((blocked+1))
grep -q OTHER-TREE-BENCH .baton/worktrees/esc/tries.txt 2>/dev/null && escaped+=("read another worktree") || blocked=$((blocked+1))
[[ ! -e $work/connected ]] && blocked=$((blocked+1)) || escaped+=("connect to host 127.0.0.1")
kill -0 "$sibling_pid" 2>/dev/null && blocked=$((blocked+1)) || escaped+=("kill a sibling")
[[ "$(cat .git/hooks/pre-commit 2>/dev/null || true)" == "$before" ]] && blocked=$((blocked+1)) || escaped+=("rewrite .git/hooks")

mkdir -p "$RESULTS_DIR"
stamp=$(date -u +%Y%m%d-%H%M%S)
out="$RESULTS_DIR/sandbox-$stamp.md"
{
    echo "# Sandboxed workers ($(date -u +%FT%TZ), $(bwrap --version), $(nproc) cores, ${baton[*]})"
    echo
    echo "| spawn until ready (median of $N) | ms |"
    echo "| --- | --- |"
    echo "| unconfined (--sandbox none) | $none_ms |"
    echo "| bubblewrap (--sandbox bwrap) | $bwrap_ms |"
    echo "| overhead (goal <= 50) | $overhead |"
    echo "| bubblewrap, network loopback with the relay (--network loopback) | $loop_ms |"
    echo "| overhead of that | $loop_overhead |"
    echo
    echo "Escape attempts blocked: $blocked of $total ($((100 * blocked / total))%, goal 100%)${escaped:+; escaped: ${escaped[*]}}"
} | tee "$out"
cp "$out" "$RESULTS_DIR/sandbox-latest.md"
