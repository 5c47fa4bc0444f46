"""`passnum print booklets|booklet` stream PDFs from the database; the demo loads once."""

from __future__ import annotations

import asyncio
import io
from datetime import timedelta

from click.testing import CliRunner
from pypdf import PdfReader

from organisations.demo import load_territory
from passnum import clock
from tests.vouchers.conftest import make_batch
from vouchers.cli import COMMANDS, print_group
from vouchers.demo import DEMO_LABEL, load_demo
from vouchers.tables import Batch, Booklet, Cheque, ScanAttempt


async def invoke(*args: str):
    """Run the command as the shell would: in its own thread and event loop."""
    return await asyncio.to_thread(CliRunner().invoke, print_group, list(args))


def test_the_cli_exports_print_and_anonymise():
    assert {c.name for c in COMMANDS} == {"print", "anonymise", "notify"}
    assert set(print_group.commands) == {"booklets", "booklet"}


async def test_a_whole_batch_prints_one_page_per_booklet_in_number_order(world, tmp_path):
    batch = await make_batch(world, count=45, active=False)
    out = tmp_path / "tirage.pdf"
    result = await invoke("booklets", "--batch", str(batch.id), "--out", str(out), "--workers", "2")
    assert result.exit_code == 0, result.output
    reader = PdfReader(io.BytesIO(out.read_bytes()))
    assert len(reader.pages) == 45
    assert batch.first_number in reader.pages[0].extract_text()
    assert batch.last_number in reader.pages[44].extract_text()


async def test_one_booklet_can_be_reprinted(world, tmp_path):
    batch = await make_batch(world, count=2, active=False)
    out = tmp_path / "carnet.pdf"
    result = await invoke("booklet", batch.last_number, "--out", str(out))
    assert result.exit_code == 0, result.output
    text = PdfReader(io.BytesIO(out.read_bytes())).pages[0].extract_text()
    assert batch.last_number in text
    missing = await invoke("booklet", "12345674", "--out", str(out))
    assert missing.exit_code == 1 and "Aucun carnet" in missing.output


async def test_printing_an_unknown_batch_fails_clearly(db, tmp_path):
    result = await invoke("booklets", "--batch", "999", "--out", str(tmp_path / "x.pdf"))
    assert result.exit_code == 1 and "n'existe pas" in result.output


async def test_the_demo_has_stock_handouts_and_redemptions_and_loads_once(db):
    territory = await load_territory()
    await load_demo(territory)
    await load_demo(await load_territory())
    assert await Batch.count().where(Batch.label == DEMO_LABEL) == 1
    assert await Booklet.count().where(Booklet.status == "allocated") > 0
    handed_out = Booklet.issued_at.is_not_null() & (Booklet.batch.label == DEMO_LABEL)
    assert await Booklet.count().where(handed_out) == 4 * len(territory.prescriber_ids)
    assert await Cheque.count().where(Cheque.status == "redeemed") > 0
    assert await ScanAttempt.count() == await Cheque.count().where(Cheque.status == "redeemed")
    # A booklet is allocated to its prescriber before it is handed out (the staff search page
    # said « Attribué le » today and « Remis le » months ago).
    dates = await Booklet.select(Booklet.allocated_at, Booklet.issued_at).where(
        Booklet.issued_at.is_not_null()
    )
    assert dates and all(d["allocated_at"] <= d["issued_at"] for d in dates)
    # Its past sessions are in the day (they took the hour the demo was loaded: all at 22:25 at
    # night, flagged « hors des permanences » on the signals page).
    past = await Cheque.select(Cheque.redeemed_at).where(
        Cheque.redeemed_at < clock.stamp() - timedelta(days=1)
    )
    assert past and all(9 <= c["redeemed_at"].hour < 17 for c in past)
    holders = await Booklet.select(Booklet.holder).where(Booklet.holder.is_not_null())
    assert {h["holder"] for h in holders} == set(territory.prescriber_ids)
