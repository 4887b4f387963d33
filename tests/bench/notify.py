#!/usr/bin/env python3
"""Notification benchmark: probing while notifications go to a slow receiver.

  tests/bench/notify.py [--drtop ./drtop] [--endpoints 10000] [--notifications 1000]
                        [--seconds 30]

10,000 endpoints on a loopback nginx (as in probe.py), each probed every 10 s
by `drtop probe --watch --concurrency 64 --per-host 64`, twice on copies of
one database: once with an empty outbox, once with 1,000 notifications
written to the outbox at the start of the window, for a webhook whose receiver
(tests/receiver.py) answers each POST after 200 ms. Each run is measured over
the same window after a warm-up:
probe results recorded per second, and in the second run the notifications
delivered per second (the ideal is 8 in flight / 0.2 s = 40/s). Prints the
ratio of the two probing rates: the target is within 10%.

Not a test: it prints figures and never fails on a slow machine.
"""
import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
import probe as bench  # noqa: E402  free_port, make_db, start_nginx

TOP = bench.TOP


def sql(db, query):
    return subprocess.run(["sqlite3", "-cmd", ".timeout 10000", db, query],
                          capture_output=True, text=True, check=True).stdout.strip()


def start_receiver(tmp):
    log = os.path.join(tmp, "recv.log")
    p = subprocess.Popen([sys.executable, os.path.join(TOP, "tests", "receiver.py"), log],
                         stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True)
    port = int(p.stdout.readline())
    url = "http://127.0.0.1:%d" % port
    subprocess.run(["curl", "-fsS", url + "/mode/slow/200"], check=True,
                   stdout=subprocess.DEVNULL)
    return p, url


def channel(drtop, db, url):
    subprocess.run([drtop, "--db", db, "notify", "add", "slow", "--kind", "webhook", "--url",
                    url + "/hook", "--attempts", "1"], check=True, stdout=subprocess.DEVNULL)


def pending(db, n):
    """N notifications due now, as the prober finds them after the changes
    that caused them."""
    sql(db, """
        WITH RECURSIVE k(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM k WHERE i < %d)
        INSERT INTO notify_outbox (key, channel_id, channel, at, kind, severity, payload,
                                   state, next_at_ms, created_at)
        SELECT lower(hex(randomblob(16))), c.id, c.name, strftime('%%s', 'now'), 'status',
               'BREACH', json_object('version', 1, 'event', 'status', 'summary',
               'benchmark notification ' || k.i), 'pending', 0, strftime('%%s', 'now')
        FROM k, notify_channel c""" % n)


def run(drtop, db, warmup, seconds, notifications=0):
    """Watch DB; return (probe results per second, notifications delivered
    per second) over SECONDS after WARMUP, at the start of which NOTIFICATIONS
    are written to the outbox."""
    w = subprocess.Popen([drtop, "--db", db, "probe", "--watch", "--concurrency", "64",
                          "--per-host", "64"], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    try:
        for _ in range(200):
            if sql(db, "SELECT count(*) FROM prober") == "1":
                break
            time.sleep(0.05)
        time.sleep(warmup)
        if notifications:
            pending(db, notifications)
        count = ("SELECT (SELECT count(*) FROM probe_result),"
                 " (SELECT count(*) FROM notify_outbox WHERE state = 'delivered')")
        t0, (r0, d0) = time.monotonic(), map(int, sql(db, count).split("|"))
        time.sleep(seconds)
        t1, (r1, d1) = time.monotonic(), map(int, sql(db, count).split("|"))
    finally:
        w.terminate()
        w.wait()
    return (r1 - r0) / (t1 - t0), (d1 - d0) / (t1 - t0)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--drtop", default=os.path.join(TOP, "drtop"))
    ap.add_argument("--endpoints", type=int, default=10000)
    ap.add_argument("--notifications", type=int, default=1000)
    ap.add_argument("--seconds", type=float, default=30)
    args = ap.parse_args()
    drtop = os.path.abspath(args.drtop)
    if not shutil.which("nginx") or not shutil.which("curl"):
        raise SystemExit("needs nginx and curl (apt-get install nginx-light curl)")
    tmp = tempfile.mkdtemp(prefix="drtop-bench-")
    nginx, port, _ = bench.start_nginx(tmp)
    receiver, rurl = start_receiver(tmp)
    try:
        n = args.endpoints
        base = os.path.join(tmp, "base.db")
        bench.make_db(drtop, base, ["http://127.0.0.1:%d/e/%d" % (port, i) for i in range(n)],
                      interval="10s")
        quiet, busy = os.path.join(tmp, "quiet.db"), os.path.join(tmp, "busy.db")
        shutil.copy(base, quiet)
        shutil.copy(base, busy)
        channel(drtop, busy, rurl)
        # A warm-up long enough for the first round of every endpoint.
        warmup = max(12.0, n / 1000)
        q, _ = run(drtop, quiet, warmup, args.seconds)
        b, delivered = run(drtop, busy, warmup, args.seconds, args.notifications)
        left = sql(busy, "SELECT count(*) FROM notify_outbox WHERE state = 'pending'")
        print("%d endpoints every 10 s, probe --watch at concurrency 64, %.0f s measured"
              % (n, args.seconds))
        print("   without notifications: %.0f probe results/s" % q)
        print("   with %d notifications to a 200 ms receiver: %.0f probe results/s, "
              "%.1f notifications delivered/s (ideal 40/s), %s still pending at the end"
              % (args.notifications, b, delivered, left))
        print("   probing with notifications / without: %.3f (target >= 0.90)" % (b / q))
    finally:
        receiver.terminate()
        nginx.terminate()
        nginx.wait()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
