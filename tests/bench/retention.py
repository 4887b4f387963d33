#!/usr/bin/env python3
"""Retention benchmark: the file size of 10,000 endpoints probed every 30 s.

  tests/bench/retention.py [--hours 2] [--endpoints 10000] [--drtop ./drtop] [--verify]

Generating 30 days of results (864 million) takes far too long here, so it
generates HOURS hours of them with SQL (each endpoint every 30 s, spread over
the interval, ids in time order as the prober writes them), with the
probe_result.batch ledger entries the prober would have written, as
src/core/ledger.c writes them since migration 0007: one a second, each one
SHA3-256 of its rows' canonical texts (their columns as quote() writes them,
joined by '|', ended by a newline) in id order, sealed and chained; all of it
ends before the current hour. Then it runs `drtop db prune`: the prober's own
rollup and prune steps (src/core/retention.c), step after step, until nothing
is due. It measures each table's share of the file (dbstat) per hour of
probing, and the pages the batch entries added to the ledger, and
extrapolates to 30 days, at the default retention (30d: every raw result is
kept) and with the raw results kept one day, and gives the longest retention
that keeps 30 days under 1 GiB for a batch every 1 to 60 s. Finally it sets
the retention to one hour and prunes again, to time the pruning of raw
results. --verify runs `drtop db verify` after each prune.

Not a test: it prints figures and never fails on a slow machine.
"""
import argparse
import hashlib
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
    # the prober's ledger entries: one probe_result.batch a second, as
    # src/core/ledger.c append_batch writes them since migration 0007: one
    # SHA3-256 of the batch's rows' canonical texts (columns as quote() writes
    # them, joined by '|', ended by a newline) in id order
    t0 = time.monotonic()
    before = ledger_bytes(c)
    seq, prev = c.execute("SELECT max(seq), (SELECT hash FROM ledger ORDER BY seq DESC LIMIT 1)"
                          " FROM ledger").fetchone()
    rows = c.execute("SELECT id, at_ms, quote(endpoint_id) || '|' || quote(at_ms) || '|' || quote(ok)"
                     " || '|' || quote(status_code) || '|' || quote(latency_ms) || '|' || quote(error)"
                     " || '|' || quote(data_time) || '|' || quote(lag_s) || char(10)"
                     " FROM probe_result ORDER BY id")
    entries = []
    batch = None  # [first id, last id, rows, from_ms, to_ms, digest]

    def flush():
        nonlocal seq, prev
        first, last, count, from_ms, to_ms, md = batch
        payload = ('{"first":%d,"last":%d,"rows":%d,"from_ms":%d,"to_ms":%d,"sha3":"%s"}'
                   % (first, last, count, from_ms, to_ms, md.hexdigest()))
        seq += 1
        at = to_ms // 1000
        h = hashlib.sha3_256(("%s|%d|%d|bench|probe_result.batch|%s" % (prev, seq, at, payload))
                             .encode()).hexdigest()
        entries.append((seq, at, "bench", "probe_result.batch", payload, prev, h))
        prev = h

    for rid, at_ms, text in rows:
        if batch is not None and at_ms // 1000 != batch[4] // 1000:
            flush()
            batch = None
        if batch is None:
            batch = [rid, rid, 0, at_ms, at_ms, hashlib.sha3_256()]
        batch[1] = rid
        batch[2] += 1
        batch[3] = min(batch[3], at_ms)
        batch[4] = max(batch[4], at_ms)
        batch[5].update(text.encode())
    if batch is not None:
        flush()
    c.executemany("INSERT INTO ledger (seq, recorded_at, actor, kind, payload, prev_hash, hash)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?)", entries)
    c.commit()
    led = time.monotonic() - t0
    n = c.execute("SELECT count(*) FROM probe_result").fetchone()[0]
    after = ledger_bytes(c)
    c.close()
    return n, len(entries), gen, led, before, after


def ledger_bytes(c):
    """The pages of the ledger table and its index (hash UNIQUE)."""
    return c.execute("SELECT coalesce(sum(d.pgsize), 0) FROM dbstat d JOIN sqlite_schema m"
                     " ON m.name = d.name WHERE m.tbl_name = 'ledger'").fetchone()[0]


def sizes(db):
    """Bytes per table with its indexes, and of the ledger by kind."""
    c = sqlite3.connect(db)
    out = {}
    for name, tbl, size in c.execute(
            "SELECT d.name, coalesce(m.tbl_name, d.name), sum(d.pgsize) FROM dbstat d"
            " LEFT JOIN sqlite_schema m ON m.name = d.name GROUP BY d.name"):
        out[tbl] = out.get(tbl, 0) + size
    kinds = dict((k, (n, p)) for k, n, p in c.execute(
        "SELECT kind, count(*), avg(length(payload)) FROM ledger GROUP BY kind"))
    total = c.execute("SELECT page_count * page_size FROM pragma_page_count, pragma_page_size").fetchone()[0]
    free = c.execute("SELECT freelist_count * page_size FROM pragma_freelist_count, pragma_page_size").fetchone()[0]
    counts = dict((t, c.execute("SELECT count(*) FROM %s" % t).fetchone()[0])
                  for t in ("probe_result", "probe_rollup", "ledger"))
    c.close()
    return out, kinds, total, free, counts


def verify(drtop, env, when):
    t0 = time.monotonic()
    r = subprocess.run([drtop, "db", "verify"], env=env, capture_output=True, text=True)
    print("drtop db verify %s: exit %d in %.1f s%s" % (
        when, r.returncode, time.monotonic() - t0,
        "" if r.returncode == 0 else ": " + (r.stdout + r.stderr).strip()[:2000]))
    return r.returncode


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=int, default=2)
    ap.add_argument("--endpoints", type=int, default=10000)
    ap.add_argument("--drtop", default=os.path.join(os.path.dirname(os.path.dirname(HERE)), "drtop"))
    ap.add_argument("--verify", action="store_true",
                    help="run drtop db verify on the file after each drtop db prune")
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
        n, batches, gen, led, led0, led1 = generate(db, args.hours, start_ms)
        print("generated %d results (%d endpoints, %d h) in %.1f s, %d ledger batches in %.1f s"
              % (n, args.endpoints, args.hours, gen, batches, led))
        t0 = time.monotonic()
        out = subprocess.run([args.drtop, "db", "prune"], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
        print("drtop db prune (fold %d results): %.1f s: %s" % (n, time.monotonic() - t0, out))
        tables, kinds, total, free, counts = sizes(db)
        print("file %.1f MiB (%.1f MiB free); rows: %s" % (total / 2**20, free / 2**20, counts))
        for k, (cnt, avg) in sorted(kinds.items()):
            print("  ledger %-28s %7d entries, payload %6.1f B on average" % (k, cnt, avg))
        if args.verify:
            verify(args.drtop, env, "after folding")
        results_h = args.endpoints * 120  # results an hour
        batch_b = (led1 - led0) / batches  # pages of one probe_result.batch entry, hash index included
        per_hour = {
            "raw results (probe_result and its indexes)": tables.get("probe_result", 0) / args.hours,
            "rollups (probe_rollup and its indexes)": tables.get("probe_rollup", 0) / args.hours,
            "ledger: probe_result.batch (1 a second)": batch_b * 3600,
            "ledger: what db prune added (probe_rollup.batch)": (tables.get("ledger", 0) - led1) / args.hours,
        }
        # db prune folds 10,000 results a step, the watcher 2,000 (ROLLUP_BATCH,
        # src/core/prober.c): its probe_rollup.batch entries are more and
        # smaller. Estimated from the measured entries: their cost in the file
        # apart from the list of endpoints, plus 2,000 / 120 endpoints listed.
        c = sqlite3.connect(db)
        fixed, per_ep = c.execute(
            "SELECT avg(length(payload) - length(payload -> '$.endpoints')),"
            " sum(length(payload -> '$.endpoints')) * 1.0 / sum(json_array_length(payload, '$.endpoints'))"
            " FROM ledger WHERE kind = 'probe_rollup.batch'").fetchone()
        c.close()
        rentries = kinds["probe_rollup.batch"][0]
        entry_b = (tables.get("ledger", 0) - led1) / rentries  # one entry in the file
        over_b = entry_b - kinds["probe_rollup.batch"][1]  # all but the payload
        watch_b = over_b + fixed + 2000 / 120 * per_ep
        per_hour["ledger: probe_rollup.batch, the watcher (estimate)"] = watch_b * results_h / 2000
        for k, v in per_hour.items():
            print("  %-55s %8.2f MiB/h  %6.2f B/result" % (k, v / 2**20, v / results_h))
        print("  one probe_result.batch entry: %.0f B in the file (%d results)" % (batch_b, n // batches))
        print("  one probe_rollup.batch entry: %.0f B in the file (db prune, %d rollups);"
              " the watcher's (17 rollups): about %.0f B" % (entry_b, counts["probe_rollup"] // rentries,
                                                         watch_b))
        days = 30
        hours = days * 24
        raw = per_hour["raw results (probe_result and its indexes)"]
        roll = per_hour["rollups (probe_rollup and its indexes)"]
        rledger = per_hour["ledger: probe_rollup.batch, the watcher (estimate)"]
        for label, raw_h in (("retention 30d (default)", hours), ("retention 1d", 24)):
            ledger = (batch_b * 3600 + rledger) * hours
            est = raw * raw_h + roll * hours + ledger
            print("30 days, %s, the watcher folding: %.2f GiB (raw %.2f, rollups %.2f, ledger %.2f)"
                  % (label, est / GIB, raw * raw_h / GIB, roll * hours / GIB, ledger / GIB))
        # what fits under 1 GiB: rollups and the ledger grow for 30 days
        # whatever the retention; the raw results fill what is left
        print("under 1 GiB for 30 days: the longest retention, by batch interval")
        for every in (1, 2, 5, 6, 10, 30, 60):
            ledger = (batch_b * 3600 / every + rledger) * hours
            left = GIB - roll * hours - ledger
            print("  a batch every %2d s (%5d results): ledger %.3f GiB, retention up to %.1f h"
                  % (every, results_h / 3600 * every, ledger / GIB, max(left, 0) / raw))
        subprocess.run([args.drtop, "config", "set", "retention", "1h"], env=env, check=True,
                       stdout=subprocess.DEVNULL)
        t0 = time.monotonic()
        out = subprocess.run([args.drtop, "db", "prune"], env=env, check=True,
                             capture_output=True, text=True).stdout.strip()
        left = sqlite3.connect(db).execute("SELECT count(*) FROM probe_result").fetchone()[0]
        print("retention 1h, drtop db prune: %.1f s, %d of %d results left: %s"
              % (time.monotonic() - t0, left, n, out))
        if args.verify:
            verify(args.drtop, env, "after pruning")


if __name__ == "__main__":
    main()
