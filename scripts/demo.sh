#!/usr/bin/env bash
# Baton's demo: builds the native `baton` binary, makes a sample repository in a temp folder and
# runs a small team of scripted agents on it, each in its own tmux session, while `baton list`
# shows what each one is doing. Uses a private tmux server, never your own.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

command -v tmux >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq tmux >/dev/null; }
command -v git >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq git >/dev/null; }

echo "== building baton (native AOT)"
dotnet publish src/Baton.Cli -c Release -o artifacts/bin -nologo -v q
dotnet publish src/Baton.Hook -c Release -o artifacts/bin -nologo -v q
baton="$root/artifacts/bin/baton"

demo=$(mktemp -d /tmp/baton-demo-XXXXXX)
export BATON_TMUX_SOCKET="baton-demo-$$"
export NO_COLOR="${NO_COLOR:-}"
cd "$demo"
git init -q -b main
git -c user.email=demo@localhost -c user.name=Demo commit -q --allow-empty -m "initial commit"
git config user.email demo@localhost
git config user.name "Baton Demo"

step() { printf '\n\033[1m== %s\033[0m\n' "$*"; }
show() { printf '$ baton %s\n' "$*"; "$baton" "$@"; }

step "baton init"
show init

step "three agents, three tasks (the scripted agent follows @actions in its task)"
show spawn --agent scripted --name api-worker $'Implement the health endpoint\n@sleep 2\n@write src/health.txt GET /health -> 200\n@commit Add health endpoint'
show spawn --agent scripted --name docs-worker $'Document the API\n@sleep 4\n@write docs/api.md # API\\n\\nGET /health\n@commit Document the API'
show spawn --agent scripted --name careful-worker $'Delete the temp files\n@ask run rm -rf tmp/\n@run echo cleaned\n@say finished'
show list

step "the careful worker waits for a permission answer"
for _ in $(seq 1 30); do
  "$baton" list --json | grep -q '"state": "waiting"' && break
  sleep 0.2
done
show list --why
show capture careful-worker --lines 4
show send careful-worker y

step "watching until everyone is idle"
for _ in $(seq 1 60); do
  "$baton" list
  if ! "$baton" list --json | grep -qE '"state": "(busy|starting|waiting)"'; then break; fi
  sleep 1
done

step "what the agents did"
git --no-pager log --oneline
show events recent 12

step "baton kill-all (only Baton's own sessions)"
show kill-all
tmux -L "$BATON_TMUX_SOCKET" kill-server 2>/dev/null || true

printf '\nThe demo repository is %s; its store is %s/.baton/baton.db (sqlite3 can read it).\n' "$demo" "$demo"
