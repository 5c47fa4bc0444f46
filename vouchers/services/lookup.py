"""Read-only views: the public cheque status, staff search with full history, prescriber feedback
and a site's redemptions. Each view shows only what its reader may see."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from typing import Any

from passnum import audit
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.clock import stamp, today
from passnum.errors import DomainError
from territory.services import commune_names
from vouchers import schemas
from vouchers.choices import cheque_status_label
from vouchers.codes import format_code, parse_code
from vouchers.errors import refuse
from vouchers.rules import accepted_until, booklet_status, cheque_state, validity_text
from vouchers.services.common import accepted_sites, directory_url, prescriber_org, require_staff
from vouchers.services.handout import find_booklet
from vouchers.services.redemption import cheque_row
from vouchers.services.reversal import may_reverse
from vouchers.tables import Beneficiary, Booklet, Cheque, OfflineScan, ScanAttempt


async def cheque_status(text: str) -> schemas.ChequePublic:
    """What anyone holding the cheque may know: can it still be used, until when, and where."""
    row = await cheque_row(parse_code(text))
    if row is None:
        raise refuse("unknown")
    status = cheque_state(row, today())
    everywhere, sites = await accepted_sites(row["allowed_site_ids"], row["allowed_insee_codes"])
    return schemas.ChequePublic(
        code=row["code"],
        code_display=format_code(row["code"]),
        status=status,
        status_label=cheque_status_label(status),
        face_value_cents=row["face_value_cents"],
        funder=row["funder"],
        valid_from=row["valid_from"],
        valid_until=row["valid_until"],
        accepted_until=accepted_until(row["valid_until"], row["grace_days"]),
        validity=validity_text(row["valid_from"], row["valid_until"], row["grace_days"]),
        accepted_everywhere=everywhere,
        accepted_sites=sites,
        directory_url=directory_url(),
    )


CHEQUE_DETAIL = (
    *Cheque.all_columns(),
    Cheque.site.name.as_alias("site_name"),
    Cheque.redeemed_by.email.as_alias("agent"),
)


def _cheque_detail(r: dict) -> schemas.ChequeDetail:
    return schemas.ChequeDetail(
        id=r["id"],
        position=r["position"],
        code=r["code"],
        code_display=format_code(r["code"]),
        status=r["status"],
        redeemed_at=r["redeemed_at"],
        site=r["site_name"],
        redeemed_by=r["agent"],
        activity=r["activity"],
        place=r["place"],
        themes=list(r["themes"]),
        duration_minutes=r["duration_minutes"],
    )


async def _beneficiary(beneficiary_id: int | None) -> schemas.BeneficiaryView | None:
    if beneficiary_id is None:
        return None
    b = (
        await Beneficiary.select(
            *Beneficiary.all_columns(), Beneficiary.prescriber.name.as_alias("prescriber_name")
        )
        .where(Beneficiary.id == beneficiary_id)
        .output(load_json=True)
        .first()
    )
    assert b is not None  # the booklet's foreign key
    names = await commune_names([b["insee_code"]] if b["insee_code"] else [])
    return schemas.BeneficiaryView(
        prescriber=b["prescriber_name"],
        insee_code=b["insee_code"],
        commune_name=names.get(b["insee_code"], ""),
        age_band=b["age_band"],
        social_status=b["social_status"],
        needs=list(b["needs"]),
        consent=b["consent"],
        created_at=b["created_at"],
        anonymised_at=b["anonymised_at"],
    )


async def search(actor: Actor, text: str) -> schemas.BookletHistory:
    """Staff: a booklet number or a cheque code (or its URL) → the booklet's whole history."""
    require_staff(actor)
    matched = None
    try:
        booklet = await find_booklet(text)
    except DomainError:
        try:
            matched = parse_code(text)
        except DomainError as error:
            raise refuse("not_found") from error
        row = await Cheque.select(Cheque.booklet.number).where(Cheque.code == matched).first()
        if row is None:
            raise refuse("not_found") from None
        booklet = await find_booklet(row["booklet.number"])
    cheques = (
        await Cheque.select(*CHEQUE_DETAIL)
        .where(Cheque.booklet == booklet["id"])
        .order_by(Cheque.position)
        .output(load_json=True)
    )
    by_id = {c["id"]: c["code"] for c in cheques}
    scans = await (
        ScanAttempt.select(
            *ScanAttempt.all_columns(),
            ScanAttempt.user.email.as_alias("user_email"),
            ScanAttempt.site.name.as_alias("site_name"),
        )
        .where(ScanAttempt.cheque.is_in(list(by_id)))
        .order_by(ScanAttempt.id)
    )
    offline = await (
        OfflineScan.select(
            *OfflineScan.all_columns(),
            OfflineScan.user.email.as_alias("user_email"),
            OfflineScan.site.name.as_alias("site_name"),
        )
        .where(OfflineScan.cheque.is_in(list(by_id)))
        .order_by(OfflineScan.id)
    )
    history = await audit.history("booklet", booklet["number"])
    for code in by_id.values():
        history += await audit.history("cheque", code)
    history.sort(key=lambda h: h["id"])
    replaces = None
    if booklet["replaces"]:
        old = await Booklet.select(Booklet.number).where(Booklet.id == booklet["replaces"]).first()
        replaces = old["number"] if old else None
    return schemas.BookletHistory(
        booklet_number=booklet["number"],
        status=booklet_status(
            booklet["status"], booklet["valid_until"], booklet["grace_days"], today()
        ),
        batch_id=booklet["batch"],
        batch_label=booklet["batch_label"],
        funder=booklet["funder_name"],
        holder=booklet["holder_name"],
        allocated_at=booklet["allocated_at"],
        issued_at=booklet["issued_at"],
        issued_by=booklet["issued_by_email"],
        accepted_until=accepted_until(booklet["valid_until"], booklet["grace_days"]),
        cancelled_at=booklet["cancelled_at"],
        cancel_reason=booklet["cancel_reason"],
        cancel_note=booklet["cancel_note"],
        replaces=replaces,
        beneficiary=await _beneficiary(booklet["beneficiary"]),
        cheques=[_cheque_detail(c) for c in cheques],
        scans=[
            schemas.ScanEntry(
                at=s["at"],
                user=s["user_email"],
                site=s["site_name"],
                result=s["result"],
                cheque_code=by_id.get(s["cheque"]),
            )
            for s in scans
        ],
        offline_scans=[
            schemas.OfflineScanEntry(
                scanned_at=o["scanned_at"],
                device_scanned_at=o["device_scanned_at"],
                received_at=o["received_at"],
                flagged=bool(o["flagged"]),
                user=o["user_email"],
                site=o["site_name"],
                result=o["result"],
                review=o["review"],
                cheque_code=by_id.get(o["cheque"]),
            )
            for o in offline
        ],
        audit=[
            schemas.AuditView(
                at=h["at"],
                user=h["user_email"],
                action=h["action"],
                entity=h["entity"],
                entity_id=h["entity_id"],
                changes=h["changes"] if isinstance(h["changes"], dict) else {},
                action_label=h["action_label"],
                details=h["details"],
            )
            for h in history
        ],
        matched_code=matched,
    )


def _handed_out_by(org: int) -> Any:
    """The booklets ``org`` handed out (it holds them and they carry a hand-out date)."""
    return (Booklet.holder == org) & Booklet.issued_at.is_not_null()


async def prescriber_feedback_count(actor: Actor, organisation_id: int | None = None) -> int:
    """How many booklets the actor's organisation handed out (the total of the feedback pages)."""
    return await Booklet.count().where(_handed_out_by(prescriber_org(actor, organisation_id)))


async def prescriber_feedback(
    actor: Actor, organisation_id: int | None = None, limit: int = 50, offset: int = 0
) -> list[schemas.FeedbackBooklet]:
    """One slice of the booklets the actor's organisation handed out, newest first: cheques
    used, where, when. Page with ``limit``/``offset``; :func:`prescriber_feedback_count` gives
    the total.

    Only that organisation sees the internal reference it recorded.
    """
    org = prescriber_org(actor, organisation_id)
    booklets = (
        await Booklet.select(
            Booklet.id,
            Booklet.number,
            Booklet.status,
            Booklet.issued_at,
            Booklet.used_count,
            Booklet.batch.valid_until.as_alias("valid_until"),
            Booklet.batch.grace_days.as_alias("grace_days"),
            Booklet.beneficiary.reference.as_alias("reference"),
            Booklet.beneficiary.insee_code.as_alias("commune"),
            Booklet.beneficiary.needs.as_alias("needs"),
        )
        .where(_handed_out_by(org))
        .order_by(Booklet.issued_at, ascending=False)
        .order_by(Booklet.id, ascending=False)
        .limit(limit)
        .offset(offset)
        .output(load_json=True)
    )
    cheques: dict[int, list[schemas.ChequeUse]] = {}
    if booklets:
        for c in (
            await Cheque.select(
                Cheque.booklet,
                Cheque.position,
                Cheque.status,
                Cheque.redeemed_at,
                Cheque.activity,
                Cheque.site.name.as_alias("site_name"),
            )
            .where(Cheque.booklet.is_in([b["id"] for b in booklets]))
            .order_by(Cheque.position)
        ):
            cheques.setdefault(c["booklet"], []).append(
                schemas.ChequeUse(
                    position=c["position"],
                    status=c["status"],
                    redeemed_at=c["redeemed_at"],
                    site=c["site_name"],
                    activity=c["activity"] or None,
                )
            )
    day = today()
    names = await commune_names(sorted({b["commune"] for b in booklets if b["commune"]}))
    return [
        schemas.FeedbackBooklet(
            booklet_number=b["number"],
            status=booklet_status(b["status"], b["valid_until"], b["grace_days"], day),
            issued_at=b["issued_at"],
            reference=b["reference"] or "",
            commune=b["commune"] or "",
            commune_name=names.get(b["commune"] or "", ""),
            needs=list(b["needs"] or []),
            accepted_until=accepted_until(b["valid_until"], b["grace_days"]),
            used_count=b["used_count"],
            cheques=cheques.get(b["id"], []),
        )
        for b in booklets
    ]


async def site_redemptions(
    actor: Actor, day: date | None = None, site_id: int | None = None
) -> list[schemas.SiteRedemption]:
    """The cheques redeemed at the agent's site on ``day`` (today by default), newest first."""
    own = actor.organisation_ids(Role.site_agent)
    first = actor.organisation_for(Role.site_agent)
    if site_id is None and first is not None:
        site_id = first.organisation_id
    if site_id is None or (site_id not in own and not actor.is_staff):
        raise refuse("not_site_agent")
    start = datetime.combine(day or today(), time())
    rows = (
        await Cheque.select(
            Cheque.code,
            Cheque.position,
            Cheque.redeemed_at,
            Cheque.activity,
            Cheque.place,
            Cheque.booklet.number.as_alias("booklet_number"),
            Cheque.redeemed_by.email.as_alias("agent"),
            Cheque.redeemed_by,
        )
        .where(
            (Cheque.site == site_id)
            & (Cheque.redeemed_at >= start)
            & (Cheque.redeemed_at < start + timedelta(days=1))
        )
        .order_by(Cheque.redeemed_at, ascending=False)
    )
    at = stamp()
    return [
        schemas.SiteRedemption(
            code=r["code"],
            code_display=format_code(r["code"]),
            booklet_number=r["booklet_number"],
            position=r["position"],
            redeemed_at=r["redeemed_at"],
            activity=r["activity"],
            place=r["place"],
            agent=r["agent"],
            can_reverse=may_reverse(actor, r, at),
        )
        for r in rows
    ]
