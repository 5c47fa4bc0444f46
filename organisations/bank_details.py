"""Where a site's reimbursements go: IBAN, BIC and account holder, dated, with their whole history.

The guarantee: bank details are never overwritten. Every change is a new row of ``bank_details``
with the day it applies from (``valid_from``):

- staff's own entry is approved at once (staff are who approve);
- a site's own agents propose a change: it is ``pending`` until staff approve it, or refuse it
  with a reason; a newer proposal replaces one still pending (``superseded``, kept);
- the details **in force** on a day are the approved row with the latest ``valid_from`` on or
  before that day (of two from the same day, the one approved last);
- qualifying a site's application records the bank details it gave, approved, from that day.

The money apps ask :func:`bank_details_in_force` (a statement records the details in force, a
payment run needs them) or :func:`bank_details_in_force_for` for many sites at once; both return
plain frozen :class:`BankDetails`. Everyone but staff sees an IBAN masked
(:func:`passnum.fr.mask_iban`, ``BankDetails.iban_masked``).

A decision is a conditional update (``WHERE status = 'pending'``): of two staff deciding the same
change at once, the second is told ``already_decided``.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from stdnum import bic as bic_number
from stdnum import iban as iban_number
from stdnum.exceptions import ValidationError as StdnumError

from organisations.errors import refuse
from organisations.tables import BankDetailsEntry, BankDetailsStatus, Organisation
from passnum import audit, vocabulary
from passnum.auth import Actor, Role
from passnum.clock import stamp, today
from passnum.csvout import FORMULA_STARTS
from passnum.db import write_transaction
from passnum.fr import format_iban, mask_iban

Status = BankDetailsStatus
status_label = vocabulary.define(
    "bank_details_status",
    {
        "pending": "En attente de validation",
        "approved": "Validées",
        "refused": "Refusées",
        "superseded": "Remplacées avant validation",
    },
)


@dataclass(frozen=True)
class BankDetails:
    """One version of a site's bank details (plain data, for pages, API and the money apps)."""

    id: int
    organisation_id: int
    iban: str  # compact, upper case: FR7630006000011234567890189 (staff only; else iban_masked)
    bic: str
    holder: str
    valid_from: date
    regie: bool  # a public body paid through its régie (account at the Trésor public)
    status: str  # BankDetailsStatus
    submitted_at: datetime
    decided_at: datetime | None
    decision_reason: str

    @property
    def iban_masked(self) -> str:
        return mask_iban(self.iban)

    @property
    def iban_grouped(self) -> str:
        return format_iban(self.iban)

    @property
    def approved(self) -> bool:
        return self.status == Status.approved


# --- the rules of each field ------------------------------------------------------------------


def clean_iban(value: Any) -> str:
    """An IBAN whose country format and check digits are right (python-stdnum), compact."""
    raw = str(value or "").strip()
    try:
        return iban_number.validate(raw)
    except StdnumError as exc:
        raise refuse("invalid_iban", _raw=raw, field="iban") from exc


def clean_bic(value: Any) -> str:
    raw = str(value or "").strip()
    try:
        return bic_number.validate(raw)
    except StdnumError as exc:
        raise refuse("invalid_bic", _raw=raw, field="bic") from exc


def clean_holder(value: Any, field_name: str = "holder") -> str:
    holder = str(value or "").strip()
    if not holder:
        raise refuse("invalid.holder_missing", field=field_name)
    if len(holder) > 200:
        raise refuse("invalid.holder_too_long", field=field_name)
    if holder.startswith(FORMULA_STARTS):
        raise refuse("name_formula.holder", _holder=holder[0], field=field_name)
    return holder


# --- reading ----------------------------------------------------------------------------------


def _plain(row: BankDetailsEntry) -> BankDetails:
    return BankDetails(
        id=row.id,
        organisation_id=row.organisation,
        iban=row.iban,
        bic=row.bic,
        holder=row.holder,
        valid_from=row.valid_from,
        regie=row.regie,
        status=row.status,
        submitted_at=row.submitted_at,
        decided_at=row.decided_at,
        decision_reason=row.decision_reason,
    )


def _in_force_order(rows: Iterable[BankDetailsEntry]) -> list[BankDetailsEntry]:
    """Latest ``valid_from`` first; of the same day, the one approved last."""
    return sorted(
        rows,
        key=lambda r: (r.valid_from, r.decided_at or datetime.min, r.id),
        reverse=True,
    )


async def bank_details_in_force(organisation_id: int, on: date | None = None) -> BankDetails | None:
    """The approved bank details of ``organisation_id`` that apply on ``on`` (today by default),
    or None when it has none yet (then it cannot be paid)."""
    found = await bank_details_in_force_for([organisation_id], on)
    return found.get(organisation_id)


async def bank_details_in_force_for(
    organisation_ids: Iterable[int], on: date | None = None
) -> dict[int, BankDetails]:
    """The bank details in force on ``on`` for each of ``organisation_ids`` that has some."""
    ids = list(organisation_ids)
    if not ids:
        return {}
    on = on or today()
    rows = await BankDetailsEntry.objects().where(
        BankDetailsEntry.organisation.is_in(ids)
        & (BankDetailsEntry.status == Status.approved.value)
        & (BankDetailsEntry.valid_from <= on)
    )
    found: dict[int, BankDetails] = {}
    for row in _in_force_order(rows):
        found.setdefault(row.organisation, _plain(row))
    return found


async def bank_details_history(organisation_id: int) -> list[BankDetails]:
    """Every version, the latest proposed first."""
    rows = (
        await BankDetailsEntry.objects()
        .where(BankDetailsEntry.organisation == organisation_id)
        .order_by(BankDetailsEntry.id, ascending=False)
    )
    return [_plain(r) for r in rows]


async def pending_bank_details() -> list[tuple[BankDetails, str]]:
    """Changes waiting for staff, oldest first, with their organisation's name."""
    rows = (
        await BankDetailsEntry.objects()
        .where(BankDetailsEntry.status == Status.pending.value)
        .order_by(BankDetailsEntry.id)
    )
    names = {
        o["id"]: o["name"]
        for o in await Organisation.select(Organisation.id, Organisation.name).where(
            Organisation.id.is_in([r.organisation for r in rows] or [0])
        )
    }
    return [(_plain(r), names.get(r.organisation, "")) for r in rows]


def can_see(actor: Actor, organisation_id: int) -> bool:
    """Staff, and the site's own agents (who see IBANs masked)."""
    return actor.is_staff or organisation_id in actor.organisation_ids(Role.site_agent)


async def visible_site(actor: Actor, organisation_id: int) -> Organisation:
    """The site whose bank details ``actor`` may read or change; anyone else: 404."""
    organisation = await Organisation.objects().get(Organisation.id == organisation_id)
    if organisation is None or not can_see(actor, organisation_id):
        raise refuse("not_found.organisation")
    if not organisation.is_site:
        raise refuse("not_a_site")
    return organisation


# --- writing ----------------------------------------------------------------------------------


async def propose_bank_details(
    actor: Actor,
    organisation_id: int,
    iban: Any,
    bic: Any,
    holder: Any,
    valid_from: date | None = None,
    regie: bool = False,
) -> BankDetails:
    """New bank details for a site from ``valid_from`` (today by default): approved at once when
    staff enter them, else pending until staff decide (a change still pending is superseded)."""
    await visible_site(actor, organisation_id)
    values = {
        "iban": clean_iban(iban),
        "bic": clean_bic(bic),
        "holder": clean_holder(holder),
        "regie": bool(regie),
        "valid_from": valid_from or today(),
    }
    if not actor.is_staff and values["valid_from"] < today():
        raise refuse("valid_from_past", field="valid_from")
    current = await bank_details_in_force(organisation_id, values["valid_from"])
    if current and (current.iban, current.bic, current.holder, current.regie) == (
        values["iban"],
        values["bic"],
        values["holder"],
        values["regie"],
    ):
        raise refuse("bank_details_unchanged")
    async with write_transaction():
        if not actor.is_staff:
            await BankDetailsEntry.update({BankDetailsEntry.status: Status.superseded.value}).where(
                (BankDetailsEntry.organisation == organisation_id)
                & (BankDetailsEntry.status == Status.pending.value)
            )
        entry = await insert_bank_details(actor, organisation_id, **values, approved=actor.is_staff)
    return _plain(entry)


async def insert_bank_details(
    actor: Actor | None,
    organisation_id: int,
    *,
    iban: str,
    bic: str,
    holder: str,
    valid_from: date,
    regie: bool = False,
    approved: bool,
) -> BankDetailsEntry:
    """Insert one checked version and audit it (call inside a write transaction)."""
    user_id = actor.user_id if actor else None
    entry = BankDetailsEntry(
        organisation=organisation_id,
        iban=iban,
        bic=bic,
        holder=holder,
        valid_from=valid_from,
        regie=regie,
        status=(Status.approved if approved else Status.pending).value,
        submitted_by=user_id,
        submitted_at=stamp(),
        decided_by=user_id if approved else None,
        decided_at=stamp() if approved else None,
    )
    await entry.save()
    await audit.record(
        actor,
        "record_bank_details" if approved else "propose_bank_details",
        "organisation",
        organisation_id,
        {
            "bank_details": entry.id,
            "iban": mask_iban(iban),
            "bic": bic,
            "holder": holder,
            "valid_from": valid_from.isoformat(),
            "regie": regie,
        },
    )
    return entry


async def decide_bank_details(
    actor: Actor, organisation_id: int, details_id: int, decision: str, reason: str = ""
) -> BankDetails:
    """Staff approve a pending change (it applies from its date) or refuse it with a reason."""
    if not actor.is_staff:
        raise refuse("forbidden")
    reason = (reason or "").strip()
    if decision not in ("approve", "refuse"):
        raise refuse("invalid.bank_decision", field="decision")
    if decision == "refuse" and not reason:
        raise refuse("invalid.bank_reason", field="reason")
    entry = await BankDetailsEntry.objects().get(
        (BankDetailsEntry.id == details_id) & (BankDetailsEntry.organisation == organisation_id)
    )
    if entry is None:
        raise refuse("not_found.bank_details")
    status = Status.approved if decision == "approve" else Status.refused
    async with write_transaction():
        decided = (
            await BankDetailsEntry.update(
                {
                    BankDetailsEntry.status: status.value,
                    BankDetailsEntry.decided_by: actor.user_id,
                    BankDetailsEntry.decided_at: stamp(),
                    BankDetailsEntry.decision_reason: reason,
                }
            )
            .where(
                (BankDetailsEntry.id == details_id)
                & (BankDetailsEntry.status == Status.pending.value)
            )
            .returning(BankDetailsEntry.id)
        )
        if not decided:
            raise refuse("already_decided.bank_details")
        await audit.record(
            actor,
            f"{decision}_bank_details",
            "organisation",
            organisation_id,
            {"bank_details": details_id, "iban": mask_iban(entry.iban), "reason": reason},
        )
    updated = await BankDetailsEntry.objects().get(BankDetailsEntry.id == details_id)
    assert updated is not None  # read at the start, never deleted
    return _plain(updated)
