#!/usr/bin/env python3
"""A real SMTP server on loopback for the alerts' tests and tools/run (aiosmtpd).

Every message it accepts is appended to --out as one JSON line: envelope sender and
recipients, the headers that matter, the decoded text body. With --tls-cert and --tls-key
it offers STARTTLS; with --auth USER:PASSWORD it requires AUTH (after STARTTLS, as
aiosmtpd does by default). Prints "listening HOST:PORT" once ready; stops on SIGTERM.
"""
import argparse
import email
import email.policy
import json
import signal
import ssl
import sys
import threading

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult


class Sink:
    def __init__(self, out):
        self.out = out
        self.lock = threading.Lock()

    async def handle_DATA(self, server, session, envelope):
        message = email.message_from_bytes(envelope.content, policy=email.policy.default)
        body = message.get_body(preferencelist=("plain",))
        record = {
            "mail_from": envelope.mail_from,
            "rcpt_tos": envelope.rcpt_tos,
            "from": str(message["From"]),
            "to": str(message["To"]),
            "subject": str(message["Subject"]),
            "message_id": str(message["Message-ID"]),
            "body": body.get_content() if body is not None else "",
            "tls": session.ssl is not None,
            "authenticated": bool(getattr(session, "authenticated", False)),
        }
        with self.lock, open(self.out, "a", encoding="utf-8") as f:
            f.write(json.dumps(record, ensure_ascii=False) + "\n")
        return "250 OK queued"


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, required=True)
    p.add_argument("--out", required=True)
    p.add_argument("--tls-cert")
    p.add_argument("--tls-key")
    p.add_argument("--auth", help="USER:PASSWORD required")
    a = p.parse_args()
    kwargs = {}
    if a.tls_cert:
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(a.tls_cert, a.tls_key)
        kwargs["tls_context"] = context
        kwargs["require_starttls"] = False
    if a.auth:
        user, password = a.auth.split(":", 1)

        def authenticator(server, session, envelope, mechanism, auth_data):
            ok = getattr(auth_data, "login", None) == user.encode() and getattr(auth_data, "password", None) == password.encode()
            return AuthResult(success=ok)

        kwargs["authenticator"] = authenticator
        kwargs["auth_required"] = True
    controller = Controller(Sink(a.out), hostname=a.host, port=a.port, **kwargs)
    controller.start()
    print(f"listening {a.host}:{a.port}", flush=True)
    done = threading.Event()
    signal.signal(signal.SIGTERM, lambda *_: done.set())
    signal.signal(signal.SIGINT, lambda *_: done.set())
    while not done.wait(0.2):
        pass
    controller.stop()


if __name__ == "__main__":
    sys.exit(main())
