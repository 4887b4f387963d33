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
target is under 300).

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
            c0, io0, r0 = cpu_s(w.pid), io(w.pid), results(db)
            time.sleep(args.seconds)
            c1, io1, r1 = cpu_s(w.pid), io(w.pid), results(db)
        finally:
            w.terminate()
            w.wait()
        stored = r1 - r0
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
    finally:
        nginx.terminate()
        nginx.wait()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
