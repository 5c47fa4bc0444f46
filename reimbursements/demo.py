"""Demo statements and end-of-validity documents (safe to rerun): last month's draft statements,
and for each print run past its grace period the joint statement, agreed, with its draft credit
note."""

from __future__ import annotations

from organisations.actors import load_actor
from organisations.tables import Membership
from passnum import clock
from passnum.auth import Role
from reimbursements import credit_notes, joint
from reimbursements.periods import previous_month
from reimbursements.statements import build_statements
from reimbursements.tables import CreditNote, JointStatementState


async def load_demo() -> None:
    """Build last month's statements, so every demo site with redemptions then has one."""
    await build_statements(previous_month(clock.today()))
    row = (
        await Membership.select(Membership.user).where(Membership.role == Role.staff.value).first()
    )
    staff = await load_actor(row["user"]) if row else None
    if staff is None:
        return
    for run in await joint.ended_runs(staff):
        if run.state == joint.NOT_ESTABLISHED:
            run = await joint.establish(staff, run.batch_id)
        if run.state != JointStatementState.agreed.value:
            await joint.agree(staff, run.batch_id)
        if not await CreditNote.exists().where(CreditNote.batch == run.batch_id):
            await credit_notes.create_from_joint_statement(staff, run.batch_id)
