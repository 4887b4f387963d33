#!/usr/bin/env python3
"""A test HTTP server for drtop's probe tests (Python standard library only).

It listens on two free ports of 127.0.0.1 and prints "PORT CONTROL_PORT".
With --tls CERT KEY the probe port speaks https (a self-signed test certificate).

The probe port answers by path:
  /health                 the current mode (see /mode below); "up" is 200 "ok"
  /status/N               status N
  /delay/MS               200 after MS milliseconds
  /hang                   never answers
  /huge                   200 with a 10 MB body
  /drip                   200, then one body byte a second
  /garbage                bytes that are not HTTP, then closes
  /redirect-loop          302 to itself, forever
  /last-modified/UNIX     200 with that Last-Modified
  /json/lag/N             {"lag_seconds": N}
  /json/time/VALUE        {"last_backup": VALUE} (a number, or else a string)
  /echo-headers           200; the request line and headers are kept for /headers
  /redirect-to/URL        302 to URL (percent-decoded; gopher://, http://other:port/...)
  /big/KIB                200 with a body of KIB KiB
  /cut-headers            "HTTP/1.1 200 OK\r\nContent-Len", then closes
  /long-header            200 with a header line of 400,000 bytes
  /last-modified-raw/TEXT 200 with "Last-Modified: TEXT" (percent-decoded)
  /json/raw/TEXT          {"last_backup": TEXT}, TEXT percent-decoded and sent as is
  /count/NAME             200 "ok", counting the requests for each NAME

The control port switches it at run time:
  /down  /up              stop listening on the probe port (connections are
                          refused), or listen again on the same port
  /mode/PATH              make /health behave like PATH (e.g. /mode/status/500,
                          /mode/hang, /mode/up)
  /hits                   how many /health requests have arrived
  /headers                the request line and headers of the last /echo-headers request
  /hits/NAME              how many /count/NAME requests have arrived
"""
import http.server
import json
import socket
import sys
import threading
import time
from email.utils import formatdate
from urllib.parse import unquote

state = {"mode": "up", "hits": 0, "headers": "", "counts": {}, "lock": threading.Lock()}


class Probe(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"  # one request per connection: /down is immediate

    def log_message(self, *args):
        pass

    def reply(self, status, body=b"", headers=()):
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.startswith("/redirect-to/"):
            self.reply(302, b"", [("Location", unquote(self.path[len("/redirect-to/"):]))])
            return
        path = self.path.split("?")[0]
        if path == "/health":
            with state["lock"]:
                state["hits"] += 1
                mode = state["mode"]
            path = "/" + mode if mode != "up" else "/ok"
        self.serve(path)

    def serve(self, path):
        parts = path.strip("/").split("/")
        kind = parts[0]
        if kind == "ok":
            self.reply(200, b"ok\n")
        elif kind == "status":
            self.reply(int(parts[1]), b"status\n")
        elif kind == "delay":
            time.sleep(int(parts[1]) / 1000)
            self.reply(200, b"ok\n")
        elif kind == "hang":
            time.sleep(3600)
        elif kind == "long-header":
            self.send_response(200)
            self.send_header("X-Big", "h" * 400000)
            self.send_header("Content-Length", "3")
            self.end_headers()
            try:
                self.wfile.write(b"ok\n")
            except OSError:
                pass
        elif kind == "huge":
            size = 10 * 1024 * 1024
            self.send_response(200)
            self.send_header("Content-Length", str(size))
            self.end_headers()
            chunk = b"x" * 65536
            try:
                for _ in range(size // len(chunk)):
                    self.wfile.write(chunk)
            except OSError:
                pass
        elif kind == "drip":
            self.send_response(200)
            self.send_header("Content-Length", "1000")
            self.end_headers()
            try:
                for _ in range(1000):
                    self.wfile.write(b"x")
                    self.wfile.flush()
                    time.sleep(1)
            except OSError:
                pass
        elif kind == "garbage":
            self.wfile.write(b"\x00\x01\x02 this is not HTTP at all \xff\xfe\r\n\r\n")
        elif kind == "redirect-loop":
            self.reply(302, b"", [("Location", "/redirect-loop")])
        elif kind == "big":
            self.reply(200, b"x" * (int(parts[1]) * 1024))
        elif kind == "cut-headers":
            self.wfile.write(b"HTTP/1.1 200 OK\r\nContent-Len")
        elif kind == "last-modified-raw":
            self.reply(200, b"ok\n", [("Last-Modified", unquote("/".join(parts[1:])))])
        elif kind == "last-modified":
            self.reply(200, b"ok\n", [("Last-Modified", formatdate(int(parts[1]), usegmt=True))])
        elif kind == "json":
            if parts[1] == "raw":
                body = ('{"last_backup": %s}' % unquote("/".join(parts[2:]))).encode()
                self.reply(200, body, [("Content-Type", "application/json")])
                return
            if parts[1] == "lag":
                doc = {"lag_seconds": float(parts[2]) if "." in parts[2] else int(parts[2])}
            else:
                value = "/".join(parts[2:])
                doc = {"last_backup": int(value) if value.isdigit() else value}
            self.reply(200, json.dumps(doc).encode(), [("Content-Type", "application/json")])
        elif kind == "count":
            with state["lock"]:
                state["counts"][parts[1]] = state["counts"].get(parts[1], 0) + 1
            self.reply(200, b"ok\n")
        elif kind == "echo-headers":
            with state["lock"]:
                state["headers"] = self.requestline + "\n" + str(self.headers)
            self.reply(200, b"ok\n")
        else:
            self.reply(404, b"not found\n")


class Server(http.server.ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    request_queue_size = 1024


def serve(server):
    threading.Thread(target=server.serve_forever, kwargs={"poll_interval": 0.02},
                     daemon=True).start()


def probe_server(port):
    server = Server(("127.0.0.1", port), Probe)
    if len(sys.argv) == 4 and sys.argv[1] == "--tls":
        import ssl
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(sys.argv[2], sys.argv[3])
        server.socket = ctx.wrap_socket(server.socket, server_side=True)
    return server


probe = {"server": probe_server(0)}
port = probe["server"].server_address[1]


class Control(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        body = b"ok\n"
        if self.path == "/down":
            if probe["server"]:
                probe["server"].shutdown()
                probe["server"].server_close()
                probe["server"] = None
        elif self.path == "/up":
            if not probe["server"]:
                probe["server"] = probe_server(port)
                serve(probe["server"])
        elif self.path.startswith("/mode/"):
            with state["lock"]:
                state["mode"] = self.path[len("/mode/"):]
        elif self.path == "/hits":
            body = ("%d\n" % state["hits"]).encode()
        elif self.path.startswith("/hits/"):
            with state["lock"]:
                body = ("%d\n" % state["counts"].get(self.path[len("/hits/"):], 0)).encode()
        elif self.path == "/headers":
            body = state["headers"].encode()
        else:
            self.send_response(404)
            self.end_headers()
            return
        self.send_response(200)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)


control = Server(("127.0.0.1", 0), Control)
serve(probe["server"])
print(port, control.server_address[1], flush=True)
try:
    control.serve_forever(poll_interval=0.05)
except KeyboardInterrupt:
    pass
