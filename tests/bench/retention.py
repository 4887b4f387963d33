#!/usr/bin/env python3
"""Retention benchmark: the file of 10,000 endpoints probed every 30 s for 30 days.

  tests/bench/retention.py [--hours 5] [--endpoints 10000] [--days 30] [--seal-every 60]
                           [--drtop ./drtop] [--verify]

Probing 30 days (864 million results) takes 30 days, and generating them all
takes far too long here, so the file of day 30 is built from measured parts:

1. HOURS hours of results up to now, generated with SQL (each endpoint every
   30 s, spread over the interval, ids in time order as the prober writes
   them), with the probe_result.batch entries the watcher writes: one every
   SEAL_EVERY seconds (the seal-every setting, src/core/ledger.c), each the
   SHA3-256 of its rows' canonical texts in id order, sealed and chained.
2. `drtop db prune` with a retention of 30 days: the prober's own rollup steps
   (src/core/retention.c) fold every hour that is over; the sizes per hour of
   raw results and of rollups are measured there (dbstat).
3. `drtop db prune` at the default retention (4 h on a new database): the raw
   results older than that go, as the watcher deletes them.
4. The rest of DAYS days is added as the watcher would have left it: the
   rollups of the folded hours copied back in time, hour by hour, until DAYS
   days of rollups are there; a probe_result.batch entry every SEAL_EVERY
   seconds; and the watcher's probe_rollup.batch entries (it folds about 2,000
   results a step, a step a second while an hour's results wait, and seals
   them every SEAL_EVERY seconds: entries of about a thousand endpoints each),
   their payloads made like the real ones, sealed and chained.

Then it reports the file's size (page count times page size, its free pages
apart) and each table's share. --verify runs `drtop db verify` after steps 2
and 3 (the copies of step 4 are not checkable: their digests are not the
rows'). Not a test: it prints figures and never fails on a slow machine.
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


def generate(db, hours, start_ms, seal_s):
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
    # the watcher's ledger entries: one probe_result.batch every SEAL_S
    # seconds, as src/core/ledger.c append_batch writes them: one SHA3-256 of
    # the batch's rows' canonical texts (columns as quote() writes them,
    # joined by '|', ended by a newline) in id order
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
        if batch is not None and at_ms // (1000 * seal_s) != batch[4] // (1000 * seal_s):
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


def chain_tail(c):
    return c.execute("SELECT seq, hash FROM ledger ORDER BY seq DESC LIMIT 1").fetchone()


def append_entries(c, kind, payloads):
    """Append entries of KIND with PAYLOADS (an iterable of (recorded_at, text)), sealed and chained."""
    seq, prev = chain_tail(c)
    rows = []
    for at, payload in payloads:
        seq += 1
        h = hashlib.sha3_256(("%s|%d|%d|bench|%s|%s" % (prev, seq, at, kind, payload)).encode()).hexdigest()
        rows.append((seq, at, "bench", kind, payload, prev, h))
        prev = h
        if len(rows) >= 10000:
            c.executemany("INSERT INTO ledger (seq, recorded_at, actor, kind, payload, prev_hash, hash)"
                          " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)
            rows = []
    c.executemany("INSERT INTO ledger (seq, recorded_at, actor, kind, payload, prev_hash, hash)"
                  " VALUES (?, ?, ?, ?, ?, ?, ?)", rows)


def fill(db, days, seal_s, endpoints, hours_folded):
    """Add what the watcher would have left of the rest of DAYS days (step 4)."""
    c = sqlite3.connect(db)
    t0 = time.monotonic()
    top, lo_hour, hi_hour = c.execute("SELECT max(id), min(hour), max(hour) FROM probe_rollup").fetchone()
    span = hi_hour - lo_hour + 3600
    have = span // 3600
    k = 1
    while have < days * 24:
        take = min(span // 3600, days * 24 - have)
        c.execute("INSERT INTO probe_rollup (endpoint_id, hour, probes, failures, latency_p50_ms,"
                  " latency_p95_ms, latency_max_ms, watched_ms, first_ms, last_ms, first_id, last_id)"
                  " SELECT endpoint_id, hour - ?1, probes, failures, latency_p50_ms, latency_p95_ms,"
                  " latency_max_ms, watched_ms, first_ms - ?1 * 1000, last_ms - ?1 * 1000, first_id, last_id"
                  " FROM probe_rollup WHERE id <= ?2 AND hour > ?3 ORDER BY hour, endpoint_id",
                  (k * span, top, hi_hour - take * 3600))
        have += take
        k += 1
    c.commit()
    rollups_s = time.monotonic() - t0
    # a probe_result.batch entry every SEAL_S seconds for the days not generated
    sample = c.execute("SELECT payload FROM ledger WHERE kind = 'probe_result.batch'"
                       " ORDER BY seq DESC LIMIT 1").fetchone()[0]
    generated = c.execute("SELECT count(*) FROM ledger WHERE kind = 'probe_result.batch'").fetchone()[0]
    n_batches = days * 86400 // seal_s - generated
    now = int(time.time())
    append_entries(c, "probe_result.batch", ((now - days * 86400 + i * seal_s, sample)
                                             for i in range(max(n_batches, 0))))
    # the watcher's rollup entries: an hour's results fold at ROLLUP_BATCH a
    # step, a step a second, sealed every SEAL_S seconds
    results_h = endpoints * 120
    per_hour = max(1, -(-results_h // 2000 // seal_s))
    eps = -(-endpoints // per_hour)
    rollup_payloads = []
    for h in range(days * 24 - hours_folded):
        hour = lo_hour - (h + 1) * 3600
        for j in range(per_hour):
            first_ep = 1 + j * eps
            ids = list(range(first_ep, min(endpoints, first_ep + eps - 1) + 1))
            payload = ('{"first":%d,"last":%d,"rows":%d,"from_hour":%d,"to_hour":%d,"endpoints":[%s],'
                       '"sha3":"%s"}' % (top + 1, top + len(ids), len(ids), hour, hour,
                                         ",".join(map(str, ids)), hashlib.sha3_256(b"%d" % h).hexdigest()))
            rollup_payloads.append((hour + 600, payload))
    append_entries(c, "probe_rollup.batch", rollup_payloads)
    c.commit()
    c.close()
    return rollups_s, n_batches, len(rollup_payloads), per_hour, eps


def prune(drtop, env, retention):
    subprocess.run([drtop, "config", "set", "retention", retention], env=env, check=True,
                   stdout=subprocess.DEVNULL)
    t0 = time.monotonic()
    out = subprocess.run([drtop, "db", "prune"], env=env, check=True, capture_output=True,
                         text=True).stdout.strip()
    return time.monotonic() - t0, out


def report(db, label):
    tables, kinds, total, free, counts = sizes(db)
    print("%s: file %.1f MiB (%.3f GiB), of which %.1f MiB free pages; rows: %s"
          % (label, total / 2**20, total / GIB, free / 2**20, counts))
    for t, b in sorted(tables.items(), key=lambda x: -x[1])[:8]:
        print("  %-32s %9.1f MiB" % (t, b / 2**20))
    for k, (cnt, avg) in sorted(kinds.items()):
        print("  ledger %-28s %7d entries, payload %6.1f B on average" % (k, cnt, avg))
    return tables, kinds, total, free, counts


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--hours", type=int, default=5)
    ap.add_argument("--endpoints", type=int, default=10000)
    ap.add_argument("--days", type=int, default=30)
    ap.add_argument("--seal-every", type=int, default=60, help="seconds, as the seal-every setting")
    ap.add_argument("--drtop", default=os.path.join(os.path.dirname(os.path.dirname(HERE)), "drtop"))
    ap.add_argument("--keep", help="copy the file of day DAYS here")
    ap.add_argument("--verify", action="store_true",
                    help="run drtop db verify on the file after each drtop db prune")
    args = ap.parse_args()
    with tempfile.TemporaryDirectory(prefix="drtop-bench-") as tmp:
        db = os.path.join(tmp, "retention.db")
        env = dict(os.environ, DRTOP_DB=db)
        env.pop("DRTOP_NOW", None)
        urls = ["http://127.0.0.1:9/e%d" % i for i in range(args.endpoints)]
        make_db(args.drtop, db, urls, interval="30s")
        default = sqlite3.connect(db).execute(
            "SELECT value FROM setting WHERE key = 'retention_s'").fetchone()[0]
        now = int(time.time())
        start_ms = (now - args.hours * 3600) * 1000
        n, batches, gen, led, led0, led1 = generate(db, args.hours, start_ms, args.seal_every)
        print("generated %d results (%d endpoints, %d h up to now) in %.1f s, %d probe_result.batch"
              " entries (one every %d s) in %.1f s" % (n, args.endpoints, args.hours, gen, batches,
                                                      args.seal_every, led))
        took, out = prune(args.drtop, env, "30d")
        print("drtop db prune, retention 30d (fold every hour that is over): %.1f s: %s" % (took, out))
        tables, kinds, total, free, counts = report(db, "after folding")
        if args.verify:
            verify(args.drtop, env, "after folding")
        results_h = args.endpoints * 120
        raw_b = tables.get("probe_result", 0) / counts["probe_result"]
        roll_b = tables.get("probe_rollup", 0) / counts["probe_rollup"]
        batch_b = (led1 - led0) / batches
        print("  a raw result: %.1f B with its indexes (%.1f MiB an hour); a rollup: %.1f B (%.2f MiB an hour);"
              " a probe_result.batch entry: %.0f B (%d results)"
              % (raw_b, raw_b * results_h / 2**20, roll_b, roll_b * args.endpoints / 2**20, batch_b,
                 n // batches))
        took, out = prune(args.drtop, env, "%ss" % default)
        print("drtop db prune, retention %s s (the default): %.1f s: %s" % (default, took, out))
        if args.verify:
            verify(args.drtop, env, "after pruning")
        c = sqlite3.connect(db)
        raw_h = c.execute("SELECT (max(at_ms) - min(at_ms)) / 3600000.0 FROM probe_result").fetchone()[0]
        hours_folded = c.execute("SELECT count(DISTINCT hour) FROM probe_rollup").fetchone()[0]
        c.close()
        report(db, "after pruning (%.1f h of raw results)" % raw_h)
        took, nb, nr, per_hour, eps = fill(db, args.days, args.seal_every, args.endpoints, hours_folded)
        print("day %d: added the rollups of %d more hours (%.0f s), %d probe_result.batch entries,"
              " %d probe_rollup.batch entries (%d an hour of about %d endpoints)"
              % (args.days, args.days * 24 - hours_folded, took, nb, nr, per_hour, eps))
        tables, kinds, total, free, counts = report(db, "day %d" % args.days)
        print("**the file on day %d: %.3f GiB (%s 1 GiB)**"
              % (args.days, total / GIB, "under" if total < GIB else "OVER"))
        if args.keep:
            c = sqlite3.connect(db)
            c.execute("VACUUM INTO ?", (args.keep,))
            c.close()


if __name__ == "__main__":
    main()
