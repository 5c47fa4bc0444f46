"""End of validity: per funder, cheques never redeemed once a print run's grace period is over.

Computed on demand from the dates (nothing is stored, so it is never stale): the funder claims the
face value of those cheques back as a credit note (avoir).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

from passnum import clock
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.errors import DomainError
from printing.credit_notes import CreditNoteData, CreditNoteLine
from vouchers.choices import ChequeStatus
from vouchers.tables import Batch


@dataclass
class FunderCredit:
    funder_id: int
    funder_name: str
    lines: list[CreditNoteLine] = field(default_factory=list)

    @property
    def total_unused(self) -> int:
        return sum(line.unused for line in self.lines)

    @property
    def total_cents(self) -> int:
        return sum(line.amount_cents for line in self.lines)

    def document(self, operator_name: str, today: date) -> CreditNoteData:
        return CreditNoteData(
            self.funder_name, operator_name, self.lines, self.total_unused, self.total_cents, today
        )


def visible_funders(actor: Actor) -> frozenset[int] | None:
    """None for staff (every funder); funder users see their own organisations only."""
    if actor.is_staff:
        return None
    if actor.has_role(Role.funder):
        return actor.organisation_ids(Role.funder)
    raise DomainError("forbidden", "Les avoirs concernent le Département et les financeurs.", 403)


async def credit_notes(actor: Actor, today: date | None = None) -> list[FunderCredit]:
    """Every funder's credit note over its print runs whose grace period has ended."""
    today = today or clock.today()
    funders = visible_funders(actor)
    batches = await Batch.select(Batch.id, Batch.valid_until, Batch.grace_days, Batch.funder).where(
        Batch.status == "active"
    )
    ended = [
        b["id"]
        for b in batches
        if b["valid_until"] + timedelta(days=b["grace_days"]) < today
        and (funders is None or b["funder"] in funders)
    ]
    if not ended:
        return []
    marks = ", ".join("{}" for _ in ended)
    rows = await Batch.raw(
        "SELECT b.id AS batch_id, b.label AS label, b.valid_until AS valid_until, "  # noqa: S608 (only "{}" placeholders are interpolated)
        "b.grace_days AS grace_days, b.face_value_cents AS face_value_cents, "
        "o.id AS funder_id, o.name AS funder_name, count(c.id) AS cheques, "
        f"sum(CASE WHEN c.status = '{ChequeStatus.redeemed}' THEN 0 ELSE 1 END) AS unused "
        "FROM batch b JOIN organisation o ON o.id = b.funder "
        "JOIN booklet k ON k.batch = b.id JOIN cheque c ON c.booklet = k.id "
        f"WHERE b.id IN ({marks}) "
        "GROUP BY b.id, b.label, b.valid_until, b.grace_days, b.face_value_cents, o.id, o.name "
        "ORDER BY o.name, b.valid_until, b.id",
        *ended,
    )
    notes: dict[int, FunderCredit] = {}
    for r in rows:
        note = notes.setdefault(r["funder_id"], FunderCredit(r["funder_id"], r["funder_name"]))
        valid_until = r["valid_until"]
        if isinstance(valid_until, str):
            valid_until = date.fromisoformat(valid_until)
        unused = int(r["unused"] or 0)
        note.lines.append(
            CreditNoteLine(
                batch_label=r["label"],
                accepted_until=valid_until + timedelta(days=r["grace_days"]),
                cheques=int(r["cheques"]),
                unused=unused,
                face_value_cents=r["face_value_cents"],
                amount_cents=unused * r["face_value_cents"],
            )
        )
    return list(notes.values())


async def credit_note_for(actor: Actor, funder_id: int) -> FunderCredit:
    for note in await credit_notes(actor):
        if note.funder_id == funder_id:
            return note
    raise DomainError("not_found", "Aucun avoir pour ce financeur : aucun tirage n'est échu.", 404)
