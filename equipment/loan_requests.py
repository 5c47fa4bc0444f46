"""Borrowers book the fleet for themselves: the catalogue, their requests, staff's decision.

A borrower (``Role.borrower``, the contact of a borrowing organisation) sees how many devices
of each type and which kits are free over chosen dates, asks for types and quantities or kits,
and follows its requests and loans — never another borrower's. Staff approve a request by
lending specific devices (``loans.create_loan``: the booking guard of ``equipment.booking``,
the same rules and overlap guarantees as a loan typed by staff) or decline it with a reason.
Each step is e-mailed to the borrower's contact (``passnum.mail.send_later``).

Nothing here decides whether a device is free: :func:`availability.find_available` and
:func:`booking.book` do.
"""

from __future__ import annotations

from datetime import date, datetime
from pathlib import Path
from typing import Any

import msgspec

from equipment import schemas
from equipment.availability import find_available
from equipment.booking import ACTIVE_LOAN_STATUSES
from equipment.errors import refuse
from equipment.inventory import get_rules
from equipment.labels import item_type_label, loan_status_label
from equipment.loans import (
    OPEN_STATUSES,
    check_borrower_cap,
    check_dates,
    clean_contact_phone,
    create_loan,
    extend_loan,
)
from equipment.photos import Photo, kit_photos, type_photos
from equipment.tables import ItemStatus, ItemType, Kit, KitItem, Loan, LoanRequest
from equipment.tables import RequestStatus as Status
from organisations.editing import e164
from organisations.services import EMAIL_RE
from passnum import audit, clock, db, mail, vocabulary
from passnum.auth.actor import Actor, Role
from passnum.db import write_transaction
from passnum.errors import DomainError
from passnum.fr import format_date
from passnum.settings import get_settings

MAIL = mail.MailTemplates(Path(__file__).parent / "templates")
MAX_PER_TYPE = 200

request_status_label = vocabulary.define(
    "loan_request_status",
    {
        "pending": "En attente de réponse",
        "waiting": "Sur liste d'attente",
        "approved": "Acceptée",
        "declined": "Refusée",
        "cancelled": "Annulée",
    },
)


class KitOffer(msgspec.Struct, kw_only=True):
    id: int
    name: str
    notes: str
    size: int
    types: dict[str, int]
    free: bool
    photo: Photo | None = None  # added by staff; its ``alt`` is the kit's name


class Catalogue(msgspec.Struct, kw_only=True):
    """What a borrower may ask for over ``start_date``..``end_date`` (no device, no other loan)."""

    start_date: date
    end_date: date
    free_by_type: dict[str, int]
    type_labels: dict[str, str]
    kits: list[KitOffer]
    type_photos: dict[str, Photo] = {}  # the types staff gave a photo; ``alt``: the type's name


class LoanRequestIn(msgspec.Struct, kw_only=True):
    start_date: date
    due_date: date
    contact_name: str
    contact_phone: str = ""
    contact_email: str = ""
    purpose: str = ""
    types: dict[str, int] = {}
    kits: list[int] = []
    borrower_id: int | None = None  # needed only by a person who borrows for several bodies


class DecisionIn(msgspec.Struct, kw_only=True):
    decision: str  # "approve" | "decline"
    reason: str = ""
    items: list[str] = []  # asset tags; with kits, what is lent (none: free devices are chosen)
    kits: list[int] = []
    # Approving, staff may adjust the dates (the borrower is told): none given, those asked.
    start_date: date | None = None
    due_date: date | None = None


class ExtensionIn(msgspec.Struct, kw_only=True):
    due_date: date


class LoanRequestView(msgspec.Struct, clock.WithOffsets, kw_only=True):
    id: int
    borrower_id: int
    borrower_name: str
    contact_name: str
    contact_phone: str
    contact_email: str
    start_date: date
    due_date: date
    purpose: str
    types: dict[str, int]
    kits: list[int]
    kit_names: list[str]
    summary: str
    status: str
    status_label: str
    reason: str
    loan: str | None
    loan_status: str | None
    loan_status_label: str | None
    created_at: datetime  # with the operator's offset
    decided_at: datetime | None


def borrower_ids(actor: Actor) -> frozenset[int]:
    return actor.organisation_ids(Role.borrower)


async def catalogue(start: date, end: date) -> Catalogue:
    """Free devices per type and each kit (free or not) over the dates, from the one reading of
    the booking ledger (:func:`availability.find_available`). No tag, no loan, no borrower."""
    free = await find_available(start, end)
    free_ids = {i.id for i in free.items}
    kits = await Kit.select(Kit.id, Kit.name, Kit.notes).order_by(Kit.name)
    members = await KitItem.select(KitItem.kit, KitItem.item, KitItem.item.item_type)
    pictures = await kit_photos()
    offers = []
    for kit in kits:
        mine = [m for m in members if m["kit"] == kit["id"]]
        if not mine:
            continue
        types: dict[str, int] = {}
        for m in mine:
            types[m["item.item_type"]] = types.get(m["item.item_type"], 0) + 1
        offers.append(
            KitOffer(
                id=kit["id"],
                name=kit["name"],
                notes=kit["notes"],
                size=len(mine),
                types=types,
                free=all(m["item"] in free_ids for m in mine),
                photo=pictures.get(kit["id"]),
            )
        )
    return Catalogue(
        start_date=start,
        end_date=end,
        free_by_type=free.free_by_type,
        type_labels={t.value: item_type_label(t.value) for t in ItemType},
        kits=offers,
        type_photos=await type_photos(),
    )


async def has_overdue_loan(borrower_id: int) -> bool:
    return await Loan.exists().where(
        (Loan.borrower == borrower_id)
        & Loan.status.is_in(list(OPEN_STATUSES))
        & (Loan.due_date < clock.today())
    )


def _choose_borrower(actor: Actor, wanted: int | None) -> int:
    mine = borrower_ids(actor)
    if wanted is not None:
        if wanted not in mine:
            raise refuse("forbidden")
        return wanted
    if len(mine) != 1:
        raise refuse("invalid.borrower_missing", field="borrower_id")
    return next(iter(mine))


# What the request form's boxes hold at most (the table's columns; the purpose is a line or two).
TEXT_LIMITS = (
    ("contact_name", "Personne à contacter", 120),
    ("contact_phone", "Son téléphone", 30),
    ("contact_email", "Son e-mail", 200),
    ("purpose", "Objet du prêt", 500),
)


async def create_request(actor: Actor, data: LoanRequestIn) -> LoanRequestView:
    """A borrower's request, checked against the fleet's rules; staff decide later."""
    borrower_id = _choose_borrower(actor, data.borrower_id)
    contact = data.contact_name.strip()
    if not contact:
        raise refuse("invalid.contact_missing", field="contact_name")
    email = (data.contact_email.strip() or actor.email).lower()
    if not EMAIL_RE.match(email):
        raise refuse("invalid.contact_email", field="contact_email")
    for field, label, most in TEXT_LIMITS:
        if len(getattr(data, field).strip()) > most:
            raise refuse("invalid.too_long", _label=label, _most=most, field=field)
    phone = clean_contact_phone(data.contact_phone)
    types = {}
    for code, count in data.types.items():
        if code not in ItemType.__members__:
            raise refuse("invalid.requested_type", _code=code, field="types")
        if not isinstance(count, int) or count < 0 or count > MAX_PER_TYPE:
            raise refuse("invalid.quantity", _most=MAX_PER_TYPE, field="types")
        if count:
            types[code] = count
    kit_ids = sorted(set(data.kits))
    kits = await Kit.select(Kit.id).where(Kit.id.is_in(kit_ids or [0]))
    if len(kits) != len(kit_ids):
        raise refuse("invalid.unknown_kit", field="kits")
    if not types and not kit_ids:
        raise refuse("invalid.nothing_requested", field="types")
    await check_dates(data.start_date, data.due_date, new_loan=True)
    if await has_overdue_loan(borrower_id):
        raise refuse("overdue_loan")
    kit_size = await KitItem.count().where(KitItem.kit.is_in(kit_ids or [0]))
    await check_borrower_cap(
        borrower_id, data.start_date, data.due_date, sum(types.values()) + kit_size
    )
    wanted = {"types": types, "kits": kit_ids}
    request = LoanRequest(
        borrower=borrower_id,
        requested_by=actor.user_id,
        contact_name=contact,
        contact_phone=phone,
        contact_email=email,
        start_date=data.start_date,
        due_date=data.due_date,
        purpose=data.purpose.strip(),
        wanted=wanted,
    )
    if not _fits(types, kit_ids, await catalogue(data.start_date, data.due_date)):
        request.status = Status.waiting.value  # offered when a return frees the devices
    async with write_transaction():
        await request.save()
        await audit.record(actor, "create", "loan_request", str(request.id), wanted)
    view = await get_request(request.id)
    await _notify(view, "received")
    await _tell_staff(view)
    return view


def _fits(types: dict[str, int], kit_ids: list[int], free: Catalogue) -> bool:
    free_kits = {k.id for k in free.kits if k.free}
    return (
        all(free.free_by_type.get(t, 0) >= n for t, n in types.items())
        and set(kit_ids) <= free_kits
    )


async def offer_waiting() -> list[int]:
    """Waiting requests that can now be met go back to staff, first come first served, and
    their contact is told by e-mail. A request offered in this pass holds its devices against
    the next ones over overlapping days (the offer books nothing: staff's approval does)."""
    offered: list[LoanRequestView] = []
    waiting = sorted(await list_requests(None, Status.waiting.value), key=lambda r: r.id)
    for view in waiting:
        free = await catalogue(view.start_date, view.due_date)
        for earlier in offered:
            if earlier.start_date <= view.due_date and view.start_date <= earlier.due_date:
                for t, n in earlier.types.items():
                    free.free_by_type[t] = free.free_by_type.get(t, 0) - n
                for kit in free.kits:
                    if kit.id in earlier.kits:
                        kit.free = False
        if not _fits(view.types, view.kits, free):
            continue
        moved = (
            await LoanRequest.update({LoanRequest.status: Status.pending.value})
            .where((LoanRequest.id == view.id) & (LoanRequest.status == Status.waiting.value))
            .returning(LoanRequest.id)
        )
        if moved:
            offered.append(view)
            await _notify(await get_request(view.id), "offered")
            await _tell_staff(await get_request(view.id), offered=True)
    return [v.id for v in offered]


def _where_for(actor: Actor | None) -> Any:
    if actor is None or actor.is_staff:
        return None
    return LoanRequest.borrower.is_in(sorted(borrower_ids(actor)) or [0])


async def list_requests(
    actor: Actor | None, status: str | None = None, request_id: int | None = None
) -> list[LoanRequestView]:
    """Staff (and services: ``actor`` None): every request; a borrower: its own only."""
    query = LoanRequest.select(
        *LoanRequest.all_columns(),
        LoanRequest.borrower.name,
        LoanRequest.loan.number,
        LoanRequest.loan.status,
    ).order_by(LoanRequest.id, ascending=False)
    where = _where_for(actor)
    if where is not None:
        query = query.where(where)
    if status:
        query = query.where(LoanRequest.status == status)
    if request_id is not None:
        query = query.where(LoanRequest.id == request_id)
    rows = await query.limit(500)
    kit_names = {k["id"]: k["name"] for k in await Kit.select(Kit.id, Kit.name)}
    return [_view(r, kit_names) for r in rows]


def _view(r: dict[str, Any], kit_names: dict[int, str]) -> LoanRequestView:
    wanted = db.as_json(r["wanted"], {})
    types = wanted.get("types", {})
    kits = wanted.get("kits", [])
    names = [kit_names.get(k, f"kit {k}") for k in kits]
    parts = [f"{n} × {item_type_label(t)}" for t, n in types.items()] + names
    loan_status = r["loan.status"]
    return LoanRequestView(
        id=r["id"],
        borrower_id=r["borrower"],
        borrower_name=r["borrower.name"],
        contact_name=r["contact_name"],
        contact_phone=r["contact_phone"],
        contact_email=r["contact_email"],
        start_date=r["start_date"],
        due_date=r["due_date"],
        purpose=r["purpose"],
        types=types,
        kits=kits,
        kit_names=names,
        summary=", ".join(parts),
        status=r["status"],
        status_label=request_status_label(r["status"]),
        reason=r["reason"],
        loan=r["loan.number"],
        loan_status=loan_status,
        loan_status_label=loan_status_label(loan_status) if loan_status else None,
        created_at=r["created_at"],
        decided_at=r["decided_at"],
    )


async def get_request(request_id: int, actor: Actor | None = None) -> LoanRequestView:
    """One request; to a borrower, only its own (another's is a 404, never its name)."""
    rows = await list_requests(actor, request_id=request_id)
    if not rows:
        raise refuse("not_found.request", _request_id=request_id)
    return rows[0]


async def own_loan_number(actor: Actor, number: str) -> str:
    """The number of a loan of the actor's organisations (staff: any), or 404."""
    number = number.strip().upper()
    loan = await Loan.select(Loan.borrower).where(Loan.number == number).first()
    if loan is None or (not actor.is_staff and loan["borrower"] not in borrower_ids(actor)):
        raise refuse("not_found.loan", _number=number)
    return number


async def own_loans(actor: Actor) -> list[schemas.LoanView]:
    from equipment.loans import list_loans

    ids = sorted(borrower_ids(actor))
    return await list_loans(Loan.borrower.is_in(ids or [0]), with_items=True, limit=200)


async def _pick_devices(view: LoanRequestView) -> tuple[list[str], list[int]]:
    """Free devices for what was asked: the kits asked for, and for each type the first free
    devices (those outside kits first, so kits stay whole)."""
    free = await find_available(view.start_date, view.due_date)
    in_asked_kits = set()
    if view.kits:
        rows = await KitItem.select(KitItem.item).where(KitItem.kit.is_in(view.kits))
        in_asked_kits = {r["item"] for r in rows}
    tags = []
    for item_type, count in view.types.items():
        candidates = [
            i
            for i in free.items
            if i.item_type == item_type
            and i.id not in in_asked_kits
            and i.status == ItemStatus.available.value
        ]
        candidates.sort(key=lambda i: (i.kit is not None, i.asset_tag))
        if len(candidates) < count:
            raise refuse(
                "not_enough_free",
                _item_type=item_type_label(item_type),
                _candidates=len(candidates),
                _count=count,
            )
        tags += [i.asset_tag for i in candidates[:count]]
    return tags, list(view.kits)


async def decide(actor: Actor, request_id: int, data: DecisionIn) -> LoanRequestView:
    """Staff approve (lend devices: the given ones, else free ones matching the request) or
    decline with a reason. A request is decided once: a second decision is refused (409)."""
    view = await get_request(request_id)
    if data.decision not in ("approve", "decline"):
        raise refuse("invalid.decision", field="decision")
    if view.status not in (Status.pending.value, Status.waiting.value):
        raise _already(view)
    reason = data.reason.strip()
    now = clock.stamp()
    if data.decision == "decline":
        if not reason:
            raise refuse("invalid.refusal_reason", field="reason")
        async with write_transaction():
            await _claim(view, Status.declined, reason, actor, now)
            await audit.record(
                actor, "decline_request", "loan_request", str(view.id), {"reason": reason}
            )
        view = await get_request(request_id)
        await _notify(view, "declined")
        await _next_in_line()
        return view
    asked = view
    view = msgspec.structs.replace(
        view,
        start_date=data.start_date or view.start_date,
        due_date=data.due_date or view.due_date,
    )
    adjusted = (view.start_date, view.due_date) != (asked.start_date, asked.due_date)
    if data.items or data.kits:
        tags, kits = list(data.items), list(data.kits)
    else:
        tags, kits = await _pick_devices(view)
    async with write_transaction():
        # The request's row is claimed first (locked on PostgreSQL until commit): two staff
        # approving at once lend once. A refused booking rolls the claim back.
        await _claim(view, Status.approved, reason, actor, now)
        if adjusted:
            await LoanRequest.update(
                {LoanRequest.start_date: view.start_date, LoanRequest.due_date: view.due_date}
            ).where(LoanRequest.id == view.id)
        loan = await create_loan(
            actor,
            schemas.LoanCreate(
                borrower_id=view.borrower_id,
                contact_name=view.contact_name,
                # Checked when asked; one typed before the rule that reads as no number
                # (« pas de tel ») is not carried to the loan, where it would refuse it.
                contact_phone=e164(view.contact_phone),
                contact_email=view.contact_email,
                start_date=view.start_date,
                due_date=view.due_date,
                purpose=view.purpose,
                items=tags,
                kits=kits,
            ),
        )
        await LoanRequest.update({LoanRequest.loan: loan.id}).where(LoanRequest.id == view.id)
        changes: dict[str, Any] = {"loan": loan.number}
        if adjusted:
            changes |= {"asked_from": asked.start_date, "asked_until": asked.due_date}
        await audit.record(actor, "approve_request", "loan_request", str(view.id), changes)
    view = await get_request(request_id)
    asked_dates = (
        f"du {format_date(asked.start_date)} au {format_date(asked.due_date)}" if adjusted else ""
    )
    await _notify(view, "approved", loan=loan, asked_dates=asked_dates)
    return view


async def cancel_request(actor: Actor, request_id: int) -> LoanRequestView:
    """A borrower withdraws its own request while it waits for an answer (or on the list)."""
    view = await get_request(request_id, actor)
    async with write_transaction():
        withdrawn = (
            await LoanRequest.update({LoanRequest.status: Status.cancelled.value})
            .where(
                (LoanRequest.id == view.id)
                & LoanRequest.status.is_in([Status.pending.value, Status.waiting.value])
            )
            .returning(LoanRequest.id)
        )
        if not withdrawn:
            raise _already(view)
        await audit.record(actor, "cancel", "loan_request", str(view.id))
    await _next_in_line()
    return await get_request(request_id, actor)


async def _next_in_line() -> None:
    """A request offered from the waiting list held its devices against the next ones of the
    same pass (:func:`offer_waiting`): declined or withdrawn, it lets them have their turn."""
    from equipment.tasks import offer_waiting_later  # the task module reads this one

    await offer_waiting_later()


async def ask_extension(actor: Actor, number: str, due_date: date) -> schemas.LoanView:
    """A borrower moves its own loan's return later, itself: at most ``max_extensions`` times
    per loan (a fleet rule), and only if no other booking of its devices follows
    (``loans.extend_loan``: the booking guard, the maximum duration and the device cap)."""
    number = await own_loan_number(actor, number)
    rules = await get_rules()
    loan = await Loan.objects().get(Loan.number == number)
    assert loan is not None  # own_loan_number found it
    if loan.status not in ACTIVE_LOAN_STATUSES:
        raise refuse("loan_closed", _number=number)
    async with write_transaction():
        counted = (
            await Loan.update({Loan.borrower_extensions: Loan.borrower_extensions + 1})
            .where((Loan.id == loan.id) & (Loan.borrower_extensions < rules.max_extensions))
            .returning(Loan.id)
        )
        if not counted:
            raise refuse(
                "extension_limit",
                _borrower_extensions=loan.borrower_extensions,
                _max_extensions=rules.max_extensions,
            )
        try:
            extended = await extend_loan(actor, number, due_date)
        except DomainError as refused:
            if refused.code != "unavailable":
                raise
            # The conflicts name other borrowers' loans: the borrower is only told why.
            raise refuse("booked_after") from None
    await _notify_loan(extended, "loan_extended")
    return extended


async def _notify_loan(loan: schemas.LoanView, template: str) -> None:
    if not mail.is_configured() or not loan.contact_email:
        return
    settings = get_settings()
    await mail.send_later(
        MAIL.render(
            f"equipment/mail/{template}.txt",
            to=loan.contact_email,
            loan=loan,
            due=format_date(loan.due_date),
            operator_name=settings.operator_name,
            operator_phone=settings.operator_phone,
        )
    )


def _already(view: LoanRequestView) -> DomainError:
    return refuse("already_decided", _id=view.id, _lower=view.status_label.lower())


async def _claim(
    view: LoanRequestView, status: Status, reason: str, actor: Actor, now: Any
) -> None:
    claimed = (
        await LoanRequest.update(
            {
                LoanRequest.status: status.value,
                LoanRequest.reason: reason,
                LoanRequest.decided_at: now,
                LoanRequest.decided_by_name: actor.display_name or actor.email,
            }
        )
        .where(
            (LoanRequest.id == view.id)
            & LoanRequest.status.is_in([Status.pending.value, Status.waiting.value])
        )
        .returning(LoanRequest.id)
    )
    if not claimed:
        raise _already(await get_request(view.id))


async def _tell_staff(view: LoanRequestView, offered: bool = False) -> None:
    """The fleet's staff are told of a new request, or of a waiting one that can now be met
    (``offered``), at ``followup.fleet_staff_addresses``."""
    from equipment.followup import fleet_staff_addresses

    if not mail.is_configured():
        return
    settings = get_settings()
    for address in await fleet_staff_addresses():
        await mail.send_later(
            MAIL.render(
                "equipment/mail/request_new_staff.txt",
                to=address,
                request=view,
                start=format_date(view.start_date),
                due=format_date(view.due_date),
                public_url=settings.public_url,
                offered=offered,
            )
        )


async def _notify(view: LoanRequestView, step: str, **extra: Any) -> None:
    """The borrower's contact is told of each step; no SMTP configured: nothing is sent."""
    if not mail.is_configured() or not view.contact_email:
        return
    settings = get_settings()
    message = MAIL.render(
        f"equipment/mail/request_{step}.txt",
        to=view.contact_email,
        request=view,
        start=format_date(view.start_date),
        due=format_date(view.due_date),
        operator_name=settings.operator_name,
        operator_phone=settings.operator_phone,
        public_url=settings.public_url,
        **extra,
    )
    await mail.send_later(message)
