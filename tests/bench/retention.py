#!/usr/bin/env python3
"""Retention benchmark: the file size of 10,000 endpoints probed every 30 s.

  tests/bench/retention.py [--hours 2] [--endpoints 10000] [--drtop ./drtop]

Generating 30 days of results (864 million) takes far too long here, so it
generates HOURS hours of them with SQL (each endpoint every 30 s, spread over
the interval, ids in time order as the prober writes them), with the
probe_result.batch ledger entries the prober would have written (one a
second, a SHA3-256 per endpoint and result, chained), ending before the
current hour, and then runs `drtop db prune`: the prober's own rollup and
prune steps (src/core/retention.c), step after step, until nothing is due.
It measures each table's share of the file (dbstat) per hour of probing and
extrapolates to 30 days, at the default retention (30d: every raw result is
kept) and with the raw results kept one day. Finally it sets the retention to
one hour and prunes again, to time the pruning of raw results.

Not a test: it prints figures and never fails on a slow machine.
"""
import argparse
import hashlib
import json
import os
import sqlite3
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from probe import make_db  # noqa: E402

GIB = 1024 ** 3


def generate(db, hours, start_ms):
    c = sqlite3.connect(db)
    c.execute("PRAGMA journal_mode = WAL")
    t0 = time.monotonic()
    c.execute("""
      WITH RECURSIVE k(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM k WHERE i < ? - 1)
      INSERT INTO probe_result (endpoint_id, at_ms, ok, status_code, latency_ms, error)
      SELECT e.id, ? + k.i * 30000 + (e.id * 7919) % 30000 AS at_ms,
             abs(random()) % 200 <> 0 AS ok, 200, 5 + abs(random()) % 120, NULL
      FROM k, endpoint e ORDER BY at_ms, e.id""", (hours * 120, start_ms))
    c.commit()
    gen = time.monotonic() - t0
    # the prober's ledger entries: one probe_result.batch a second
    t0 = time.monotonic()
    seq, prev = c.execute("SELECT max(seq), (SELECT hash FROM ledger ORDER BY seq DESC LIMIT 1)"
                          " FROM ledger").fetchone()
    rows = c.execute("SELECT id, endpoint_id, at_ms, ok, status_code, latency_ms, error, data_time,"
                     " lag_s FROM probe_result ORDER BY id")
    entries = []

    def flush(batch):
        nonlocal seq, prev
        eps = []
        for r in batch:
            row = json.dumps({"endpoint_id": r[1], "at_ms": r[2], "ok": r[3], "status_code": r[4],
                              "latency_ms": r[5], "error": r[6], "data_time": r[7], "lag_s": r[8]},
                             separators=(",", ":"))
            eps.append({"endpoint_id": r[1], "rows": 1,
                        "sha3": hashlib.sha3_256(row.encode()).hexdigest()})
        eps.sort(key=lambda x: x["endpoint_id"])
        payload = json.dumps({"first": batch[0][0], "last": batch[-1][0], "rows": len(batch),
                              "from_ms": batch[0][2], "to_ms": batch[-1][2], "endpoints": eps},
                             separators=(",", ":"))
        seq += 1
        at = batch[-1][2] // 1000
        h = hashlib.sha3_256(("%s|%d|%d|bench|probe_result.batch|%s" % (prev, seq, at, payload))
                             .encode()).hexdigest()
        entries.append((seq, at, "bench", "probe_result.batch", payload, prev, h))
        prev = h

    batch, second = [], None
    for r in rows:
        if second is not None and r[2] // 1000 != second:
            flush(batch)
            batch = []
        second = r[2] // 1000
        batch.append(r)
    if batch:
        flush(batch)
    c.executemany("INSERT INTO ledger (seq, recorded_at, actor, kind, payload, prev_hash, hash)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?)", entries)
    c.commit()
    led = time.monotonic() - t0
    n = c.execute("SELECT count(*) FROM probe_result").fetchone()[0]
    c.close()
    return n, len(entries), gen, led


def sizes(db):
    """Bytes per table with its indexes, and of the ledger by kind."""
    c = sqlite3.connect(db)
    out = {}
    for name, tbl, size in c.execute(
            "SELECT d.name, coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d"
            " LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY d.name"):
        out[tbl] = out.get(tbl, 0) + size
    kinds = dict(c.execute("SELECT kind, sum(length(payload) + 2 * 64 + 40) FROM ledger GROUP BY kind"))
    total = c.execute("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size").fetchone()[0]
    free = c.execute("SELECT freelist_count * page_size FROM pragma_freelist_count, pragma_page_size").fetchone()[0]
    counts = dict((t, c.execute("SELECT count(*) FROM %s" % t).fetchone()[0])
                  for t in ("probe_result", "probe_rollup", "ledger"))
    c.close()
    return out, kinds, total, free, counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=int, default=2)
    ap.add_argument("--endpoints", type=int, default=10000)
    ap.add_argument("--drtop", default=os.path.join(os.path.dirname(os.path.dirname(HERE)), "drtop"))
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="drtop-bench-") as tmp:
        db = os.path.join(tmp, "retention.db")
        env = dict(os.environ, DRTOP_DB=db)
        env.pop("DRTOP_NOW", None)
        urls = ["http://127.0.0.1:9/e%d" % i for i in range(args.endpoints)]
        make_db(args.drtop, db, urls, interval="30s")
        now = int(time.time())
        end = (now - 300) // 3600 * 3600  # the hours generated are over: all of them are folded
        start_ms = (end - args.hours * 3600) * 1000
        n, batches, gen, led = generate(db, args.hours, start_ms)
        print("generated %d results (%d endpoints, %d h) in %.1f s, %d ledger batches in %.1f s"
              % (n, args.endpoints, args.hours, gen, batches, led))
        t0 = time.monotonic()
        out = subprocess.run([args.drtop, "db", "prune"], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
        print("drtop db prune (fold %d results): %.1f s: %s" % (n, time.monotonic() - t0, out))
        tables, kinds, total, free, counts = sizes(db)
        print("file %.1f MiB (%.1f MiB free); rows: %s" % (total / 2**20, free / 2**20, counts))
        per_hour = {
            "raw results (probe_result and its indexes)": tables.get("probe_result", 0) / args.hours,
            "rollups (probe_rollup and its indexes)": tables.get("probe_rollup", 0) / args.hours,
            "ledger: probe_result.batch": kinds.get("probe_result.batch", 0) / args.hours,
            "ledger: probe_rollup.batch": kinds.get("probe_rollup.batch", 0) / args.hours,
        }
        for k, v in per_hour.items():
            print("  %-45s %8.1f MiB/h  %6.1f B/result" % (k, v / 2**20, v / (args.endpoints * 120)))
        days = 30
        hours = days * 24
        raw, roll = per_hour["raw results (probe_result and its indexes)"], per_hour["rollups (probe_rollup and its indexes)"]
        ledger = per_hour["ledger: probe_result.batch"] + per_hour["ledger: probe_rollup.batch"]
        for label, raw_h in (("retention 30d (default)", hours), ("retention 1d", 24)):
            est = raw * raw_h + roll * hours + ledger * hours
            print("30 days, %s: %.1f GiB (raw %.1f, rollups %.2f, ledger %.1f); without the ledger %.2f GiB"
                  % (label, est / GIB, raw * raw_h / GIB, roll * hours / GIB, ledger * hours / GIB,
                     (raw * raw_h + roll * hours) / GIB))
        subprocess.run([args.drtop, "config", "set", "retention", "1h"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        t0 = time.monotonic()
        out = subprocess.run([args.drtop, "db", "prune"], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
        left = sqlite3.connect(db).execute("SELECT count(*) FROM probe_result").fetchone()[0]
        print("retention 1h, drtop db prune: %.1f s, %d of %d results left: %s"
              % (time.monotonic() - t0, left, n, out))


if __name__ == "__main__":
    main()
