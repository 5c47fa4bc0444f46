"""Credit notes (avoirs): the face value of a run's unused cheques, given back to its funder.

A credit note is created, as a draft, from the run's *agreed* joint statement
(:mod:`reimbursements.joint`) and copies its amount once: nothing ever updates it. Issuing gives
it the year's next number (``AV-2027-0001``, :mod:`reimbursements.numbering`, gap-free and unique
however many are issued at once) and keeps its PDF in the document storage; settling records the
day and reference of the refund. Each step is dated and in the audit trail:
draft → issued → settled.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from passnum import audit, audit_view, clock, storage, vocabulary
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from reimbursements.errors import refuse
from reimbursements.joint import joint_statement, visible_funders
from reimbursements.numbering import next_number
from reimbursements.tables import (
    CreditNote,
    CreditNoteState,
    JointStatement,
    JointStatementState,
)

PREFIX = "AV"
STATE_LABELS = {"draft": "Brouillon", "issued": "Émis", "settled": "Réglé"}
credit_note_state_label = vocabulary.define("credit_note_state", STATE_LABELS)
for _entity in ("statement", "credit_note", "joint_statement"):
    audit_view.describe_fields(
        _entity,
        {
            "number": audit_view.Field("Numéro"),
            "batch": audit_view.Field("Tirage"),
            "cheques_unused": audit_view.Field("Chèques non utilisés"),
        },
    )


def _require_staff(actor: Actor) -> None:
    if not actor.is_staff:
        raise refuse("forbidden.credit_notes_staff")


def pdf_key(number: str) -> str:
    return f"reimbursements/avoirs/{number}.pdf"


def notes_query() -> Any:
    return CreditNote.objects(CreditNote.batch, CreditNote.funder).order_by(CreditNote.id)


async def list_credit_notes(actor: Actor) -> list[CreditNote]:
    funders = visible_funders(actor)
    query = notes_query()
    if funders is not None:
        query = query.where(CreditNote.funder.is_in(list(funders) or [0]))
    return await query


async def get_credit_note(actor: Actor, note_id: int) -> CreditNote:
    funders = visible_funders(actor)
    note = await notes_query().where(CreditNote.id == note_id).first()
    if note is None or (funders is not None and note.funder.id not in funders):
        raise refuse("not_found.credit_note")
    return note


async def create_from_joint_statement(actor: Actor, batch_id: int) -> CreditNote:
    """Staff create the run's draft credit note from its agreed joint statement (once)."""
    _require_staff(actor)
    view = await joint_statement(actor, batch_id)
    async with write_transaction():
        joint = await JointStatement.select().where(JointStatement.batch == batch_id).first()
        if joint is None or joint["state"] != JointStatementState.agreed.value:
            raise refuse("joint_statement_not_agreed")
        made = await CreditNote.raw(
            "INSERT INTO credit_note (joint_statement, batch, funder, state, unused_cheques, "
            "face_value_cents, amount_cents, created_at, created_by, issued_by, "
            "settlement_reference) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, '', '') "
            "ON CONFLICT (joint_statement) DO NOTHING RETURNING id",
            joint["id"],
            batch_id,
            view.funder_id,
            CreditNoteState.draft.value,
            joint["cheques_unused"],
            joint["face_value_cents"],
            joint["unused_cents"],
            clock.stamp(),
            actor.email,
        )
        if not made:
            raise refuse("credit_note_exists")
        await audit.record(
            actor,
            "create",
            "credit_note",
            made[0]["id"],
            {"total_cents": joint["unused_cents"], "batch": batch_id},
        )
    return await get_credit_note(actor, made[0]["id"])


async def issue(actor: Actor, note_id: int) -> CreditNote:
    """A draft becomes an issued, numbered document; its PDF is kept after commit."""
    _require_staff(actor)
    today = clock.today()
    async with write_transaction():
        done = (
            await CreditNote.update(
                {
                    CreditNote.state: CreditNoteState.issued.value,
                    CreditNote.issued_at: clock.stamp(),
                    CreditNote.issued_by: actor.display_name or actor.email,
                }
            )
            .where((CreditNote.id == note_id) & (CreditNote.state == CreditNoteState.draft.value))
            .returning(CreditNote.id, CreditNote.amount_cents)
        )
        if not done:
            await get_credit_note(actor, note_id)  # 404 when there is none
            raise refuse("credit_note_not_draft")
        number = await next_number(PREFIX, today.year)  # last: a refusal spends no number
        await CreditNote.update({CreditNote.number: number}).where(CreditNote.id == note_id)
        await audit.record(
            actor,
            "issue",
            "credit_note",
            note_id,
            {"number": number, "total_cents": done[0]["amount_cents"]},
        )
    note = await get_credit_note(actor, note_id)
    await keep_pdf(note)
    return note


async def settle(actor: Actor, note_id: int, settled_on: date, reference: str) -> CreditNote:
    """Record the refund of an issued credit note (day and accounting reference)."""
    _require_staff(actor)
    reference = reference.strip()
    if not reference:
        raise refuse("invalid.settlement_reference")
    if settled_on > clock.today():
        raise refuse("invalid.settlement_in_future")
    async with write_transaction():
        done = (
            await CreditNote.update(
                {
                    CreditNote.state: CreditNoteState.settled.value,
                    CreditNote.settled_at: clock.stamp(),
                    CreditNote.settled_on: settled_on,
                    CreditNote.settlement_reference: reference[:100],
                }
            )
            .where((CreditNote.id == note_id) & (CreditNote.state == CreditNoteState.issued.value))
            .returning(CreditNote.id)
        )
        if not done:
            await get_credit_note(actor, note_id)
            raise refuse("credit_note_not_issued")
        await audit.record(
            actor,
            "settle",
            "credit_note",
            note_id,
            {"paid_on": settled_on.isoformat(), "reference": reference},
        )
    return await get_credit_note(actor, note_id)


async def keep_pdf(note: CreditNote) -> storage.StoredDocument:
    from reimbursements.documents import credit_note_pdf  # documents imports this module

    pdf = await credit_note_pdf(note)
    return await storage.put(pdf_key(note.number), [pdf], "application/pdf")


async def issued_pdf(note: CreditNote) -> bytes:
    """An issued credit note's PDF as kept at issue (kept again if it went missing)."""
    key = pdf_key(note.number)
    if not await storage.exists(key):
        await keep_pdf(note)
    return b"".join([chunk async for chunk in await storage.open(key)])
