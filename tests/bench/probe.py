#!/usr/bin/env python3
"""Probe benchmark: drtop against curl's command line, in the same run.

  tests/bench/probe.py [--drtop ./drtop] [--endpoints 10000]

1. 10,000 endpoints on a loopback nginx (started here with its own config on
   a free port): `drtop probe --once --concurrency 64` against
   `curl --parallel --parallel-max 64` over the same URLs. Prints both wall
   times, their ratio, probes per second, and drtop's peak RSS; then drtop's
   peak RSS at concurrency 256.
2. 2,000 probes of an endpoint that answers after 200 ms (tests/server.py),
   at concurrency 256: the ideal is ceil(2000/256) x 200 ms = 1.6 s.

Not a test: it prints figures and never fails on a slow machine.
"""
import argparse
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time

HERE = os.path.dirname(os.path.abspath(__file__))
TOP = os.path.dirname(os.path.dirname(HERE))


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def timed(cmd, env=None):
    """Run CMD; return (wall seconds, peak RSS in KiB, exit status)."""
    t0 = time.monotonic()
    p = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    _, status, usage = os.wait4(p.pid, 0)
    wall = time.monotonic() - t0
    err = p.stderr.read().decode(errors="replace")
    if status != 0:
        sys.stderr.write("%s failed (%d): %s\n" % (cmd[0], status, err[-500:]))
    return wall, usage.ru_maxrss, status


def make_db(drtop, db, urls, interval="60s"):
    inv = os.path.join(os.path.dirname(db), "inventory.json")
    with open(inv, "w") as f:
        f.write('{"systems": [')
        per = 100
        for s in range(0, len(urls), per):
            if s:
                f.write(",")
            eps = ",".join('{"url": "%s", "interval": "%s", "timeout": "10s"}' % (u, interval)
                           for u in urls[s:s + per])
            f.write('{"name": "sys-%05d", "rto": "1h", "rpo": "1h", "endpoints": [%s]}'
                    % (s // per, eps))
        f.write("]}")
    if os.path.exists(db):
        os.unlink(db)
    subprocess.run([drtop, "--db", db, "import", inv], check=True, stdout=subprocess.DEVNULL)


ECHO_MODULE = "/usr/lib/nginx/modules/ngx_http_echo_module.so"


def start_nginx(tmp):
    """nginx on a free port: / answers at once, /delay/ after 200 ms (with the
    echo module, libnginx-mod-http-echo, when it is installed)."""
    port = free_port()
    conf = os.path.join(tmp, "nginx.conf")
    have_echo = os.path.exists(ECHO_MODULE)
    with open(conf, "w") as f:
        if have_echo:
            f.write("load_module %s;\n" % ECHO_MODULE)
        f.write("""
worker_processes 1;
daemon off;
error_log %(tmp)s/error.log;
pid %(tmp)s/nginx.pid;
events { worker_connections 4096; }
http {
  access_log off;
  keepalive_requests 1000000;
  client_body_temp_path %(tmp)s; proxy_temp_path %(tmp)s; fastcgi_temp_path %(tmp)s;
  uwsgi_temp_path %(tmp)s; scgi_temp_path %(tmp)s;
  server { listen 127.0.0.1:%(port)d; location / { return 200 "ok\\n"; } %(delay)s }
}
""" % {"tmp": tmp, "port": port,
       "delay": "location /delay/ { echo_sleep 0.2; echo ok; }" if have_echo else ""})
    p = subprocess.Popen(["nginx", "-c", conf, "-p", tmp], stderr=subprocess.DEVNULL)
    for _ in range(100):
        try:
            socket.create_connection(("127.0.0.1", port), 0.1).close()
            return p, port, have_echo
        except OSError:
            time.sleep(0.05)
    raise SystemExit("nginx did not start")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--drtop", default=os.path.join(TOP, "drtop"))
    ap.add_argument("--endpoints", type=int, default=10000)
    ap.add_argument("--rss-sizes", default="1000,10000,20000,50000,100000",
                    help="endpoint counts for the peak RSS per endpoint (3.)")
    args = ap.parse_args()
    drtop = os.path.abspath(args.drtop)
    if not shutil.which("nginx") or not shutil.which("curl"):
        raise SystemExit("needs nginx and curl (apt-get install nginx-light curl)")
    tmp = tempfile.mkdtemp(prefix="drtop-bench-")
    nginx, port, have_echo = start_nginx(tmp)
    try:
        n = args.endpoints
        urls = ["http://127.0.0.1:%d/e/%d" % (port, i) for i in range(n)]
        db = os.path.join(tmp, "bench.db")
        make_db(drtop, db, urls)
        cfg = os.path.join(tmp, "curl.cfg")
        with open(cfg, "w") as f:
            for u in urls:
                f.write('url = "%s"\noutput = "/dev/null"\n' % u)
        print("1. %d endpoints on a loopback nginx" % n)
        for conc in (64,):
            cw, _, _ = timed(["curl", "-s", "--parallel", "--parallel-max", str(conc), "-K", cfg])
            dw, drss, _ = timed([drtop, "--db", db, "probe", "--once", "--concurrency", str(conc),
                                 "--per-host", str(conc)])
            print("   concurrency %d: curl --parallel %.2fs (%.0f/s), drtop probe %.2fs (%.0f/s), "
                  "drtop %.2fx faster; drtop peak RSS %.1f MiB"
                  % (conc, cw, n / cw, dw, n / dw, cw / dw, drss / 1024))
        dw, drss, _ = timed([drtop, "--db", db, "probe", "--once", "--concurrency", "256",
                             "--per-host", "256"])
        print("   concurrency 256: drtop probe %.2fs (%.0f/s), peak RSS %.1f MiB"
              % (dw, n / dw, drss / 1024))
        rows = subprocess.run(["sqlite3", db, "SELECT count(*) FROM probe_result"],
                              capture_output=True, text=True).stdout.strip()
        print("   results recorded: %s" % rows)
        server = None
        if have_echo:
            base, where = "http://127.0.0.1:%d/delay/" % port, "nginx with echo_sleep"
        else:
            server = subprocess.Popen([sys.executable, os.path.join(TOP, "tests", "server.py")],
                                      stdout=subprocess.PIPE, text=True)
            sport = int(server.stdout.readline().split()[0])
            base, where = "http://127.0.0.1:%d/delay/200?" % sport, "tests/server.py"
        urls = [base + str(i) for i in range(2000)]
        db = os.path.join(tmp, "slow.db")
        make_db(drtop, db, urls)
        dw, _, _ = timed([drtop, "--db", db, "probe", "--once", "--concurrency", "256",
                          "--per-host", "256"])
        ideal = -(-2000 // 256) * 0.2
        print("2. 2000 probes of a 200 ms endpoint (%s) at concurrency 256: %.2fs, ideal %.2fs "
              "(%+.1f%%)" % (where, dw, ideal, (dw / ideal - 1) * 100))
        if server:
            server.terminate()
            server.wait()
        sizes = [int(x) for x in args.rss_sizes.split(",")]
        print("3. peak RSS of probe --once (concurrency 64) by the number of endpoints")
        peaks = []
        for k in sizes:
            urls = ["http://127.0.0.1:%d/e/%d" % (port, i) for i in range(k)]
            db = os.path.join(tmp, "rss.db")
            make_db(drtop, db, urls)
            _, drss, _ = timed([drtop, "--db", db, "probe", "--once", "--concurrency", "64",
                                "--per-host", "64"])
            peaks.append(drss)
            print("   %6d endpoints: peak RSS %.1f MiB" % (k, drss / 1024))
        for (k0, r0), (k1, r1) in zip(zip(sizes, peaks), zip(sizes[1:], peaks[1:])):
            print("   from %d to %d endpoints: %.0f bytes more per endpoint (target <= 200)"
                  % (k0, k1, (r1 - r0) * 1024.0 / (k1 - k0)))
    finally:
        nginx.terminate()
        nginx.wait()
    shutil.rmtree(tmp, ignore_errors=True)


if __name__ == "__main__":
    main()
