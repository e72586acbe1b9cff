# The rows `ticket create` writes, as SQL for sqlite3: tickets 2..N, half done, a third with a
# dependency (bench/scale.sh, bench/agentcmds.sh). Usage: python3 bench/scale-tickets.py N | sqlite3 DB
import random, sys
random.seed(20261201)
n = int(sys.argv[1])
ranks = {"critical": 0, "high": 1, "medium": 2, "low": 3}
print("BEGIN;")
done = []
for i in range(2, n + 1):
    prio = random.choice(list(ranks))
    is_done = random.random() < 0.5
    t = f"2026-11-01T00:00:{i % 60:02d}.000Z"
    status = "done" if is_done else "open"
    fin = f"'{t}'" if is_done else "NULL"
    print(f"INSERT INTO tickets (number, title, body, status, priority, priority_rank, labels, attempts, source, artifacts, created_at, updated_at, finished_at) "
          f"VALUES ({i}, 'bench ticket {i}', '', '{status}', '{prio}', {ranks[prio]}, '[]', 0, 'local', '[]', '{t}', '{t}', {fin});")
    if random.random() < 1 / 3 and i > 2:
        dep = random.choice(done) if is_done and done else random.randint(1, i - 1)
        if not is_done or done:
            print(f"INSERT INTO ticket_dependencies (ticket, depends_on) VALUES ({i}, {dep});")
    if is_done:
        done.append(i)
print("COMMIT;")
