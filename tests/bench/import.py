#!/usr/bin/env python3
"""Import benchmark: 10,000 systems, without and with cron schedules.

  tests/bench/import.py [--drtop ./drtop] [--systems 10000] [--runs 2] [--existing]

Imports the same 10,000 systems (an endpoint each) into a new database three
ways: without schedules; each with a nightly cron schedule ('M 2 * * *', 60
distinct expressions, UTC); each with a distinct one in Europe/Berlin
('M H * * D', 10,000 distinct expressions). Each is then imported again into the same database,
unchanged, as configuration management does. Prints the best wall time and the
best CPU time (user + system, what the machine's other jobs change least) of
--runs imports of each, and the extra time the schedules cost. The target is
well under a second more than without schedules. With --existing the database
is created (migrated) before each import, so the figures leave out creating
it. Not a test: it prints figures.
"""
import argparse
import json
import os
import resource
import subprocess
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def inventory(n, schedule):
    systems = []
    for i in range(n):
        s = {"name": "sys-%05d" % i, "rto": "1h", "rpo": "1d",
             "endpoints": [{"url": "http://127.0.0.1:9/%d" % i}]}
        if schedule:
            s["schedules"] = [schedule(i)]
        systems.append(s)
    return {"systems": systems}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--drtop", default=os.path.join(TOP, "drtop"))
    ap.add_argument("--systems", type=int, default=10000)
    ap.add_argument("--runs", type=int, default=2)
    ap.add_argument("--existing", action="store_true",
                    help="create the database before each import, untimed")
    args = ap.parse_args()
    drtop = os.path.abspath(args.drtop)
    tmp = tempfile.mkdtemp(prefix="drtop-bench-")
    kinds = [
        ("no schedules", None),
        ("nightly cron, 60 expressions, UTC",
         lambda i: {"name": "nightly", "cron": "%d 2 * * *" % (i % 60)}),
        ("weekly cron, every one distinct, Europe/Berlin",
         lambda i: {"name": "weekly", "cron": "%d %d * * %d" % (i % 60, i // 60 % 24, i // 1440 % 7),
                    "tz": "Europe/Berlin"}),
    ]
    base = None
    for label, schedule in kinds:
        path = os.path.join(tmp, "inv.json")
        with open(path, "w") as f:
            json.dump(inventory(args.systems, schedule), f)
        best = cpu_best = None
        for _ in range(args.runs):
            db = os.path.join(tmp, "import.db")
            for suffix in ("", "-wal", "-shm"):
                if os.path.exists(db + suffix):
                    os.unlink(db + suffix)
            if args.existing:
                subprocess.run([drtop, "--db", db, "import", "-"], check=True,
                               input=b'{"systems": []}', stdout=subprocess.DEVNULL)
            r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.monotonic()
            subprocess.run([drtop, "--db", db, "import", path], check=True,
                           stdout=subprocess.DEVNULL)
            t = time.monotonic() - t0
            r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime
            best = t if best is None else min(best, t)
            cpu_best = cpu if cpu_best is None else min(cpu_best, cpu)
        if base is None:
            base, cpu_base = best, cpu_best
            print("%-50s wall %6.2f s, CPU %6.2f s" % (label, best, cpu_best))
        else:
            print("%-50s wall %6.2f s (%+.2f s), CPU %6.2f s (%+.2f s)"
                  % (label, best, best - base, cpu_best, cpu_best - cpu_base))
        # the same file again, as configuration management does every day:
        # every row is there already and unchanged
        r0 = resource.getrusage(resource.RUSAGE_CHILDREN)
        t0 = time.monotonic()
        subprocess.run([drtop, "--db", db, "import", path], check=True, stdout=subprocess.DEVNULL)
        t = time.monotonic() - t0
        r1 = resource.getrusage(resource.RUSAGE_CHILDREN)
        print("%-50s wall %6.2f s, CPU %6.2f s" % ("  ... imported again, unchanged", t,
              r1.ru_utime - r0.ru_utime + r1.ru_stime - r0.ru_stime))
    subprocess.run(["rm", "-rf", tmp])


if __name__ == "__main__":
    main()
