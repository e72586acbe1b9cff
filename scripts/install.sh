#!/usr/bin/env bash
# Installs Baton for this user: publishes the native `baton` and `baton-hook` into ~/.local/baton
# (or $BATON_PREFIX) and links `baton` from ~/.local/bin (or $BATON_BIN_DIR), creating it if needed.
# Needs the .NET 10 SDK. Safe to run again (it replaces the binaries and the link).
set -euo pipefail
cd "$(dirname "$0")/.."

prefix="${BATON_PREFIX:-$HOME/.local/baton}"
bindir="${BATON_BIN_DIR:-$HOME/.local/bin}"

command -v dotnet >/dev/null 2>&1 || { echo "install.sh: the .NET 10 SDK is needed (dotnet not found): https://dot.net/download" >&2; exit 1; }

echo "== publishing baton and baton-hook (native AOT) into $prefix"
echo "   (restore, build and native link: a few minutes the first time, much less after)"
mkdir -p "$prefix" "$bindir"
dotnet publish src/Baton.Cli -c Release -o "$prefix" -nologo -v q
dotnet publish src/Baton.Hook -c Release -o "$prefix" -nologo -v q
ln -sfn "$prefix/baton" "$bindir/baton"
echo "== linked $bindir/baton -> $prefix/baton"

case ":$PATH:" in
  *":$bindir:"*) echo "baton is on your PATH: try \`baton --help\`" ;;
  *)
    echo "$bindir is not on your PATH yet. Add it (then open a new shell):"
    echo "  echo 'export PATH=\"$bindir:\$PATH\"' >> ~/.bashrc"
    ;;
esac
