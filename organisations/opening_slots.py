"""Editing a site's opening slots: staff, or the site's own agents; every change is audited."""

from __future__ import annotations

from datetime import time

from organisations.errors import refuse
from organisations.hours import Slot
from organisations.places import to_slot
from organisations.tables import OpeningSlot, Organisation
from passnum import audit
from passnum.auth import Actor, Role
from passnum.db import write_transaction


def can_edit_slots(actor: Actor, organisation_id: int) -> bool:
    return actor.is_staff or organisation_id in actor.organisation_ids(Role.site_agent)


async def editable_site(actor: Actor, organisation_id: int) -> Organisation:
    site = await Organisation.objects().where(Organisation.id == organisation_id).first()
    if site is None or not site.is_site or not can_edit_slots(actor, organisation_id):
        raise refuse("not_found.editable_site")
    return site


def parse_slot(weekday: str, opens: str, closes: str) -> tuple[int, time, time]:
    """Form values to a slot, or a French message saying what to fix."""
    if weekday not in {str(d) for d in range(7)}:
        raise refuse("invalid.weekday", field="weekday")
    try:
        start, end = time.fromisoformat(opens), time.fromisoformat(closes)
    except ValueError as exc:
        raise refuse("invalid.hours", field="opens") from exc
    if start >= end:
        raise refuse("invalid.closes_before_opening", field="closes")
    return int(weekday), start, end


async def add_opening_slot(
    actor: Actor, organisation_id: int, weekday: int, opens: time, closes: time, note: str = ""
) -> int:
    """Add a regular opening slot to a site (staff, or the site's own agents)."""
    await editable_site(actor, organisation_id)
    async with write_transaction():
        slot = OpeningSlot(
            organisation=organisation_id,
            weekday=weekday,
            opens=opens,
            closes=closes,
            note=note.strip()[:200],
        )
        await slot.save()
        label = Slot(slot.id, weekday, opens, closes).label
        await audit.record(
            actor,
            "add_opening_slot",
            "organisation",
            organisation_id,
            {"slot": label, "note": slot.note},
        )
    return slot.id


async def add_opening_slot_from_form(
    actor: Actor, organisation_id: int, values: dict[str, str]
) -> int:
    """The slot form's text values (weekday, opens, closes, note), checked, then added."""
    day, opens, closes = parse_slot(values["weekday"], values["opens"], values["closes"])
    return await add_opening_slot(actor, organisation_id, day, opens, closes, values["note"])


async def delete_opening_slot(actor: Actor, organisation_id: int, slot_id: int) -> None:
    await editable_site(actor, organisation_id)
    async with write_transaction():
        row = (
            await OpeningSlot.objects()
            .where((OpeningSlot.id == slot_id) & (OpeningSlot.organisation == organisation_id))
            .first()
        )
        if row is None:
            raise refuse("not_found.opening_slot")
        await row.remove()
        await audit.record(
            actor,
            "delete_opening_slot",
            "organisation",
            organisation_id,
            {"slot": to_slot(row).label},
        )


async def site_slots(actor: Actor, organisation_id: int) -> tuple[Organisation, list[Slot]]:
    """The site ``actor`` may edit, with its slots by weekday then opening time."""
    site = await editable_site(actor, organisation_id)
    rows = await OpeningSlot.objects().where(OpeningSlot.organisation == organisation_id)
    return site, sorted((to_slot(r) for r in rows), key=lambda s: (s.weekday, s.opens))
