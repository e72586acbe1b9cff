#!/usr/bin/env bash
# The agent start-up warm agents save with the real Claude Code TUI (issue 21): a chain of
# BENCH_CHAIN_N tickets (default 4) under `baton up`, cold (a fresh agent per ticket) against warm
# (autopilot.reuse_agents) and pool (autopilot.warm_pool: 1), Claude Code talking only to the
# scripted model server on 127.0.0.1. Per ticket: claimed -> its agent working.
# Usage: bash bench/claude-warm.sh   (BATON_BIN=/path/to/baton, default artifacts/bin/baton;
#                                     BATON_CLAUDE_BIN, default the cache scripts/test.sh fills;
#                                     BENCH_MODES="cold warm pool", BENCH_CHAIN_N=N)
# Results: bench/results/claude-warm-latest.md, printed too.
set -euo pipefail
SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
SRC_BIN=${BATON_BIN:-$REPO_ROOT/artifacts/bin/baton}
[[ -x $SRC_BIN ]] || { echo "bench: no baton at $SRC_BIN: dotnet publish src/Baton.Cli -c Release -o artifacts/bin, or BATON_BIN=..." >&2; exit 1; }
for tool in git tmux dotnet; do command -v "$tool" >/dev/null || { echo "bench: '$tool' is required" >&2; exit 1; }; done
WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-claude-warm.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp -a "$(dirname "$SRC_BIN")" "$WORK/bin"   # the original may be rebuilt meanwhile
export BATON_BIN="$WORK/bin/$(basename "$SRC_BIN")"
unset TMUX TMUX_PANE BATON_DB BATON_WORKER
echo "==> building the benchmark tool" >&2
dotnet build "$SCRIPT_DIR/claude-warm" -c Release -nologo -v q >&2
mkdir -p "$SCRIPT_DIR/results"
dotnet "$SCRIPT_DIR/claude-warm/bin/Release/net10.0/Baton.ClaudeWarmBench.dll" "$SCRIPT_DIR/results/claude-warm-latest.md"
