"""What the printer needs: ``printing.BookletData`` built from the database, one booklet or a
whole batch read in ordered chunks (never all in memory)."""

from __future__ import annotations

from collections.abc import AsyncGenerator

from passnum.settings import get_settings
from printing import BookletData, ChequeData
from vouchers.branding import branding_for_print
from vouchers.codes import parse_booklet_number, qr_payload
from vouchers.errors import refuse
from vouchers.rules import validity_lines
from vouchers.tables import Batch, Booklet, Cheque

PRINT_CHUNK = 200


def directory_address(public_url: str) -> str:
    """The list of places as printed: « passnum.example.fr/lieux » (no scheme, to be typed)."""
    return public_url.split("://", 1)[-1].rstrip("/") + "/lieux"


async def _batch_facts(batch_id: int) -> dict:
    row = (
        await Batch.select(*Batch.all_columns(), Batch.funder.name.as_alias("funder_name"))
        .where(Batch.id == batch_id)
        .first()
    )
    if row is None:
        raise refuse("batch_not_found")
    row["branding"] = await branding_for_print(row["funder"])  # once per print run
    return row


async def _build(batch: dict, booklets: list[dict]) -> list[BookletData]:
    settings = get_settings()
    cheques: dict[int, list[ChequeData]] = {b["id"]: [] for b in booklets}
    rows = (
        await Cheque.select(Cheque.booklet, Cheque.code, Cheque.position)
        .where(Cheque.booklet.is_in(list(cheques)))
        .order_by(Cheque.booklet)
        .order_by(Cheque.position)
    )
    for c in rows:
        cheques[c["booklet"]].append(
            ChequeData(c["code"], qr_payload(c["code"], settings.public_url), c["position"])
        )
    validity = validity_lines(batch["valid_from"], batch["valid_until"], batch["grace_days"])
    message, logo = batch["branding"]
    directory = directory_address(settings.public_url)
    return [
        BookletData(
            number=b["number"],
            funder_name=batch["funder_name"],
            face_value_cents=batch["face_value_cents"],
            validity=validity,
            cheques=cheques[b["id"]],
            operator_phone=settings.operator_phone,
            funder_logo=logo,
            funder_message=message,
            operator_name=settings.operator_name,
            directory_url=directory,
        )
        for b in booklets
    ]


async def booklet_print_data(number: str) -> BookletData:
    """One booklet ready for ``printing.render_booklet`` (e.g. to reprint a damaged one)."""
    booklet = (
        await Booklet.select(Booklet.id, Booklet.number, Booklet.batch)
        .where(Booklet.number == parse_booklet_number(number))
        .first()
    )
    if booklet is None:
        raise refuse("booklet_not_found")
    return (await _build(await _batch_facts(booklet["batch"]), [booklet]))[0]


async def batch_print_chunks(
    batch_id: int, chunk_size: int = PRINT_CHUNK
) -> AsyncGenerator[list[BookletData], None]:
    """A batch's booklets in number order, ``chunk_size`` at a time (keyset pagination)."""
    batch = await _batch_facts(batch_id)
    after = -1
    while True:
        booklets = (
            await Booklet.select(Booklet.id, Booklet.number, Booklet.serial)
            .where((Booklet.batch == batch_id) & (Booklet.serial > after))
            .order_by(Booklet.serial)
            .limit(chunk_size)
        )
        if not booklets:
            return
        after = booklets[-1]["serial"]
        yield await _build(batch, booklets)


async def batch_booklet_count(batch_id: int) -> int:
    return await Booklet.count().where(Booklet.batch == batch_id)
