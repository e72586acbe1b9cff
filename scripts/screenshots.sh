#!/usr/bin/env bash
# Takes the docs' pictures of the dashboard (docs/images/dashboard-{board,graph,terminal}.png):
# a demo repository with six tickets half-way through `baton up` (scripted agents, private tmux
# server), photographed in headless Debian chromium through Playwright (bench/dashboard).
# Usage: bash scripts/screenshots.sh [FOLDER]     (BATON_BIN=/path/to/baton for another binary)
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD
out=${1:-$root/docs/images}
if [[ ! -x "${BATON_CHROMIUM:-/usr/bin/chromium}" ]]; then
  echo "== installing chromium (apt-get)" >&2
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
fi
dotnet build src/Baton.Cli -c Release -nologo -v q >&2
dotnet build bench/dashboard -c Release -nologo -v q >&2
dotnet bench/dashboard/bin/Release/net10.0/Baton.DashboardBench.dll screenshots "$out"
