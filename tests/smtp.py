#!/usr/bin/env python3
"""An SMTP receiver for drtop's email notification tests (Debian's python3-aiosmtpd).

Usage: smtp.py DIR [--starttls CERT KEY | --smtps CERT KEY] [--auth USER:PASSWORD]

It listens on a free port of 127.0.0.1, prints "PORT" once it accepts
connections, and writes every message it accepts to DIR/N.eml (N = 1, 2, ...:
the message as received, after the envelope lines "X-Envelope-From: ADDR",
"X-Envelope-To: ADDR,ADDR", "X-Tls: yes|no" and "X-Auth: USER|-"), and one line
per RCPT command to DIR/rcpt.log: "ADDRESS ANSWER".

  --starttls CERT KEY  offer STARTTLS with this certificate (and require it)
  --smtps CERT KEY     TLS from the connection's start (SMTPS)
  --auth USER:PASS     offer AUTH (after TLS), accepting only these credentials

How it answers RCPT is read from DIR/mode at every RCPT (no file: ok):
  ok        250
  451       451 4.3.0 mailbox busy, try later
  550       550 5.1.1 no such user here
  fail/N    451 to the next N RCPTs, then ok (DIR/mode is rewritten to count)
"""
import asyncio
import os
import ssl
import sys

from aiosmtpd.smtp import SMTP, AuthResult

args = sys.argv[1:]
if not args:
    sys.exit(__doc__)
maildir = args.pop(0)
tls = smtps = None
auth = None
while args:
    opt = args.pop(0)
    if opt in ("--starttls", "--smtps"):
        ctx = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        ctx.load_cert_chain(args.pop(0), args.pop(0))
        if opt == "--starttls":
            tls = ctx
        else:
            smtps = ctx
    elif opt == "--auth":
        auth = args.pop(0).split(":", 1)
    else:
        sys.exit("smtp.py: unknown option " + opt)

count = 0
ANSWERS = {"451": "451 4.3.0 mailbox busy, try later", "550": "550 5.1.1 no such user here"}


def mode():
    try:
        with open(os.path.join(maildir, "mode")) as f:
            return f.read().strip() or "ok"
    except FileNotFoundError:
        return "ok"


class Handler:
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):
        m = mode()
        answer = "250 OK"
        if m.startswith("fail/"):
            left = int(m[5:])
            if left > 0:
                answer = ANSWERS["451"]
                with open(os.path.join(maildir, "mode"), "w") as f:
                    f.write("fail/%d\n" % (left - 1))
        elif m in ANSWERS:
            answer = ANSWERS[m]
        with open(os.path.join(maildir, "rcpt.log"), "a") as f:
            f.write("%s %s\n" % (address, answer))
        if answer.startswith("250"):
            envelope.rcpt_tos.append(address)
        return answer

    async def handle_DATA(self, server, session, envelope):
        global count
        count += 1
        secure = session.ssl is not None or server.transport.get_extra_info("ssl_object") is not None
        user = session.auth_data.decode() if session.authenticated else "-"
        head = "X-Envelope-From: %s\r\nX-Envelope-To: %s\r\nX-Tls: %s\r\nX-Auth: %s\r\n" % (
            envelope.mail_from, ",".join(envelope.rcpt_tos), "yes" if secure else "no", user)
        path = os.path.join(maildir, "%d.eml" % count)
        with open(path + ".part", "wb") as f:
            f.write(head.encode() + envelope.original_content)
        os.rename(path + ".part", path)
        return "250 2.0.0 accepted"


def authenticator(server, session, envelope, mechanism, data):
    ok = auth is not None and data.login.decode() == auth[0] and data.password.decode() == auth[1]
    return AuthResult(success=ok, auth_data=data.login if ok else None)


def factory():
    kw = {}
    if auth:
        kw["authenticator"] = authenticator
        kw["auth_require_tls"] = True
    if tls:
        kw["tls_context"] = tls
        kw["require_starttls"] = True
    smtp = SMTP(Handler(), hostname="drtop-test", **kw)
    return smtp


async def main():
    loop = asyncio.get_running_loop()
    server = await loop.create_server(factory, "127.0.0.1", 0, ssl=smtps)
    print(server.sockets[0].getsockname()[1], flush=True)
    async with server:
        await server.serve_forever()


os.makedirs(maildir, exist_ok=True)
asyncio.run(main())
