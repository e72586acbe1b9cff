#!/usr/bin/env bash
# Tokens a successor reads before its first edit, against its predecessor's total (issue 14's
# third measure, goal <= 20%). Runs the real-agent handoff test (HandoffRealAgentTests: the real
# Claude Code TUI crosses handoff.at under `baton up`, writes its section, the real Codex TUI
# takes over in the same worktree and finishes through the gate and the merge), each CLI against
# a scripted model server that records every request. From those requests:
# - predecessor total: the input Claude Code sent over all its requests (each request carries the
#   whole context again, as a model bills it without caching);
# - successor before its first edit: the input of Codex's requests up to the one answered with
#   its first edit (the packet, the ticket, the role context, Codex's own prompt and tools).
# Tokens are estimated as characters / 4 of the JSON bodies (no tokenizer offline). The scripted
# model edits at once: a real model may read files first, which this cannot measure.
# Usage: bash bench/handoff-tokens.sh   (needs the pinned CLIs scripts/test.sh installs)
# Results: bench/results/handoff-tokens-<UTC date-time>.md (and -latest.md), printed too.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
cache="${BATON_AGENT_CACHE:-$HOME/.cache/baton-agents}"
export BATON_CLAUDE_BIN="${BATON_CLAUDE_BIN:-$cache/claude-2.1.330/node_modules/.bin/claude}"
export BATON_CODEX_BIN="${BATON_CODEX_BIN:-$cache/codex-0.169.0/node_modules/.bin/codex}"
for bin in "$BATON_CLAUDE_BIN" "$BATON_CODEX_BIN"; do
    [[ -x "$bin" ]] || { echo "bench: error: $bin not found; run bash scripts/test.sh once (it installs the pinned CLIs)" >&2; exit 1; }
done

out=$(mktemp)
trap 'rm -f "$out"' EXIT
cd "$root"
dotnet build tests/Baton.IntegrationTests -c Release -nologo -v q >/dev/null
BATON_BENCH_OUT="$out" dotnet test tests/Baton.IntegrationTests -c Release --no-build -nologo \
    --filter "FullyQualifiedName~HandoffRealAgentTests" >&2

mkdir -p "$RESULTS_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
report="$RESULTS_DIR/handoff-tokens-$stamp.md"
python3 - "$out" "$(git rev-parse --short HEAD)" > "$report" <<'PY'
import json, sys
data = json.load(open(sys.argv[1]))
tok = lambda chars: chars / 4
pred, succ = data["predecessor"], data["successor"]
pred_total = sum(tok(r["chars"]) for r in pred)
# Step 0 of the successor's script is its first edit: the requests up to the one it answered.
upto = next(i for i, r in enumerate(succ) if r["step"] == 0)
before = succ[:upto + 1]
succ_before = sum(tok(r["chars"]) for r in before)
conv_before = sum(tok(r["conversation_chars"]) for r in before)
pred_conv = sum(tok(r["conversation_chars"]) for r in pred)
print(f"# Handoff: tokens the successor reads before its first edit ({sys.argv[2]})\n")
print("| | tokens (chars / 4) |\n| --- | --- |")
print(f"| predecessor (Claude Code), all {len(pred)} requests | {pred_total:,.0f} |")
print(f"| of which conversation (without system prompt and tools) | {pred_conv:,.0f} |")
print(f"| successor (Codex) before its first edit, {len(before)} request(s) | {succ_before:,.0f} |")
print(f"| of which conversation (ticket, packet, role context) | {conv_before:,.0f} |")
print(f"\nratio successor-before-first-edit / predecessor total: **{succ_before / pred_total:.1%}** (goal <= 20%)")
print(f"conversation only: {conv_before / pred_total:.1%} of the predecessor's total")
PY
cp "$report" "$RESULTS_DIR/handoff-tokens-latest.md"
cat "$report"
