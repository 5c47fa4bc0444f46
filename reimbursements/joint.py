"""The joint statement (état contradictoire) of a print run, once its grace period is over.

APTIC practice: after the last day a handed-out cheque is accepted, the operator and the funder
agree on what became of the run — booklets issued, handed out (« injectés »), started, cheques used
and unused, with amounts — and the credit note for the unused cheques is made from those figures.

The figures are computed from the cheques in SQL (:data:`FIGURES_SQL`) until the operator
*establishes* the statement: they are then stored and never recomputed, so the funder agrees on
exactly what it read and the credit note follows from that. The funder's users agree it
(or staff record the funder's written agreement).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from passnum import audit, clock, vocabulary
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from passnum.fr import format_date
from reimbursements.errors import refuse
from reimbursements.tables import JointStatement, JointStatementState
from vouchers.choices import BatchStatus, ChequeStatus
from vouchers.rules import accepted_until
from vouchers.tables import Batch

NOT_ESTABLISHED = "not_established"
STATE_LABELS = {
    NOT_ESTABLISHED: "À établir",
    JointStatementState.established.value: "Établi, en attente de l'accord du financeur",
    JointStatementState.agreed.value: "Accepté par le financeur",
}
joint_statement_state_label = vocabulary.define("joint_statement_state", STATE_LABELS)

FIGURES_SQL = (
    "SELECT count(*) AS cheques, "  # noqa: S608 - constants from the owning app's enum
    f"coalesce(sum(CASE WHEN c.status = '{ChequeStatus.redeemed}' THEN 1 ELSE 0 END), 0) AS used, "
    f"count(DISTINCT CASE WHEN c.status = '{ChequeStatus.redeemed}' THEN c.booklet END) "
    "AS started FROM cheque c JOIN booklet k ON k.id = c.booklet WHERE k.batch = {}"
)
BOOKLETS_SQL = (
    "SELECT count(*) AS booklets, "
    "coalesce(sum(CASE WHEN issued_at IS NOT NULL THEN 1 ELSE 0 END), 0) AS handed_out "
    "FROM booklet WHERE batch = {}"
)


@dataclass(frozen=True)
class Figures:
    booklets_issued: int
    booklets_handed_out: int
    booklets_started: int
    cheques: int
    cheques_used: int
    cheques_unused: int
    face_value_cents: int

    @property
    def used_cents(self) -> int:
        return self.cheques_used * self.face_value_cents

    @property
    def unused_cents(self) -> int:
        return self.cheques_unused * self.face_value_cents


@dataclass(frozen=True)
class JointView:
    """A run's joint statement as pages, PDF, CSV and the API show it."""

    batch_id: int
    batch_label: str
    funder_id: int
    funder_name: str
    valid_from: date
    valid_until: date
    grace_days: int
    accepted_until: date
    paid_amount_cents: int | None
    payment_reference: str
    state: str
    figures: Figures
    established_at: datetime | None = None
    established_by: str = ""
    agreed_at: datetime | None = None
    agreed_by: str = ""

    @property
    def state_label(self) -> str:
        return joint_statement_state_label(self.state)


def visible_funders(actor: Actor) -> frozenset[int] | None:
    """None for staff (every funder); funder users see their own organisations only."""
    if actor.is_staff:
        return None
    if actor.has_role(Role.funder):
        return actor.organisation_ids(Role.funder)
    raise refuse("forbidden.funders_only")


async def _batch(actor: Actor, batch_id: int) -> dict:
    funders = visible_funders(actor)
    rows = await Batch.select(
        *Batch.all_columns(), Batch.funder.name.as_alias("funder_name")
    ).where(Batch.id == batch_id)
    if not rows or (funders is not None and rows[0]["funder"] not in funders):
        raise refuse("not_found.batch")
    return rows[0]


async def compute_figures(batch_id: int, face_value_cents: int) -> Figures:
    booklets = (await Batch.raw(BOOKLETS_SQL, batch_id))[0]
    cheques = (await Batch.raw(FIGURES_SQL, batch_id))[0]
    total, used = int(cheques["cheques"]), int(cheques["used"])
    return Figures(
        booklets_issued=int(booklets["booklets"]),
        booklets_handed_out=int(booklets["handed_out"]),
        booklets_started=int(cheques["started"]),
        cheques=total,
        cheques_used=used,
        cheques_unused=total - used,
        face_value_cents=face_value_cents,
    )


def _stored_figures(row: dict) -> Figures:
    return Figures(
        booklets_issued=row["booklets_issued"],
        booklets_handed_out=row["booklets_handed_out"],
        booklets_started=row["booklets_started"],
        cheques=row["cheques"],
        cheques_used=row["cheques_used"],
        cheques_unused=row["cheques_unused"],
        face_value_cents=row["face_value_cents"],
    )


def _grace_over(batch: dict, today: date) -> date:
    """The last day the run's cheques were accepted; refused while it is today or later."""
    last = accepted_until(batch["valid_until"], batch["grace_days"])
    if last >= today:
        raise refuse("grace_not_over", _last=format_date(last))
    return last


async def joint_statement(actor: Actor, batch_id: int) -> JointView:
    """The run's joint statement: stored once established, else computed now."""
    batch = await _batch(actor, batch_id)
    last = accepted_until(batch["valid_until"], batch["grace_days"])
    stored = await JointStatement.select().where(JointStatement.batch == batch_id).first()
    if stored:
        figures = _stored_figures(stored)
    else:
        figures = await compute_figures(batch_id, batch["face_value_cents"])
    return JointView(
        batch_id=batch_id,
        batch_label=batch["label"],
        funder_id=batch["funder"],
        funder_name=batch["funder_name"],
        valid_from=batch["valid_from"],
        valid_until=batch["valid_until"],
        grace_days=batch["grace_days"],
        accepted_until=last,
        paid_amount_cents=batch["paid_amount_cents"],
        payment_reference=batch["payment_reference"],
        state=stored["state"] if stored else NOT_ESTABLISHED,
        figures=figures,
        established_at=stored["established_at"] if stored else None,
        established_by=stored["established_by"] if stored else "",
        agreed_at=stored["agreed_at"] if stored else None,
        agreed_by=stored["agreed_by"] if stored else "",
    )


async def establish(actor: Actor, batch_id: int) -> JointView:
    """Staff freeze the run's figures (after its grace period); safe to repeat."""
    if not actor.is_staff:
        raise refuse("forbidden.establish_staff")
    batch = await _batch(actor, batch_id)
    if batch["status"] != BatchStatus.active.value:
        raise refuse("batch_not_active")
    _grace_over(batch, clock.today())
    async with write_transaction():
        figures = await compute_figures(batch_id, batch["face_value_cents"])
        made = await JointStatement.raw(
            "INSERT INTO joint_statement (batch, funder, state, face_value_cents, "
            "booklets_issued, booklets_handed_out, booklets_started, cheques, cheques_used, "
            "cheques_unused, used_cents, unused_cents, established_at, established_by, "
            "agreed_by) VALUES ({}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, {}, '') "
            "ON CONFLICT (batch) DO NOTHING RETURNING id",
            batch_id,
            batch["funder"],
            JointStatementState.established.value,
            figures.face_value_cents,
            figures.booklets_issued,
            figures.booklets_handed_out,
            figures.booklets_started,
            figures.cheques,
            figures.cheques_used,
            figures.cheques_unused,
            figures.used_cents,
            figures.unused_cents,
            clock.stamp(),
            actor.email,
        )
        if made:
            await audit.record(
                actor,
                "establish",
                "joint_statement",
                batch_id,
                {"cheques_unused": figures.cheques_unused, "total_cents": figures.unused_cents},
            )
    return await joint_statement(actor, batch_id)


async def agree(actor: Actor, batch_id: int) -> JointView:
    """The funder agrees the established figures (staff may record its written agreement)."""
    view = await joint_statement(actor, batch_id)  # the funder's own runs only
    if not (actor.is_staff or actor.has_role(Role.funder)):
        raise refuse("forbidden.agree_funder")
    async with write_transaction():
        done = (
            await JointStatement.update(
                {
                    JointStatement.state: JointStatementState.agreed.value,
                    JointStatement.agreed_at: clock.stamp(),
                    JointStatement.agreed_by: actor.email,
                }
            )
            .where(
                (JointStatement.batch == batch_id)
                & (JointStatement.state == JointStatementState.established.value)
            )
            .returning(JointStatement.id)
        )
        if not done:
            if view.state == NOT_ESTABLISHED:
                raise refuse("joint_statement_not_established")
            raise refuse("joint_statement_agreed")
        await audit.record(actor, "agree", "joint_statement", batch_id, {})
    return await joint_statement(actor, batch_id)


async def ended_runs(actor: Actor, today: date | None = None) -> list[JointView]:
    """Every active run (visible to the actor) whose grace period is over, oldest end first."""
    today = today or clock.today()
    funders = visible_funders(actor)
    rows = await Batch.select(Batch.id, Batch.valid_until, Batch.grace_days, Batch.funder).where(
        Batch.status == BatchStatus.active.value
    )
    ended = [
        r
        for r in rows
        if accepted_until(r["valid_until"], r["grace_days"]) < today
        and (funders is None or r["funder"] in funders)
    ]
    ended.sort(key=lambda r: (r["valid_until"], r["id"]))
    return [await joint_statement(actor, r["id"]) for r in ended]
