#!/usr/bin/env python3
"""Verdict benchmark: reading v_system_status for 10,000 systems.

  tests/bench/verdict.py [--drtop ./drtop] [--systems 10000] [--days 30] [--raw-hours 3]

Builds a database of 10,000 systems (an endpoint, a schedule, dependencies),
30 days of outages (one every three days per system) and daily check-ins,
then times reading all of v_system_status and of v_findings, through the
sqlite3 shell (with SQLite's count of virtual machine steps, which does not
depend on the machine's load) and through `drtop status --format csv`. The
target is under one second. Then `drtop report` as JSON and as HTML, beside
the status. Not a test: it prints figures.
"""
import argparse
import json
import os
import random
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def timed(cmd, input=None, verdict=False):
    """Seconds CMD took; with VERDICT, its exit status may be a verdict's (0 to 3)."""
    t0 = time.monotonic()
    rc = subprocess.run(cmd, stdout=subprocess.DEVNULL, input=input, text=input is not None).returncode
    if rc > (3 if verdict else 0):
        sys.exit("%s exited with %d" % (" ".join(cmd), rc))
    return time.monotonic() - t0


def vm_steps(db, view):
    """SQLite's count of virtual machine steps for reading VIEW whole: the same
    for the same data and schema however busy the machine is."""
    out = subprocess.run(["sqlite3", db], input=".stats on\nSELECT * FROM %s;\n" % view,
                         capture_output=True, text=True, check=True).stdout
    for line in out.splitlines():
        if line.startswith("Virtual Machine Steps:"):
            return "%.1f M virtual machine steps" % (int(line.split(":")[1]) / 1e6)
    return "virtual machine steps not reported"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--drtop", default=os.path.join(TOP, "drtop"))
    ap.add_argument("--systems", type=int, default=10000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--raw-hours", type=int, default=0,
                    help="also HOURS of raw results, each endpoint every 30 s, the last hour"
                         " not folded into rollups yet (as the prober leaves them)")
    ap.add_argument("--keep", help="also copy the database to this path")
    args = ap.parse_args()
    drtop = os.path.abspath(args.drtop)
    tmp = tempfile.mkdtemp(prefix="drtop-bench-")
    db = os.path.join(tmp, "verdict.db")
    n = args.systems
    rnd = random.Random(42)
    strategies = ["backup-restore", "pilot-light", "warm-standby", "active-active"]
    systems = []
    for i in range(n):
        s = {"name": "sys-%05d" % i, "rto": rnd.choice(["5m", "30m", "1h", "4h", "1d"]),
             "rpo": rnd.choice(["1m", "15m", "1h", "1d"]), "strategy": rnd.choice(strategies),
             "tier": rnd.randint(0, 3),
             "endpoints": [{"url": "http://127.0.0.1:9/%d" % i}],
             "schedules": [{"name": "nightly", "cron": "%d 2 * * *" % (i % 60)}]}
        if i >= 10:
            s["depends_on"] = ["sys-%05d" % rnd.randrange(0, i)]
        systems.append(s)
    with open(os.path.join(tmp, "inv.json"), "w") as f:
        json.dump({"systems": systems}, f)
    t = timed([drtop, "--db", db, "import", os.path.join(tmp, "inv.json")])
    print("imported %d systems in %.1fs" % (n, t))
    now = int(time.time())
    days = args.days
    sql = """
    BEGIN;
    WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < %(days)d / 3 - 1)
    INSERT INTO outage (endpoint_id, system_id, started_ms, ended_ms, res_start_ms, res_end_ms)
    SELECT e.id, e.system_id, (%(now)d - (k.i * 3 + 1) * 86400 + e.id %% 3600) * 1000,
           (%(now)d - (k.i * 3 + 1) * 86400 + e.id %% 3600 + 60 + (e.id * 7 + k.i * 13) %% 7200) * 1000,
           60000, 60000
    FROM endpoint e, k;
    WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < %(days)d - 1)
    INSERT INTO checkin (system_id, schedule_id, at, ok, recorded_at)
    SELECT b.system_id, b.id, %(now)d - k.i * 86400 - b.id %% 86400, (b.id + k.i) %% 17 <> 0, %(now)d
    FROM backup_schedule b, k;
    INSERT INTO endpoint_state (endpoint_id, last_probe_ms, last_ok, last_ok_ms)
    SELECT id, (%(now)d - id %% 200) * 1000, 1, (%(now)d - id %% 200) * 1000 FROM endpoint;
    COMMIT;
    """ % {"now": now, "days": days}
    subprocess.run(["sqlite3", db], input=sql, text=True, check=True)
    # the schedules in force for the whole history: drtop status appends
    # their due runs (a run a day each), timed on its own
    subprocess.run(["sqlite3", db, "UPDATE backup_schedule SET created_at = %d" % (now - days * 86400)],
                   check=True)
    t = timed([drtop, "--db", db, "status", "--format", "csv"])
    due = subprocess.run(["sqlite3", db, "SELECT count(*) FROM backup_due"], capture_output=True,
                         text=True).stdout.strip()
    print("first drtop status, appending %s due runs: %.1fs" % (due, t))
    if args.raw_hours:
        # The marks first, as the prober makes them; then the results, each
        # endpoint every 30 s, so that the last hour is after the marks.
        raw = """
        BEGIN;
        UPDATE endpoint SET interval_ms = 30000;
        INSERT OR REPLACE INTO probe_rollup_mark (endpoint_id, folded_ms)
        SELECT id, (%(now)d - 3600) * 1000 FROM endpoint;
        WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %(n)d)
        INSERT INTO probe_result (endpoint_id, at_ms, ok, status_code, latency_ms)
        SELECT e.id, (%(now)d - k.i * 30) * 1000 - e.id %% 30000, 1, 200, 20 + e.id %% 50
        FROM k JOIN endpoint e ORDER BY k.i DESC, e.id;
        COMMIT;
        """ % {"now": now, "n": args.raw_hours * 120}
        t = timed(["sqlite3", db], input=raw)
        print("%d hours of raw results (%d), the last not folded: %.1fs"
              % (args.raw_hours, args.raw_hours * 120 * n, t))
    counts = subprocess.run(["sqlite3", db, "SELECT (SELECT count(*) FROM outage) || ' outages, ' "
                             "|| (SELECT count(*) FROM checkin) || ' check-ins'"],
                            capture_output=True, text=True).stdout.strip()
    print("history: %s over %d days" % (counts, days))
    for view in ("v_system_status", "v_findings", "v_coverage", "v_backup_findings", "v_backup_compliance"):
        best = min(timed(["sqlite3", db, "SELECT * FROM %s" % view]) for _ in range(3))
        print("sqlite3: SELECT * FROM %s: %.3fs, %s" % (view, best, vm_steps(db, view)))
    best = min(timed([drtop, "--db", db, "status", "--format", "csv"]) for _ in range(3))
    print("drtop status --format csv (records status history too): %.3fs" % best)
    for fmt in ("json", "html"):
        t = timed([drtop, "--db", db, "report", "--format", fmt], verdict=True)
        print("drtop report --format %s: %.3fs (the status's %.1f times)" % (fmt, t, t / best))
    if args.keep:
        shutil.copy(db, args.keep)
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
