"""A site's monthly statement shows what it is owed, per funder and cheque by cheque."""

from printing import render_statement
from tests.printing.samples import statement
from tests.printing.scanning import pdf_text


def test_statement_shows_site_period_per_funder_totals_and_payment() -> None:
    text = " ".join(" ".join(pdf_text(render_statement(statement(lines=3)))).split())
    for expected in [
        "Relevé de chèques — novembre 2026",
        "Médiathèque de Saint-Lô — SIRET 21500502700019",
        "Période du 01/11/2026 au 30/11/2026",
        "Statut : Payé — payé le 15/12/2026 — référence VIR-2026-1187",
        "Département de la Manche 2 10,00 € 20,00 €",
        "CAF de la Manche 1 10,00 € 10,00 €",
        "Total à payer 3 30,00 €",
        "02/11/2026 09:30",
        "AB00-••••-••••-QR5",
        "Atelier messagerie électronique",
        "édité le 02/12/2026",
    ]:
        assert expected in text


def test_a_long_statement_lists_every_cheque_with_the_header_on_each_page() -> None:
    pages = pdf_text(render_statement(statement(lines=150)))
    assert len(pages) >= 4
    assert all("Date et heure" in page for page in pages[1:])
    assert "Total à payer 150 1 500,00 €" in " ".join(pages[0].split())
    text = "\n".join(pages)
    assert text.count("-••••-••••-") == 150
    assert "page 4" in pages[3]


def test_a_document_s_properties_read_in_french_not_unspecified() -> None:
    """A PDF reader's « Propriétés du document » showed Creator and Subject « (unspecified) »."""
    import io

    from pypdf import PdfReader

    info = PdfReader(io.BytesIO(render_statement(statement(lines=1)))).metadata
    assert info.title.startswith("Relevé")
    assert info.subject == info.title
    assert info.creator == "Pass numériques"
    assert "unspecified" not in str(dict(info))
