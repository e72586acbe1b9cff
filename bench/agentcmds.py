# The timing half of bench/agentcmds.sh: runs each command RUNS times, round-robin with the
# others, and takes each child's CPU (getrusage: user + system) and wall time. Prints markdown.
# Usage: python3 bench/agentcmds.py RUNS HELLO BATON OLD_BATON_OR_EMPTY DB SOCKET SHOW_ID DONE_IDS_FILE FACTS
import os
import statistics
import sys
import time

runs, hello, baton, old, db, sock, show, done_file, facts = sys.argv[1:10]
runs = int(runs)
done_ids = iter(open(done_file).read().split())
devnull = os.open(os.devnull, os.O_WRONLY)


def sql(text):
    return ["sqlite3", db, text]


# The SQL each command needs, as the store runs it (src/Baton.Infrastructure/Storage/Sql).
SHOW_SQL = (f"SELECT * FROM tickets WHERE number = {show}; SELECT depends_on FROM ticket_dependencies WHERE ticket = {show};"
            f" SELECT number, status FROM tickets WHERE number IN (SELECT depends_on FROM ticket_dependencies WHERE ticket = {show});"
            f" SELECT ticket FROM ticket_dependencies WHERE depends_on = {show} ORDER BY ticket;"
            f" SELECT * FROM blockers WHERE ticket = {show} ORDER BY id;")
READY_SQL = "SELECT * FROM tickets t WHERE t.ready = 1 ORDER BY t.priority_rank, t.created_at, t.number LIMIT 1000; SELECT ticket, depends_on FROM ticket_dependencies;"
LIST_SQL = "SELECT * FROM workers WHERE state <> 'killed' ORDER BY created_at, name; SELECT * FROM worker_usage ORDER BY id;"
LOG_SQL = "INSERT INTO events (time, type, message) VALUES ('2026-12-02T00:00:00.000Z', 'note', 'bench');"
TMUX_LIST = ["tmux", "-L", sock, "list-sessions", "-F",
             "#{session_name}\t#{session_created}\t#{window_activity}\t#{pane_dead}\t#{pane_dead_status}\t#{pane_pid}\t#{@baton-worker}\t#{pane_dead_time}"]


def done_sql(n):
    return sql(f"BEGIN IMMEDIATE; SELECT * FROM tickets WHERE number = {n}; UPDATE tickets SET status = 'done', summary = 'bench',"
               f" finished_at = '2026-12-02T00:00:00.000Z', updated_at = '2026-12-02T00:00:00.000Z' WHERE number = {n};"
               f" INSERT INTO events (time, type, ticket, message) VALUES ('2026-12-02T00:00:00.000Z', 'ticket_done', 'T-{n}', 'bench'); COMMIT;")


# name -> argv (a callable for commands that need a fresh ticket each run)
cmds = {"hello": [hello]}
binaries = [("new", baton)] + ([("old", old)] if old else [])
for tag, b in binaries:
    cmds[f"{tag} ticket show --json"] = [b, "ticket", "show", show, "--json"]
    cmds[f"{tag} ticket show"] = [b, "ticket", "show", show]
    cmds[f"{tag} ticket done"] = lambda b=b: [b, "ticket", "done", next(done_ids), "--summary", "bench"]
    cmds[f"{tag} events log"] = [b, "events", "log", "note", "bench"]
    cmds[f"{tag} list"] = [b, "list"]
    cmds[f"{tag} list --json"] = [b, "list", "--json"]
    cmds[f"{tag} ticket list --ready --json"] = [b, "ticket", "list", "--ready", "--json"]
cmds["sql show"] = sql(SHOW_SQL)
cmds["sql done"] = lambda: done_sql(next(done_ids))
cmds["sql log"] = sql(LOG_SQL)
cmds["sql ready"] = sql(READY_SQL)
cmds["sql list"] = sql(LIST_SQL)
cmds["tmux list-sessions"] = TMUX_LIST

samples = {name: [] for name in cmds}
for i in range(runs + 1):  # the first round warms the page cache and is not counted
    for name, argv in cmds.items():
        argv = argv() if callable(argv) else argv
        start = time.perf_counter_ns()
        pid = os.posix_spawnp(argv[0], argv, os.environ, file_actions=[(os.POSIX_SPAWN_DUP2, devnull, 1), (os.POSIX_SPAWN_DUP2, devnull, 2)])
        _, status, usage = os.wait4(pid, 0)
        wall = (time.perf_counter_ns() - start) / 1e6
        if os.waitstatus_to_exitcode(status) != 0:
            sys.exit(f"bench: {' '.join(argv)} exited {os.waitstatus_to_exitcode(status)}")
        if i > 0:
            samples[name].append(((usage.ru_utime + usage.ru_stime) * 1000, wall))


def stat(name):
    cpu = [s[0] for s in samples[name]]
    wall = [s[1] for s in samples[name]]
    return min(cpu), statistics.median(cpu), min(wall), statistics.median(wall)


floors = {  # what each command needs: a native start plus its SQL (and its tmux call)
    "ticket show --json": ["hello", "sql show"],
    "ticket show": ["hello", "sql show"],
    "ticket done": ["hello", "sql done"],
    "events log": ["hello", "sql log"],
    "list": ["hello", "sql list", "tmux list-sessions"],
    "list --json": ["hello", "sql list", "tmux list-sessions"],
    "ticket list --ready --json": ["hello", "sql ready"],
}

print(f"# bench/agentcmds.sh: {facts}, load after {open('/proc/loadavg').read().split()[0]}")
print()
print(f"{runs} runs of each, round-robin; CPU = user + system of the child (getrusage), ms; floor = the sum of its parts' minima.")
print()
print("| command | CPU min | CPU median | wall min | wall median | floor (CPU min) | ratio (CPU min) | goal |")
print("| --- | ---: | ---: | ---: | ---: | ---: | ---: | --- |")
for name in ["hello", "tmux list-sessions", "sql show", "sql done", "sql log", "sql list", "sql ready"]:
    c, cm, w, wm = stat(name)
    print(f"| `{name}` | {c:.2f} | {cm:.2f} | {w:.2f} | {wm:.2f} | | | |")
for command, parts in floors.items():
    floor = sum(stat(p)[0] for p in parts)
    for tag, _ in binaries:
        c, cm, w, wm = stat(f"{tag} {command}")
        goal = "<= 1.3x" if command.split(" --")[0] in ("ticket show", "list") else ""
        print(f"| {tag} `{command}` | {c:.2f} | {cm:.2f} | {w:.2f} | {wm:.2f} | {floor:.2f} ({' + '.join(parts)}) | {c / floor:.2f}x | {goal} |")
