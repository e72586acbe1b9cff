"""The summary of bench/dispatch.sh: python3 dispatch_report.py DATA_DIR CLK_TCK (markdown on stdout)."""
import json
import os
import statistics
import sys
from collections import Counter
from datetime import datetime

data, clk = sys.argv[1], int(sys.argv[2])
med = statistics.median
out = []
p = out.append


def ts(e):
    return datetime.fromisoformat(e["time"].replace("Z", "+00:00")).timestamp()


def first(events, **kw):
    for e in events:
        if all(e.get(k) == v for k, v in kw.items()):
            return e
    return None


def ms(x):
    return f"{x * 1000:.0f}"


def trace(name, pid):
    """The process calls of one `baton up` (its pid; agents it started trace to the same file)."""
    rows = []
    path = os.path.join(data, name)
    if not os.path.exists(path):
        return rows
    with open(path) as f:
        for line in f:
            t, dur, tpid, _thread, prog, what, target = line.rstrip("\n").split("\t")
            if int(tpid) == pid:
                rows.append((float(t), float(dur) / 1000, prog, what, target))
    return sorted(rows)


facts = open(os.path.join(data, "facts.md")).read().rstrip()
p("# Dispatch per step and the idle loop (`bash bench/dispatch.sh`)")
p("")
p(facts)
p("")

# ---- 1. dispatch
ev = json.load(open(os.path.join(data, "dispatch-events.json")))
up = int(open(os.path.join(data, "up-dispatch.pid")).read())
calls = trace("trace.tsv", up)
steps = ("claim", "worktree", "context", "session", "ready", "typing", "total")
b = {k: [] for k in steps}
own = {k: [] for k in steps}      # Baton's own process time in each step (its calls' wall time)
kinds = {k: [] for k in steps}    # the calls in each step, per ticket
for i in range(1, 10000):
    tid = f"T-{i}"
    d = first(ev, type="task_dispatched", ticket=tid)
    if d is None:
        break
    w = d["worker"]
    rd, ps = first(ev, type="worker_ready", worker=w), first(ev, type="worker_prompt_sent", worker=w)
    if rd is None or ps is None:
        continue
    t_d, t_rd, t_ps = ts(d), ts(rd), ts(ps)
    # The event times have millisecond precision: calls are matched with a millisecond of slack.
    win = [c for c in calls if t_d - 0.002 <= c[0] <= t_ps + 0.002]
    wt = next((c for c in win if c[2] == "git" and c[3] == "worktree add"), None)
    ns = next((c for c in win if c[2] == "tmux" and c[3].startswith("new-session")), None)
    if wt is None or ns is None:
        continue
    edges = {
        "claim": (t_d, wt[0]),
        "worktree": (wt[0], wt[0] + wt[1]),
        "context": (wt[0] + wt[1], ns[0]),
        "session": (ns[0], ns[0] + ns[1]),
        "ready": (ns[0] + ns[1], t_rd),
        "typing": (t_rd, t_ps),
        "total": (t_d, t_ps),
    }
    for k, (a, z) in edges.items():
        b[k].append(z - a)
        inside = [c for c in win if a - 0.001 <= c[0] and c[0] + c[1] <= z + 0.001]
        own[k].append(sum(c[1] for c in inside))
        kinds[k].append(Counter(f"{c[2]} {c[3]}" for c in inside))

raw = {k: [] for k in steps}
with open(os.path.join(data, "raw.tsv")) as f:
    for line in f:
        _, t0, t1, t2, t3, t4, t5 = (float(x) for x in line.split("\t"))
        raw["worktree"].append(t1 - t0)
        raw["session"].append(t2 - t1)
        raw["ready"].append(t3 - t2)
        raw["typing"].append(t5 - t3)
        raw["total"].append(t5 - t0)
        raw["claim"].append(0.0)
        raw["context"].append(0.0)

n = len(b["total"])
if n:
    over = med(b["total"]) - med(raw["total"])
    p(f"| benchmark | Baton | raw (same run) | overhead | ratio | goal | met? |")
    p("|---|---:|---:|---:|---:|---|---|")
    p(f"| 1. dispatch: task_dispatched → prompt taken, median of {n} | {ms(med(b['total']))} ms | {ms(med(raw['total']))} ms | +{ms(over)} ms "
      f"| {med(b['total']) / med(raw['total']):.2f}× | < 50 ms over raw | {'yes' if over < 0.050 else '**no**'} |")
    p("")
    p("**Per step** (medians in ms; Baton from its events and its process trace, raw from the shell's clock; "
      "\"calls\": every process `baton up` ran inside the step, its ticks' own (list-sessions, for-each-ref, captures of the monitor) included, "
      "their summed wall time and what they were, per ticket):")
    p("")
    p("| step | Baton | raw | Baton − raw | Baton's calls (ms) | the calls |")
    p("|---|---:|---:|---:|---:|---|")
    names = {
        "claim": "claim (dispatched → `git worktree add` starts: the claim, the spawn's store connection)",
        "worktree": "`git worktree add`",
        "context": "context (role files, git guards, the worker's row)",
        "session": "`tmux new-session`",
        "ready": "ready prompt seen",
        "typing": "prompt typed, Enter, seen taken",
        "total": "**total**",
    }
    for k in steps:
        counts = Counter()
        for c in kinds[k]:
            counts.update(c)
        shown = ", ".join(f"{name} ×{cnt / n:.1f}" for name, cnt in counts.most_common())
        p(f"| {names[k]} | {ms(med(b[k]))} | {ms(med(raw[k]))} | {ms(med(b[k]) - med(raw[k]))} | {ms(med(own[k]))} | {shown} |")
    p("")
    p(f"- minimum of the total: Baton {ms(min(b['total']))} ms, raw {ms(min(raw['total']))} ms; "
      f"ratio of the medians {med(b['total']) / med(raw['total']):.2f}×, of the minima {min(b['total']) / min(raw['total']):.2f}×.")
    p("")

# ---- 2. idle loop
path = os.path.join(data, "cpu.tsv")
if os.path.exists(path):
    parts = open(path).read().split("\t")
    nw, w0, w1 = int(parts[0]), float(parts[1]), float(parts[2])

    def delta(a, z):
        a, z = [int(x) for x in a.split()], [int(x) for x in z.split()]
        return (z[0] - a[0]) / clk, (z[1] - a[1]) / clk

    upc, loop, srv = delta(parts[3], parts[4]), delta(parts[5], parts[6]), delta(parts[7], parts[8])
    wall = w1 - w0
    pct, lpct = 100 * sum(upc) / wall, 100 * sum(loop) / wall
    idle_calls = [c for c in trace("idle-trace.tsv", int(parts[10])) if w0 <= c[0] <= w1]
    per = Counter(f"{c[2]} {c[3]}" for c in idle_calls)
    p(f"| benchmark | Baton | baseline (same window) | goal | met? |")
    p("|---|---:|---:|---|---|")
    p(f"| 2. idle `baton up`, {nw} idle workers, tick 2 s, {wall:.0f} s: CPU (own + reaped children) | {pct:.2f}% of a core "
      f"({upc[0]:.2f} s + {upc[1]:.2f} s) | bash loop of `tmux list-panes -a` every 2 s: {lpct:.2f}% | < 2% of a core | {'yes' if pct < 2 else '**no**'} |")
    p("")
    p(f"- tmux server in the window (both, and the {nw} agents' screens): {sum(srv):.2f} s ({100 * sum(srv) / wall:.1f}%); "
      f"idle workers after: {parts[9].strip()}.")
    ticks = wall / 2
    p(f"- processes `baton up` ran in the window: {len(idle_calls)} ({len(idle_calls) / ticks:.1f} per 2 s), "
      + ", ".join(f"{k} ×{v}" for k, v in per.most_common()) + f"; their wall time {sum(c[1] for c in idle_calls):.2f} s.")
print("\n".join(out))
