"""A commune books tablets for a Wednesday workshop itself, in a real browser (#22).

Staff first add a photo of the tablets to the catalogue; the commune's contact sees it while
asking for 8 tablets on /emprunter, staff accept the request with a case of tablets, the contact
sees the loan and downloads its slip. Every page passes axe.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

from PIL import Image
from playwright.sync_api import Page, expect

from passnum import clock
from tests.browser.conftest import assert_accessible, log_in, shot
from tests.printing.scanning import pdf_text


def next_wednesday_in_a_week():
    day = clock.today() + timedelta(days=7)
    return day + timedelta(days=(2 - day.weekday()) % 7)


def tablet_photo() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (1600, 1200), (30, 90, 160)).save(buffer, format="JPEG")
    return buffer.getvalue()


def test_a_commune_books_eight_tablets_staff_lend_a_case_and_the_contact_gets_the_slip(
    page: Page,
) -> None:
    wednesday = next_wednesday_in_a_week().isoformat()
    log_in(page, "agent@demo.passnum.fr")
    page.goto("/equipment")
    page.get_by_role("link", name="Photos du catalogue").click()
    tablets = page.locator("section#type-tablet")
    tablets.get_by_label(re.compile(r"photo \(PNG, JPEG ou WebP")).set_input_files(
        {"name": "tablette.jpg", "mimeType": "image/jpeg", "buffer": tablet_photo()}
    )
    tablets.get_by_role("button", name=re.compile(r"la photo — Tablette$")).click()
    expect(page.get_by_role("status").filter(has_text="Photo enregistrée")).to_be_visible()
    expect(page.locator("section#type-tablet").get_by_role("img", name="Tablette")).to_be_visible()
    assert_accessible(page)
    shot(page, "emprunteur-0-photos-du-catalogue")

    page.context.clear_cookies()
    log_in(page, "mairie.emprunteuse@demo.passnum.fr")
    expect(page.get_by_role("heading", level=1)).to_have_text("Espace emprunteur")
    page.get_by_role("link", name="Demander du matériel").first.click()
    page.get_by_label("Date de début").fill(wednesday)
    page.get_by_label("Date de retour").fill(wednesday)
    page.get_by_role("button", name="Voir le matériel libre sur ces dates").click()
    photo = page.get_by_role("img", name="Tablette")
    expect(photo).to_be_visible()
    assert photo.evaluate("img => img.complete && img.naturalWidth") == 1200  # served, decoded
    assert_accessible(page)
    shot(page, "emprunteur-1-catalogue")
    page.get_by_label(re.compile(r"^Tablette — ")).fill("8")
    page.get_by_label("Objet du prêt").fill("Atelier tablettes du mercredi")
    page.get_by_role("button", name="Envoyer ma demande").click()
    expect(page.get_by_role("status").filter(has_text="envoyée")).to_be_visible()
    expect(page.get_by_role("cell", name="8 × Tablette")).to_be_visible()
    assert_accessible(page)

    page.context.clear_cookies()
    log_in(page, "agent@demo.passnum.fr")
    page.goto("/equipment/demandes")
    request = page.locator("section.card", has_text="Atelier tablettes du mercredi")
    assert_accessible(page)
    request.get_by_label("Kit(s)").select_option(label="Valise 10 tablettes n° 3 (10)")
    request.get_by_role("button", name="Accepter et réserver").click()
    expect(page.get_by_role("status").filter(has_text="Réponse enregistrée")).to_be_visible()
    shot(page, "emprunteur-2-demandes")

    page.context.clear_cookies()
    log_in(page, "mairie.emprunteuse@demo.passnum.fr")
    page.goto("/emprunter/demandes")
    expect(page.get_by_role("cell", name="Acceptée")).to_be_visible()
    assert_accessible(page)
    slip = page.get_by_role("link", name="bon de prêt (PDF)").first
    response = page.request.get(slip.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    number = slip.get_attribute("href").split("/")[3]
    assert number in "\n".join(pdf_text(response.body()))
