"""Payment runs (virements): submitted statements paid together, from files the bank and the
treasury take as they are.

Staff pick submitted statements; the run pays each site on the account its statement named (the
bank details version copied at submission, else the one in force today). Sites paid by transfer
go into one SEPA credit transfer file (pain.001.001.03, built by ``sepaxml`` and checked against
the official XSD it bundles); sites paid through the treasury (a public body's régie) go into a
CSV of mandates for the public accounting software. Both files are kept in the document storage.

The database keeps the promise that a statement is never in two runs: ``payment_run_item.statement``
is UNIQUE, so of two runs created at the same moment with the same statement, one is refused.
Marking the run paid marks each of its statements paid with the run's reference (VR-2026-0001),
through the statements' own :func:`reimbursements.statements.record_payment`.

A run prepared by mistake (wrong statements, a file the bank rejected, a wrong execution date) is
cancelled while it is prepared (:func:`cancel_run`): its items move to
``payment_run_released_item``, which frees its statements for another run, and the run keeps its
reference (numbers are never given again), its kept files and the list of what it held. Paying
and cancelling both switch the run with one conditional ``UPDATE … WHERE state = 'prepared'``: of
the two at the same moment, the database lets exactly one through (PostgreSQL's row lock, SQLite's
single writer), and the loser re-reads the state to say what happened.
"""

from __future__ import annotations

import asyncio
import sqlite3
import uuid
from dataclasses import dataclass
from datetime import date, timedelta

import asyncpg
from sepaxml import SepaTransfer

from organisations.bank_details import bank_details_in_force_for
from organisations.tables import BankDetailsEntry
from passnum import audit, audit_view, clock, storage, vocabulary
from passnum.auth.actor import Actor
from passnum.csvout import csv_bytes, euros
from passnum.db import write_transaction
from passnum.errors import DomainError
from passnum.fr import format_date, format_month, mask_iban
from passnum.settings import get_settings
from reimbursements.errors import refuse
from reimbursements.numbering import next_number
from reimbursements.statements import record_payment, require_staff
from reimbursements.tables import (
    PaymentRun,
    PaymentRunItem,
    PaymentRunState,
    Statement,
    StatementStatus,
)

PREFIX = "VR"
MAX_AT_ONCE = 500
SEPA_SCHEMA = "pain.001.001.03"
SEPA_MEDIA_TYPE = "application/xml"
CSV_HEADER = ("Numéro", "SIRET", "Nom", "IBAN", "Montant", "Période")

STATE_LABELS = {"prepared": "Préparé", "paid": "Payé", "cancelled": "Annulé"}
payment_run_state_label = vocabulary.define("payment_run_state", STATE_LABELS)
audit_view.describe_fields("payment_run", {"released": audit_view.Field("Relevés libérés")})
REASON_LENGTH = 500  # characters of a cancellation's reason kept


def sepa_key(reference: str) -> str:
    return f"reimbursements/virements/{reference}-sepa.xml"


def csv_key(reference: str) -> str:
    return f"reimbursements/virements/{reference}-mandats.csv"


@dataclass(frozen=True)
class RunLine:
    """One statement of a run, with the account it is paid on (whole IBAN: staff only)."""

    statement_id: int
    number: str
    site_id: int
    site: str
    siret: str
    period_start: date
    period_end: date
    amount_cents: int
    treasury: bool
    holder: str
    iban: str
    bic: str

    @property
    def iban_masked(self) -> str:
        return mask_iban(self.iban)


def _period(line: RunLine) -> str:
    return f"{format_date(line.period_start)} au {format_date(line.period_end)}"


async def _accounts(statements: list[dict]) -> dict[int, dict]:
    """Per statement, the approved bank details it is paid on: the version it named, else (none
    named at submission) the site's details in force today."""
    named = {s["bank_details_id"] for s in statements if s["bank_details_id"]}
    rows = {}
    if named:
        for row in await BankDetailsEntry.select(
            BankDetailsEntry.id,
            BankDetailsEntry.iban,
            BankDetailsEntry.bic,
            BankDetailsEntry.holder,
            BankDetailsEntry.regie,
            BankDetailsEntry.status,
        ).where(BankDetailsEntry.id.is_in(list(named))):
            if row["status"] == "approved":
                rows[row["id"]] = row
    unnamed = {s["site"] for s in statements if not s["bank_details_id"]}
    in_force = await bank_details_in_force_for(unnamed, clock.today()) if unnamed else {}
    found = {}
    for s in statements:
        if s["bank_details_id"] in rows:
            found[s["id"]] = rows[s["bank_details_id"]]
        elif not s["bank_details_id"] and s["site"] in in_force:
            d = in_force[s["site"]]
            found[s["id"]] = {
                "id": d.id,
                "iban": d.iban,
                "bic": d.bic,
                "holder": d.holder,
                "regie": d.regie,
            }
    return found


async def create_run(
    actor: Actor, statement_ids: list[int], execution_date: date | None = None
) -> PaymentRun:
    """A run of these submitted statements (all or none), its files built and kept."""
    require_staff(actor)
    ids = sorted(set(statement_ids))
    if not ids or len(ids) > MAX_AT_ONCE:
        raise refuse("invalid.run_size", _most=MAX_AT_ONCE)
    today = clock.today()
    execution_date = execution_date or today + timedelta(days=1)
    if execution_date < today:
        raise refuse("invalid.execution_in_past")
    try:
        async with write_transaction():
            run = await _create(actor, ids, execution_date)
    except (asyncpg.exceptions.UniqueViolationError, sqlite3.IntegrityError) as exc:
        raise _already_in_run() from exc
    await keep_files(run.id)
    return run


def _already_in_run() -> DomainError:
    return refuse("already_in_run")


async def _create(actor: Actor, ids: list[int], execution_date: date) -> PaymentRun:
    statements = await Statement.select(
        Statement.id,
        Statement.number,
        Statement.site,
        Statement.site.name,
        Statement.status,
        Statement.total_cents,
        Statement.bank_details_id,
    ).where(Statement.id.is_in(ids))
    submitted = [s for s in statements if s["status"] == StatementStatus.submitted.value]
    if len(submitted) != len(ids):
        missing = sorted(set(ids) - {s["id"] for s in submitted})
        raise refuse("not_submitted.run", _missing=len(missing), statement_ids=missing)
    empty = sorted(s["number"] for s in submitted if s["total_cents"] <= 0)
    if empty:
        raise refuse("nothing_to_pay", _numbers=", ".join(empty))
    if await PaymentRunItem.exists().where(PaymentRunItem.statement.is_in(ids)):
        raise _already_in_run()
    accounts = await _accounts(submitted)
    unpaid = sorted({s["site.name"] for s in submitted if s["id"] not in accounts})
    if unpaid:
        raise refuse(
            "no_bank_details", _names=", ".join(f"« {name} »" for name in unpaid), sites=unpaid
        )
    total = sum(s["total_cents"] for s in submitted)
    treasury = sum(s["total_cents"] for s in submitted if accounts[s["id"]]["regie"])
    run = PaymentRun(
        reference=f"tmp-{uuid.uuid4().hex[:12]}",
        statement_count=len(submitted),
        total_cents=total,
        treasury_cents=treasury,
        transfer_cents=total - treasury,
        execution_date=execution_date,
        created_by=actor.display_name or actor.email,
    )
    await run.save()
    await PaymentRunItem.insert(
        *[
            PaymentRunItem(
                run=run.id,
                statement=s["id"],
                bank_details_id=accounts[s["id"]]["id"],
                treasury=bool(accounts[s["id"]]["regie"]),
                amount_cents=s["total_cents"],
            )
            for s in submitted
        ]
    )
    run.reference = await next_number(PREFIX, clock.today().year)  # last: see numbering
    await PaymentRun.update({PaymentRun.reference: run.reference}).where(PaymentRun.id == run.id)
    await audit.record(
        actor,
        "create",
        "payment_run",
        run.id,
        {"reference": run.reference, "statements": len(submitted), "total_cents": total},
    )
    return run


# The statements a run holds, or held before it was cancelled (a run's are all in one or the other).
ITEMS = (
    "(SELECT run, statement, bank_details_id, treasury, amount_cents FROM payment_run_item "
    "UNION ALL SELECT run, statement, bank_details_id, treasury, amount_cents "
    "FROM payment_run_released_item)"
)


async def run_lines(run_id: int) -> list[RunLine]:
    """The statements of the run, also once it is cancelled (what it held)."""
    rows = await PaymentRunItem.raw(
        "SELECT s.id AS statement_id, s.number, s.site AS site_id, o.name AS site, "  # noqa: S608 - a constant (ITEMS)
        "s.site_siret AS siret, s.period_start, s.period_end, i.amount_cents, i.treasury, "
        f"b.holder, b.iban, b.bic FROM {ITEMS} i "
        "JOIN statement s ON s.id = i.statement JOIN organisation o ON o.id = s.site "
        "JOIN bank_details b ON b.id = i.bank_details_id WHERE i.run = {} ORDER BY s.number",
        run_id,
    )
    return [
        RunLine(
            statement_id=r["statement_id"],
            number=r["number"] or "",
            site_id=r["site_id"],
            site=r["site"],
            siret=r["siret"] or "",
            period_start=_as_date(r["period_start"]),
            period_end=_as_date(r["period_end"]),
            amount_cents=r["amount_cents"],
            treasury=bool(r["treasury"]),
            holder=r["holder"],
            iban=r["iban"],
            bic=r["bic"] or "",
        )
        for r in rows
    ]


def _as_date(value: object) -> date:
    return value if isinstance(value, date) else date.fromisoformat(str(value)[:10])


def sepa_xml(run: PaymentRun, lines: list[RunLine]) -> bytes:
    """The SEPA credit transfer file of the run's transfers, valid against the official XSD."""
    settings = get_settings()
    config = {
        "name": settings.operator_name,
        "IBAN": settings.operator_iban,
        "BIC": settings.operator_bic,
        "batch": True,
        "currency": "EUR",
    }
    sepa = SepaTransfer(config, schema=SEPA_SCHEMA, clean=True)
    for line in lines:
        if line.treasury:
            continue
        payment = {
            "name": line.holder[:70],
            "IBAN": line.iban,
            "amount": line.amount_cents,
            "execution_date": _as_date(run.execution_date),
            "description": f"{run.reference} {line.number} relevé de "
            f"{format_month(line.period_start)}",
            "endtoend_id": line.number,
        }
        if line.bic:
            payment["BIC"] = line.bic
        sepa.add_payment(payment)
    return sepa.export(validate=True)


def mandates_csv(lines: list[RunLine]) -> bytes:
    """One line per statement paid through the treasury, for the public accounting software."""
    return csv_bytes(
        CSV_HEADER,
        [
            (line.number, line.siret, line.site, line.iban, euros(line.amount_cents), _period(line))
            for line in lines
            if line.treasury
        ],
    )


async def keep_files(run_id: int) -> None:
    """Build the run's files and keep them in the document storage."""
    run = await PaymentRun.objects().where(PaymentRun.id == run_id).first()
    assert run is not None  # kept right after it is made
    lines = await run_lines(run_id)
    if run.transfer_cents or any(not line.treasury for line in lines):
        xml = await asyncio.to_thread(sepa_xml, run, lines)
        await storage.put(sepa_key(run.reference), [xml], SEPA_MEDIA_TYPE)
    if any(line.treasury for line in lines):
        await storage.put(csv_key(run.reference), [mandates_csv(lines)], "text/csv")


async def kept_file(run: PaymentRun, kind: str) -> bytes:
    """The run's SEPA file (``kind`` "sepa") or mandates CSV ("csv") as kept (built again and
    kept when it went missing); 404 when the run has nothing of that kind."""
    lines = await run_lines(run.id)
    wanted = [line for line in lines if line.treasury == (kind == "csv")]
    if not wanted:
        sepa = kind == "sepa"
        raise refuse("no_such_file.sepa") if sepa else refuse("no_such_file.mandates")
    key = sepa_key(run.reference) if kind == "sepa" else csv_key(run.reference)
    if not await storage.exists(key):
        await keep_files(run.id)
    opened = await storage.open(key)
    return b"".join([chunk async for chunk in opened])


async def get_run(actor: Actor, run_id: int) -> PaymentRun:
    require_staff(actor)
    run = await PaymentRun.objects().where(PaymentRun.id == run_id).first()
    if run is None:
        raise refuse("not_found.run")
    return run


async def mark_paid(actor: Actor, run_id: int, paid_on: date) -> PaymentRun:
    """The bank (or the treasury) paid the run: each statement is paid with its reference."""
    run = await get_run(actor, run_id)
    async with write_transaction():
        switched = (
            await PaymentRun.update(
                {
                    PaymentRun.state: PaymentRunState.paid.value,
                    PaymentRun.paid_on: paid_on,
                    PaymentRun.paid_by: actor.display_name or actor.email,
                }
            )
            .where((PaymentRun.id == run_id) & (PaymentRun.state == PaymentRunState.prepared.value))
            .returning(PaymentRun.id)
        )
        if not switched:
            raise await _not_prepared(run, cancelling=False)
        items = await PaymentRunItem.select(PaymentRunItem.statement).where(
            PaymentRunItem.run == run_id
        )
        for item in items:
            await record_payment(
                actor, item["statement"], paid_on, run.reference, payment_run=run_id
            )
        await audit.record(actor, "pay", "payment_run", run_id, {"paid_on": paid_on.isoformat()})
    return await get_run(actor, run_id)


async def cancel_run(actor: Actor, run_id: int, reason: str) -> PaymentRun:
    """Staff cancel a run not paid yet, saying why: its statements are free to go into another
    run, and the run keeps its reference, its files and what it held (see the module's
    docstring). A paid run is never cancelled."""
    run = await get_run(actor, run_id)
    reason = reason.strip()[:REASON_LENGTH]
    if not reason:
        raise refuse("invalid.cancellation_reason")
    async with write_transaction():
        switched = (
            await PaymentRun.update(
                {
                    PaymentRun.state: PaymentRunState.cancelled.value,
                    PaymentRun.cancelled_at: clock.stamp(),
                    PaymentRun.cancelled_by: actor.display_name or actor.email,
                    PaymentRun.cancellation_reason: reason,
                }
            )
            .where((PaymentRun.id == run_id) & (PaymentRun.state == PaymentRunState.prepared.value))
            .returning(PaymentRun.id)
        )
        if not switched:
            raise await _not_prepared(run, cancelling=True)
        released = await PaymentRunItem.raw(
            "INSERT INTO payment_run_released_item (run, statement, bank_details_id, treasury, "
            "amount_cents) SELECT run, statement, bank_details_id, treasury, amount_cents "
            "FROM payment_run_item WHERE run = {} RETURNING statement",
            run_id,
        )
        await PaymentRunItem.delete().where(PaymentRunItem.run == run_id)
        await audit.record(
            actor,
            "cancel_payment_run",
            "payment_run",
            run_id,
            {"reference": run.reference, "reason": reason, "released": len(released)},
        )
    return await get_run(actor, run_id)


async def _not_prepared(run: PaymentRun, *, cancelling: bool) -> DomainError:
    """Why a run could not be paid or cancelled: it is paid or cancelled, read again after the
    conditional update found it no longer prepared (a request at the same moment may have won)."""
    state = await PaymentRun.select(PaymentRun.state).where(PaymentRun.id == run.id).first()
    if state and state["state"] == PaymentRunState.cancelled.value:
        if cancelling:
            return refuse("run_cancelled.cancel", _reference=run.reference)
        return refuse("run_cancelled", _reference=run.reference)
    if cancelling:
        return refuse("already_paid.cancel", _reference=run.reference)
    return refuse("already_paid", _reference=run.reference)


async def payable_statements() -> list[dict]:
    """Submitted statements in no run yet, with whether their site can be paid."""
    rows = await Statement.raw(
        "SELECT s.id, s.number, s.site, o.name AS site_name, s.period_start, s.total_cents, "  # noqa: S608 - an enum value
        "s.bank_details_id FROM statement s JOIN organisation o ON o.id = s.site "
        f"WHERE s.status = '{StatementStatus.submitted}' "
        "AND NOT EXISTS (SELECT 1 FROM payment_run_item i WHERE i.statement = s.id) "
        "ORDER BY s.number"
    )
    accounts = await _accounts(rows)
    for row in rows:
        row["period_start"] = _as_date(row["period_start"])
        row["payable"] = row["id"] in accounts
        row["treasury"] = bool(accounts[row["id"]]["regie"]) if row["payable"] else False
    return rows


async def run_of(statement_id: int) -> dict | None:
    """The run a statement is in (id, reference, state), or None."""
    return (
        await PaymentRunItem.select(
            PaymentRunItem.run.id.as_alias("id"),
            PaymentRunItem.run.reference.as_alias("reference"),
            PaymentRunItem.run.state.as_alias("state"),
        )
        .where(PaymentRunItem.statement == statement_id)
        .first()
    )


async def cancelled_runs_of(statement_id: int) -> list[dict]:
    """The cancelled runs a statement was in (id, reference, cancelled_at, reason), oldest first."""
    return await PaymentRun.raw(
        "SELECT r.id, r.reference, r.cancelled_at, r.cancellation_reason FROM payment_run r "
        "JOIN payment_run_released_item i ON i.run = r.id WHERE i.statement = {} ORDER BY r.id",
        statement_id,
    )
