"""Redeeming a cheque at a qualified site, at most once, with every attempt in the ledger.

The database decides: a conditional ``UPDATE cheque … WHERE status = 'valid' RETURNING``, atomic
with the booklet counter, the ledger row and the audit entry. Rules are checked before, for a
clear answer; a booklet cancelled meanwhile has cancelled the cheque, so the UPDATE finds it no
longer valid and the refusal is read again.
"""

from __future__ import annotations

import hashlib
import hmac
from datetime import date, datetime

from piccolo.utils.encoding import dump_json

from organisations.tables import Organisation, SiteStatus
from passnum import audit, db
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.clock import stamp, today
from passnum.db import write_transaction
from passnum.errors import DomainError
from passnum.fr import format_date, format_moment
from passnum.settings import get_settings
from vouchers import schemas
from vouchers.choices import ACTIVITIES, NEEDS, PLACES, BookletStatus, ChequeStatus
from vouchers.codes import format_code, normalise_code, parse_code
from vouchers.errors import invalid, refuse
from vouchers.rules import cheque_state, last_day, site_in_perimeter
from vouchers.services.common import load_perimeter
from vouchers.tables import Booklet, Cheque, ScanAttempt

# Raw SQL on the hot paths (redemption, public status): building the equivalent Piccolo query
# with its joins cost more CPU than running it. Same columns and names as before.
CHEQUE_COLUMNS = """
       c.id, c.code, c.position, c.status, c.redeemed_at, s.name AS redeemed_site,
       b.id AS booklet_id, b.number AS booklet_number, b.status AS booklet_status,
       t.status AS batch_status, t.valid_from, t.valid_until, t.grace_days,
       t.face_value_cents, t.allowed_site_ids, t.allowed_insee_codes, f.name AS funder
"""
CHEQUE_JOINS = """
LEFT JOIN booklet b ON b.id = c.booklet
LEFT JOIN batch t ON t.id = b.batch
LEFT JOIN organisation f ON f.id = t.funder
LEFT JOIN organisation s ON s.id = c.site
"""
SITE_COLUMNS = ("id", "name", "insee_code", "is_site", "site_status")
# Constants only are joined here; values are always bound parameters ({}).
CHEQUE_SQL = f"SELECT {CHEQUE_COLUMNS} FROM cheque c {CHEQUE_JOINS} WHERE c.code = {{}}"  # noqa: S608
# The agent's site and the scanned cheque (if any) in one round trip.
SITE_AND_CHEQUE_SQL = (
    f"SELECT {', '.join(f'o.{n} AS site_{n}' for n in SITE_COLUMNS)}, {CHEQUE_COLUMNS} "  # noqa: S608
    f"FROM organisation o LEFT JOIN cheque c ON c.code = {{}} {CHEQUE_JOINS} WHERE o.id = {{}}"
)
# The writes of a redemption. The conditional UPDATE decides: it changes the cheque only if it is
# still valid when its row is locked. Every change that makes a valid cheque unusable writes the
# cheque row too (cancelling a booklet cancels its valid cheques first) and a batch's dates and
# perimeter are fixed once it is active, so nothing else needs re-reading under the lock.
REDEEM_SQL = """
UPDATE cheque SET status = {}, redeemed_at = {}, site = {}, redeemed_by = {}, activity = {},
    place = {}, themes = {}, duration_minutes = {}
WHERE id = {} AND status = {}
RETURNING id
"""
# Counts the use and marks a fifth use exhausted (SET reads the old values); WHERE follows.
USE_BOOKLET = """
UPDATE booklet SET
    used_count = used_count + 1,
    status = CASE WHEN used_count + 1 >= 5 AND status = {} THEN {} ELSE status END,
    exhausted_at = CASE WHEN used_count + 1 >= 5 AND status = {} THEN {} ELSE exhausted_at END
"""
USE_BOOKLET_SQL = USE_BOOKLET + "WHERE id = {}"
LOG_COLUMNS = 'at, "user", site, result, cheque, text_hash'
LOG_SQL = f"INSERT INTO scan_attempt ({LOG_COLUMNS}) VALUES ({', '.join(['{}'] * 6)})"  # noqa: S608
# PostgreSQL: the same four writes as one statement (data-modifying CTEs), so one round trip
# and one commit instead of six; nothing is written unless `won` holds the cheque. SQLite has
# no data-modifying CTEs and runs the four statements in one transaction.
REDEEM_ALL_SQL = f"""
WITH won AS ({REDEEM_SQL}),
used AS ({USE_BOOKLET} WHERE id = {{}} AND EXISTS (SELECT 1 FROM won)),
logged AS (INSERT INTO scan_attempt ({LOG_COLUMNS}) SELECT {{}}, {{}}, {{}}, {{}}, id, '' FROM won),
audited AS (INSERT INTO audit_entry ({audit.COLUMNS}) SELECT {", ".join(["{}"] * 7)} FROM won)
SELECT id FROM won
"""  # noqa: S608 - constants only; every value is a bound parameter


def text_hash(text: str) -> str:
    """Keyed hash of what was scanned, so the ledger never stores codes matching no cheque."""
    key = get_settings().secret_key.encode()
    return hmac.new(key, normalise_code(text).encode(), hashlib.sha256).hexdigest()


async def cheque_row(code: str) -> dict | None:
    """A cheque with its booklet's and batch's facts, by canonical code."""
    rows = await db.fetch(Cheque, CHEQUE_SQL, code)
    return load_perimeter(rows[0]) if rows else None


def refusal(row: dict, site: dict, day: date) -> DomainError | None:
    """Why this cheque cannot be redeemed at this site today, or None if it can.

    The cheque's own state comes from :func:`vouchers.rules.cheque_state`, the same decision as
    its public status; only the site's perimeter is added here.
    """
    state = cheque_state(row, day)
    if state == ChequeStatus.redeemed:
        when = row["redeemed_at"]
        return refuse(
            "already_redeemed",
            redeemed_at=when.isoformat(),
            site=row["redeemed_site"],
            _when=format_moment(when),
        )
    if state == ChequeStatus.expired:
        end = last_day(row)
        return refuse("expired", accepted_until=end.isoformat(), _date=format_date(end))
    if state == ChequeStatus.not_yet_valid:
        starts = row["valid_from"]
        return refuse("not_yet_valid", valid_from=starts.isoformat(), _date=format_date(starts))
    if state != ChequeStatus.valid:
        return refuse(state.value)  # refuses: cancelled, not_issued
    if not site_in_perimeter(
        site["id"], site["insee_code"], row["allowed_site_ids"], row["allowed_insee_codes"]
    ):
        return refuse("not_accepted_here")
    return None


def _agent_site_id(actor: Actor, site_id: int | None) -> int:
    own = actor.organisation_ids(Role.site_agent)
    first = actor.organisation_for(Role.site_agent)
    if first is None or (site_id is not None and site_id not in own):
        raise refuse("not_site_agent")
    return site_id if site_id is not None else first.organisation_id


async def _site_and_cheque(site_id: int, code: str) -> tuple[dict, dict | None]:
    """The site's facts, and the cheque with this code (None if none) as :func:`cheque_row`.

    The site is the agent's own (:func:`_agent_site_id`): its row is always there."""
    rows = await db.fetch(Organisation, SITE_AND_CHEQUE_SQL, code, site_id)
    row = rows[0]
    site = {name: row.pop(f"site_{name}") for name in SITE_COLUMNS}
    return site, (load_perimeter(row) if row["id"] is not None else None)


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
    digest = text_hash(text) if cheque_id is None and text else ""
    await db.fetch(ScanAttempt, LOG_SQL, stamp(), actor.user_id, site_id, result, cheque_id, digest)


async def redeem_cheque(
    actor: Actor, data: schemas.RedemptionIn, scanned_at: datetime | None = None
) -> schemas.Redemption:
    """Redeem the cheque typed or scanned by a site agent; every attempt goes to the ledger.

    ``scanned_at`` (stored time) is a scan made earlier without network and received now
    (:mod:`vouchers.services.offline`, which bounds it): the cheque is judged on that day and the
    redemption dated then, so it goes on the statement of that month.
    """
    day = scanned_at.date() if scanned_at is not None else today()
    site_id = _agent_site_id(actor, data.site_id)
    try:
        code, malformed = parse_code(data.code), None
    except DomainError as error:
        code, malformed = "", error  # no cheque has an empty code
    site, row = await _site_and_cheque(site_id, code)
    _validate(data)
    if not site["is_site"] or site["site_status"] != SiteStatus.qualified:
        await _log(actor, site["id"], "site_not_qualified", text=data.code)
        raise refuse("site_not_qualified")
    if malformed is not None:
        await _log(actor, site["id"], "malformed", text=data.code)
        raise malformed
    if row is None:
        await _log(actor, site["id"], "unknown", text=code)
        raise refuse("unknown")
    try:
        if error := refusal(row, site, day):
            raise error
        return await _redeem(actor, site, row, data, scanned_at)
    except DomainError as error:
        await _log(actor, site["id"], error.code, cheque_id=row["id"])
        raise


async def _redeem(
    actor: Actor,
    site: dict,
    row: dict,
    data: schemas.RedemptionIn,
    scanned_at: datetime | None = None,
) -> schemas.Redemption:
    at = scanned_at or stamp()
    redeem = (
        ChequeStatus.redeemed.value,
        at,
        site["id"],
        actor.user_id,
        data.activity,
        data.place,
        dump_json(sorted(set(data.themes))),
        data.duration_minutes,
        row["id"],
        ChequeStatus.valid.value,
    )
    issued, exhausted = BookletStatus.issued.value, BookletStatus.exhausted.value
    use_booklet = (issued, exhausted, issued, at, row["booklet_id"])
    log = (at, actor.user_id, site["id"], "redeemed")
    changes = {"site": site["id"], "activity": data.activity, "place": data.place}
    if db.is_postgres():
        entry = audit.values(actor, "redeem", "cheque", row["code"], changes)
        won = await db.fetch(Cheque, REDEEM_ALL_SQL, *redeem, *use_booklet, *log, *entry)
    else:
        async with write_transaction():
            won = await Cheque.raw(REDEEM_SQL, *redeem)
            if won:
                await Booklet.raw(USE_BOOKLET_SQL, *use_booklet)
                await ScanAttempt.raw(LOG_SQL, *log, row["id"], "")
                await audit.record(actor, "redeem", "cheque", row["code"], changes)
    if not won:
        day = at.date() if scanned_at is not None else today()
        now = await cheque_row(row["code"])
        raise (refusal(now, site, day) if now is not None else None) or refuse("unknown")
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
