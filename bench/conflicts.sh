#!/usr/bin/env bash
# Conflict prediction benchmark: `baton conflicts` over 10, 25 and 50 live branches of a
# repository of 3,000 files, beside the raw baseline in the same run: the `git merge-tree` calls
# that are truly needed (the pairs whose changed files overlap, found beforehand, untimed), run
# one after another. Goal: Baton within 1.3x of those calls, and under 10 s at 50 branches.
# Usage: bash bench/conflicts.sh   (BATON_BIN=/path/to/baton, BENCH_RUNS=N timed runs, default 5,
#                                   BENCH_SIZES="10 25 50", BENCH_KEEP=1 keeps the temp repos)
# Results: bench/results/conflicts-latest.md
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
BATON=${BATON_BIN:-$REPO_ROOT/artifacts/bin/baton}
RUNS=${BENCH_RUNS:-5}
read -r -a SIZES <<< "${BENCH_SIZES:-10 25 50}"
FILES=3000
[[ -x "$BATON" ]] || { echo "bench: build baton first: dotnet publish src/Baton.Cli -c Release -o artifacts/bin (or set BATON_BIN)" >&2; exit 1; }
mkdir -p "$SCRIPT_DIR/results"
OUT="$SCRIPT_DIR/results/conflicts-latest.md"
now_ms() { date +%s%3N; }
median() { sort -n | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }

# One repository per size: 3,000 files of 40 lines in 30 folders; N branches from one commit,
# each changing 3 files; every 5th branch also edits a shared hot file (same line for every
# 10th: a real conflict; another line otherwise: overlap without conflict); then main moves on
# and changes a few files that some branches change too (conflicts against the target).
make_repo() {
    local dir=$1 n=$2
    git init -q -b main "$dir"
    git -C "$dir" config user.email bench@localhost
    git -C "$dir" config user.name bench
    python3 - "$dir" "$FILES" <<'PY'
import os, sys
root, files = sys.argv[1], int(sys.argv[2])
for i in range(files):
    d = os.path.join(root, f"dir{i % 30:02d}")
    os.makedirs(d, exist_ok=True)
    with open(os.path.join(d, f"file{i:04d}.txt"), "w") as f:
        f.write("".join(f"file {i} line {l}\n" for l in range(40)))
with open(os.path.join(root, "hot.txt"), "w") as f:
    f.write("".join(f"hot line {l}\n" for l in range(40)))
PY
    git -C "$dir" add -A && git -C "$dir" commit -q -m base
    (cd "$dir" && "$BATON" init >/dev/null)
    for ((i = 1; i <= n; i++)); do
        git -C "$dir" checkout -q -b "bench/b$i" main
        for f in $(( (i * 7) % FILES )) $(( (i * 13 + 1) % FILES )) $(( (i * 31 + 2) % FILES )); do
            local path; path=$(printf 'dir%02d/file%04d.txt' $((f % 30)) "$f")
            sed -i "$((i % 40 + 1))s/.*/changed by branch $i/" "$dir/$path"
        done
        if (( i % 5 == 0 )); then
            local line=$(( i % 10 == 0 ? 1 : (i % 38) + 2 ))
            sed -i "${line}s/.*/hot change by branch $i/" "$dir/hot.txt"
        fi
        git -C "$dir" commit -q -am "branch $i"
    done
    git -C "$dir" checkout -q main
    for f in 7 14 21 100 200; do
        sed -i "1s/.*/main moved on/" "$dir/$(printf 'dir%02d/file%04d.txt' $((f % 30)) "$f")"
    done
    git -C "$dir" commit -q -am "main moves on"
}

# The pairs a predictor must merge: every pair of branches and each branch against main whose
# changed files since their merge base overlap. All branches start at the same commit, so that
# commit is every pair's merge base.
necessary_pairs() {
    local dir=$1 fork=$2 n=$3
    local tmp; tmp=$(mktemp -d)
    git -C "$dir" diff --name-only "$fork" main > "$tmp/main"
    for ((i = 1; i <= n; i++)); do git -C "$dir" diff --name-only "$fork" "bench/b$i" | sort > "$tmp/b$i"; done
    for ((i = 1; i <= n; i++)); do
        [[ -n $(comm -12 "$tmp/b$i" <(sort "$tmp/main")) ]] && echo "bench/b$i main"
        for ((j = i + 1; j <= n; j++)); do
            [[ -n $(comm -12 "$tmp/b$i" "$tmp/b$j") ]] && echo "bench/b$i bench/b$j"
        done
    done
    rm -rf "$tmp"
}

{
    echo "# Conflict prediction benchmark"
    echo
    echo "$(date -u +%Y-%m-%dT%H:%MZ), $(nproc) cores, git $(git --version | cut -d' ' -f3), baton $("$BATON" --version), $RUNS runs each (median)."
    echo
    echo "| live branches | pairs | necessary merge-trees (baton / baseline) | baseline: necessary merge-tree calls | baton conflicts | ratio | conflicts found |"
    echo "|---|---|---|---|---|---|---|"
} > "$OUT"

for n in "${SIZES[@]}"; do
    dir=$(mktemp -d /tmp/baton-bench-conflicts-XXXX)/repo
    echo "== $n branches: making the repository" >&2
    make_repo "$dir" "$n"
    fork=$(git -C "$dir" rev-parse main~1)
    mapfile -t pairs < <(necessary_pairs "$dir" "$fork" "$n")

    base_times=(); baton_times=()
    for ((r = 0; r < RUNS; r++)); do
        start=$(now_ms)
        for p in "${pairs[@]}"; do
            # shellcheck disable=SC2086
            git -C "$dir" merge-tree --write-tree --name-only --no-messages $p > /dev/null || true
        done
        base_times+=($(( $(now_ms) - start )))
        start=$(now_ms)
        (cd "$dir" && "$BATON" conflicts --branch 'bench/*' --no-notify --json > "$dir/../scan.json") || true
        baton_times+=($(( $(now_ms) - start )))
    done
    base=$(printf '%s\n' "${base_times[@]}" | median)
    bat=$(printf '%s\n' "${baton_times[@]}" | median)
    read -r total trees found < <(python3 -c "import json,sys; j=json.load(open(sys.argv[1])); print(j['pairs'], j['merge_trees'], len(j['conflicts']))" "$dir/../scan.json")
    ratio=$(python3 -c "print(f'{$bat/max($base,1):.2f}x')")
    echo "| $n | $total | $trees / ${#pairs[@]} | $(python3 -c "print(f'{$base/1000:.2f} s')") | $(python3 -c "print(f'{$bat/1000:.2f} s')") | $ratio | $found |" >> "$OUT"
    echo "   baseline ${base} ms, baton ${bat} ms ($ratio), ${#pairs[@]} necessary merge-trees, baton ran $trees" >&2
    [[ -n "${BENCH_KEEP:-}" ]] || rm -rf "$(dirname "$dir")"
done

cat >> "$OUT" <<'MD'

Baseline: the `git merge-tree --write-tree` calls of the pairs whose changed files overlap (found
beforehand with `git diff --name-only`, not timed), one after another. Baton: the whole
`baton conflicts --branch 'bench/*' --json` process (start-up, store, one `for-each-ref`, one
`merge-base --octopus`, one `git log` walk of all branches, its merge-trees run as many at once
as there are cores, recording the conflicts and their events).
MD
cat "$OUT"
