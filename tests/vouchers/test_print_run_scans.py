"""A whole print run, printed from the database and read back by a real decoder.

What the print shop receives must scan to exactly the cheques the database knows: every QR opens
the cheque's page and every Code 128 types its code, for every page of the batch.
"""

from __future__ import annotations

import io

from passnum.settings import get_settings
from printing import render_booklets
from tests.printing.scanning import rasterise, scan
from tests.vouchers.conftest import make_batch, numbers_of
from vouchers.codes import qr_payload
from vouchers.services import batch_print_chunks
from vouchers.tables import Cheque


async def test_every_code_printed_for_a_batch_scans_back_to_the_database(world):
    batch = await make_batch(world, count=3)
    booklets = [b async for chunk in batch_print_chunks(batch.id, chunk_size=2) for b in chunk]
    out = io.BytesIO()
    pages = render_booklets(booklets, out)
    assert pages == 3

    rows = await Cheque.select(Cheque.code).where(Cheque.booklet.batch == batch.id)
    codes = {r["code"] for r in rows}
    numbers = set(await numbers_of(batch))
    assert len(codes) == 15

    qr, linear = set(), set()
    for image in rasterise(out.getvalue()):
        for result in scan(image):
            if result.format.name == "QRCode":
                qr.add(result.text)
            else:
                linear.add(result.text)
    assert qr == {qr_payload(code, get_settings().public_url) for code in codes}
    assert linear == codes | numbers
