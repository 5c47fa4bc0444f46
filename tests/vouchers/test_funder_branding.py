"""A funder's logo and one-line message go on the covers of its booklets: staff (or the funder's
own users) upload a PNG or JPEG logo, checked for type and size, and the printed booklets show it;
the QR codes and barcodes still scan."""

from __future__ import annotations

import io

from PIL import Image
from pypdf import PdfReader

from tests.factories import login, post_form
from tests.printing.scanning import pdf_text, rasterise, scan
from tests.vouchers.conftest import make_batch
from tests.vouchers.pages_helpers import seen

MESSAGE = "La CAF vous accompagne dans vos démarches en ligne"


def image(kind: str, size: tuple[int, int] = (240, 96)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (0, 90, 160)).save(buffer, format=kind)
    return buffer.getvalue()


async def test_a_funders_logo_and_message_are_printed_on_its_booklets(client, world):
    headers = await world.staff.bearer()
    url = f"/api/v1/funders/{world.funder_id}/branding"
    answer = await client.put(
        url,
        files={"logo": ("logo.jpg", image("JPEG"), "image/jpeg")},
        data={"message": MESSAGE},
        headers=headers,
    )
    assert answer.status_code == 200, answer.text
    assert answer.json()["message"] == MESSAGE and answer.json()["logo_type"] == "image/jpeg"
    batch = await make_batch(world, count=2, funder_id=world.funder_id)
    await login(client, world.staff)
    pdf = (await client.get(f"/staff/tirages/{batch.id}/carnets.pdf")).content
    pages = PdfReader(io.BytesIO(pdf)).pages
    assert [p.images[0].image.size for p in pages] == [(240, 96), (240, 96)]
    text = " ".join(" ".join(pdf_text(pdf)).split())
    assert MESSAGE in text and "Département de la Manche" in text and "/lieux" in text
    codes = {r.text for r in scan(rasterise(pdf)[0])}
    assert len(codes) == 11  # five QR codes, five cheque barcodes, the booklet number


async def test_a_logo_of_another_type_or_too_large_is_refused_in_french(client, world):
    headers = await world.staff.bearer()
    url = f"/api/v1/funders/{world.funder_id}/branding"
    gif = await client.put(
        url, files={"logo": ("logo.gif", image("GIF"), "image/gif")}, headers=headers
    )
    assert (gif.status_code, gif.json()["field"]) == (422, "logo")
    assert "PNG ou JPEG" in gif.json()["message"]
    fake = await client.put(
        url,
        files={"logo": ("logo.png", b"\x89PNG\r\n\x1a\nnot really", "image/png")},
        headers=headers,
    )
    assert fake.status_code == 422
    big = await client.put(
        url, files={"logo": ("logo.png", image("PNG", (3000, 100)), "image/png")}, headers=headers
    )
    assert big.status_code == 422 and "pixels" in big.json()["message"]
    long = await client.put(url, data={"message": "x" * 61}, headers=headers)
    assert (long.status_code, long.json()["field"]) == (422, "message")


async def test_only_staff_and_the_funders_own_users_brand_its_booklets(client, world):
    url = f"/api/v1/funders/{world.funder_id}/branding"
    own = await client.put(url, data={"message": MESSAGE}, headers=await world.funder.bearer())
    assert own.status_code == 200
    other = await client.put(
        f"/api/v1/funders/{world.operator_id}/branding",
        data={"message": "Pas à moi"},
        headers=await world.funder.bearer(),
    )
    assert other.status_code == 404


async def test_the_funder_sets_its_branding_on_its_page(client, world):
    await login(client, world.funder)
    page = seen(await client.get("/financeur/carnets"))
    assert "Logo" in page and "Message" in page
    response = await post_form(client, "/financeur/carnets", {"message": MESSAGE})
    assert response.status_code == 200 and MESSAGE in seen(response)
