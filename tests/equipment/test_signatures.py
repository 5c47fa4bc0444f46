"""The borrower's contact signs on the tablet at hand-over and at return: the signature, the
signer's name and the time are printed on the slip, and the signed slip is kept with its SHA-256
so that a copy brought back later can be checked."""

from __future__ import annotations

import base64
import hashlib
import html
import io
from datetime import datetime

from litestar.testing import AsyncTestClient
from PIL import Image, ImageChops, ImageDraw
from pypdf import PdfReader

from equipment import schemas
from equipment.handover import check_out_loan
from equipment.signatures import SignatureIn
from equipment.tables import Loan, LoanSignature
from passnum import storage
from tests.equipment.conftest import TODAY, Fleet, day
from tests.factories import login, post_form, text_of
from tests.printing.scanning import pdf_text

SIGNED_AT = datetime.combine(TODAY, datetime.min.time()).replace(hour=10, minute=15)


def drawing() -> bytes:
    """What signature_pad sends: a PNG, transparent around the strokes."""
    image = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    pen = ImageDraw.Draw(image)
    pen.line([(40, 150), (120, 40), (200, 160), (300, 50), (420, 140), (560, 60)], "black", 6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def data_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode()


def images_in(pdf: bytes) -> list[Image.Image]:
    return [image.image for page in PdfReader(io.BytesIO(pdf)).pages for image in page.images]


def same_picture(a: Image.Image, b: Image.Image) -> bool:
    difference = ImageChops.difference(a.convert("L"), b.convert("L"))
    return a.size == b.size and difference.getbbox() is None


async def _download(client: AsyncTestClient, url: str) -> bytes:
    response = await client.get(url)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"].startswith("application/pdf")
    return response.content


async def test_a_hand_over_signed_on_the_screen_prints_the_signer_the_time_and_the_drawing_on_the_kept_slip(  # noqa: E501
    client: AsyncTestClient, fleet: Fleet, clock_at
) -> None:
    clock_at(SIGNED_AT)
    tag = fleet.tags[0]
    loan = await fleet.reserve([tag], TODAY, day(14))
    await login(client, fleet.world.staff)
    screen = await client.get(f"/loans/{loan.number}/remise")
    assert "Signature de l'emprunteur" in html.unescape(screen.text)
    assert "/static/vendor/signature_pad.umd.min.js" in screen.text

    done = await post_form(
        client,
        f"/loans/{loan.number}/remise",
        {
            "items": [tag],
            f"present:{tag}": "1",
            f"working:{tag}": "1",
            f"accessories_ok:{tag}": "1",
            "signer_name": "Claire Lebrun",
            "signature_png": data_url(drawing()),
        },
    )
    assert done.status_code == 200, done.text
    page = html.unescape(done.text)
    assert "Matériel remis" in page
    assert "Signé par Claire Lebrun le " + SIGNED_AT.strftime("%d/%m/%Y à %H:%M") in page

    slip = await _download(client, f"/loans/{loan.number}/bon-de-pret.pdf")
    text = "\n".join(pdf_text(slip))
    assert "Signé par Claire Lebrun" in text
    assert "le " + SIGNED_AT.strftime("%d/%m/%Y à %H:%M") in text
    assert "Nom : ......" not in text  # no paper box left to fill in
    [printed] = images_in(slip)
    kept = await LoanSignature.objects().first()
    assert kept.method == "drawn" and kept.signed_at == SIGNED_AT
    assert same_picture(printed, Image.open(io.BytesIO(kept.image)))
    assert printed.convert("L").getpixel((80, 95)) < 128  # the stroke is there, in ink

    stored = await storage.stat(kept.slip_key)
    assert stored is not None and stored.sha256 == hashlib.sha256(slip).hexdigest()
    assert kept.slip_sha256 == stored.sha256
    assert stored.sha256 in page  # shown on the loan page, to compare by hand


async def test_a_copy_of_the_signed_slip_is_recognised_and_a_changed_one_is_not(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    loan = await fleet.reserve([fleet.tags[1]], TODAY, day(7))
    await check_out_loan(
        fleet.staff,
        loan.number,
        [schemas.CheckoutLine(item=fleet.tags[1])],
        SignatureIn("Claire Lebrun", drawing()),
    )
    headers = await fleet.world.staff.bearer()
    slip = (await client.get(f"/api/v1/loans/{loan.number}/slip.pdf", headers=headers)).content

    same = await client.post(
        "/api/v1/slips/check", content=slip, headers={**headers, "Content-Type": "application/pdf"}
    )
    assert same.status_code == 200, same.text
    assert same.json()["matches"] is True
    assert same.json()["loan_number"] == loan.number
    assert same.json()["signer_name"] == "Claire Lebrun"
    assert same.json()["sha256"] == hashlib.sha256(slip).hexdigest()

    middle = len(slip) // 2
    changed = slip[:middle] + bytes([slip[middle] ^ 1]) + slip[middle + 1 :]  # one bit
    other = await client.post(
        "/api/v1/slips/check",
        content=changed,
        headers={**headers, "Content-Type": "application/pdf"},
    )
    assert other.json()["matches"] is False and other.json()["loan_number"] is None

    await login(client, fleet.world.staff)
    upload = await client.get("/equipment/bons/verifier")
    assert upload.status_code == 200
    files = {"copie": ("bon.pdf", slip, "application/pdf")}
    checked = await post_form(client, "/equipment/bons/verifier", {}, files=files)
    assert checked.status_code == 200, checked.text
    assert f"identique au bon de prêt du prêt {loan.number}" in text_of(html.unescape(checked.text))
    files = {"copie": ("bon.pdf", changed, "application/pdf")}
    refused = await post_form(client, "/equipment/bons/verifier", {}, files=files)
    assert "ne correspond à aucun bon signé conservé" in text_of(html.unescape(refused.text))


async def test_without_drawing_the_contact_types_their_name_and_ticks_the_box(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    tag = fleet.tags[2]
    loan = await fleet.reserve([tag], TODAY, day(7))
    await login(client, fleet.world.staff)
    done = await post_form(
        client,
        f"/loans/{loan.number}/remise",
        {"items": [tag], "signer_name": "Claire Lebrun", "signature_typed": "1"},
    )
    assert done.status_code == 200, done.text
    slip = await _download(client, f"/loans/{loan.number}/bon-de-pret.pdf")
    text = "\n".join(pdf_text(slip))
    assert "Signé par Claire Lebrun" in text
    assert "Signature au clavier" in text
    assert images_in(slip) == []
    kept = await LoanSignature.objects().first()
    assert kept.method == "typed" and kept.image is None
    history = text_of(html.unescape((await client.get(f"/loans/{loan.number}")).text))
    assert "Signé par l'emprunteur" in history
    assert "Signataire : Claire Lebrun" in history
    assert "Signature : nom tapé, case de confirmation cochée" in history


async def test_a_hand_over_without_any_signature_is_refused_and_the_loan_stays_reserved(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    tag = fleet.tags[0]
    loan = await fleet.reserve([tag], TODAY, day(7))
    await login(client, fleet.world.staff)
    blank = Image.new("RGBA", (600, 200), (0, 0, 0, 0))
    out = io.BytesIO()
    blank.save(out, format="PNG")
    for fields, message in [
        ({"signer_name": "Claire Lebrun"}, "Faites signer l'emprunteur"),
        ({"signer_name": "", "signature_typed": "1"}, "Indiquez le nom de la personne qui signe"),
        (
            {"signer_name": "Claire Lebrun", "signature_png": data_url(out.getvalue())},
            "La zone de signature est vide",
        ),
        (
            {"signer_name": "Claire Lebrun", "signature_png": "data:image/png;base64,AAAA"},
            "illisible",
        ),
    ]:
        response = await post_form(
            client, f"/loans/{loan.number}/remise", {"items": [tag], **fields}
        )
        assert response.status_code == 422, response.text
        assert message in html.unescape(response.text)
    assert (await Loan.objects().get(Loan.id == loan.id)).status == "reserved"
    assert await LoanSignature.count() == 0


async def test_a_signed_return_is_printed_on_the_return_slip_and_kept_with_its_hash(
    client: AsyncTestClient, fleet: Fleet, clock_at
) -> None:
    tag = fleet.tags[0]
    loan = await fleet.reserve([tag], TODAY, day(7))
    await check_out_loan(fleet.staff, loan.number, [schemas.CheckoutLine(item=tag)])
    clock_at(SIGNED_AT)
    await login(client, fleet.world.staff)
    done = await post_form(
        client,
        f"/loans/{loan.number}/retour",
        {
            "items": [tag],
            f"state:{tag}": "wiped",
            "signer_name": "Marc Durand",
            "signature_png": data_url(drawing()),
        },
    )
    assert done.status_code == 200, done.text
    assert "Retour enregistré" in html.unescape(done.text)
    slip = await _download(client, f"/loans/{loan.number}/bon-de-retour.pdf")
    text = "\n".join(pdf_text(slip))
    assert "Signé par Marc Durand" in text
    assert "le " + SIGNED_AT.strftime("%d/%m/%Y à %H:%M") in text
    assert len(images_in(slip)) == 1
    kept = await LoanSignature.objects().get(LoanSignature.moment == "return")
    assert kept.slip_sha256 == hashlib.sha256(slip).hexdigest()
    # the hand-over was not signed on the tablet: its slip keeps the boxes to sign on paper
    assert "Nom : ......" in "\n".join(
        pdf_text(await _download(client, f"/loans/{loan.number}/bon-de-pret.pdf"))
    )


async def test_the_api_takes_a_signature_with_the_hand_over_and_lists_it(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    headers = await fleet.world.staff.bearer()
    tag = fleet.tags[3]
    loan = await fleet.reserve([tag], TODAY, day(7))
    signature = {
        "signer_name": "Claire Lebrun",
        "image_png_base64": base64.b64encode(drawing()).decode(),
    }
    out = await client.post(
        f"/api/v1/loans/{loan.number}/checkout",
        json={"lines": [{"item": tag}], "signature": signature},
        headers=headers,
    )
    assert out.status_code == 200, out.text
    listed = (await client.get(f"/api/v1/loans/{loan.number}/signatures", headers=headers)).json()
    [one] = listed
    assert one["moment"] == "handover" and one["method"] == "drawn"
    assert one["signer_name"] == "Claire Lebrun" and one["signed_at"].endswith(("+01:00", "+02:00"))
    slip = (await client.get(one["slip_url"], headers=headers)).content
    assert hashlib.sha256(slip).hexdigest() == one["slip_sha256"]

    empty = await client.post(
        f"/api/v1/loans/{loan.number}/checkin",
        json={
            "lines": [{"item": tag, "data_wiped": True}],
            "signature": {"signer_name": "Claire Lebrun"},
        },
        headers=headers,
    )
    assert empty.status_code == 422 and empty.json()["error"] == "signature_missing"
