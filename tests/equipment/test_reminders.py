"""`passnum remind` e-mails due-soon and overdue borrowers once, through a real SMTP server."""

from __future__ import annotations

import asyncio
from datetime import datetime, time, timedelta

from click.testing import CliRunner

from equipment import followup, schemas
from equipment.handover import check_in_loan, check_out_loan
from equipment.tables import Loan, ReminderSent
from passnum.fr import format_date
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


async def test_reminders_continue_on_a_schedule_each_sent_once(
    fleet: Fleet, smtp_server: SmtpServer, clock_at
) -> None:
    """2 days before, the day after, then weekly; staff are told after two weeks."""
    loan = await fleet.reserve([fleet.tags[0]], TODAY, day(3))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=fleet.tags[0])])
    due = day(3)

    async def run_on(offset: int) -> list[tuple[str, str]]:
        clock_at(datetime.combine(due + timedelta(days=offset), time(7, 0)))
        before = len(smtp_server.messages)
        await followup.send_reminders()
        again = await followup.send_reminders()  # cron twice the same day: nothing new
        assert again.sent == []
        return [(m["To"], m["Subject"]) for m in smtp_server.messages[before:]]

    assert await run_on(-3) == []
    soon = await run_on(-2)
    assert soon == [
        ("claire.lebrun@tessy.test", f"Prêt {loan.number} : retour prévu le {format_date(due)}")
    ]
    assert await run_on(-1) == [] and await run_on(0) == []
    late = await run_on(1)
    assert [to for to, _ in late] == ["claire.lebrun@tessy.test"]
    assert "à rendre depuis le" in late[0][1]
    assert await run_on(2) == [] and await run_on(7) == []
    week = await run_on(8)
    assert [to for to, _ in week] == ["claire.lebrun@tessy.test"] and "Relance" in week[0][1]
    assert await run_on(13) == []
    staff = await run_on(14)
    assert [to for to, _ in staff] == [fleet.world.staff.email]
    assert "toujours pas rendu" in staff[0][1]
    assert len(await run_on(15)) == 1  # the second weekly reminder, to the borrower
    assert await run_on(16) == []
    weekly = sorted(r["kind"] for r in await ReminderSent.select(ReminderSent.kind))
    assert weekly == ["due_soon", "escalation", "overdue", "weekly_1", "weekly_2"]


async def test_a_returned_loan_gets_no_more_reminders(
    fleet: Fleet, smtp_server: SmtpServer, clock_at
) -> None:
    number = await _out_loan(fleet, fleet.tags[0], -1)
    await check_in_loan(
        fleet.staff, number, [schemas.ReturnLine(item=fleet.tags[0], data_wiped=True)]
    )
    clock_at(datetime.combine(day(7), time(7, 0)))
    assert (await followup.send_reminders()).sent == []
    assert smtp_server.messages == []


async def test_passnum_remind_run_twice_by_cron_sends_each_message_once(
    fleet: Fleet, smtp_server: SmtpServer
) -> None:
    """The command itself (`passnum remind`), twice: the second run sends nothing new."""
    from composition.cli import main

    overdue = await _out_loan(fleet, fleet.tags[0], -3)
    due_soon = await _out_loan(fleet, fleet.tags[1], 1)

    first = await asyncio.to_thread(CliRunner().invoke, main, ["remind"])
    assert first.exit_code == 0, first.output
    assert "2 rappel(s) envoyé(s), 0 déjà envoyé(s)." in first.output
    assert sorted(m["Subject"].split()[1] for m in smtp_server.messages) == sorted(
        [f"{overdue}", f"{due_soon}"]
    )

    second = await asyncio.to_thread(CliRunner().invoke, main, ["remind"])
    assert second.exit_code == 0, second.output
    assert "0 rappel(s) envoyé(s), 2 déjà envoyé(s)." in second.output
    assert len(smtp_server.messages) == 2
    assert await ReminderSent.count() == 2


async def test_the_daily_reminder_task_sends_each_reminder_once_even_queued_twice(
    fleet: Fleet, smtp_server: SmtpServer
) -> None:
    """The cron line is now a periodic task (equipment/tasks.py) run by the workers."""
    from composition.tasks import task_app
    from equipment.tasks import remind
    from passnum import tasks

    task_app()
    await _out_loan(fleet, fleet.tags[0], -3)
    await _out_loan(fleet, fleet.tags[1], 1)
    await remind.defer_async(timestamp=1_800_000_000)
    await remind.defer_async(timestamp=1_800_086_400)  # the next day's tick, nothing new
    await tasks.work_until_idle()
    assert len(smtp_server.messages) == 2
