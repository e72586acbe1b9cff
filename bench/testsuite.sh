#!/usr/bin/env bash
# The test suite's own cost: wall time of `bash scripts/test.sh` (install checks, build, AOT
# publish, every test) and the slowest tests, for one or more checkouts in the same run, so a
# before/after comparison sees the same machine at the same moment.
#   bash bench/testsuite.sh                 # this checkout
#   bash bench/testsuite.sh /tmp/old .      # an older checkout (e.g. `git worktree add /tmp/old REV`) and this one
# Writes bench/results/testsuite.md. Run it on an otherwise idle machine: the suite runs tests
# in parallel, so other load stretches it.
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
dirs=("$@")
[ ${#dirs[@]} -eq 0 ] && dirs=("$here")
mkdir -p "$here/bench/results"
out="$here/bench/results/testsuite.md"
: > "$out"
for dir in "${dirs[@]}"; do
  dir="$(cd "$dir" && pwd)"
  rev="$(git -C "$dir" rev-parse --short HEAD)"
  echo "== $dir ($rev)"
  start=$(date +%s.%N)
  status=0
  (cd "$dir" && bash scripts/test.sh) > "$here/bench/results/testsuite-$rev.log" 2>&1 || status=$?
  end=$(date +%s.%N)
  python3 - "$dir/artifacts/test-results" "$rev" "$start" "$end" "$status" >> "$out" <<'PY'
import glob, sys, xml.etree.ElementTree as ET
ns = "{http://microsoft.com/schemas/VisualStudio/TeamTest/2010}"
folder, rev, start, end, status = sys.argv[1:]
rows, outcomes = [], {}
for f in glob.glob(folder + "/*.trx"):
    for r in ET.parse(f).getroot().iter(ns + "UnitTestResult"):
        h, m, s = r.get("duration", "0:0:0").split(":")
        rows.append((int(h) * 3600 + int(m) * 60 + float(s), r.get("testName")))
        outcomes[r.get("outcome")] = outcomes.get(r.get("outcome"), 0) + 1
rows.sort(reverse=True)
print(f"## {rev}: `bash scripts/test.sh` {float(end) - float(start):.0f} s wall, exit {status}")
print()
print(f"{len(rows)} test results ({', '.join(f'{v} {k.lower()}' for k, v in sorted(outcomes.items()))}); "
      f"sum of test durations {sum(r[0] for r in rows):.0f} s")
print()
print("| slowest tests | s |")
print("|---|---:|")
for d, name in rows[:10]:
    print(f"| {name[:150]} | {d:.1f} |")
print()
PY
done
cat "$out"
