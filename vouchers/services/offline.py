"""Scanning without a network: the offline kit a scanner decides from, and the synchronisation of
the cheques it accepted meanwhile.

The kit lists the cheques an agent's sites would accept (handed out, of an active print run, in
perimeter, not past their last day) and those already redeemed, as keyed hashes: a fresh random
key per kit, HMAC-SHA256 cut to 6 bytes. A code has 75 random bits, so the key cannot be used to
list codes (each hash fits ~2^27 codes of the 2^75); the kit only tells whether a code in hand is
on it. The phone then queues what it accepted; the batch that brings them back runs each one
through the one redemption rule (:func:`vouchers.services.redemption.redeem_cheque`), dated at
its scan time, idempotent per scan (the phone's UUID, through :mod:`vouchers.services.idempotency`).
The first redemption received wins; an offline acceptance the server refuses goes to the
Département's review, never silently dropped.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
from datetime import UTC, datetime, timedelta
from typing import Any

import msgspec

from organisations.tables import Organisation, SiteStatus
from passnum import audit, audit_view, clock, db, vocabulary
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from passnum.errors import DomainError
from passnum.fr import format_moment
from passnum.settings import get_settings
from vouchers import schemas
from vouchers.choices import BatchStatus, BookletStatus, ChequeStatus
from vouchers.codes import format_code, parse_code
from vouchers.errors import invalid, refuse
from vouchers.rules import accepted_until, site_in_perimeter
from vouchers.services.common import require_staff
from vouchers.services.idempotency import error_body, run_idempotent
from vouchers.services.redemption import redeem_cheque, text_hash
from vouchers.tables import Batch, Cheque, OfflineScan

KIT_REFRESH = timedelta(hours=1)  # the scanner downloads a new kit at least this often
KIT_MAX_AGE = timedelta(days=7)  # an older kit no longer accepts anything offline
HASH_BYTES = 6
MAX_BATCH = 500  # scans per synchronisation request
# Refusals that say nothing about the cheque (bad field, wrong person): answered, not reviewed.
NOT_REVIEWED = frozenset({"invalid", "not_site_agent", "idempotency_key_reused", "in_progress"})
DECISIONS = {"compensate": "Compensé", "reject": "Non compensé"}
REVIEW_LABELS = {"pending": "En attente de décision du Département", **DECISIONS}
offline_decision_label = vocabulary.define("offline_decision", DECISIONS)
offline_review_label = vocabulary.define("offline_review", REVIEW_LABELS)
audit_view.describe_fields(
    "offline_scan",
    {
        "decision": audit_view.Field("Décision", "offline_decision"),
        "compensation_cents": audit_view.Field("Compensation", "cents"),
    },
)

# One row per cheque of the kit's print runs; constants only are joined, values are bound ({}).
KIT_CHEQUES_SQL = """
SELECT c.code, c.position, c.status, b.number, b.batch
FROM cheque c JOIN booklet b ON b.id = c.booklet
WHERE b.batch IN ({batches}) AND b.status IN ({{}}, {{}}) AND c.status IN ({{}}, {{}})
ORDER BY b.serial, c.position
"""


def kit_hash(key: bytes, code: str) -> str:
    """A cheque's entry in a kit: 8 base64url characters (what the scanner computes too)."""
    digest = hmac.new(key, code.encode(), hashlib.sha256).digest()[:HASH_BYTES]
    return base64.urlsafe_b64encode(digest).decode()


def _signature(user_id: int, epoch: int) -> str:
    key = get_settings().secret_key.encode()
    message = f"offline-kit:{user_id}:{epoch}".encode()
    return hmac.new(key, message, hashlib.sha256).hexdigest()[:24]


def kit_token(user_id: int, generated_at: datetime) -> str:
    """The kit's time, signed for its agent: sent back with each scan, it bounds the scan time."""
    epoch = int(clock.aware(generated_at).timestamp())
    return f"{epoch}.{_signature(user_id, epoch)}"


def kit_time(user_id: int, token: str) -> datetime | None:
    """When the kit of ``token`` was made (stored time), or None if the token is not genuine."""
    epoch_text, _, signature = token.partition(".")
    if not epoch_text.isdigit() or not hmac.compare_digest(
        signature, _signature(user_id, int(epoch_text))
    ):
        return None
    return clock.to_stored(datetime.fromtimestamp(int(epoch_text), UTC))


def _agent_sites(actor: Actor) -> list[int]:
    every = actor.choices or actor.memberships
    return sorted({m.organisation_id for m in every if m.role == Role.site_agent})


async def offline_kit(actor: Actor) -> schemas.OfflineKit:
    """The kit for every qualified site of this agent (a suspended site gets nothing)."""
    own = _agent_sites(actor)
    if not own:
        raise refuse("not_site_agent")
    generated_at = clock.stamp()
    today = generated_at.date()
    sites = (
        await Organisation.select(Organisation.id, Organisation.name, Organisation.insee_code)
        .where(
            Organisation.id.is_in(own)
            & (Organisation.is_site == True)  # noqa: E712 - Piccolo column comparison
            & (Organisation.site_status == SiteStatus.qualified.value)
        )
        .order_by(Organisation.name)
    )
    batches: list[schemas.OfflineKitBatch] = []
    batch_index: dict[int, int] = {}
    if sites:
        rows = (
            await Batch.select(
                Batch.id,
                Batch.face_value_cents,
                Batch.valid_from,
                Batch.valid_until,
                Batch.grace_days,
                Batch.allowed_site_ids,
                Batch.allowed_insee_codes,
                Batch.funder.name.as_alias("funder"),
            )
            .where(
                (Batch.status == BatchStatus.active.value)
                & (Batch.valid_from <= today + KIT_MAX_AGE)
            )
            .output(load_json=True)
            .order_by(Batch.id)
        )
        for b in rows:
            last = accepted_until(b["valid_until"], b["grace_days"])
            accepting = [
                s["id"]
                for s in sites
                if site_in_perimeter(
                    s["id"], s["insee_code"], b["allowed_site_ids"], b["allowed_insee_codes"]
                )
            ]
            if last < today or not accepting:
                continue
            batch_index[b["id"]] = len(batches)
            batches.append(
                schemas.OfflineKitBatch(
                    face_value_cents=b["face_value_cents"],
                    funder=b["funder"],
                    valid_from=b["valid_from"],
                    last_day=last,
                    site_ids=accepting,
                )
            )
    key = secrets.token_bytes(16)
    booklets, cheques, redeemed = await _booklet_lines(key, batch_index)
    return schemas.OfflineKit(
        generated_at=generated_at,
        refresh_after=generated_at + KIT_REFRESH,
        expires_at=generated_at + KIT_MAX_AGE,
        token=kit_token(actor.user_id, generated_at),
        key=base64.urlsafe_b64encode(key).decode().rstrip("="),
        sites=[schemas.OfflineKitSite(id=s["id"], name=s["name"]) for s in sites],
        batches=batches,
        booklets=booklets,
        cheque_count=cheques,
        redeemed_count=redeemed,
    )


async def _booklet_lines(key: bytes, batch_index: dict[int, int]) -> tuple[list[str], int, int]:
    if not batch_index:
        return [], 0, 0
    ids = list(batch_index)
    sql = KIT_CHEQUES_SQL.format(batches=", ".join("{}" for _ in ids))
    rows = await db.fetch(
        Cheque,
        sql,
        *ids,
        BookletStatus.issued.value,
        BookletStatus.exhausted.value,
        ChequeStatus.valid.value,
        ChequeStatus.redeemed.value,
    )
    lines: list[str] = []
    current: tuple[str, int] | None = None
    valid: list[str] = []
    used: list[str] = []
    redeemed = 0

    def close() -> None:
        if current is not None:
            lines.append(f"{batch_index[current[1]]} {current[0]} {''.join(valid)} {''.join(used)}")

    for row in rows:
        if current != (row["number"], row["batch"]):
            close()
            current, valid, used = (row["number"], row["batch"]), [], []
        entry = f"{row['position']}{kit_hash(key, row['code'])}"
        if row["status"] == ChequeStatus.redeemed:
            used.append(entry)
            redeemed += 1
        else:
            valid.append(entry)
    close()
    return lines, len(rows), redeemed


# --- Synchronisation --------------------------------------------------------------------------


def _acting_at(actor: Actor, site_id: int | None) -> Actor:
    """The agent acting at the scan's site when it is one of theirs (pages act in one site)."""
    if site_id is not None and site_id in _agent_sites(actor):
        return actor.within(site_id)
    return actor


def _bounded(
    actor: Actor, scan: schemas.OfflineScanIn, received_at: datetime
) -> tuple[datetime, datetime | None, bool]:
    """The scan time to use, the kit's time, and whether the phone's time was replaced.

    A phone's clock can be wrong: its time is kept only between its kit's download and the
    batch's reception; otherwise the reception time is used and the scan flagged.
    """
    kit_at = kit_time(actor.user_id, scan.kit)
    device = clock.to_stored(scan.scanned_at).replace(microsecond=0)
    if kit_at is not None and kit_at <= device <= received_at:
        return device, kit_at, False
    return received_at, kit_at, True


async def sync_offline_scans(actor: Actor, data: schemas.OfflineBatchIn) -> schemas.OfflineBatch:
    """Each scan of the batch through the redemption rule, once per client id; one result each."""
    if not data.scans:
        raise invalid("scans", "Aucun scan à envoyer.")
    if len(data.scans) > MAX_BATCH:
        raise invalid("scans", f"Envoyez au plus {MAX_BATCH} scans par requête.")
    received_at = clock.stamp()
    results = []
    for scan in data.scans:
        if not 8 <= len(scan.client_id.strip()) <= 64:
            error = invalid("client_id", "Chaque scan doit porter son identifiant (UUID).")
            results.append(_result(scan.client_id, error.status_code, error_body(error)))
            continue
        # One transaction per scan: its claim, its redemption, its record and its stored answer
        # are kept together or not at all; a racing copy of the scan waits, then reads the answer.
        async with write_transaction():
            answer = await run_idempotent(
                actor.user_id,
                f"offline:{scan.client_id.strip()}",
                msgspec.json.encode(scan),
                lambda scan=scan: _receive(actor, scan, received_at),
            )
        results.append(_result(scan.client_id, answer.status_code, answer.body))
    return schemas.OfflineBatch(received_at=received_at, results=results)


def _result(client_id: str, status_code: int, body: dict[str, Any]) -> schemas.OfflineScanResult:
    if "result" in body:  # what _receive answered (now or the first time this scan came)
        return msgspec.convert(body, schemas.OfflineScanResult)
    return schemas.OfflineScanResult(
        client_id=client_id, result=body.get("error", "invalid"), message=body.get("message", "")
    )


async def _receive(
    actor: Actor, scan: schemas.OfflineScanIn, received_at: datetime
) -> schemas.OfflineScanResult:
    scanned_at, kit_at, flagged = _bounded(actor, scan, received_at)
    agent = _acting_at(actor, scan.site_id)
    data = schemas.RedemptionIn(
        code=scan.code, activity=scan.activity, place=scan.place, site_id=scan.site_id
    )
    record = {
        "client_id": scan.client_id.strip(),
        "user": actor.user_id,
        "activity": scan.activity,
        "place": scan.place,
        "device_scanned_at": clock.to_stored(scan.scanned_at).replace(microsecond=0),
        "scanned_at": scanned_at,
        "received_at": received_at,
        "kit_at": kit_at,
        "flagged": flagged,
    }
    try:
        done = await redeem_cheque(agent, data, scanned_at=scanned_at)
    except DomainError as error:
        if error.code in NOT_REVIEWED:
            raise
        cheque = await _cheque_of(scan.code)
        site_id = scan.site_id or (_agent_sites(agent) or [None])[0]
        await OfflineScan.insert(
            OfflineScan(
                **record,
                site=site_id,
                cheque=cheque["id"] if cheque else None,
                text_hash="" if cheque else text_hash(scan.code),
                result=error.code,
                message=error.message,
                review="pending",
            )
        )
        return schemas.OfflineScanResult(
            client_id=record["client_id"],
            result=error.code,
            message=error.message
            + " Ce scan hors connexion est transmis au Département, qui décidera d'une "
            "éventuelle compensation.",
            scanned_at=scanned_at,
            flagged=flagged,
            review="pending",
            code_display=format_code(cheque["code"]) if cheque else "",
            booklet_number=cheque["number"] if cheque else "",
            position=cheque["position"] if cheque else None,
            face_value_cents=cheque["face_value_cents"] if cheque else None,
        )
    cheque = await _cheque_of(done.code)
    await OfflineScan.insert(
        OfflineScan(
            **record,
            site=done.site_id,
            cheque=cheque["id"] if cheque else None,
            result="redeemed",
            message="Chèque encaissé.",
        )
    )
    return schemas.OfflineScanResult(
        client_id=record["client_id"],
        result="redeemed",
        message=f"Chèque encaissé (scanné le {format_moment(scanned_at)}).",
        scanned_at=scanned_at,
        flagged=flagged,
        code_display=done.code_display,
        booklet_number=done.booklet_number,
        position=done.position,
        face_value_cents=done.face_value_cents,
    )


async def _cheque_of(text: str) -> dict[str, Any] | None:
    try:
        code = parse_code(text)
    except DomainError:
        return None
    return (
        await Cheque.select(
            Cheque.id,
            Cheque.code,
            Cheque.position,
            Cheque.booklet.number.as_alias("number"),
            Cheque.booklet._.batch._.face_value_cents.as_alias("face_value_cents"),
        )
        .where(Cheque.code == code)
        .first()
    )


# --- What agents and staff see of offline scans -------------------------------------------------

REVIEW_SQL = """
SELECT o.id, o.client_id, o.scanned_at, o.device_scanned_at, o.received_at, o.kit_at, o.flagged,
       o.result, o.message, o.review, o.review_note, o.reviewed_at, o.compensation_cents,
       o.activity, o.place,
       s.id AS site_id, s.name AS site, u.email AS agent,
       c.code, c.position, c.redeemed_at AS won_at, ws.name AS won_site, wu.email AS won_agent,
       b.number AS booklet_number, t.face_value_cents, r.email AS reviewer
FROM offline_scan o
JOIN organisation s ON s.id = o.site
JOIN piccolo_user u ON u.id = o."user"
LEFT JOIN cheque c ON c.id = o.cheque
LEFT JOIN organisation ws ON ws.id = c.site
LEFT JOIN piccolo_user wu ON wu.id = c.redeemed_by
LEFT JOIN booklet b ON b.id = c.booklet
LEFT JOIN batch t ON t.id = b.batch
LEFT JOIN piccolo_user r ON r.id = o.reviewed_by
WHERE {where}
ORDER BY o.received_at DESC, o.id DESC
LIMIT 200
"""


def _review_row(row: dict[str, Any]) -> dict[str, Any]:
    row["code_display"] = format_code(row["code"]) if row["code"] else ""
    row["review_label"] = offline_review_label(row["review"] or "")
    row["flagged"] = bool(row["flagged"])
    return row


async def offline_reviews(actor: Actor, pending: bool = True) -> list[dict[str, Any]]:
    """Staff's review list: refused offline acceptances with both scans' evidence."""
    require_staff(actor)
    where = "o.review = {}" if pending else "o.review <> '' AND o.review <> {}"
    rows = await OfflineScan.raw(REVIEW_SQL.format(where=where), "pending")
    return [_review_row(r) for r in rows]


async def site_offline_scans(actor: Actor, site_id: int | None = None) -> list[dict[str, Any]]:
    """The offline scans received for the agent's site (or all their sites), newest first."""
    own = _agent_sites(actor)
    ids = [site_id] if site_id in own else own
    if not ids:
        return []
    where = f"o.site IN ({', '.join('{}' for _ in ids)})"
    rows = await OfflineScan.raw(REVIEW_SQL.format(where=where), *ids)
    return [_review_row(r) for r in rows]


async def decide_review(actor: Actor, scan_id: int, decision: str, note: str) -> None:
    """Staff decide on a refused offline acceptance: compensate the site (the cheque's face value,
    on its next statement, apart from cheque lines) or not; the site agent sees the decision."""
    require_staff(actor)
    if decision not in DECISIONS:
        raise invalid("decision", "Choisissez : compenser le lieu ou ne pas compenser.")
    note = note.strip()
    if not note:
        raise invalid("note", "Indiquez le motif de la décision (il est montré au lieu).")
    async with write_transaction():
        rows = await OfflineScan.raw(
            "SELECT o.id, t.face_value_cents FROM offline_scan o "
            "LEFT JOIN cheque c ON c.id = o.cheque LEFT JOIN booklet b ON b.id = c.booklet "
            "LEFT JOIN batch t ON t.id = b.batch WHERE o.id = {}",
            scan_id,
        )
        if not rows:
            raise refuse("not_found")
        amount = (rows[0]["face_value_cents"] or 0) if decision == "compensate" else 0
        done = (
            await OfflineScan.update(
                {
                    OfflineScan.review: decision,
                    OfflineScan.review_note: note,
                    OfflineScan.reviewed_by: actor.user_id,
                    OfflineScan.reviewed_at: clock.stamp(),
                    OfflineScan.compensation_cents: amount,
                }
            )
            .where((OfflineScan.id == scan_id) & (OfflineScan.review == "pending"))
            .returning(OfflineScan.id)
        )
        if not done:
            raise refuse("review_decided")
        await audit.record(
            actor,
            "offline_review",
            "offline_scan",
            scan_id,
            {"decision": decision, "compensation_cents": amount},
        )


async def conflict_counts(since: datetime) -> dict[int, int]:
    """Refused offline acceptances per site since ``since`` (the signal of frequent conflicts)."""
    rows = await OfflineScan.raw(
        "SELECT site, count(*) AS n FROM offline_scan WHERE review <> '' AND received_at >= {} "
        "GROUP BY site",
        since,
    )
    return {r["site"]: r["n"] for r in rows}


__all__ = [
    "conflict_counts",
    "decide_review",
    "kit_hash",
    "kit_time",
    "offline_kit",
    "offline_reviews",
    "site_offline_scans",
    "sync_offline_scans",
]
