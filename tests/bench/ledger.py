#!/usr/bin/env python3
"""Ledger benchmark: what the hash-chained ledger costs, two builds compared.

  tests/bench/ledger.py --before OLD_DRTOP [--after ./drtop] [--endpoints 5000] [--runs 5]

OLD_DRTOP is a drtop built without the ledger (before migration 0005). For
each build, on its own database:

1. importing ENDPOINTS endpoints (50 per system): the inventory's write path,
   where each row now gets a ledger entry;
2. `drtop probe --once` over them, RUNS times (median): file:// URLs, so that
   the time is drtop's own (the probe loop and recording, one transaction
   with one probe_result.batch entry), not a server's;
3. with the ledger only: `drtop db verify` on the result.

Not a test: it prints figures and never fails on a slow machine.
"""
import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from probe import make_db, timed  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--before", required=True)
    ap.add_argument("--after", default=os.path.join(os.path.dirname(os.path.dirname(HERE)), "drtop"))
    ap.add_argument("--endpoints", type=int, default=5000)
    ap.add_argument("--runs", type=int, default=5)
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="drtop-bench-") as tmp:
        target = os.path.join(tmp, "fresh")
        with open(target, "w") as f:
            f.write("ok\n")
        urls = ["file://%s?%d" % (target, i) for i in range(args.endpoints)]
        for name, drtop in (("before", args.before), ("after", args.after)):
            db = os.path.join(tmp, name + ".db")
            env = dict(os.environ, DRTOP_DB=db)
            env.pop("DRTOP_NOW", None)
            t0 = time.monotonic()
            make_db(drtop, db, urls)
            imp = time.monotonic() - t0
            probes = []
            for _ in range(args.runs):
                wall, rss, _ = timed([drtop, "probe", "--once", "--concurrency", "64",
                                      "--per-host", "64"], env=env)
                probes.append(wall)
            print("%-6s import of %d endpoints: %.2f s; probe --once (median of %d): %.3f s "
                  "(%.0f probes/s), peak RSS %.1f MiB"
                  % (name, args.endpoints, imp, args.runs, statistics.median(probes),
                     args.endpoints / statistics.median(probes), rss / 1024))
            if name == "after":
                wall, _, status = timed([drtop, "db", "verify"], env=env)
                print("after  db verify: %.2f s (exit %d)" % (wall, status))


if __name__ == "__main__":
    main()
