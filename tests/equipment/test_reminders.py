"""`passnum remind` e-mails due-soon and overdue borrowers once, through a real SMTP server."""

from __future__ import annotations

import dataclasses
import socket
from collections.abc import Iterator
from email import message_from_bytes, policy

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.handlers import Message
from click.testing import CliRunner

from equipment import followup, schemas
from equipment.handover import check_out_loan
from equipment.tables import Loan
from passnum.settings import get_settings
from tests.equipment.conftest import TODAY, Fleet, day


class Inbox(Message):
    def __init__(self) -> None:
        super().__init__()
        self.messages: list = []

    def handle_message(self, message) -> None:
        self.messages.append(message_from_bytes(message.as_bytes(), policy=policy.default))


@pytest.fixture
def smtp(monkeypatch: pytest.MonkeyPatch) -> Iterator[Inbox]:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    inbox = Inbox()
    server = Controller(inbox, hostname="127.0.0.1", port=port)
    server.start()
    settings = dataclasses.replace(
        get_settings(), smtp_host="127.0.0.1", smtp_port=port, smtp_sender="parc@manche.test"
    )
    monkeypatch.setattr(followup, "get_settings", lambda: settings)
    yield inbox
    server.stop()


async def _out_loan(fleet: Fleet, tag: str, due_offset: int) -> str:
    """A loan handed over today, then its dates moved as if time had passed."""
    loan = await fleet.reserve([tag], TODAY, day(1))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=tag)])
    await Loan.update({Loan.start_date: day(-20), Loan.due_date: day(due_offset)}).where(
        Loan.id == loan.id
    )
    return loan.number


async def test_due_soon_and_overdue_borrowers_get_one_email_each(fleet: Fleet, smtp: Inbox) -> None:
    overdue = await _out_loan(fleet, fleet.tags[0], -3)
    due_soon = await _out_loan(fleet, fleet.tags[1], 1)
    await _out_loan(fleet, fleet.tags[2], 10)
    assert [loan.number for loan in await followup.overdue_loans()] == [overdue]
    assert [loan.number for loan in await followup.due_soon_loans()] == [due_soon]

    report = await followup.send_reminders()
    assert len(report.sent) == 2 and report.failed == []
    mails = {m["Subject"]: m for m in smtp.messages}
    assert len(mails) == 2
    late = next(m for s, m in mails.items() if overdue in s)
    assert "à rendre depuis le" in late["Subject"]
    assert late["To"] == "claire.lebrun@tessy.test"
    body = late.get_body().get_content()
    assert fleet.tags[0] in body and "Bonjour Claire Lebrun" in body

    again = await followup.send_reminders()
    assert again.sent == [] and sorted(again.skipped) == sorted([overdue, due_soon])
    assert len(smtp.messages) == 2


async def test_without_smtp_settings_remind_sends_nothing(fleet: Fleet) -> None:
    await _out_loan(fleet, fleet.tags[0], -3)
    report = await followup.send_reminders()
    assert report.sent == [] and report.skipped == []


async def test_an_unreachable_server_is_retried_on_the_next_run(
    fleet: Fleet, smtp: Inbox, monkeypatch: pytest.MonkeyPatch
) -> None:
    number = await _out_loan(fleet, fleet.tags[0], -3)
    working = followup.get_settings()
    broken = dataclasses.replace(working, smtp_port=1)
    monkeypatch.setattr(followup, "get_settings", lambda: broken)
    assert (await followup.send_reminders()).failed[0].startswith(number)
    monkeypatch.setattr(followup, "get_settings", lambda: working)
    assert len((await followup.send_reminders()).sent) == 1
    assert len(smtp.messages) == 1


def test_remind_command_is_exported() -> None:
    from equipment.cli import COMMANDS

    names = {command.name for command in COMMANDS}
    assert {"remind", "import-items"} <= names
    result = CliRunner().invoke(next(c for c in COMMANDS if c.name == "remind"), ["--help"])
    assert result.exit_code == 0
