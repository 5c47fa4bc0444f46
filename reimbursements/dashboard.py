"""The funder's dashboard: per print run, what became of its booklets and cheques, the days left,
the end-of-validity alerts, and its joint statement and credit note once they exist.

Figures come from the joint statement's own computation (:func:`reimbursements.joint.
compute_figures`, the stored ones once established); alerts from vouchers' timeline table.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from passnum import clock
from passnum.auth.actor import Actor
from reimbursements.joint import Figures, _stored_figures, compute_figures, visible_funders
from reimbursements.tables import CreditNote, JointStatement
from vouchers.choices import BatchStatus
from vouchers.tables import Batch, ValidityAlert


@dataclass(frozen=True)
class RunCard:
    batch_id: int
    label: str
    funder: str
    status: str
    valid_until: date
    days_left: int
    figures: Figures
    alerts: list[int]  # the steps (30, 15, 7) raised for the funder
    blocking_confirmed: bool
    joint_state: str | None
    credit_note_id: int | None
    credit_note_number: str | None


async def funder_dashboard(actor: Actor) -> list[RunCard]:
    funders = visible_funders(actor)
    query = Batch.select(*Batch.all_columns(), Batch.funder.name.as_alias("funder_name")).where(
        Batch.status == BatchStatus.active.value
    )
    if funders is not None:
        query = query.where(Batch.funder.is_in(list(funders) or [0]))
    batches = await query.order_by(Batch.valid_until, ascending=False)
    today = clock.today()
    cards = []
    for b in batches:
        joint = await JointStatement.select().where(JointStatement.batch == b["id"]).first()
        note = (
            await CreditNote.select(CreditNote.id, CreditNote.number)
            .where(CreditNote.batch == b["id"])
            .first()
        )
        alerts = await ValidityAlert.select(
            ValidityAlert.days_before, ValidityAlert.confirmed_at
        ).where((ValidityAlert.batch == b["id"]) & (ValidityAlert.organisation == b["funder"]))
        figures = (
            _stored_figures(joint)
            if joint
            else await compute_figures(b["id"], b["face_value_cents"])
        )
        cards.append(
            RunCard(
                batch_id=b["id"],
                label=b["label"],
                funder=b["funder_name"],
                status=b["status"],
                valid_until=b["valid_until"],
                days_left=(b["valid_until"] - today).days,
                figures=figures,
                alerts=sorted((a["days_before"] for a in alerts), reverse=True),
                blocking_confirmed=any(a["confirmed_at"] for a in alerts),
                joint_state=joint["state"] if joint else None,
                credit_note_id=note["id"] if note else None,
                credit_note_number=note["number"] if note else None,
            )
        )
    return cards
