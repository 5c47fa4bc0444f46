"""A real local SMTP server (aiosmtpd) for tests that send e-mail through ``passnum.mail``.

Ask for the ``smtp_server`` fixture: passnum's SMTP settings point at the server for the test's
duration, and ``smtp_server.messages`` holds what it received, parsed (``m["Subject"]``,
``m.get_body().get_content()``). ``with smtp_server.down():`` makes the server unreachable for a
moment, to test what a failed sending does. The server starts once per test run (or per xdist
worker), on a free port, and only when a test asks for it.
"""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from email import message_from_bytes, policy
from email.message import EmailMessage
from typing import Any

import pytest
from aiosmtpd.controller import Controller

from tests.env import passnum_env

SENDER = "parc@manche.test"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@dataclass
class Envelope:
    mail_from: str
    rcpt_tos: list[str]


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
        self.envelopes.append(Envelope(envelope.mail_from, list(envelope.rcpt_tos)))
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
