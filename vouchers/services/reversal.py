"""Reversing a redemption made by mistake: the cheque is valid again, nothing is erased.

Who may: the site agent who made it, within :data:`AGENT_WINDOW`; the Département's staff until
the statement of that site and month is submitted (then the money is settled and the redemption
stays). The ledger keeps the redemption's row and adds a ``reversed`` row; the audit trail names
who reversed it and why. Like a redemption, a conditional UPDATE decides: the cheque changes only
if it is still redeemed by that same redemption when its row is locked, so two reversals (or a
reversal and a new scan) never both win.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from passnum import audit, clock
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from vouchers import schemas
from vouchers.choices import SCAN_REVERSED, BookletStatus, ChequeStatus
from vouchers.codes import format_code, parse_code
from vouchers.errors import invalid, refuse
from vouchers.services.redemption import cheque_row
from vouchers.settlement import settlement
from vouchers.tables import Booklet, Cheque, ScanAttempt

AGENT_WINDOW = timedelta(minutes=15)
REASON_MAX = 500

# Back to valid, only if it is still the same redemption (status and time) under the row lock.
UNREDEEM_SQL = """
UPDATE cheque SET status = {}, redeemed_at = NULL, site = NULL, redeemed_by = NULL,
    activity = '', place = '', themes = '[]', duration_minutes = NULL
WHERE id = {} AND status = {} AND redeemed_at = {}
RETURNING id
"""
# One use fewer; an exhausted booklet is in use again.
UNUSE_BOOKLET_SQL = """
UPDATE booklet SET
    used_count = used_count - 1,
    status = CASE WHEN status = {} THEN {} ELSE status END,
    exhausted_at = CASE WHEN status = {} THEN NULL ELSE exhausted_at END
WHERE id = {}
"""


def may_reverse(actor: Actor, row: dict, at: datetime) -> bool:
    """Whether the scanner page offers this agent the reversal of this redemption (no DB)."""
    return actor.is_staff or (
        row["redeemed_by"] == actor.user_id and at - row["redeemed_at"] <= AGENT_WINDOW
    )


def _check_actor(actor: Actor, row: dict) -> None:
    if actor.is_staff:
        return
    if not actor.has_role(Role.site_agent) or row["redeemed_by"] != actor.user_id:
        raise refuse("reversal_not_yours")
    if clock.stamp() - row["redeemed_at"] > AGENT_WINDOW:
        raise refuse("reversal_too_late", _minutes=int(AGENT_WINDOW.total_seconds() // 60))


async def reverse_redemption(actor: Actor, text: str, reason: str) -> schemas.Reversal:
    """Make a redeemed cheque valid again, saying why; see the module's rules."""
    reason = reason.strip()
    if not reason:
        raise invalid("reason", "Indiquez pourquoi cet encaissement est annulé.")
    if len(reason) > REASON_MAX:
        raise invalid("reason", f"Le motif ne doit pas dépasser {REASON_MAX} caractères.")
    code = parse_code(text)
    row = await cheque_row(code)
    if row is None:
        raise refuse("unknown")
    if row["status"] != ChequeStatus.redeemed:
        raise refuse("not_redeemed")
    extra = await Cheque.select(Cheque.redeemed_by, Cheque.site).where(Cheque.id == row["id"])
    row.update(extra[0])
    _check_actor(actor, row)
    at = clock.stamp()
    async with write_transaction():
        if await settlement().lock(row["site"], row["redeemed_at"], row["id"]):
            raise refuse("statement_submitted")
        won = await Cheque.raw(
            UNREDEEM_SQL,
            ChequeStatus.valid.value,
            row["id"],
            ChequeStatus.redeemed.value,
            row["redeemed_at"],
        )
        if not won:
            raise refuse("not_redeemed")
        exhausted, issued = BookletStatus.exhausted.value, BookletStatus.issued.value
        await Booklet.raw(UNUSE_BOOKLET_SQL, exhausted, issued, exhausted, row["booklet_id"])
        await ScanAttempt.insert(
            ScanAttempt(
                at=at, user=actor.user_id, site=row["site"], result=SCAN_REVERSED, cheque=row["id"]
            )
        )
        await settlement().release(row["id"])
        await audit.record(
            actor,
            "reverse_redemption",
            "cheque",
            code,
            {
                "reason": reason,
                "site": row["redeemed_site"],
                "redeemed_at": row["redeemed_at"].isoformat(),
            },
        )
    return schemas.Reversal(
        code=code,
        code_display=format_code(code),
        booklet_number=row["booklet_number"],
        position=row["position"],
        status=ChequeStatus.valid.value,
        site=row["redeemed_site"],
        redeemed_at=row["redeemed_at"],
        reversed_at=at,
        reversed_by=actor.email,
        reason=reason,
    )
