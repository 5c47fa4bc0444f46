"""What a prescriber prints and ticks: the printed hand-out receipt carries the person's information
and none of the screen's buttons; the consent box is as large as the other boxes on a phone."""

from __future__ import annotations

import io

from pypdf import PdfReader

from tests.browser.conftest import log_in, shot

PRESCRIBER = "prescriptrice@demo.passnum.fr"


def test_the_consent_box_keeps_its_full_size_on_a_phone(page):
    page.set_viewport_size({"width": 320, "height": 640})
    log_in(page, PRESCRIBER)
    page.goto("/carnets/remettre")
    consent = page.get_by_label("La personne accepte").bounding_box()
    radio = page.locator("input[type=checkbox][name=needs]").first.bounding_box()
    assert consent is not None and radio is not None
    assert consent["width"] >= 20 and consent["height"] >= 20
    assert abs(consent["width"] - radio["width"]) < 1
    shot(page, "prescripteur-consentement-320")


def test_the_printed_receipt_has_no_on_screen_buttons(page):
    log_in(page, PRESCRIBER)
    page.goto("/carnets")
    first_free = page.locator("tbody tr td:nth-child(3)").first.text_content().split(" à ")[0]
    page.goto("/carnets/remettre")
    page.get_by_label("Numéro du carnet").fill(first_free.strip())
    page.get_by_label("La personne accepte").check()
    page.get_by_role("button", name="Remettre le carnet").click()
    page.wait_for_url("**/recu?remis=1")
    assert page.get_by_role("button", name="Imprimer le reçu").is_visible()  # on screen, yes
    printed = PdfReader(io.BytesIO(page.pdf(format="A4"))).pages
    text = " ".join(p.extract_text() for p in printed)
    assert "Votre pass numérique" in text and first_free.strip() in text
    assert "Valable du" in text and "si le carnet a été remis avant" in text
    for on_screen in ("Imprimer le reçu", "Remettre un autre carnet", "Se déconnecter", "Imprimez"):
        assert on_screen not in text, on_screen
