#!/usr/bin/env python3
"""A webhook receiver for drtop's notification tests (Python standard library only).

Usage: receiver.py LOG. It listens on a free port of 127.0.0.1, prints "PORT",
and appends one JSON line to LOG for every POST it receives:
  {"t": UNIX_TIME, "key": IDEMPOTENCY_KEY_HEADER, "path": PATH, "status": ANSWER,
   "headers": {NAME: VALUE...}, "body": THE_POSTED_JSON}
(the line is written before the answer, also when the answer is a failure or none).

GET /mode/MODE switches how it answers POSTs:
  ok          204 (the default)
  500         500 "receiver failing" to every POST
  fail/N      500 to the next N POSTs, then ok
  hang        never answers (the connection stays open until the client leaves)
  slow/MS     204 after MS milliseconds
  status/N    N (an HTTP status) to every POST
GET /count answers the number of POSTs received.
"""
import http.server
import json
import sys
import threading
import time

state = {"mode": "ok", "fail": 0, "count": 0, "lock": threading.Lock()}
log_path = sys.argv[1]


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.0"

    def log_message(self, *args):
        pass

    def reply(self, status, body=b""):
        self.send_response(status)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.startswith("/mode/"):
            mode = self.path[len("/mode/"):]
            with state["lock"]:
                if mode.startswith("fail/"):
                    state["mode"], state["fail"] = "ok", int(mode[5:])
                else:
                    state["mode"], state["fail"] = mode, 0
            self.reply(200, b"ok\n")
        elif self.path == "/count":
            with state["lock"]:
                self.reply(200, b"%d\n" % state["count"])
        else:
            self.reply(404)

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        raw = self.rfile.read(n)
        with state["lock"]:
            state["count"] += 1
            delay = int(state["mode"][5:]) / 1000 if state["mode"].startswith("slow/") else 0
            if state["fail"] > 0:
                state["fail"] -= 1
                status = 500
            else:
                status = {"ok": 204, "500": 500, "hang": 0}.get(state["mode"], 204)
                if state["mode"].startswith("status/"):
                    status = int(state["mode"][7:])
            try:
                body = json.loads(raw)
            except ValueError:
                body = raw.decode("utf-8", "replace")
            with open(log_path, "a") as f:
                f.write(json.dumps({"t": time.time(), "key": self.headers.get("Idempotency-Key"),
                                    "path": self.path, "status": status,
                                    "headers": dict(self.headers), "body": body}) + "\n")
        time.sleep(delay)
        if status == 0:
            time.sleep(3600)
        elif status == 500:
            self.reply(500, b"receiver failing\n")
        else:
            self.reply(status)


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
server.daemon_threads = True
print(server.server_address[1], flush=True)
server.serve_forever()
