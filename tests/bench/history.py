#!/usr/bin/env python3
"""Status history benchmark: the prober's look at the verdict when a rule hears findings.

  tests/bench/verdict.py --keep DB      # 10,000 systems, about 90 s
  tests/bench/history.py --db DB [--drtop ./drtop] [--before OLD-DRTOP] [--runs 3]

Every few seconds `probe --watch` records the status history and, when a
notification rule hears findings, the findings that appeared or cleared
since its last look. This takes verdict.py's database, adds an exec channel
with a rule that hears every event, disables the endpoints (so that
`probe --once` probes nothing and its time is the history's), and then, on a
copy per build, runs `probe --once` once to take the first look (every
finding appears: that run writes the notifications) and RUNS times more,
alternating the builds, printing each run's CPU time (user + system of the
child). Not a test: it prints figures and never fails on a slow machine.
"""
import argparse
import os
import resource
import shutil
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def run(drtop, db):
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    t0 = time.monotonic()
    subprocess.run([drtop, "--db", db, "probe", "--once"], check=True,
                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    wall = time.monotonic() - t0
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    return (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime), wall


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--db", required=True, help="a database made by tests/bench/verdict.py --keep")
    ap.add_argument("--drtop", default=os.path.join(TOP, "drtop"))
    ap.add_argument("--before", help="another build to compare with, run alternately")
    ap.add_argument("--runs", type=int, default=3)
    args = ap.parse_args()
    builds = [("after", args.drtop)] + ([("before", args.before)] if args.before else [])
    with tempfile.TemporaryDirectory(prefix="drtop-bench-") as tmp:
        base = os.path.join(tmp, "base.db")
        shutil.copy(args.db, base)
        subprocess.run([args.drtop, "--db", base, "notify", "add", "bench", "--kind", "exec",
                        "--command", "true"], check=True, stdout=subprocess.DEVNULL)
        subprocess.run([args.drtop, "--db", base, "notify", "rule", "add", "bench", "--events", "all"],
                       check=True, stdout=subprocess.DEVNULL)
        subprocess.run(["sqlite3", base, "UPDATE endpoint SET enabled = 0"], check=True)
        dbs = {}
        for name, drtop in builds:
            dbs[name] = os.path.join(tmp, name + ".db")
            shutil.copy(base, dbs[name])
            cpu, wall = run(drtop, dbs[name])
            print("%-6s first look (every finding appears): %.2f s CPU, %.2f s wall" % (name, cpu, wall))
        for i in range(args.runs):
            for name, drtop in builds:
                cpu, wall = run(drtop, dbs[name])
                print("%-6s look %d: %.2f s CPU, %.2f s wall" % (name, i + 1, cpu, wall))


if __name__ == "__main__":
    main()
