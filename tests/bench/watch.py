#!/usr/bin/env python3
"""Watch benchmark: what `probe --watch` costs per probe, against `probe --once`.

  tests/bench/watch.py [--drtop ./drtop] [--endpoints 10000] [--seconds 40]

10,000 endpoints on a loopback nginx (as in probe.py), each every 10 s. After
a warm-up of one interval, `drtop probe --watch --concurrency 64 --per-host 64`
is measured over the window: its CPU time (user + system, /proc/PID/stat) and
the bytes it writes (/proc/PID/io: wchar, what it hands the kernel, and
write_bytes, what reaches the disk) per probe result stored. Then `probe
--once` over the same endpoints in the same run: its CPU time per probe. Prints
the ratio (the target is within 1.3x of --once) and the bytes per result (the
target is under 300), and whether it keeps up: the results stored against
those due, the time between two probes of an endpoint (its interval, 10 s,
when it keeps up) and its RSS at both ends of the window.

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
import probe as bench  # noqa: E402  make_db, start_nginx, timed

TOP = bench.TOP
TICK = os.sysconf("SC_CLK_TCK")


def cpu_s(pid):
    with open("/proc/%d/stat" % pid) as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / TICK  # utime, stime


def io(pid):
    with open("/proc/%d/io" % pid) as f:
        return {k: int(v) for k, v in (line.split(": ") for line in f)}


def results(db):
    return int(subprocess.run(["sqlite3", "-cmd", ".timeout 10000", db,
                               "SELECT count(*) FROM probe_result"],
                              capture_output=True, text=True, check=True).stdout)


def rss_kib(pid):
    with open("/proc/%d/status" % pid) as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def spacing(db, from_ms, to_ms):
    """Keeping up: the time between two probes of an endpoint inside the
    window (its interval when the prober keeps up), as percentiles, and the
    share of the endpoints probed in its last 10 s."""
    q = """
    WITH d AS (SELECT at_ms - lag(at_ms) OVER (PARTITION BY endpoint_id ORDER BY at_ms) AS gap
               FROM probe_result WHERE at_ms BETWEEN %(f)d AND %(t)d),
    g AS (SELECT gap, row_number() OVER (ORDER BY gap) AS i, count(*) OVER () AS n
          FROM d WHERE gap IS NOT NULL)
    SELECT (SELECT gap FROM g WHERE i = (n + 1) / 2), (SELECT gap FROM g WHERE i = (n * 99 + 99) / 100),
           (SELECT max(gap) FROM g),
           (SELECT count(DISTINCT endpoint_id) FROM probe_result WHERE at_ms > %(t)d - 10000
              AND at_ms <= %(t)d) * 1.0 / (SELECT count(*) FROM endpoint)
    """ % {"f": from_ms, "t": to_ms}
    out = subprocess.run(["sqlite3", "-cmd", ".timeout 10000", db, q], capture_output=True,
                         text=True, check=True).stdout.strip().split("|")
    return [float(x or 0) for x in out]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--drtop", default=os.path.join(TOP, "drtop"))
    ap.add_argument("--endpoints", type=int, default=10000)
    ap.add_argument("--seconds", type=float, default=40)
    args = ap.parse_args()
    drtop = os.path.abspath(args.drtop)
    if not shutil.which("nginx"):
        raise SystemExit("needs nginx (apt-get install nginx-light)")
    tmp = tempfile.mkdtemp(prefix="drtop-bench-")
    nginx, port, _ = bench.start_nginx(tmp)
    try:
        n = args.endpoints
        db = os.path.join(tmp, "watch.db")
        bench.make_db(drtop, db, ["http://127.0.0.1:%d/e/%d" % (port, i) for i in range(n)],
                      interval="10s")
        w = subprocess.Popen([drtop, "--db", db, "probe", "--watch", "--concurrency", "64",
                              "--per-host", "64"], stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL)
        try:
            time.sleep(12)
            c0, io0, r0, m0 = cpu_s(w.pid), io(w.pid), results(db), rss_kib(w.pid)
            t0 = int(time.time() * 1000)
            time.sleep(args.seconds)
            c1, io1, r1, m1 = cpu_s(w.pid), io(w.pid), results(db), rss_kib(w.pid)
            t1 = int(time.time() * 1000)
        finally:
            w.terminate()
            w.wait()
        stored = r1 - r0
        med, p99, worst, fresh = spacing(db, t0, t1)
        before = os.times()
        once_wall, _, _ = bench.timed([drtop, "--db", db, "probe", "--once", "--concurrency",
                                       "64", "--per-host", "64"])
        ru = os.times()
        once_cpu = (ru.children_user + ru.children_system
                    - before.children_user - before.children_system)
        watch_ms = (c1 - c0) * 1000 / stored * 1000
        once_ms = once_cpu * 1000 / n * 1000
        print("%d endpoints every 10 s, %.0f s of probe --watch: %d results stored"
              % (n, args.seconds, stored))
        print("   CPU per 1,000 probes: --watch %.0f ms, --once %.0f ms (%.1f s wall): "
              "ratio %.2f (target <= 1.3)" % (watch_ms, once_ms, once_wall, watch_ms / once_ms))
        print("   bytes written per result stored: wchar %.0f, write_bytes %.0f, of which"
              " cancelled %.0f (temporary files deleted before they reached the disk)"
              " (target < 300)"
              % ((io1["wchar"] - io0["wchar"]) / stored,
                 (io1["write_bytes"] - io0["write_bytes"]) / stored,
                 (io1["cancelled_write_bytes"] - io0["cancelled_write_bytes"]) / stored))
        print("   keeping up: %d results stored of %d due (%.0f%%); time between two probes"
              " of an endpoint: median %.1f s, 99th percentile %.1f s, longest %.1f s;"
              " endpoints probed in the last 10 s: %.0f%%"
              % (stored, n * args.seconds / 10, 100.0 * stored / (n * args.seconds / 10),
                 med / 1000, p99 / 1000, worst / 1000, 100 * fresh))
        print("   RSS: %d KiB after the warm-up, %d KiB at the end" % (m0, m1))
    finally:
        nginx.terminate()
        nginx.wait()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
