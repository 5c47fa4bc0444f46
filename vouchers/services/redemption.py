"""Redeeming a cheque at a qualified site, at most once, with every attempt in the ledger.

The database decides: a conditional ``UPDATE cheque … WHERE status = 'valid' RETURNING`` inside
one transaction with the ledger row. Rules are checked before (for a clear answer) and again
under the row lock (a booklet cancelled meanwhile rolls the redemption back).
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date

from passnum import audit
from passnum.auth.actor import Actor
from passnum.errors import DomainError
from passnum.settings import get_settings
from passnum.tables import Organisation, Role, SiteStatus
from vouchers import schemas
from vouchers.choices import ACTIVITIES, NEEDS, PLACES, BatchStatus, BookletStatus, ChequeStatus
from vouchers.codes import format_code, normalise_code, parse_code
from vouchers.errors import invalid, refuse
from vouchers.rules import accepted_until, site_in_perimeter
from vouchers.services.common import now, today, transaction
from vouchers.tables import Booklet, Cheque, ScanAttempt

CHEQUE_COLUMNS = (
    Cheque.id,
    Cheque.code,
    Cheque.position,
    Cheque.status,
    Cheque.redeemed_at,
    Cheque.site.name.as_alias("redeemed_site"),
    Cheque.booklet.id.as_alias("booklet_id"),
    Cheque.booklet.number.as_alias("booklet_number"),
    Cheque.booklet.status.as_alias("booklet_status"),
    Cheque.booklet.batch.status.as_alias("batch_status"),
    Cheque.booklet.batch.valid_from.as_alias("valid_from"),
    Cheque.booklet.batch.valid_until.as_alias("valid_until"),
    Cheque.booklet.batch.grace_days.as_alias("grace_days"),
    Cheque.booklet.batch.face_value_cents.as_alias("face_value_cents"),
    Cheque.booklet.batch.allowed_site_ids.as_alias("allowed_site_ids"),
    Cheque.booklet.batch.allowed_insee_codes.as_alias("allowed_insee_codes"),
    Cheque.booklet.batch.funder.name.as_alias("funder"),
)


def text_hash(text: str) -> str:
    """Keyed hash of what was scanned, so the ledger never stores codes matching no cheque."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, normalise_code(text).encode(), hashlib.sha256).hexdigest()


async def cheque_row(code: str) -> dict | None:
    """A cheque with its booklet's and batch's facts, by canonical code."""
    return (
        await Cheque.select(*CHEQUE_COLUMNS)
        .where(Cheque.code == code)
        .output(load_json=True)
        .first()
    )


def refusal(row: dict, site: dict, day: date) -> DomainError | None:
    """Why this cheque cannot be redeemed at this site today, or None if it can."""
    if row["status"] == ChequeStatus.redeemed:
        when = row["redeemed_at"]
        return refuse(
            "already_redeemed",
            redeemed_at=when.isoformat(),
            site=row["redeemed_site"],
            _when=when.strftime("%d/%m/%Y à %H:%M"),
        )
    if row["status"] == ChequeStatus.cancelled or row["booklet_status"] == BookletStatus.cancelled:
        return refuse("cancelled")
    if row["batch_status"] != BatchStatus.active or row["booklet_status"] not in (
        BookletStatus.issued,
        BookletStatus.exhausted,
    ):
        return refuse("not_issued")
    if day < row["valid_from"]:
        return refuse(
            "not_yet_valid", valid_from=row["valid_from"].isoformat(), _date=_fr(row["valid_from"])
        )
    last_day = accepted_until(row["valid_until"], row["grace_days"])
    if day > last_day:
        return refuse("expired", accepted_until=last_day.isoformat(), _date=_fr(last_day))
    if not site_in_perimeter(
        site["id"], site["insee_code"], row["allowed_site_ids"], row["allowed_insee_codes"]
    ):
        return refuse("not_accepted_here")
    return None


def _fr(day: date) -> str:
    return day.strftime("%d/%m/%Y")


async def _agent_site(actor: Actor, site_id: int | None) -> dict:
    own = actor.organisation_ids(Role.site_agent)
    if not own or (site_id is not None and site_id not in own):
        raise refuse("not_site_agent")
    chosen = (
        site_id if site_id is not None else actor.organisation_for(Role.site_agent).organisation_id
    )
    return (
        await Organisation.select(
            Organisation.id,
            Organisation.name,
            Organisation.insee_code,
            Organisation.is_site,
            Organisation.site_status,
        )
        .where(Organisation.id == chosen)
        .first()
    )


def _validate(data: schemas.RedemptionIn) -> None:
    if data.activity not in ACTIVITIES:
        raise invalid("activity", "Choisissez l'activité : accompagnement individuel ou atelier.")
    if data.place not in PLACES:
        raise invalid("place", "Choisissez le lieu : sur place, à domicile ou à distance.")
    if any(t not in NEEDS for t in data.themes):
        raise invalid("themes", "Choisissez les thèmes dans la liste proposée.")
    if data.duration_minutes is not None and not 1 <= data.duration_minutes <= 600:
        raise invalid("duration_minutes", "La durée doit aller de 1 à 600 minutes.")


async def _log(actor: Actor, site_id: int, result: str, cheque_id=None, text: str = "") -> None:
    await ScanAttempt.insert(
        ScanAttempt(
            at=now(),
            user=actor.user_id,
            site=site_id,
            result=result,
            cheque=cheque_id,
            text_hash=text_hash(text) if cheque_id is None and text else "",
        )
    )


async def redeem_cheque(actor: Actor, data: schemas.RedemptionIn) -> schemas.Redemption:
    """Redeem the cheque typed or scanned by a site agent; every attempt goes to the ledger."""
    site = await _agent_site(actor, data.site_id)
    _validate(data)
    if not site["is_site"] or site["site_status"] != SiteStatus.qualified:
        await _log(actor, site["id"], "site_not_qualified", text=data.code)
        raise refuse("site_not_qualified")
    try:
        code = parse_code(data.code)
    except DomainError:
        await _log(actor, site["id"], "malformed", text=data.code)
        raise
    row = await cheque_row(code)
    if row is None:
        await _log(actor, site["id"], "unknown", text=code)
        raise refuse("unknown")
    try:
        if error := refusal(row, site, today()):
            raise error
        return await _redeem(actor, site, row, data)
    except DomainError as error:
        await _log(actor, site["id"], error.code, cheque_id=row["id"])
        raise


async def _redeem(
    actor: Actor, site: dict, row: dict, data: schemas.RedemptionIn
) -> schemas.Redemption:
    at = now()
    async with transaction():
        won = (
            await Cheque.update(
                {
                    Cheque.status: ChequeStatus.redeemed.value,
                    Cheque.redeemed_at: at,
                    Cheque.site: site["id"],
                    Cheque.redeemed_by: actor.user_id,
                    Cheque.activity: data.activity,
                    Cheque.place: data.place,
                    Cheque.themes: sorted(set(data.themes)),
                    Cheque.duration_minutes: data.duration_minutes,
                }
            )
            .where((Cheque.id == row["id"]) & (Cheque.status == ChequeStatus.valid.value))
            .returning(Cheque.id)
        )
        if not won:
            raise refusal(await cheque_row(row["code"]), site, today()) or refuse("unknown")
        # Under the row lock: the booklet or batch may have changed since the first read.
        again = await cheque_row(row["code"])
        if error := refusal({**again, "status": ChequeStatus.valid.value}, site, today()):
            raise error
        used = (
            await Booklet.update({Booklet.used_count: Booklet.used_count + 1})
            .where(Booklet.id == row["booklet_id"])
            .returning(Booklet.used_count)
        )
        if used[0]["used_count"] >= 5:
            await Booklet.update(
                {Booklet.status: BookletStatus.exhausted.value, Booklet.exhausted_at: at}
            ).where(
                (Booklet.id == row["booklet_id"]) & (Booklet.status == BookletStatus.issued.value)
            )
        await _log(actor, site["id"], "redeemed", cheque_id=row["id"])
        await audit.record(
            actor,
            "redeem",
            "cheque",
            row["code"],
            {"site": site["id"], "activity": data.activity, "place": data.place},
        )
    return schemas.Redemption(
        result="redeemed",
        code=row["code"],
        code_display=format_code(row["code"]),
        booklet_number=row["booklet_number"],
        position=row["position"],
        face_value_cents=row["face_value_cents"],
        funder=row["funder"],
        site=site["name"],
        site_id=site["id"],
        redeemed_at=at,
        activity=data.activity,
        place=data.place,
    )
