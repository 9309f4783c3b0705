"""A center in a temporary folder, its settings in the environment, a real Dagster instance."""

from __future__ import annotations

import email
import hashlib
import json
import shutil
import socket
import ssl
import threading
from email import policy
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
import trustme
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult, LoginPassword

from tests.conftest import FIXTURE_CENTER, FIXTURE_PARTITION, TEST_SECRET

FIXTURE = FIXTURE_CENTER
PARTITION = FIXTURE_PARTITION  # the fixture's last day


@pytest.fixture
def center(tmp_path, monkeypatch) -> dict[str, Path]:
    paths = {
        "root": tmp_path,
        "landing": tmp_path / "landing",
        "warehouse": tmp_path / "warehouse.duckdb",
    }
    monkeypatch.setenv("DUCKDB_DATABASE", str(paths["warehouse"]))
    monkeypatch.setenv("LANDING_DIR", str(paths["landing"]))
    monkeypatch.setenv("CENTER_TIMEZONE", "Asia/Shanghai")
    # A center of its own (not the demo): the refresh needs a secret of its own.
    monkeypatch.setenv("CALLER_KEY_SECRET", TEST_SECRET)
    monkeypatch.setenv("DBT_SEND_ANONYMOUS_USAGE_STATS", "false")
    monkeypatch.delenv("DAGSTER_HOME", raising=False)
    monkeypatch.delenv("DBT_DUCKDB_PATH", raising=False)
    shutil.copytree(FIXTURE, paths["landing"])
    return paths


def sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


# -- real servers for the report's delivery (orchestration/reports/delivery.py) ------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class _Inbox:
    def __init__(self):
        self.messages: list[tuple[list[str], email.message.EmailMessage]] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(
            (envelope.rcpt_tos, email.message_from_bytes(envelope.content, policy=policy.default))
        )
        return "250 OK"


def _authenticate(server, session, envelope, mechanism, auth_data):
    given = (auth_data.login, auth_data.password) if isinstance(auth_data, LoginPassword) else None
    ok = given == (b"reports", b"s3cret")
    return AuthResult(success=ok, handled=False)


def _serve_mail(monkeypatch, settings: dict[str, str], **tls):
    """A real SMTP server on a free local port that keeps what it receives; the report's mail
    settings pointed at it."""
    inbox = _Inbox()
    port = free_port()
    controller = Controller(inbox, hostname="127.0.0.1", port=port, authenticator=_authenticate, **tls)
    controller.start()
    settings = {
        "SMTP_HOST": "127.0.0.1", "SMTP_PORT": str(port), "SMTP_USER": "reports", "SMTP_PASSWORD": "s3cret",
        "REPORT_FROM": "wh@center.example", "REPORT_TO": "boss@center.example, ops@center.example",
        "REPORT_RETRY_SECONDS": "0", **settings,
    }  # fmt: skip
    for name, value in settings.items():
        monkeypatch.setenv(name, value)
    monkeypatch.delenv("REPORT_WEBHOOK_URL", raising=False)
    return inbox, controller


@pytest.fixture
def smtp_server(monkeypatch):
    """Plain SMTP (a relay inside the center's network)."""
    inbox, controller = _serve_mail(monkeypatch, {"SMTP_STARTTLS": "false"}, auth_require_tls=False)
    yield inbox
    controller.stop()


@pytest.fixture(params=["starttls", "ssl"])
def tls_smtp_server(request, monkeypatch, tmp_path):
    """SMTP over TLS as a mail provider runs it: STARTTLS required before login (port 587's way),
    or TLS from the first byte (port 465's way, SMTP_SSL), with a certificate from an authority
    the client is told to trust (SSL_CERT_FILE, as for a private mail relay). Yields the inbox
    and the authority's file."""
    authority = trustme.CA()
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    authority.issue_cert("127.0.0.1").configure_cert(context)
    trusted = tmp_path / "mail-ca.pem"
    authority.cert_pem.write_to_path(str(trusted))
    monkeypatch.setenv("SSL_CERT_FILE", str(trusted))
    if request.param == "starttls":
        inbox, controller = _serve_mail(
            monkeypatch, {"SMTP_STARTTLS": "true"}, tls_context=context, require_starttls=True
        )
    else:
        # aiosmtpd does not see its own implicit TLS when deciding whether to offer AUTH
        # (aio-libs/aiosmtpd#281): the connection is TLS from the first byte all the same.
        inbox, controller = _serve_mail(
            monkeypatch, {"SMTP_SSL": "true"}, ssl_context=context, auth_require_tls=False
        )
    yield inbox
    controller.stop()


class _Hook(BaseHTTPRequestHandler):
    """A chat robot: answers each POST with the next of `answers` (then 200 and errcode 0)."""

    answers: list[tuple[int, dict]]
    received: list[dict]

    def do_POST(self):
        body = self.rfile.read(int(self.headers["Content-Length"]))
        type(self).received.append(json.loads(body))
        status, answer = type(self).answers.pop(0) if type(self).answers else (200, {"errcode": 0})
        self.send_response(status)
        self.send_header("Content-Type", "application/json")
        self.end_headers()
        self.wfile.write(json.dumps(answer).encode())

    def log_message(self, *args):
        pass


@pytest.fixture
def webhook_server(monkeypatch):
    _Hook.answers, _Hook.received = [], []
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Hook)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    monkeypatch.setenv("REPORT_WEBHOOK_URL", f"http://127.0.0.1:{server.server_address[1]}/robot/send?key=k")
    monkeypatch.setenv("REPORT_RETRY_SECONDS", "0")
    for name in ("SMTP_HOST", "REPORT_WEBHOOK_KIND"):
        monkeypatch.delenv(name, raising=False)
    yield _Hook
    server.shutdown()
