#!/usr/bin/env bash
# Baton MCP benchmark: one tool call round trip over a warm MCP session (stdio and streamable
# HTTP), against the same operation through the CLI (a `baton` process per call), in the same run:
#   read:  get_ticket            vs `baton ticket show T-1 --json`
#   write: report_progress       vs `baton ticket update T-1 --note ... --json`
# Usage: bash bench/mcp.sh     (BATON=/path/to/baton to use another binary, BENCH_MCP_N=N calls
#                               of each, default 200; BENCH_KEEP=1 keeps the temp repository)
# Results: bench/results/mcp-<UTC date-time>.md (and mcp-latest.md), printed too.
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
BATON=${BATON:-$root/artifacts/bin/baton}
N=${BENCH_MCP_N:-200}

die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }
[[ -x "$BATON" ]] || die "Baton binary not found at $BATON. Build it first (from $root):
    dotnet publish src/Baton.Cli -c Release -o artifacts/bin
or point BATON at an existing binary: BATON=/path/to/baton bash bench/mcp.sh"
for tool in git python3; do command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required"; done

WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-mcp-bench.XXXXXX")
HTTP_PID=
cleanup() {
    [[ -n $HTTP_PID ]] && kill "$HTTP_PID" 2>/dev/null && wait "$HTTP_PID" 2>/dev/null || true
    [[ ${BENCH_KEEP:-0} == 1 ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT

REPO="$WORK/repo"
mkdir -p "$REPO"
git -C "$REPO" init -q -b main
git -C "$REPO" -c user.email=b@localhost -c user.name=bench commit -q --allow-empty -m init
unset TMUX BATON_DB BATON_WORKER BATON_MCP_TOKEN
export BATON_TMUX_SOCKET="baton-mcpbench-$$" NO_COLOR=1
cd "$REPO"
"$BATON" init >/dev/null
"$BATON" ticket create "Benchmark ticket" --body "read and noted over and over" >/dev/null

"$BATON" mcp --http --port 0 >"$WORK/http.out" 2>"$WORK/http.err" &
HTTP_PID=$!
for _ in $(seq 200); do grep -q '^MCP: ' "$WORK/http.out" 2>/dev/null && break; sleep 0.05; done
ENDPOINT=$(sed -n 's/^MCP: //p' "$WORK/http.out")
[[ -n $ENDPOINT ]] || die "baton mcp --http printed no endpoint: $(cat "$WORK/http.err")"

python3 - "$BATON" "$N" "$ENDPOINT" "$REPO/.baton/mcp.token" "$WORK/result.md" <<'PY'
import json, statistics, subprocess, sys, time, urllib.request
baton, n, endpoint, token_file, out = sys.argv[1], int(sys.argv[2]), sys.argv[3], sys.argv[4], sys.argv[5]
token = open(token_file).read().strip()
INIT = {"protocolVersion": "2025-06-18", "capabilities": {}, "clientInfo": {"name": "bench", "version": "1"}}

class Stdio:
    def __init__(self):
        self.p = subprocess.Popen([baton, "mcp"], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self.id = 0
        self.call("initialize", INIT)
        self.p.stdin.write(json.dumps({"jsonrpc": "2.0", "method": "notifications/initialized"}) + "\n"); self.p.stdin.flush()
    def call(self, method, params):
        self.id += 1
        self.p.stdin.write(json.dumps({"jsonrpc": "2.0", "id": self.id, "method": method, "params": params}) + "\n"); self.p.stdin.flush()
        while True:
            msg = json.loads(self.p.stdout.readline())
            if msg.get("id") == self.id:
                return msg
    def close(self):
        self.p.stdin.close(); self.p.wait()

class Http:
    def __init__(self):
        self.id = 0; self.session = None
        self.call("initialize", INIT)
        self.post({"jsonrpc": "2.0", "method": "notifications/initialized"})
    def post(self, body):
        headers = {"Content-Type": "application/json", "Accept": "application/json, text/event-stream", "Authorization": "Bearer " + token}
        if self.session: headers["Mcp-Session-Id"] = self.session
        req = urllib.request.Request(endpoint, data=json.dumps(body).encode(), headers=headers, method="POST")
        with urllib.request.urlopen(req) as r:
            self.session = r.headers.get("Mcp-Session-Id") or self.session
            return r.read().decode()
    def call(self, method, params):
        self.id += 1
        text = self.post({"jsonrpc": "2.0", "id": self.id, "method": method, "params": params})
        for line in text.splitlines():   # server-sent events: the answer is a data: line
            if line.startswith("data: "):
                return json.loads(line[6:])
        return json.loads(text)
    def close(self): pass

def tool(client, name, args):
    r = client.call("tools/call", {"name": name, "arguments": args})
    assert not r["result"].get("isError"), r
def cli(*args):
    subprocess.run([baton, *args], check=True, stdout=subprocess.DEVNULL)

def measure(fn):
    for _ in range(min(10, n)): fn()          # warm-up: not counted
    times = []
    for _ in range(n):
        t = time.perf_counter(); fn(); times.append((time.perf_counter() - t) * 1000)
    times.sort()
    return statistics.median(times), times[int(len(times) * 0.95) - 1]

rows = []
stdio, http = Stdio(), Http()
ops = [
    ("read", lambda c: tool(c, "get_ticket", {"ticket": "T-1"}), lambda: cli("ticket", "show", "T-1", "--json")),
    ("write", lambda c: tool(c, "report_progress", {"ticket": "T-1", "message": "bench note"}), lambda: cli("ticket", "update", "T-1", "--note", "bench note", "--json")),
]
for name, mcp_op, cli_op in ops:
    s = measure(lambda: mcp_op(stdio)); h = measure(lambda: mcp_op(http)); c = measure(cli_op)
    rows.append((name, s, h, c))
stdio.close(); http.close()

with open(out, "w") as f:
    f.write(f"| operation ({n} calls each) | MCP stdio median / p95 | MCP HTTP median / p95 | CLI process median / p95 | CLI / stdio | CLI / HTTP |\n")
    f.write("| --- | --- | --- | --- | --- | --- |\n")
    for name, s, h, c in rows:
        f.write(f"| {name} | {s[0]:.2f} / {s[1]:.2f} ms | {h[0]:.2f} / {h[1]:.2f} ms | {c[0]:.2f} / {c[1]:.2f} ms | {c[0]/s[0]:.1f}x | {c[0]/h[0]:.1f}x |\n")
PY

mkdir -p "$RESULTS_DIR"
stamp=$(date -u +%Y%m%dT%H%M%SZ)
{
    echo "# MCP tool call vs CLI ($(date -u '+%Y-%m-%d %H:%M UTC'), $(nproc) cores, $("$BATON" --version 2>/dev/null | head -1))"
    echo
    echo "Command: \`BATON=$BATON bash bench/mcp.sh\`"
    echo
    cat "$WORK/result.md"
} | tee "$RESULTS_DIR/mcp-$stamp.md"
cp "$RESULTS_DIR/mcp-$stamp.md" "$RESULTS_DIR/mcp-latest.md"
