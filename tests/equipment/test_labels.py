"""A label stuck on a device is read by a phone (QR) and by a hand scanner (Code 128), and tells
whoever finds the device whom it belongs to and whom to call."""

from __future__ import annotations

import zxingcpp
from litestar.testing import AsyncTestClient

from equipment.labels import item_url
from tests.env import passnum_env
from tests.equipment.conftest import Fleet
from tests.printing.scanning import pdf_text, rasterise, scan


async def test_each_label_scans_as_qr_and_code128_and_names_the_operator(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = await fleet.world.staff.bearer()
    wanted = [fleet.tags[0], fleet.tags[3]]
    with passnum_env(OPERATOR_NAME="Département de la Manche", OPERATOR_PHONE="02 33 05 55 50"):
        response = await client.get(
            f"/api/v1/inventory/labels.pdf?tags={','.join(wanted)}", headers=headers
        )
        urls = {item_url(tag) for tag in wanted}
    assert response.status_code == 200
    found = scan(rasterise(response.content)[0])
    qr = {r.text for r in found if r.format == zxingcpp.BarcodeFormat.QRCode}
    bars = {r.text for r in found if r.format == zxingcpp.BarcodeFormat.Code128}
    assert qr == urls
    assert bars == set(wanted)
    text = " ".join(pdf_text(response.content)[0].split())  # lines wrap on the sticker
    assert "Département de la Manche" in text
    assert "02 33 05 55 50" in text
