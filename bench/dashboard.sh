#!/usr/bin/env bash
# Dashboard benchmarks in a real headless Chromium (Debian's chromium, driven by Playwright):
# event appended -> rendered with 1, 10 and 50 open pages next to an SSE client and a raw SQLite
# poll; the board with 100 workers and 10,000 tickets (first render, page memory) next to the API
# alone and a static page of the same cards; the dashboard's CPU with and without an idle page.
# Usage: bash bench/dashboard.sh [latency|board|all]   (default all; about 8 minutes on 2 cores)
#   BATON_BIN=/path/to/baton     another binary (its folder is copied to a temp dir first)
#   BENCH_PAGES="1 10 50"  BENCH_EVENTS=40  BENCH_TICKETS=10000  BENCH_WORKERS=100  BENCH_IDLE_SECONDS=60
# Results: printed, and bench/results/dashboard-latest.md.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
SRC_BIN=${BATON_BIN:-$REPO_ROOT/artifacts/bin/baton}
WHAT=${1:-all}

die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
[[ -x "$SRC_BIN" ]] || die "Baton binary not found at $SRC_BIN.
Build it first (from $REPO_ROOT):
    dotnet publish src/Baton.Cli -c Release -o artifacts/bin
or point BATON_BIN at an existing binary."
for tool in git tmux dotnet; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not on PATH"
done
if [[ ! -x "${BATON_CHROMIUM:-/usr/bin/chromium}" ]]; then
    echo "==> installing chromium (apt-get)" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-dashboard-bench.XXXXXX")
trap 'rm -rf "$WORK"' EXIT
cp -r "$(dirname "$SRC_BIN")" "$WORK/bin"
export BATON_BIN="$WORK/bin/$(basename "$SRC_BIN")"

echo "==> building the benchmark tool" >&2
dotnet build "$SCRIPT_DIR/dashboard" -c Release -nologo -v q >&2
mkdir -p "$SCRIPT_DIR/results"
dotnet "$SCRIPT_DIR/dashboard/bin/Release/net10.0/Baton.DashboardBench.dll" "$WHAT" "$SCRIPT_DIR/results/dashboard-latest.md"
