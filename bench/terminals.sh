#!/usr/bin/env bash
# Live terminals: N panes printing continuously (default 20), the dashboard's CPU (/proc/PID/stat)
# with no terminal open and then with one WebSocket viewer per pane, and as the raw baseline N
# plain `tmux -C` clients reading the same panes. Reports the extra as % of a core (goal <= 10%).
# Usage: bash bench/terminals.sh   (about 2 minutes)
#   BATON_BIN=/path/to/baton   another binary (default artifacts/bin/baton; its folder is copied first)
#   BENCH_TERMINALS=20  BENCH_SECONDS=30  BENCH_INTERVAL_MS=50
# Results: printed, and bench/results/terminals-latest.md.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
SRC_BIN=${BATON_BIN:-$REPO_ROOT/artifacts/bin/baton}

die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
[[ -x "$SRC_BIN" ]] || die "Baton binary not found at $SRC_BIN.
Build it first (from $REPO_ROOT):
    dotnet publish src/Baton.Cli -c Release -o artifacts/bin
or point BATON_BIN at an existing binary."
for tool in git tmux dotnet; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not on PATH"
done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-terminals-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp -r "$(dirname "$SRC_BIN")" "$WORK/bin"
export BATON_BIN="$WORK/bin/$(basename "$SRC_BIN")"

echo "==> building the benchmark tool" >&2
dotnet build "$SCRIPT_DIR/terminals" -c Release -nologo -v q >&2
mkdir -p "$SCRIPT_DIR/results"
dotnet "$SCRIPT_DIR/terminals/bin/Release/net10.0/Baton.TerminalsBench.dll" "$SCRIPT_DIR/results/terminals-latest.md"
