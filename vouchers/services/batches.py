"""Print runs: bulk creation in one transaction, activation once paid, deletion of a draft,
listings.

Every date a batch implies (the last day a handed-out cheque is accepted, hence the statement
months it can be paid in) is checked before anything is written: the whole run is written in one
transaction, or nothing is.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from piccolo.custom_types import Combinable
from piccolo.query.functions.aggregate import Count, Max
from piccolo.table import Table

from organisations.tables import Organisation
from passnum import audit, clock, db, storage
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.db import write_transaction
from passnum.fr import format_date, format_euros
from territory.services import require_perimeter
from vouchers import schemas
from vouchers.choices import BatchStatus
from vouchers.codes import FIRST_BOOKLET_SERIAL, booklet_number, new_code
from vouchers.errors import invalid, refuse
from vouchers.job_tables import PrintJob
from vouchers.rules import accepted_until, validity_text
from vouchers.services.common import require_staff
from vouchers.tables import Batch, Booklet, Cheque, ScanAttempt

CHEQUES_PER_BOOKLET = 5
MAX_BOOKLETS = 100_000
CHUNK = 1_000  # rows per INSERT: well under SQLite's and asyncpg's bound-parameter limits
NUMBERING_LOCK = 7_362_502  # arbitrary advisory-lock key: booklet numbering of new print runs
# A cheque is paid on the statement of the month it is redeemed in; statements cover these years.
FIRST_DAY, LAST_DAY = date(2000, 1, 1), date(2999, 12, 31)


async def _validate(data: schemas.BatchIn) -> list[str]:
    """The checks of a new print run; gives its perimeter's communes as current INSEE codes."""
    if not data.label.strip():
        raise invalid("label", "Donnez un nom au tirage (ex. « Département 2026 »).")
    if not 1 <= data.booklet_count <= MAX_BOOKLETS:
        raise invalid("booklet_count", f"Le nombre de carnets doit aller de 1 à {MAX_BOOKLETS}.")
    if not 1 <= data.face_value_cents <= 100_000:
        raise invalid("face_value_cents", "La valeur d'un chèque doit aller de 0,01 € à 1000 €.")
    if data.valid_until < data.valid_from:
        raise invalid("valid_until", "La fin de validité doit suivre le début de validité.")
    if not 0 <= data.grace_days <= 366:
        raise invalid("grace_days", "Le délai de grâce doit aller de 0 à 366 jours.")
    _check_dates(data.valid_from, data.valid_until, data.grace_days)
    funder = await Organisation.select(Organisation.is_funder).where(
        Organisation.id == data.funder_id
    )
    if not funder or not funder[0]["is_funder"]:
        raise invalid("funder_id", "Choisissez un financeur parmi les organisations financeuses.")
    if data.allowed_site_ids:
        sites = await Organisation.count().where(
            Organisation.id.is_in(data.allowed_site_ids) & Organisation.is_site.eq(True)
        )
        if sites != len(set(data.allowed_site_ids)):
            raise invalid("allowed_site_ids", "Un des lieux choisis n'est pas un lieu habilité.")
    # Official communes only (an old code counts as its current commune); an EPCI's SIREN
    # stands for all its member communes.
    communes = await require_perimeter(data.allowed_insee_codes, "allowed_insee_codes")
    return sorted(c.code for c in communes)


def _check_dates(valid_from: date, valid_until: date, grace_days: int) -> None:
    """Every derived date stays in the calendar statements are built for (9999-12-31 plus a
    grace period used to overflow after the batch was written)."""
    span = f"entre le {format_date(FIRST_DAY)} et le {format_date(LAST_DAY)}"
    if valid_from < FIRST_DAY:
        raise invalid("valid_from", f"Le début de validité doit être {span}.")
    if valid_until > LAST_DAY - timedelta(days=grace_days):
        raise invalid(
            "valid_until",
            f"La fin de validité, délai de grâce compris, doit être {span} "
            f"(ici au plus tard le {format_date(LAST_DAY - timedelta(days=grace_days))}).",
        )


async def create_batch(actor: Actor, data: schemas.BatchIn) -> schemas.Batch:
    """A draft print run with its booklets and cheques, numbered after the last existing one.

    Everything is inserted in one transaction, in chunks, so 10,000 booklets take seconds.
    """
    require_staff(actor)
    communes = await _validate(data)
    async with write_transaction():
        # Numbers follow on from the last booklet: one print run at a time takes them. SQLite's
        # write transaction is already exclusive; PostgreSQL queues on an advisory lock, held
        # until commit (MAX()+1 alone gave two simultaneous runs the same numbers).
        if db.is_postgres():
            await Batch.raw("SELECT pg_advisory_xact_lock({})", NUMBERING_LOCK)
        last = await Booklet.select(Max(Booklet.serial, alias="last")).first()
        first_serial = ((last or {}).get("last") or FIRST_BOOKLET_SERIAL - 1) + 1
        batch = Batch(
            funder=data.funder_id,
            label=data.label.strip(),
            booklet_count=data.booklet_count,
            first_serial=first_serial,
            face_value_cents=data.face_value_cents,
            valid_from=data.valid_from,
            valid_until=data.valid_until,
            grace_days=data.grace_days,
            allowed_site_ids=sorted(set(data.allowed_site_ids)),
            allowed_insee_codes=communes,
            status=BatchStatus.draft.value,
        )
        await batch.save()
        serials = range(first_serial, first_serial + data.booklet_count)
        for start in range(0, len(serials), CHUNK):
            await _insert_rows(
                Booklet,
                ("number", "serial", "batch"),
                [(booklet_number(s), s, batch.id) for s in serials[start : start + CHUNK]],
            )
        ids = await Booklet.select(Booklet.id).where(Booklet.batch == batch.id).output(as_list=True)
        for start in range(0, len(ids), CHUNK):
            await _insert_rows(
                Cheque,
                ("booklet", "position", "code"),
                [
                    (booklet_id, position, new_code())
                    for booklet_id in ids[start : start + CHUNK]
                    for position in range(1, CHEQUES_PER_BOOKLET + 1)
                ],
            )
        await audit.record(
            actor,
            "create",
            "batch",
            batch.id,
            {"label": batch.label, "booklets": data.booklet_count, "funder": data.funder_id},
        )
    return await get_batch(actor, batch.id)


async def _insert_rows(table: type[Table], columns: tuple[str, ...], rows: list[tuple]) -> None:
    """One multi-row INSERT (other columns take their database defaults): building a Piccolo
    object per row would cost more than the database itself."""
    placeholders = "(" + ", ".join("{}" for _ in columns) + ")"
    names = ", ".join(f'"{c}"' for c in columns)
    # Table and column names are constants of this module; every value is a bound parameter.
    sql = f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES ' + ", ".join(  # noqa: S608
        placeholders for _ in rows
    )
    await table.raw(sql, *(value for row in rows for value in row))


def check_payment(evidence: schemas.ActivateIn | None, face_total_cents: int) -> None:
    """The payment evidence a print run is activated on: amount, reference and date, and the
    amount equal to the run's face value unless a reason for the difference is written down."""
    evidence = evidence or schemas.ActivateIn()
    if evidence.amount_cents is None or evidence.amount_cents < 0:
        raise invalid("amount_cents", "Indiquez le montant reçu du financeur (en euros).")
    if not evidence.payment_reference.strip():
        raise invalid(
            "payment_reference",
            "Indiquez la référence du paiement (numéro du titre, du mandat ou de la facture).",
        )
    if len(evidence.payment_reference.strip()) > 100:
        raise invalid("payment_reference", "La référence du paiement tient en 100 caractères.")
    if evidence.paid_on is None:
        raise invalid("paid_on", "Indiquez la date du paiement (jj/mm/aaaa).")
    if evidence.paid_on > clock.today():
        raise invalid("paid_on", "La date du paiement ne peut pas être dans le futur.")
    if evidence.amount_cents != face_total_cents and not evidence.difference_reason.strip():
        raise refuse(
            "payment_amount_differs",
            expected_cents=face_total_cents,
            amount_cents=evidence.amount_cents,
            _expected=format_euros(face_total_cents),
            _amount=format_euros(evidence.amount_cents),
        )


async def activate_batch(
    actor: Actor, batch_id: int, evidence: schemas.ActivateIn | None
) -> schemas.Batch:
    """Staff record the funder's payment (amount, reference, date): its booklets can now be
    handed out. Without that evidence, or with an amount other than the face value and no
    reason, nothing changes (422). A batch whose validity has already ended is refused
    (nothing could be used)."""
    require_staff(actor)
    batch = await get_batch(actor, batch_id)
    day = clock.today()
    if batch.status != BatchStatus.draft.value:
        raise refuse("batch_already_active")
    if batch.valid_until < day:
        raise _validity_ended(batch.valid_until)
    check_payment(evidence, batch.face_total_cents)
    assert evidence is not None and evidence.paid_on is not None  # checked above
    paid_at = datetime.combine(evidence.paid_on, time())
    difference = (
        "" if evidence.amount_cents == batch.face_total_cents else evidence.difference_reason
    )
    payment = {
        "paid_on": evidence.paid_on.isoformat(),
        "amount_cents": evidence.amount_cents,
        "expected_cents": batch.face_total_cents,
        "reference": evidence.payment_reference.strip(),
        "difference": difference.strip(),
    }
    async with write_transaction():
        updated = (
            await Batch.update(
                {
                    Batch.status: BatchStatus.active.value,
                    Batch.paid_at: paid_at,
                    Batch.paid_on: evidence.paid_on,
                    Batch.paid_amount_cents: evidence.amount_cents,
                    Batch.payment_reference: payment["reference"],
                    Batch.payment_difference: payment["difference"],
                }
            )
            .where(
                (Batch.id == batch_id)
                & (Batch.status == BatchStatus.draft.value)
                & (Batch.valid_until >= day)
            )
            .returning(Batch.id)
        )
        if not updated:
            rows = await Batch.select(Batch.status, Batch.valid_until).where(Batch.id == batch_id)
            if not rows:
                raise refuse("batch_not_found")
            if rows[0]["status"] != BatchStatus.draft.value:
                raise refuse("batch_already_active")
            raise _validity_ended(rows[0]["valid_until"])
        await audit.record(actor, "activate", "batch", batch_id, payment)
    return await get_batch(actor, batch_id)


def _validity_ended(ended: date) -> Exception:
    return refuse("batch_validity_ended", valid_until=ended.isoformat(), _date=format_date(ended))


def full_payment(batch: schemas.Batch, reference: str, paid_on: date) -> schemas.ActivateIn:
    """The evidence of a run paid at its face value (the demo's, and tests' shortcut)."""
    return schemas.ActivateIn(batch.face_total_cents, reference, paid_on)


async def delete_batch(actor: Actor, batch_id: int) -> str:
    """Staff delete a draft print run (not paid, so none of its booklets was handed out) with
    its booklets, cheques and print jobs; returns its label. An active batch, one whose cheques
    were scanned (the scan ledger keeps them), or one being printed is refused."""
    require_staff(actor)
    async with write_transaction():
        rows = await Batch.select(Batch.label, Batch.status, Batch.booklet_count).where(
            Batch.id == batch_id
        )
        if not rows:
            raise refuse("batch_not_found")
        if rows[0]["status"] != BatchStatus.draft.value:
            raise refuse("batch_not_draft")
        if await ScanAttempt.exists().where(ScanAttempt.cheque._.booklet._.batch == batch_id):
            raise refuse("batch_has_scans")
        if await PrintJob.exists().where(
            (PrintJob.batch == batch_id) & PrintJob.status.is_in(["queued", "running"])
        ):
            raise refuse("batch_printing")
        files = await PrintJob.select(PrintJob.file_name).where(PrintJob.batch == batch_id)
        booklet_ids = Booklet.select(Booklet.id).where(Booklet.batch == batch_id)
        await Cheque.delete().where(Cheque.booklet.is_in(booklet_ids))
        await Booklet.delete().where(Booklet.batch == batch_id)
        await PrintJob.delete().where(PrintJob.batch == batch_id)
        await Batch.delete().where(Batch.id == batch_id)
        await audit.record(
            actor,
            "delete",
            "batch",
            batch_id,
            {"label": rows[0]["label"], "booklets": rows[0]["booklet_count"]},
        )
    from vouchers.jobs import document_key  # jobs imports the services: not at module level

    for f in files:
        if f["file_name"]:
            await storage.delete(document_key(f["file_name"]))
    return rows[0]["label"]


def face_total(booklet_count: int, face_value_cents: int) -> int:
    """What a print run is worth: every cheque of every booklet at its face value."""
    return booklet_count * CHEQUES_PER_BOOKLET * face_value_cents


def _visible(actor: Actor) -> Combinable | None:
    """None for staff (every batch); a condition on the funder for funder users."""
    if actor.is_staff:
        return None
    funders = actor.organisation_ids(Role.funder)
    if not funders:
        raise refuse("forbidden")
    return Batch.funder.is_in(list(funders))


async def _counts(batch_ids: list[int]) -> tuple[dict[int, dict[str, int]], dict[int, int]]:
    if not batch_ids:
        return {}, {}
    by_status: dict[int, dict[str, int]] = {}
    for row in (
        await Booklet.select(Booklet.batch, Booklet.status, Count(alias="n"))
        .where(Booklet.batch.is_in(batch_ids))
        .group_by(Booklet.batch, Booklet.status)
    ):
        by_status.setdefault(row["batch"], {})[row["status"]] = row["n"]
    redeemed = {
        row["booklet.batch"]: row["n"]
        for row in await Cheque.select(Cheque.booklet.batch, Count(alias="n"))
        .where(Cheque.booklet.batch.is_in(batch_ids) & (Cheque.status == "redeemed"))
        .group_by(Cheque.booklet.batch)
    }
    return by_status, redeemed


BATCH_COLUMNS = (*Batch.all_columns(), Batch.funder.name.as_alias("funder_name"))


def _to_schema(row: dict, by_status: dict[str, int], redeemed: int) -> schemas.Batch:
    return schemas.Batch(
        id=row["id"],
        funder_id=row["funder"],
        funder_name=row["funder_name"],
        label=row["label"],
        booklet_count=row["booklet_count"],
        first_number=booklet_number(row["first_serial"]),
        last_number=booklet_number(row["first_serial"] + row["booklet_count"] - 1),
        face_value_cents=row["face_value_cents"],
        valid_from=row["valid_from"],
        valid_until=row["valid_until"],
        grace_days=row["grace_days"],
        accepted_until=accepted_until(row["valid_until"], row["grace_days"]),
        validity=validity_text(row["valid_from"], row["valid_until"], row["grace_days"]),
        allowed_site_ids=list(row["allowed_site_ids"]),
        allowed_insee_codes=list(row["allowed_insee_codes"]),
        status=row["status"],
        paid_at=row["paid_at"],
        created_at=row["created_at"],
        booklets_by_status=by_status,
        cheques_redeemed=redeemed,
        face_total_cents=face_total(row["booklet_count"], row["face_value_cents"]),
        paid_on=row["paid_on"],
        paid_amount_cents=row["paid_amount_cents"],
        payment_reference=row["payment_reference"],
        payment_difference=row["payment_difference"],
    )


async def count_batches(actor: Actor) -> int:
    """How many batches :func:`list_batches` pages through for this actor."""
    condition = _visible(actor)
    return await (Batch.count().where(condition) if condition is not None else Batch.count())


async def list_batches(actor: Actor, limit: int = 50, offset: int = 0) -> list[schemas.Batch]:
    """One slice of the batches, newest first: every batch for staff, a funder's own batches for
    its users. Booklets and cheques are counted for that slice only."""
    condition = _visible(actor)
    query = Batch.select(*BATCH_COLUMNS).order_by(Batch.id, ascending=False)
    if condition is not None:
        query = query.where(condition)
    rows = await query.limit(limit).offset(offset).output(load_json=True)
    by_status, redeemed = await _counts([r["id"] for r in rows])
    return [_to_schema(r, by_status.get(r["id"], {}), redeemed.get(r["id"], 0)) for r in rows]


async def get_batch(actor: Actor, batch_id: int) -> schemas.Batch:
    condition = _visible(actor)
    query = Batch.select(*BATCH_COLUMNS).where(Batch.id == batch_id)
    if condition is not None:
        query = query.where(condition)
    row = await query.output(load_json=True).first()
    if row is None:
        raise refuse("batch_not_found")
    by_status, redeemed = await _counts([batch_id])
    return _to_schema(row, by_status.get(batch_id, {}), redeemed.get(batch_id, 0))
