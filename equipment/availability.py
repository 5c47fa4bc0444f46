"""Reading the booking ledger: what is free between two dates, a calendar per type, an iCal feed.

The iCal feed is a per-user secret URL (``/equipment/ical/{user_id}-{signature}.ics``): calendar
applications cannot send a bearer token, so the URL itself is the credential. The signature is an
HMAC of the user id with the server's secret key; the feed answers only while that user is an
active staff member, so deactivating the account (or changing the secret key) revokes it.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import UTC, date, timedelta

from equipment import schemas
from equipment.booking import find_conflicts, holds
from equipment.errors import refuse
from equipment.inventory import item_view, kit_names
from equipment.labels import loan_status_label, loan_url
from equipment.tables import Item, ItemStatus, ItemType, Loan
from organisations.actors import load_actor
from passnum import clock
from passnum.fr import format_phone
from passnum.settings import get_settings

MAX_RANGE_DAYS = 400


def _check_range(start: date, end: date) -> None:
    if end < start:
        raise refuse("invalid.range_reversed", field="end_date")
    if (end - start).days > MAX_RANGE_DAYS:
        raise refuse("invalid.range_too_long", _most=MAX_RANGE_DAYS, field="end_date")


async def find_available(
    start: date, end: date, item_type: str | None = None
) -> schemas.Availability:
    """Items free on every day from ``start`` to ``end`` (inclusive), and how many per type."""
    _check_range(start, end)
    if item_type and item_type not in ItemType.__members__:
        raise refuse("invalid.item_type", _item_type=item_type, field="item_type")
    query = Item.select().where(
        Item.status.not_in([ItemStatus.retired.value, ItemStatus.lost.value])
    )
    if item_type:
        query = query.where(Item.item_type == item_type)
    rows = await query.order_by(Item.asset_tag).output(load_json=True)
    taken = {c["item"] for c in await find_conflicts([r["id"] for r in rows], start, end)}
    free = [r for r in rows if r["asset_tag"] not in taken]
    kits = await kit_names([r["id"] for r in free])
    counts = {t.value: 0 for t in ItemType}
    for r in free:
        counts[r["item_type"]] += 1
    return schemas.Availability(
        start_date=start,
        end_date=end,
        free_by_type=counts,
        items=[item_view(r, kits.get(r["id"])) for r in free],
    )


async def calendar(item_type: str | None, start: date, weeks: int = 4) -> schemas.Calendar:
    """One row per item, its bookings clipped to the period: what the calendar page draws."""
    if not 1 <= weeks <= 26:
        raise refuse("invalid.weeks", field="weeks")
    start = start - timedelta(days=start.weekday())  # weeks start on Monday
    end = start + timedelta(days=7 * weeks - 1)
    query = Item.select(Item.id, Item.asset_tag, Item.brand, Item.model, Item.status).where(
        Item.status.not_in([ItemStatus.retired.value, ItemStatus.lost.value])
    )
    if item_type:
        query = query.where(Item.item_type == item_type)
    items = await query.order_by(Item.asset_tag)
    today = clock.today()
    segments: dict[int, list[schemas.CalendarSegment]] = {}
    for hold in await holds([i["id"] for i in items], start, end):
        last = hold.end
        if hold.reason == "overdue":
            # Out since its due date and not back: the bar runs until today (onwards if the
            # period lies ahead, since nobody knows the day it will come back).
            last = today if today >= start else None
        segments.setdefault(hold.item_id, []).append(
            schemas.CalendarSegment(
                start_date=max(hold.start, start),
                end_date=min(last, end) if last else None,
                reason=hold.reason,
                loan=hold.loan,
                borrower=hold.borrower,
                status=hold.loan_status,
            )
        )
    return schemas.Calendar(
        item_type=item_type,
        start_date=start,
        end_date=end,
        days=[start + timedelta(days=n) for n in range(7 * weeks)],
        rows=[
            schemas.CalendarRow(
                item=i["asset_tag"],
                label=f"{i['brand']} {i['model']}".strip(),
                status=i["status"],
                segments=segments.get(i["id"], []),
            )
            for i in items
        ],
    )


def ical_signature(user_id: int) -> str:
    key = get_settings().secret_key.encode()
    return hmac.new(key, f"equipment-ical:{user_id}".encode(), hashlib.sha256).hexdigest()[:32]


def ical_url(user_id: int) -> str:
    """The secret address a staff member pastes into their calendar application."""
    return f"{get_settings().public_url}/equipment/ical/{user_id}-{ical_signature(user_id)}.ics"


async def check_ical_key(key: str) -> None:
    user_id, _, signature = key.partition("-")
    if not user_id.isdigit() or not hmac.compare_digest(signature, ical_signature(int(user_id))):
        raise refuse("not_found.calendar_link")
    actor = await load_actor(int(user_id))
    if actor is None or not actor.is_staff:
        raise refuse("not_found.calendar_link")


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """RFC 5545 §3.1: lines longer than 75 octets continue on lines starting with a space."""
    data = line.encode()
    parts = []
    while len(data) > 75:
        cut = 75 if not parts else 74
        while (data[cut] & 0xC0) == 0x80:  # never split a UTF-8 character
            cut -= 1
        parts.append(data[:cut].decode())
        data = data[cut:]
    parts.append(data.decode())
    return "\r\n ".join(parts)


async def ical_feed(days_back: int = 90) -> str:
    """Loans (reserved or out) as all-day events, from ``days_back`` days ago onwards."""
    since = clock.today() - timedelta(days=days_back)
    loans = await Loan.select(
        Loan.id,
        Loan.number,
        Loan.start_date,
        Loan.due_date,
        Loan.status,
        Loan.borrower.name,
        Loan.contact_name,
        Loan.contact_phone,
        Loan.purpose,
    ).where(Loan.status.not_in(["cancelled"]) & (Loan.due_date >= since))
    stamp = clock.now().astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")  # iCalendar: UTC
    host = get_settings().public_url.split("//")[-1]
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//passnum//parc de matériel//FR",
        "CALSCALE:GREGORIAN",
        "X-WR-CALNAME:Prêts de matériel",
    ]
    for loan in loans:
        lines += [
            "BEGIN:VEVENT",
            f"UID:loan-{loan['id']}@{host}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{loan['start_date']:%Y%m%d}",
            f"DTEND;VALUE=DATE:{loan['due_date'] + timedelta(days=1):%Y%m%d}",
            "SUMMARY:" + _escape(f"Prêt {loan['number']} — {loan['borrower.name']}"),
            "DESCRIPTION:"
            + _escape(
                f"Contact : {loan['contact_name']} {format_phone(loan['contact_phone'])}\n"
                f"Objet : {loan['purpose']}\nStatut : {loan_status_label(loan['status'])}"
            ),
            f"URL:{loan_url(loan['number'])}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"
