#!/usr/bin/env bash
# Baton's demo: builds the native `baton` binary and runs `baton demo`: the autopilot on a sample
# repository with scripted agents, each in its own git worktree and tmux session (a private tmux
# server, never your own).
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

command -v tmux >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq tmux >/dev/null; }
command -v git >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq git >/dev/null; }
# The build vendors the dashboard's xterm.js from npm (pinned in src/Baton.Web/web/package-lock.json).
command -v npm >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq npm >/dev/null; }

# `dotnet publish -v q` prints nothing for minutes: say what runs and about how long it takes.
echo "== building baton (native AOT): restore, build, publish; the first build takes a few minutes (package restore and the native link), later ones much less"
echo "-- publishing baton (src/Baton.Cli)"
dotnet publish src/Baton.Cli -c Release -o artifacts/bin -nologo -v q
echo "-- publishing baton-hook (src/Baton.Hook)"
dotnet publish src/Baton.Hook -c Release -o artifacts/bin -nologo -v q
echo "-- built $root/artifacts/bin/baton"
baton="$root/artifacts/bin/baton"

# `baton demo` makes a sample repository in a temp folder, files six tickets (a dependency chain,
# one whose gate fails once and is fixed) and runs `baton up` with scripted agents until all are
# done, on a tmux server of its own. Extra arguments go to it (--dir DIR, --plain, --json).
exec "$baton" demo "$@"
