#!/usr/bin/env python3
"""A hostile HTTP server for drtop's fuzz-style probe test (standard library only).

Usage: hostile.py SEED

It listens on two free ports of 127.0.0.1 and prints "PORT CONTROL_PORT".
Every request to /e/N on the first port gets a hostile answer: redirects to
gopher, file, dict, ftp and other ports, bodies of every size (around
libcurl's buffer sizes, past drtop's 64 KiB cap), cut-off header blocks,
broken chunking, absurd status codes, Last-Modified dates and JSON times and
numbers, garbage, slow drips and resets. The answer is drawn from a random
generator seeded with SEED, N and the number of the request to /e/N, so a run
is reproducible for a given seed (up to timing). Redirects back to this
server go to /r/N, so the hits on /e/N count the probes that were started.

The control port answers:
  /hits        "N HITS" lines: requests that reached /e/N
  /leaks       how many requests to the control port carried an X-Api-Key
               header (a secret header sent to another origin)
"""
import random
import socket
import socketserver
import sys
import threading
import time

SEED = int(sys.argv[1]) if len(sys.argv) > 1 else 1
state = {"hits": {}, "leaks": 0, "lock": threading.Lock()}

DATES = ["Fri, 31 Dec 9999 23:59:59 GMT", "Mon, 01 Jan 1900 00:00:00 GMT", "garbage", "",
         "Thu, 01 Jan 1970 00:00:00 GMT", "Sun, 06 Nov 1994 08:49:37 GMT", "x" * 5000,
         "Tue, 31 Feb 2026 25:61:61 GMT", "-1", "now", "Wed, 09 Jun 2021 10:18:14 GMT"]
JSON_VALUES = ["1e300", "-1e300", "9e18", "-1", "0", "1e-300", '"now"', '"+50w"', '"-1h"',
               "NaN", "Infinity", "true", "[]", "{}", '"9999-12-31T23:59:59Z"',
               '"0000-01-01T00:00:00Z"', '"2026-02-30T00:00:00Z"', '"' + "9" * 5000 + '"',
               "18446744073709551616", "-9223372036854775809", "1700000000", "1700000000000",
               "[" * 3000 + "]" * 3000, '"\\u0000"', "12.5", '"2026-11-25T10:00:00Z"']
SCHEMES = ["gopher", "file", "dict", "ftp", "ldap", "telnet", "scp", "tftp", "smb", "imap"]


def head(status="200 OK", headers=(), version="HTTP/1.1"):
    lines = ["%s %s" % (version, status)] + ["%s: %s" % h for h in headers]
    return ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")


def answer(rnd, n, port, control):
    """The bytes of a hostile answer (a list of chunks; None in it is a 0.3 s pause)."""
    kind = rnd.randrange(16)
    if kind == 0:  # a redirect to a scheme that is not probed
        s = rnd.choice(SCHEMES)
        loc = "file:///etc/passwd" if s == "file" else "%s://127.0.0.1:%d/" % (s, port)
        return [head("302 Found", [("Location", loc), ("Content-Length", "0")])]
    if kind == 1:  # a redirect to another origin, to here, or to nowhere
        loc = rnd.choice(["http://127.0.0.1:%d/leak" % control, "/r/%d" % n,
                          "http://localhost:%d/r/%d" % (port, n), "http://127.0.0.1:1/",
                          "https://127.0.0.1:%d/r/%d" % (port, n), "\x7f\xff", "", "//",
                          "http://[::1/", "/" + "a" * 10000])
        return [head(rnd.choice(["301 Moved", "302 Found", "307 X", "308 Y", "303 Z"]),
                     [("Location", loc), ("Content-Length", "0")])]
    if kind == 2:  # bodies around libcurl's buffer sizes and drtop's cap
        size = rnd.choice([4095, 4097, 16384, 16385, 40000, 65535, 65536, 65537, 200000])
        return [head("200 OK", [("Content-Length", str(size))]), b"x" * size]
    if kind == 3:  # a body shorter or longer than announced
        size = rnd.randrange(1, 70000)
        return [head("200 OK", [("Content-Length", str(size + rnd.choice([-1, 1, 1000])))]),
                b"y" * size]
    if kind == 4:  # chunked, valid or broken
        body = b"5\r\nhello\r\n" + rnd.choice([b"0\r\n\r\n", b"zz\r\n", b"FFFFFFFFFFFFFFFFFF\r\nx",
                                                b"-1\r\n", b"10000\r\n" + b"c" * 70000])
        return [head("200 OK", [("Transfer-Encoding", "chunked")]), body]
    if kind == 5:  # a header block cut off anywhere
        full = head("200 OK", [("Content-Length", "2"), ("Last-Modified", rnd.choice(DATES))])
        return [full[:rnd.randrange(1, len(full) - 1)]]
    if kind == 6:  # absurd Last-Modified
        return [head("200 OK", [("Last-Modified", rnd.choice(DATES)), ("Content-Length", "2")]),
                b"ok"]
    if kind == 7:  # absurd JSON times and numbers
        body = ('{"last_backup": %s, "lag_seconds": %s}' % (
            rnd.choice(JSON_VALUES), rnd.choice(JSON_VALUES))).encode()
        return [head("200 OK", [("Content-Type", "application/json"),
                                ("Content-Length", str(len(body)))]), body]
    if kind == 8:  # garbage, or nothing at all
        return [bytes(rnd.randrange(256) for _ in range(rnd.randrange(0, 3000)))]
    if kind == 9:  # odd status lines
        line = rnd.choice(["HTTP/1.1 999 Odd", "HTTP/1.1 000 Zero", "HTTP/1.1 099 Low",
                           "HTTP/1.1 200", "HTTP/9.9 200 OK", "HTTP/1.1 -200 Neg",
                           "HTTP/1.1 2147483648 Big", "ICY 200 OK"])
        return [(line + "\r\nContent-Length: 2\r\n\r\nok").encode()]
    if kind == 10:  # a slow drip of headers or body
        if rnd.randrange(2):
            return [b"HTTP/1.1 200 OK\r\n"] + [None, b"X-Drip: 1\r\n"] * 8
        return [head("200 OK", [("Content-Length", "100")])] + [None, b"d"] * 8
    if kind == 11:  # huge or many headers
        if rnd.randrange(2):
            return [head("200 OK", [("X-Big", "h" * rnd.choice([8000, 120000])),
                                    ("Content-Length", "0")])]
        return [head("200 OK", [("X-%d" % i, "v") for i in range(5000)] + [("Content-Length", "0")])]
    if kind == 12:  # interim responses, then an answer
        return [b"HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early\r\nLink: x\r\n\r\n" +
                head("204 No Content", [("Last-Modified", rnd.choice(DATES))])]
    if kind == 13:  # bad compression
        return [head("200 OK", [("Content-Encoding", rnd.choice(["gzip", "br", "deflate", "zz"])),
                                ("Content-Length", "20")]), b"\x1f\x8b" + b"\x00" * 18]
    if kind == 14:  # HTTP/0.9: a body with no head
        return [b"<html>no status line</html>"]
    return [head("200 OK", [("Content-Length", "3")]), b"ok\n"]  # sometimes, an answer


def read_head(sock):
    """The request's head (bounded), or None when the client went away."""
    sock.settimeout(5)
    data = b""
    try:
        while b"\r\n\r\n" not in data and len(data) < 65536:
            more = sock.recv(4096)
            if not more:
                return None
            data += more
    except OSError:
        return None
    return data


class Hostile(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        data = read_head(sock)
        if data is None:
            return
        parts = data.split(b" ", 2)
        path = parts[1].decode("latin-1") if len(parts) > 1 else "/"
        bits = path.strip("/").split("/")
        n = int(bits[1]) if len(bits) > 1 and bits[1].isdigit() else -1
        with state["lock"]:
            if bits[0] == "e":
                state["hits"][n] = state["hits"].get(n, 0) + 1
            count = state["hits"].get(n, 0)
        rnd = random.Random("%d/%d/%d/%s" % (SEED, n, count, bits[0]))
        try:
            for chunk in answer(rnd, n, port, control_port):
                if chunk is None:
                    time.sleep(0.3)
                else:
                    sock.sendall(chunk)
            if rnd.randrange(4) == 0:  # now and then a reset instead of a close
                sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, b"\x01\x00\x00\x00\x00\x00\x00\x00")
        except OSError:
            pass


class Control(socketserver.BaseRequestHandler):
    def handle(self):
        sock = self.request
        data = read_head(sock)
        if data is None:
            return
        path = data.split(b" ", 2)[1] if data.count(b" ") >= 2 else b"/"
        with state["lock"]:
            if b"x-api-key" in data.lower():
                state["leaks"] += 1
            if path == b"/hits":
                body = "".join("%d %d\n" % kv for kv in sorted(state["hits"].items()))
            elif path == b"/leaks":
                body = "%d\n" % state["leaks"]
            else:
                body = "ok\n"
        sock.sendall(("HTTP/1.0 200 OK\r\nContent-Length: %d\r\n\r\n%s" % (len(body), body)).encode())


class Server(socketserver.ThreadingTCPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024


hostile = Server(("127.0.0.1", 0), Hostile)
control = Server(("127.0.0.1", 0), Control)
port, control_port = hostile.server_address[1], control.server_address[1]
threading.Thread(target=hostile.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True).start()
print(port, control_port, flush=True)
try:
    control.serve_forever(poll_interval=0.05)
except KeyboardInterrupt:
    pass
