"""Fleet loans are signed on paper: what was lent, what it is worth, who answers for it."""

from datetime import date

import pytest
import zxingcpp

from printing import DEFAULT_TERMS, render_loan_slip, render_return_slip
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
