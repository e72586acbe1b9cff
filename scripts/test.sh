#!/usr/bin/env bash
# Runs every test: installs what the tests need (idempotently, the pinned Claude Code and Codex
# CLIs included), builds with warnings as errors,
# publishes the native AOT binary (zero trim/AOT warnings), and runs the unit, integration and
# browser tests (headless Debian chromium) against that binary with real tmux, git, SQLite and
# PostgreSQL.
set -euo pipefail
cd "$(dirname "$0")/.."
root=$PWD

missing=()
command -v tmux >/dev/null 2>&1 || missing+=(tmux)
command -v git >/dev/null 2>&1 || missing+=(git)
command -v python3 >/dev/null 2>&1 || missing+=(python3)
command -v bwrap >/dev/null 2>&1 || missing+=(bubblewrap)   # sandboxed workers (docs/sandbox.md)
command -v npm >/dev/null 2>&1 || missing+=(npm)   # the build vendors xterm.js; installs the pinned agent CLIs below
# The browser tests drive Debian's chromium through Playwright (never a browser Playwright downloads).
[ -x "${BATON_CHROMIUM:-/usr/bin/chromium}" ] || missing+=(chromium)
# The PostgreSQL store's tests start their own servers (initdb + pg_ctl in temp folders on
# 127.0.0.1, as an unprivileged user when run as root): Debian's server binaries, no service needed.
compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || [ -x "${BATON_PG_BIN:-/nonexistent}/initdb" ] || missing+=(postgresql)
if [ ${#missing[@]} -gt 0 ]; then
  echo "== installing ${missing[*]}"
  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${missing[@]}" >/dev/null
fi
# git needs an identity for the commits tests and the scripted agent make.
git config --global user.email >/dev/null 2>&1 || git config --global user.email "baton-tests@localhost"
git config --global user.name >/dev/null 2>&1 || git config --global user.name "Baton Tests"

# The real agent CLIs the end-to-end tests drive against the scripted model server: pinned
# versions, installed once into a cache outside the repository (npm works offline here: the
# native binaries come from platform packages).
agent_cache="${BATON_AGENT_CACHE:-$HOME/.cache/baton-agents}"
install_agent() { # folder, npm package@version, binary name
  local dir="$agent_cache/$1"
  if [ ! -x "$dir/node_modules/.bin/$3" ]; then
    command -v npm >/dev/null 2>&1 || { echo "npm is needed to install $2 for the agent tests"; exit 1; }
    echo "== installing $2 into $dir"
    mkdir -p "$dir"
    npm install --prefix "$dir" "$2" --no-audit --no-fund --loglevel=error >/dev/null
  fi
}
install_agent claude-2.1.330 @anthropic-ai/claude-code@2.1.330 claude
install_agent codex-0.169.0 @openai/codex@0.169.0 codex
install_agent gemini-0.61.0 @google/gemini-cli@0.61.0 gemini
install_agent opencode-1.18.33 opencode-ai@1.18.33 opencode
export BATON_CLAUDE_BIN="$agent_cache/claude-2.1.330/node_modules/.bin/claude"
export BATON_CODEX_BIN="$agent_cache/codex-0.169.0/node_modules/.bin/codex"
export BATON_GEMINI_BIN="$agent_cache/gemini-0.61.0/node_modules/.bin/gemini"
export BATON_OPENCODE_BIN="$agent_cache/opencode-1.18.33/node_modules/.bin/opencode"
"$BATON_CLAUDE_BIN" --version
"$BATON_CODEX_BIN" --version
"$BATON_GEMINI_BIN" --version
# OpenCode writes its data, logs and locks under HOME even for --version: a throwaway one.
HOME="$(mktemp -d)" OPENCODE_DISABLE_MODELS_FETCH=1 OPENCODE_DISABLE_AUTOUPDATE=1 "$BATON_OPENCODE_BIN" --version

echo "== build (warnings are errors)"
dotnet build Baton.slnx -c Release -nologo -v q

echo "== publish native AOT binary"
dotnet publish src/Baton.Cli -c Release -o artifacts/bin -nologo -v q
dotnet publish src/Baton.Hook -c Release -o artifacts/bin -nologo -v q
export BATON_BIN="$root/artifacts/bin/baton"
"$BATON_BIN" --version

echo "== tests"
rm -rf artifacts/test-results
status=0
# A test that hangs is stopped after 5 minutes (no test takes 1) and named, instead of holding CI.
dotnet test Baton.slnx -c Release --no-build -nologo --blame-hang-timeout 5m \
  --logger "trx" --logger "console;verbosity=normal" \
  --results-directory artifacts/test-results || status=$?

python3 - "$root/artifacts/test-results" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = {"t": "http://microsoft.com/schemas/VisualStudio/TeamTest/2010"}
passed = failed = skipped = 0
for f in glob.glob(sys.argv[1] + "/*.trx"):
    c = ET.parse(f).getroot().find("t:ResultSummary/t:Counters", ns)
    passed += int(c.get("passed", 0)); failed += int(c.get("failed", 0))
    skipped += int(c.get("notExecuted", 0))
    # Each failure again at the very end, short: a CI log that keeps only its tail still names them all.
    for r in ET.parse(f).getroot().iter("{%s}UnitTestResult" % ns["t"]):
        if r.get("outcome") == "Failed":
            msg = r.find("t:Output/t:ErrorInfo/t:Message", ns)
            text = (msg.text or "").strip().splitlines() if msg is not None else []
            print(f"FAILED {r.get('testName')} ({r.get('duration')}): " + " | ".join(text[:3])[:600])
print(f"tests: {passed} passed, {failed} failed, {skipped} skipped")
PY
exit $status
