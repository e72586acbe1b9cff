#!/usr/bin/env bash
# Baton event-store benchmark: appends (batched and one process per event) and the queries
# behind `events recent`, `ticket list --ready` and `status`, with 10,000 tickets, at 10k and
# 1M events. The CLI is timed with hyperfine next to `baton --version` (its start-up); the SQL
# it runs is timed on its own in the sqlite3 shell.
# Usage: bash bench/events.sh          (BATON_BIN=/path/to/baton to use another binary,
#                                       BENCH_RUNS=N timed runs per query command, default 30,
#                                       BENCH_LOG_N=N one-process appends, default 1000,
#                                       BENCH_KEEP=1 to keep the temp repo and its 1M-event store)
# Results: bench/results/events-latest.md and bench/results/events-*.json (hyperfine exports).
set -euo pipefail

SCRIPT_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_ROOT=$(cd "$SCRIPT_DIR/.." && pwd)
RESULTS_DIR="$SCRIPT_DIR/results"
SRC_BIN=${BATON_BIN:-$REPO_ROOT/artifacts/bin/baton}
RUNS=${BENCH_RUNS:-30}
WARMUP=3
LOG_N=${BENCH_LOG_N:-1000}     # `baton events log` processes
BATCH=100000                   # lines per batched import
BATCH_RUNS=3
TICKETS=10000                  # tickets in the store for the query benchmarks
CLI_TICKETS=20                 # of which created through `baton ticket create`
SQL_REPS=9                     # timed repetitions per query in the sqlite3 shell (after 1 warm-up)
SIZES=(10000 1000000)          # event-log sizes at which the queries are measured

log() { printf '\n==> %s\n' "$*" >&2; }
die() { printf 'bench: error: %s\n' "$*" >&2; exit 1; }

# ---------------------------------------------------------------- prerequisites
if [[ ! -x "$SRC_BIN" ]]; then
    die "Baton binary not found at $SRC_BIN.
Build it first (from $REPO_ROOT):
    dotnet publish src/Baton.Cli -c Release -o artifacts/bin
or point BATON_BIN at an existing binary: BATON_BIN=/path/to/baton bash bench/events.sh"
fi
for tool in git python3; do
    command -v "$tool" >/dev/null 2>&1 || die "'$tool' is required but not on PATH"
done
missing=()
command -v hyperfine >/dev/null 2>&1 || missing+=(hyperfine)
command -v sqlite3 >/dev/null 2>&1 || missing+=(sqlite3)
if ((${#missing[@]})); then
    log "Installing ${missing[*]} (apt-get)"
    apt-get update
    apt-get install -y "${missing[@]}"
fi

# The SQL timed below is copied from these files; warn when they no longer contain it.
STORE_SRC="$REPO_ROOT/src/Baton.Infrastructure/Storage/Sqlite"
if [[ -d "$STORE_SRC" ]]; then
    grep -q 'ORDER BY id DESC LIMIT \$count)' "$STORE_SRC/SqliteStore.cs" 2>/dev/null \
        || echo "bench: warning: RecentEvents SQL in SqliteStore.cs changed; update bench/events.sh" >&2
    grep -q 'ORDER BY t.priority_rank, t.created_at, t.number' "$STORE_SRC/SqliteTicketStore.cs" 2>/dev/null \
        || echo "bench: warning: ReadyTickets SQL in SqliteTicketStore.cs changed; update bench/events.sh" >&2
fi

# ------------------------------------------------------------------ environment
WORK=$(mktemp -d "${TMPDIR:-/tmp}/baton-events-bench.XXXXXX")
cleanup() {
    local rc=$?
    if [[ -n ${BENCH_KEEP:-} ]]; then
        echo "bench: kept $WORK (the store is $WORK/repo/.baton/baton.db)" >&2
    else
        rm -rf "$WORK"
    fi
    exit "$rc"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# A private copy: the original may be rebuilt while the benchmark runs.
cp -a "$(dirname "$SRC_BIN")" "$WORK/bin"
BATON="$WORK/bin/$(basename "$SRC_BIN")"
q() { printf '%q' "$1"; }     # quote a path for hyperfine command strings
B=$(q "$BATON")

REPO="$WORK/repo"
mkdir -p "$REPO"
cd "$REPO"
git init -q
git -c user.name=bench -c user.email=bench@example.invalid commit -q --allow-empty -m "bench"
"$BATON" init >/dev/null
DB="$REPO/.baton/baton.db"
[[ -f "$DB" ]] || die "baton init did not create $DB"

mkdir -p "$RESULTS_DIR"
rm -f "$RESULTS_DIR"/events-*.json "$RESULTS_DIR"/events-*.txt "$RESULTS_DIR/events-latest.md"

BATON_VERSION=$("$BATON" --version)
{
    echo "# Baton event-store benchmark"
    echo
    echo "- date: $(date -u '+%Y-%m-%d %H:%M:%S UTC')"
    echo "- host: $(uname -srm), nproc $(nproc), load $(cut -d" " -f1-3 /proc/loadavg), $(grep -m1 'model name' /proc/cpuinfo 2>/dev/null | cut -d: -f2- | sed 's/^ *//' || echo '?')"
    echo "- hyperfine: $(hyperfine --version); sqlite3 shell: $(sqlite3 --version | cut -d' ' -f1)"
    echo "- baton: $BATON_VERSION ($SRC_BIN)"
    echo "- store: $(sqlite3 "$DB" 'PRAGMA journal_mode;') journal, $TICKETS tickets ($CLI_TICKETS via the CLI, the rest via sqlite3)"
    echo "- runs: $RUNS timed + $WARMUP warm-up per query command; $SQL_REPS timed + 1 warm-up per SQL query"
} > "$WORK/facts.md"
cat "$WORK/facts.md" >&2

event_count() { sqlite3 "$DB" 'SELECT count(*) FROM events;'; }

gen_events() {  # gen_events N FILE : N JSON lines for `baton events import`
    python3 - "$1" "$2" <<'PY'
import json, sys
n, path = int(sys.argv[1]), sys.argv[2]
with open(path, "w") as f:
    for i in range(n):
        f.write(json.dumps({"type": "bench", "message": f"bench event {i}: the quick brown fox", "worker": None, "ticket": None}) + "\n")
PY
}

now_ns() { date +%s%N; }

import_timed() {  # import_timed FILE LABEL : imports FILE, appends "LABEL lines seconds" to imports.txt
    local lines t0 t1
    lines=$(wc -l < "$1")
    t0=$(now_ns)
    "$BATON" events import "$1" >/dev/null
    t1=$(now_ns)
    echo "$2 $lines $(python3 -c "print(($t1 - $t0) / 1e9)")" >> "$RESULTS_DIR/events-imports.txt"
}

grow_to() {  # grow_to N LABEL : appends events until the log holds exactly N
    local have need
    have=$(event_count)
    need=$(($1 - have))
    ((need >= 0)) || die "the log already holds $have events, more than $1"
    ((need > 0)) || return 0
    log "Growing the log from $have to $1 events (import of $need)"
    gen_events "$need" "$WORK/grow.jsonl"
    import_timed "$WORK/grow.jsonl" "$2"
    rm -f "$WORK/grow.jsonl"
    [[ $(event_count) == "$1" ]] || die "expected $1 events, found $(event_count)"
}

# ----------------------------------------------------------- tickets (10,000)
log "Creating $CLI_TICKETS tickets through the CLI (with dependencies), half of them done"
prios=(critical high medium low medium)
for ((i = 1; i <= CLI_TICKETS; i++)); do
    args=(ticket create "cli ticket $i" -p "${prios[i % 5]}")
    if ((i > 1 && i % 3 == 0)); then args+=(-d "T-$((i - 1))"); fi
    if ((i > 2 && i % 4 == 0)); then args+=(-d "T-$((i / 2))"); fi
    "$BATON" "${args[@]}" >/dev/null
done
for ((i = 1; i <= CLI_TICKETS / 2; i++)); do   # dependencies point backwards, so these are all finishable
    "$BATON" ticket done "T-$i" >/dev/null
done

log "Inserting $((TICKETS - CLI_TICKETS)) more tickets with the sqlite3 shell (same columns as the CLI's rows)"
sqlite3 -separator ' ' "$DB" 'SELECT number, status FROM tickets ORDER BY number;' > "$WORK/cli-tickets.txt"
python3 - "$WORK/cli-tickets.txt" "$TICKETS" > "$WORK/tickets.sql" <<'PY'
# Shape copied from rows `baton ticket create` / `baton ticket done` write: status text, priority
# text + priority_rank (critical 0 .. low 3), labels/artifacts '[]', source 'local', attempts 0,
# ISO-8601 UTC millisecond times; done tickets have finished_at = updated_at.
import datetime, random, sys
random.seed(20261122)
existing = [line.split() for line in open(sys.argv[1]) if line.strip()]
total = int(sys.argv[2])
status = {int(n): s for n, s in existing}
ranks = {"critical": 0, "high": 1, "medium": 2, "low": 3}
prios = random.choices(list(ranks), weights=[1, 3, 5, 2], k=total)
base = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None) + datetime.timedelta(seconds=1)
fmt = lambda t: t.strftime("%Y-%m-%dT%H:%M:%S.") + f"{t.microsecond // 1000:03d}Z"
q = lambda s: "'" + s.replace("'", "''") + "'"
out = ["BEGIN;"]
deps = []
done_so_far = [n for n, s in status.items() if s == "done"]
first = max(status) + 1 if status else 1
for n in range(first, total + 1):
    created = base + datetime.timedelta(milliseconds=7 * (n - first))
    done = random.random() < 0.5
    prio = prios[n - 1]
    if random.random() < 1 / 3:
        # A done ticket only waits for done ones; an open one for any earlier ticket.
        pool = done_so_far if done else None
        dep = random.choice(pool) if pool else (random.randint(1, n - 1) if not done and n > 1 else None)
        if dep is not None:
            deps.append((n, dep))
    if done:
        updated = created + datetime.timedelta(seconds=random.randint(60, 7200))
        done_so_far.append(n)
        out.append(f"INSERT INTO tickets (number, title, body, status, priority, priority_rank, labels, attempts, source, artifacts, created_at, updated_at, finished_at) "
                   f"VALUES ({n}, {q(f'bench ticket {n}')}, '', 'done', {q(prio)}, {ranks[prio]}, '[]', 0, 'local', '[]', {q(fmt(created))}, {q(fmt(updated))}, {q(fmt(updated))});")
    else:
        out.append(f"INSERT INTO tickets (number, title, body, status, priority, priority_rank, labels, attempts, source, artifacts, created_at, updated_at) "
                   f"VALUES ({n}, {q(f'bench ticket {n}')}, '', 'open', {q(prio)}, {ranks[prio]}, '[]', 0, 'local', '[]', {q(fmt(created))}, {q(fmt(created))});")
out += [f"INSERT INTO ticket_dependencies (ticket, depends_on) VALUES ({t}, {d});" for t, d in deps]
out.append("COMMIT;")
print("\n".join(out))
PY
sqlite3 "$DB" < "$WORK/tickets.sql"
# No ANALYZE: Baton never runs it, so the planner works without statistics here too.
read -r n_tickets n_done n_deps < <(sqlite3 -separator ' ' "$DB" \
    "SELECT (SELECT count(*) FROM tickets), (SELECT count(*) FROM tickets WHERE status = 'done'), (SELECT count(*) FROM ticket_dependencies);")
[[ $n_tickets == "$TICKETS" ]] || die "expected $TICKETS tickets, found $n_tickets"
n_ready=$("$BATON" ticket list --ready --json --limit 100000 | python3 -c 'import json, sys; print(len(json.load(sys.stdin)))')
echo "- tickets: $n_tickets, $n_done done, $n_deps dependencies, $n_ready ready (\`ticket list --ready\` returns the first 1000)" >> "$WORK/facts.md"
tail -n1 "$WORK/facts.md" >&2

# ------------------------------------------------------------------ query SQL
# Copied from SqliteStore.RecentEvents and SqliteTicketStore.ReadyTickets / ListTickets. Unset
# parameters stay unbound, i.e. NULL, exactly as the store binds them (DBNull).
cat > "$WORK/recent.sql" <<'SQL'
SELECT * FROM (
    SELECT * FROM events
    WHERE ($worker IS NULL OR worker = $worker) AND ($type IS NULL OR type = $type)
      AND ($ticket IS NULL OR ticket = $ticket) AND ($since IS NULL OR time >= $since)
      AND ($after IS NULL OR id > $after)
    ORDER BY id DESC LIMIT $count)
ORDER BY id;
SQL
cat > "$WORK/ready.sql" <<'SQL'
SELECT * FROM tickets t
WHERE t.status IN ('open', 'queued')
  AND NOT EXISTS (SELECT 1 FROM ticket_dependencies d JOIN tickets p ON p.number = d.depends_on
                  WHERE d.ticket = t.number AND p.status <> 'done')
ORDER BY t.priority_rank, t.created_at, t.number
LIMIT $limit;
SQL
# `status` has no single query; its biggest one is ListTickets with no filter (all tickets).
cat > "$WORK/list.sql" <<'SQL'
SELECT * FROM tickets
WHERE ($status IS NULL OR status = $status)
  AND ($feature IS NULL OR feature = $feature)
  AND ($assignee IS NULL OR assignee = $assignee)
  AND ($label IS NULL OR EXISTS (SELECT 1 FROM json_each(tickets.labels) WHERE value = $label))
ORDER BY number;
SQL
PARAMS=$'.parameter init\n.parameter set $count 100\n.parameter set $limit 1000'

sql_time() {  # sql_time SIZE NAME FILE : median "real" of SQL_REPS runs in one sqlite3 shell
    {
        echo "$PARAMS"
        echo ".output /dev/null"
        echo ".timer on"
        for ((r = 0; r <= SQL_REPS; r++)); do cat "$3"; done
    } | sqlite3 "$DB" | python3 -c '
import re, statistics, sys
size, name = sys.argv[1], sys.argv[2]
t = [tuple(map(float, m.groups())) for m in re.finditer(r"real ([\d.]+) user ([\d.]+) sys ([\d.]+)", sys.stdin.read())]
t = t[1:]  # the first run also reads the schema
real = statistics.median(x[0] for x in t) * 1000
cpu = statistics.median(x[1] + x[2] for x in t) * 1000
print(size, name, f"{real:.3f}", f"{cpu:.3f}", len(t))' "$1" "$2" >> "$RESULTS_DIR/events-sql.txt"
}

measure() {  # measure SIZE LABEL : CLI (hyperfine) and SQL (sqlite3) at the current log size
    log "Queries at $2 events: CLI"
    hyperfine -N --warmup "$WARMUP" --runs "$RUNS" --export-json "$RESULTS_DIR/events-queries-$2.json" \
        -n "events recent 100 --json" "$B events recent 100 --json" \
        -n "ticket list --ready --json" "$B ticket list --ready --json" \
        -n "status --json" "$B status --json" \
        -n "baton --version" "$B --version"
    log "Queries at $2 events: SQL (sqlite3 shell, .timer on)"
    sql_time "$2" recent "$WORK/recent.sql"
    sql_time "$2" ready "$WORK/ready.sql"
    sql_time "$2" list "$WORK/list.sql"
    {
        echo "## query plans at $2 events"
        for f in recent ready list; do
            echo "### $f"
            { echo "$PARAMS"; printf 'EXPLAIN QUERY PLAN '; cat "$WORK/$f.sql"; } | sqlite3 "$DB"
        done
    } >> "$RESULTS_DIR/events-plans.txt"
}

# ------------------------------------------------------------- 10k events
grow_to "${SIZES[0]}" "grow-to-10k"
measure "${SIZES[0]}" 10k

# ------------------------------------------------------ batched appends
log "Batched append: $BATCH_RUNS x baton events import of $BATCH lines"
gen_events "$BATCH" "$WORK/batch.jsonl"
before=$(event_count)
hyperfine -N --runs "$BATCH_RUNS" --export-json "$RESULTS_DIR/events-import.json" \
    -n "events import ($BATCH lines)" "$B events import $(q "$WORK/batch.jsonl")"
[[ $(event_count) == $((before + BATCH * BATCH_RUNS)) ]] || die "batched import did not append $((BATCH * BATCH_RUNS)) events"
rm -f "$WORK/batch.jsonl"

# ---------------------------------------------------- one process per event
log "One process per event: $LOG_N x baton events log, and baton --version"
before=$(event_count)
hyperfine -N --runs "$LOG_N" --export-json "$RESULTS_DIR/events-log.json" \
    -n "events log bench msg" "$B events log bench msg" \
    -n "baton --version" "$B --version"
[[ $(event_count) == $((before + LOG_N)) ]] || die "events log did not append $LOG_N events"

# -------------------------------------------------------------- 1M events
grow_to "${SIZES[1]}" "grow-to-1M"
measure "${SIZES[1]}" 1M

# ------------------------------------------------------------------ summary
python3 - "$RESULTS_DIR" "$WORK/facts.md" "$BATCH" "$(stat -c %s "$DB")" > "$WORK/summary.md" <<'PY'
import json, os, statistics, sys

results_dir, facts, batch, db_bytes = sys.argv[1], sys.argv[2], int(sys.argv[3]), int(sys.argv[4])
def load(name):
    with open(os.path.join(results_dir, name + ".json")) as f:
        return {r["command"]: r for r in json.load(f)["results"]}
ms = lambda s: s * 1000.0
yes = lambda ok: "yes" if ok else "**no**"

print(open(facts).read().rstrip())
print(f"- store size at the end: {db_bytes / 2**20:.0f} MiB (baton.db, after the WAL checkpoints)")
print()
print("## Appends")
print()
print("| benchmark | runs | median | events/s | goal | met? |")
print("|---|---:|---:|---:|---|---|")
imp = next(iter(load("events-import").values()))
rate = batch / imp["median"]
times = ", ".join(f"{t:.2f}" for t in imp["times"])
print(f"| `events import` of {batch:,} lines (log 10k → {(10000 + batch * len(imp['times'])) // 1000:,}k; runs: {times} s) | {len(imp['times'])} | {imp['median']:.2f} s | {rate:,.0f} | > 20,000/s | {yes(rate > 20000)} |")
lg = load("events-log")
el, ver = lg["events log bench msg"], lg["baton --version"]
per_s = len(el["times"]) / sum(el["times"])
print(f"| `events log` one process per event (mean {ms(el['mean']):.1f} ms) | {len(el['times'])} | {ms(el['median']):.1f} ms | {per_s:,.0f} | – | – |")
print(f"| `--version` (start-up) alongside | {len(ver['times'])} | {ms(ver['median']):.1f} ms | – | start-up share of `events log` {ver['median'] / el['median']:.0%} | {yes(ver['median'] / el['median'] >= 0.5)} |")
for line in open(os.path.join(results_dir, "events-imports.txt")):
    label, lines, secs = line.split()
    lines, secs = int(lines), float(secs)
    if lines >= 100000:
        print(f"| `events import` of {lines:,} lines ({label}, 1 run) | 1 | {secs:.2f} s | {lines / secs:,.0f} | > 20,000/s | {yes(lines / secs > 20000)} |")
print()

sql = {}
for line in open(os.path.join(results_dir, "events-sql.txt")):
    size, name, real, cpu, n = line.split()
    sql[(size, name)] = (float(real), float(cpu))
print("## Queries (10,000 tickets)")
print()
print("| events | command | CLI median ms | ± stddev | start-up ms (`--version`) | CLI − start-up ms | SQL query ms (real / cpu) | start-up share | goal | met? |")
print("|---:|---|---:|---:|---:|---:|---:|---:|---|---|")
sqlname = {"events recent 100 --json": "recent", "ticket list --ready --json": "ready", "status --json": "list"}
for size, label in (("10k", "10,000"), ("1M", "1,000,000")):
    res = load(f"events-queries-{size}")
    v = res["baton --version"]
    for cmd in ("events recent 100 --json", "ticket list --ready --json", "status --json"):
        r = res[cmd]
        real, cpu = sql[(size, sqlname[cmd])]
        share = v["median"] / r["median"]
        goals, mets = [], []
        if size == "1M" and cmd != "status --json":
            goals.append("query < 10 ms"); mets.append(yes(real < 10))
        goals.append("start-up dominates"); mets.append(yes(share >= 0.5))
        sqlnote = "" if cmd != "status --json" else " ¹"
        print(f"| {label} | `{cmd}` | {ms(r['median']):.1f} | ± {ms(r['stddev']):.1f} | {ms(v['median']):.1f} | {ms(r['median'] - v['median']):.1f} | "
              f"{real:.0f} / {cpu:.1f}{sqlnote} | {share:.0%} | {'; '.join(goals)} | {' / '.join(mets)} |")
    print(f"| {label} | `--version` | {ms(v['median']):.1f} | ± {ms(v['stddev']):.1f} | | | | | | |")
print()
print("- CLI figures are hyperfine medians (`-N`, warm-up 3); start-up share = median(`--version`) / median(command); "
      "\"start-up dominates\" means ≥ 50%.")
print("- SQL query ms: median over the timed repetitions in one `sqlite3` shell (`.timer on`, output to /dev/null, "
      "first run dropped); *real* has 1 ms resolution (0 means < 0.5 ms), *cpu* is user + sys.")
print("- ¹ `status` runs several queries; the one timed is `ListTickets` with no filter (every ticket). "
      "Both `status` and `ticket list` also read every ticket's status and all dependencies, "
      "then run one `Dependents` query per listed ticket.")
print("- query plans: `events-plans.txt`; raw data: `events-*.json`, `events-sql.txt`, `events-imports.txt` beside this file.")
PY

cp "$WORK/summary.md" "$RESULTS_DIR/events-latest.md"
echo
cat "$WORK/summary.md"
echo
echo "Written: $RESULTS_DIR/events-latest.md (hyperfine JSON, SQL timings and query plans beside it)" >&2
