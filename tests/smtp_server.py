"""A real local SMTP server (aiosmtpd) for tests that send e-mail through ``passnum.mail``.

Ask for the ``smtp_server`` fixture: passnum's SMTP settings point at the server for the test's
duration, and ``smtp_server.messages`` holds what it received, parsed (``m["Subject"]``,
``m.get_body().get_content()``). ``with smtp_server.down():`` makes the server unreachable for a
moment, to test what a failed sending does. The server starts once per test run (or per xdist
worker), on a free port, and only when a test asks for it.

``with secure_smtp_server(mode, smtp_certificate) as server:`` starts a server that wants TLS
(``starttls`` or ``tls``, with the self-signed ``smtp_certificate``, trusted by the client for the
block) and a login, and points passnum's settings at it.
"""

from __future__ import annotations

import os
import socket
import ssl
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from tests.env import passnum_env

SENDER = "parc@manche.test"
USER, PASSWORD = "relais-passnum", "mot-de-passe-smtp"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Envelope:
    mail_from: str
    rcpt_tos: list[str]
    tls: bool = False  # the message came over an encrypted connection
    login: str = ""  # the user the client logged in as


@dataclass
class SmtpServer:
    host: str
    port: int
    messages: list[EmailMessage] = field(default_factory=list)
    envelopes: list[Envelope] = field(default_factory=list)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        self.messages.append(
            message_from_bytes(envelope.original_content, policy=policy.default)  # type: ignore[arg-type]
        )
        login = session.auth_data.login.decode() if session.authenticated else ""
        tls = server.transport.get_extra_info("ssl_object") is not None
        self.envelopes.append(Envelope(envelope.mail_from, list(envelope.rcpt_tos), tls, login))
        return "250 Message accepted for delivery"

    @contextmanager
    def down(self) -> Iterator[None]:
        """The settings point at a port where nothing listens, for the block's duration."""
        with passnum_env(SMTP_PORT=str(_free_port())):
            yield


@pytest.fixture(scope="session")
def _smtp_controller() -> Iterator[SmtpServer]:
    server = SmtpServer(host="127.0.0.1", port=_free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


@pytest.fixture
def smtp_server(_smtp_controller: SmtpServer) -> Iterator[SmtpServer]:
    """The local SMTP server, empty, with passnum's settings pointing at it."""
    server = _smtp_controller
    server.messages.clear()
    server.envelopes.clear()
    with passnum_env(SMTP_HOST=server.host, SMTP_PORT=str(server.port), SMTP_SENDER=SENDER):
        yield server


@pytest.fixture(scope="session")
def smtp_certificate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A self-signed certificate for 127.0.0.1 (``cert.pem``, ``key.pem`` in the folder)."""
    folder = tmp_path_factory.mktemp("smtp-tls")
    command = [
        *("openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2"),
        *("-subj", "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"),
        *("-keyout", str(folder / "key.pem"), "-out", str(folder / "cert.pem")),
    ]
    subprocess.run(command, check=True, capture_output=True)
    return folder


@contextmanager
def _trusted(certificate: Path) -> Iterator[None]:
    """Clients' default TLS contexts trust ``certificate`` (OpenSSL reads SSL_CERT_FILE)."""
    saved = os.environ.get("SSL_CERT_FILE")
    os.environ["SSL_CERT_FILE"] = str(certificate)
    try:
        yield
    finally:
        if saved is None:
            os.environ.pop("SSL_CERT_FILE", None)
        else:
            os.environ["SSL_CERT_FILE"] = saved


@contextmanager
def secure_smtp_server(
    mode: str, certificate: Path, password: str = PASSWORD, *, trusted: bool = True
) -> Iterator[SmtpServer]:
    """A server that accepts mail only over TLS (``starttls`` or ``tls``) from ``USER`` with
    ``PASSWORD``; passnum logs in as ``USER`` with ``password``. ``trusted=False``: the client
    does not trust the server's certificate."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    context.load_cert_chain(certificate / "cert.pem", certificate / "key.pem")

    def authenticate(server: Any, session: Any, envelope: Any, mechanism: str, data: Any) -> Any:
        accepted = (data.login, data.password) == (USER.encode(), PASSWORD.encode())
        # handled=False: aiosmtpd answers 535 to a refusal (with its default, handled=True, it
        # answers nothing and the client waited its whole timeout, 30 s, before failing).
        return AuthResult(success=accepted, handled=False, auth_data=data)

    server = SmtpServer(host="127.0.0.1", port=_free_port())
    tls = {"tls_context": context, "require_starttls": True} if mode == "starttls" else {}
    controller = Controller(
        server,
        hostname=server.host,
        port=server.port,
        ssl_context=context if mode == "tls" else None,
        authenticator=authenticate,
        auth_required=True,
        # aiosmtpd counts only STARTTLS as TLS for AUTH; with "tls" the connection is TLS anyway.
        auth_require_tls=mode == "starttls",
        **tls,
    )
    controller.start()
    settings = {
        "SMTP_HOST": server.host,
        "SMTP_PORT": str(server.port),
        "SMTP_SENDER": SENDER,
        "SMTP_TLS": mode,
        "SMTP_USER": USER,
        "SMTP_PASSWORD": password,
    }
    try:
        with passnum_env(**settings):
            if trusted:
                with _trusted(certificate / "cert.pem"):
                    yield server
            else:
                yield server
    finally:
        controller.stop()
