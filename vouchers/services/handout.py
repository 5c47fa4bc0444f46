"""Handing a booklet to a person (with a minimal beneficiary record) and cancelling one."""

from __future__ import annotations

from passnum import audit, db
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.clock import stamp, today
from passnum.db import write_transaction
from passnum.fr import format_date
from passnum.settings import get_settings
from territory.services import require_commune
from vouchers import schemas
from vouchers.choices import (
    AGE_BANDS,
    CANCEL_REASONS,
    NEEDS,
    SOCIAL_STATUSES,
    BatchStatus,
    BookletStatus,
    ChequeStatus,
    booklet_status_label,
)
from vouchers.codes import parse_booklet_number
from vouchers.errors import invalid, refuse
from vouchers.rules import accepted_until, booklet_status, validity_text
from vouchers.services.common import accepted_sites, directory_url, load_perimeter, prescriber_org
from vouchers.services.nearest import nearest_sites, origin_of
from vouchers.tables import Beneficiary, Booklet, Cheque

# Raw SQL: a hand-out reads the booklet twice (checks, then the receipt), and building this
# Piccolo select with its joins was 42 % of a hand-out's worker CPU in the profile. Every
# booklet column, then its batch's facts under the names the services use.
BOOKLET_SQL = f"""
SELECT {", ".join(f'k."{c._meta.db_column_name}"' for c in Booklet._meta.columns)},
       t.status AS batch_status, t.valid_from, t.valid_until, t.grace_days, t.face_value_cents,
       t.allowed_site_ids, t.allowed_insee_codes, t.label AS batch_label,
       f.name AS funder_name, h.name AS holder_name, u.email AS issued_by_email
FROM booklet k
LEFT JOIN batch t ON t.id = k.batch
LEFT JOIN organisation f ON f.id = t.funder
LEFT JOIN organisation h ON h.id = k.holder
LEFT JOIN piccolo_user u ON u.id = k.issued_by
WHERE k.number = {{}}
"""  # noqa: S608 - column names from the table definition; the number is a bound parameter


async def find_booklet(text: str) -> dict:
    """A booklet row (with its batch's dates and perimeter) from a typed or scanned number."""
    rows = await db.fetch(Booklet, BOOKLET_SQL, parse_booklet_number(text))
    if not rows:
        raise refuse("booklet_not_found")
    return load_perimeter(rows[0])


async def clean_beneficiary(data: schemas.BeneficiaryIn) -> dict:
    """Validated beneficiary values, or the refusal naming what to fix. Consent comes first; the
    commune must be an official one (an old code is stored as its current commune)."""
    if not data.consent:
        raise refuse("consent_required")
    commune = await require_commune(data.insee_code, "insee_code")
    insee = commune.code if commune else ""
    if data.age_band not in AGE_BANDS:
        raise invalid("age_band", "Choisissez une tranche d'âge dans la liste.")
    if data.social_status not in SOCIAL_STATUSES:
        raise invalid("social_status", "Choisissez une situation dans la liste.")
    unknown = [n for n in data.needs if n not in NEEDS]
    if unknown:
        raise invalid("needs", "Choisissez les besoins dans la liste proposée.")
    reference = data.reference.strip()
    if len(reference) > 100:
        raise invalid("reference", "La référence interne ne doit pas dépasser 100 caractères.")
    return {
        "insee_code": insee,
        "age_band": data.age_band,
        "social_status": data.social_status,
        "needs": sorted(set(data.needs), key=list(NEEDS).index),
        "reference": reference,
        "consent": True,
    }


async def _replaced(text: str, organisation_id: int) -> dict:
    """The cancelled booklet being replaced: it must be one this organisation handed out."""
    old = await find_booklet(text)
    if old["holder"] != organisation_id or old["status"] != BookletStatus.cancelled:
        raise invalid(
            "replaces", "Le carnet remplacé doit être un carnet annulé remis par votre structure."
        )
    if old["beneficiary"] is None:
        raise invalid("replaces", "Le carnet remplacé n'avait pas été remis à une personne.")
    return old


async def hand_out_booklet(
    actor: Actor, data: schemas.HandOutIn, organisation_id: int | None = None
) -> schemas.HandOut:
    """Hand a booklet of the actor's organisation stock to a person.

    A beneficiary record with consent is required, unless ``replaces`` names a cancelled
    booklet this organisation had handed out: the replacement keeps that person's record.
    """
    org = prescriber_org(actor, organisation_id)
    booklet = await find_booklet(data.booklet_number)
    if booklet["holder"] == org and booklet["status"] in (
        BookletStatus.issued,
        BookletStatus.exhausted,
    ):
        raise refuse("already_handed_out")
    if booklet["holder"] != org or booklet["status"] != BookletStatus.allocated:
        raise refuse("not_in_your_stock")
    if booklet["batch_status"] != BatchStatus.active:
        raise refuse("batch_not_active")
    if today() > booklet["valid_until"]:
        raise refuse("booklet_expired", _date=format_date(booklet["valid_until"]))
    replaced = await _replaced(data.replaces, org) if data.replaces else None
    values = (
        {} if replaced else await clean_beneficiary(data.beneficiary or schemas.BeneficiaryIn())
    )
    async with write_transaction():
        if replaced:
            beneficiary_id = replaced["beneficiary"]
        else:
            beneficiary = Beneficiary(prescriber=org, **values)
            await beneficiary.save()
            beneficiary_id = beneficiary.id
        issued = (
            await Booklet.update(
                {
                    Booklet.status: BookletStatus.issued.value,
                    Booklet.issued_at: stamp(),
                    Booklet.issued_by: actor.user_id,
                    Booklet.beneficiary: beneficiary_id,
                    Booklet.replaces: replaced["id"] if replaced else None,
                }
            )
            .where(
                (Booklet.id == booklet["id"])
                & (Booklet.status == BookletStatus.allocated.value)
                & (Booklet.holder == org)
            )
            .returning(Booklet.id)
        )
        if not issued:
            raise refuse("already_handed_out")
        changes = {"organisation": org, "beneficiary": beneficiary_id}
        if replaced:
            changes["replaces"] = replaced["number"]
        await audit.record(actor, "hand_out", "booklet", booklet["number"], changes)
    return await handover_receipt(actor, booklet["number"])


async def handover_receipt(actor: Actor, number: str) -> schemas.HandOut:
    """What the printable receipt tells the person: where to go, until when, whom to call."""
    booklet = await find_booklet(number)
    if not actor.is_staff and booklet["holder"] not in actor.organisation_ids(Role.prescriber):
        raise refuse("forbidden")
    if booklet["issued_at"] is None:
        raise refuse("not_in_your_stock")
    everywhere, sites = await accepted_sites(
        booklet["allowed_site_ids"], booklet["allowed_insee_codes"]
    )
    origin = await origin_of(await _beneficiary_commune(booklet))
    near = await nearest_sites(origin, everywhere, sites)
    replaces = None
    if booklet["replaces"]:
        old = await Booklet.select(Booklet.number).where(Booklet.id == booklet["replaces"]).first()
        replaces = old["number"] if old else None
    return schemas.HandOut(
        booklet_number=booklet["number"],
        issued_at=booklet["issued_at"],
        prescriber_name=booklet["holder_name"],
        funder_name=booklet["funder_name"],
        face_value_cents=booklet["face_value_cents"],
        cheque_count=5,
        valid_from=booklet["valid_from"],
        accepted_until=accepted_until(booklet["valid_until"], booklet["grace_days"]),
        validity=validity_text(
            booklet["valid_from"], booklet["valid_until"], booklet["grace_days"]
        ),
        accepted_everywhere=everywhere,
        accepted_sites=sites,
        directory_url=directory_url(),
        operator_phone=get_settings().operator_phone,
        replaces=replaces,
        nearest=near,
        commune_name=origin.label if origin else "",
    )


async def _beneficiary_commune(booklet: dict) -> str:
    if not booklet.get("beneficiary"):
        return ""
    row = (
        await Beneficiary.select(Beneficiary.insee_code)
        .where(Beneficiary.id == booklet["beneficiary"])
        .first()
    )
    return row["insee_code"] if row else ""


CANCELLABLE = (BookletStatus.in_stock, BookletStatus.allocated, BookletStatus.issued)


async def cancel_booklet(
    actor: Actor, number: str, reason: str, note: str = ""
) -> schemas.CancelledBooklet:
    """Cancel a lost or stolen booklet: its unused cheques become ``cancelled`` at once.

    Staff may cancel any booklet not yet used up; a prescriber, those of their organisation.
    Cheques are updated before the booklet, in the same order as a redemption locks rows.
    """
    if reason not in CANCEL_REASONS:
        raise invalid("reason", "Choisissez un motif : perdu, volé, abîmé, erreur ou autre.")
    booklet = await find_booklet(number)
    if not actor.is_staff and booklet["holder"] not in actor.organisation_ids(Role.prescriber):
        raise refuse("forbidden")
    shown = booklet_status(
        booklet["status"], booklet["valid_until"], booklet["grace_days"], today()
    )
    if booklet["status"] not in CANCELLABLE:
        raise refuse("not_cancellable", _status=booklet_status_label(shown))
    async with write_transaction():
        cheques = (
            await Cheque.update(
                {Cheque.status: ChequeStatus.cancelled.value, Cheque.cancelled_at: stamp()}
            )
            .where((Cheque.booklet == booklet["id"]) & (Cheque.status == ChequeStatus.valid.value))
            .returning(Cheque.id)
        )
        done = (
            await Booklet.update(
                {
                    Booklet.status: BookletStatus.cancelled.value,
                    Booklet.cancelled_at: stamp(),
                    Booklet.cancelled_by: actor.user_id,
                    Booklet.cancel_reason: reason,
                    Booklet.cancel_note: note.strip()[:1000],
                }
            )
            .where((Booklet.id == booklet["id"]) & Booklet.status.is_in(list(CANCELLABLE)))
            .returning(Booklet.id)
        )
        if not done:
            raise refuse("not_cancellable", _status="déjà entièrement utilisé ou annulé")
        await audit.record(
            actor,
            "cancel",
            "booklet",
            booklet["number"],
            {"reason": reason, "cheques_cancelled": len(cheques), "previous": booklet["status"]},
        )
    return schemas.CancelledBooklet(
        booklet_number=booklet["number"],
        status=BookletStatus.cancelled.value,
        cancelled_cheques=len(cheques),
        reason=reason,
    )
