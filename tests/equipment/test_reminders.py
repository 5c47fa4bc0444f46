"""`passnum remind` e-mails due-soon and overdue borrowers once, through a real SMTP server."""

from __future__ import annotations

from click.testing import CliRunner

from equipment import followup, schemas
from equipment.handover import check_out_loan
from equipment.tables import Loan
from tests.equipment.conftest import TODAY, Fleet, day
from tests.smtp_server import SmtpServer


async def _out_loan(fleet: Fleet, tag: str, due_offset: int) -> str:
    """A loan handed over today, then its dates moved as if time had passed."""
    loan = await fleet.reserve([tag], TODAY, day(1))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=tag)])
    await Loan.update({Loan.start_date: day(-20), Loan.due_date: day(due_offset)}).where(
        Loan.id == loan.id
    )
    return loan.number


async def test_due_soon_and_overdue_borrowers_get_one_email_each(
    fleet: Fleet, smtp_server: SmtpServer
) -> None:
    overdue = await _out_loan(fleet, fleet.tags[0], -3)
    due_soon = await _out_loan(fleet, fleet.tags[1], 1)
    await _out_loan(fleet, fleet.tags[2], 10)
    assert [loan.number for loan in await followup.overdue_loans()] == [overdue]
    assert [loan.number for loan in await followup.due_soon_loans()] == [due_soon]

    report = await followup.send_reminders()
    assert len(report.sent) == 2 and report.failed == []
    mails = {m["Subject"]: m for m in smtp_server.messages}
    assert len(mails) == 2
    late = next(m for s, m in mails.items() if overdue in s)
    assert "à rendre depuis le" in late["Subject"]
    assert late["To"] == "claire.lebrun@tessy.test"
    body = late.get_body().get_content()
    assert fleet.tags[0] in body and "Bonjour Claire Lebrun" in body
    assert "Merci de le rapporter au plus vite" in body

    again = await followup.send_reminders()
    assert again.sent == [] and sorted(again.skipped) == sorted([overdue, due_soon])
    assert len(smtp_server.messages) == 2


async def test_without_smtp_settings_remind_sends_nothing(fleet: Fleet) -> None:
    await _out_loan(fleet, fleet.tags[0], -3)
    report = await followup.send_reminders()
    assert report.sent == [] and report.skipped == []


async def test_an_unreachable_server_is_retried_on_the_next_run(
    fleet: Fleet, smtp_server: SmtpServer
) -> None:
    number = await _out_loan(fleet, fleet.tags[0], -3)
    with smtp_server.down():
        assert (await followup.send_reminders()).failed[0].startswith(number)
    assert len((await followup.send_reminders()).sent) == 1
    assert len(smtp_server.messages) == 1


def test_remind_command_is_exported() -> None:
    from equipment.cli import COMMANDS

    names = {command.name for command in COMMANDS}
    assert {"remind", "import-items"} <= names
    result = CliRunner().invoke(next(c for c in COMMANDS if c.name == "remind"), ["--help"])
    assert result.exit_code == 0
