"""Fleet loans are signed on paper or on the tablet: what was lent, its value, who answers."""

import io
from dataclasses import replace
from datetime import date, datetime

import pytest
import zxingcpp
from PIL import Image, ImageDraw
from pypdf import PdfReader

from printing import DEFAULT_TERMS, SignatureLine, render_loan_slip, render_return_slip
from tests.printing.samples import loan
from tests.printing.scanning import pdf_text, rasterise, scan


def test_loan_slip_lists_items_values_terms_and_signature_boxes() -> None:
    pdf = render_loan_slip(loan(items=3))
    text = "\n".join(pdf_text(pdf))
    for expected in [
        "Bon de prêt",
        "Prêt n° PRET-2027-0042",
        "Mairie de Coutances",
        "Élodie Lefèvre",
        "Prêt du 01/03/2027 au 29/03/2027",
        "PF300003",
        "PN-000002",
        "chargeur, housse",
        "649,00 €",
        "Valeur totale déclarée",
        "1 947,00 €",
        "État du matériel à la remise",
        "Écran sans rayure",
        "Légère trace sur le capot",
        "Pour le prêteur (Département)",
        "Pour l'emprunteur",
        "Signature",
        *DEFAULT_TERMS,
    ]:
        assert expected in text


def test_loan_slip_qr_code_opens_the_loan() -> None:
    results = scan(rasterise(render_loan_slip(loan()))[0])
    qr = [r.text for r in results if r.format == zxingcpp.BarcodeFormat.QRCode]
    assert qr == ["https://passnum.example.fr/p/PRET-2027-0042"]


def test_a_loan_of_many_items_runs_over_several_pages_with_every_item() -> None:
    pages = pdf_text(render_loan_slip(loan(items=40)))
    assert len(pages) > 1
    text = "\n".join(pages)
    assert all(f"PN-{index:06d}" in text for index in range(1, 41))
    assert "25 960,00 €" in text
    assert "Pour l'emprunteur" in pages[-1]


def test_return_slip_records_the_return_date_and_condition_on_return() -> None:
    text = "\n".join(pdf_text(render_return_slip(loan(returned_on=date(2027, 3, 20)))))
    assert "Bon de retour" in text
    assert "Rendu le 20/03/2027 : PN-000001, PN-000002." in text
    assert "Matériel restitué le 20/03/2027." in text
    assert "État du matériel au retour" in text
    assert "Pour l'emprunteur" in text


def test_a_return_slip_without_return_date_is_refused() -> None:
    with pytest.raises(ValueError, match="restitution"):
        render_return_slip(loan())


def _drawn() -> bytes:
    image = Image.new("L", (600, 200), 255)
    ImageDraw.Draw(image).line([(30, 150), (200, 40), (380, 160), (570, 50)], 0, 6)
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


def test_a_slip_signed_on_the_tablet_prints_who_signed_when_and_the_drawing() -> None:
    signed_at = datetime(2027, 3, 1, 14, 5)
    signature = SignatureLine("Élodie Lefèvre", signed_at, _drawn(), agent_name="Paul Agent")
    pdf = render_loan_slip(replace(loan(), signatures=[signature]))
    text = "\n".join(pdf_text(pdf))
    assert "Signé par Élodie Lefèvre" in text and "le 01/03/2027 à 14:05" in text
    assert "Agent : Paul Agent" in text
    assert "Nom : ......" not in text  # no box left to fill in on paper
    [image] = [i.image for p in PdfReader(io.BytesIO(pdf)).pages for i in p.images]
    assert image.size == (600, 200) and image.convert("L").getpixel((115, 95)) < 128


def test_a_return_signed_twice_prints_each_signature_with_its_moment() -> None:
    first = SignatureLine("Élodie Lefèvre", datetime(2027, 3, 10, 9, 0), moment="Retour du 10/03")
    second = SignatureLine("Marc Durand", datetime(2027, 3, 20, 17, 30), moment="Retour du 20/03")
    slip = replace(loan(returned_on=date(2027, 3, 20)), signatures=[first, second])
    text = "\n".join(pdf_text(render_return_slip(slip)))
    assert "Retour du 10/03" in text and "Retour du 20/03" in text
    assert "Signé par Marc Durand" in text and "le 20/03/2027 à 17:30" in text
    assert text.count("Signature au clavier") == 2
