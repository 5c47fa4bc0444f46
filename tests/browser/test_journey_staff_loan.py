"""Staff reserve a laptop, hand it over and take it back, in a real browser, keyboard first.

The borrower signs the hand-over by drawing on the tablet's pad (here with the mouse), and the
return with the keyboard alternative (typed name, confirmation box); both slips print it.
Every page of the journey passes axe (no serious or critical WCAG 2.1 AA violation); screenshots
of each step go to test-output/browser/pret-*.png.
"""

from __future__ import annotations

import io
import re
from datetime import timedelta

from playwright.sync_api import Page, expect
from pypdf import PdfReader

from passnum import clock
from tests.browser.conftest import assert_accessible, log_in, shot
from tests.printing.scanning import pdf_text

SIGNED_ON = re.compile(r"Signé par Claire Lebrun\s+le \d\d/\d\d/\d{4} à \d\d:\d\d")


def draw_signature(page: Page) -> None:
    """A signature drawn across the pad, as a finger or a mouse would."""
    pad = page.locator("#signature-pad")
    pad.scroll_into_view_if_needed()
    box = pad.bounding_box()
    assert box is not None, "the signature pad is shown"
    x, y, w, h = box["x"], box["y"], box["width"], box["height"]
    page.mouse.move(x + 0.1 * w, y + 0.7 * h)
    page.mouse.down()
    for fx, fy in [(0.25, 0.2), (0.4, 0.8), (0.55, 0.25), (0.7, 0.75), (0.9, 0.3)]:
        page.mouse.move(x + fx * w, y + fy * h, steps=8)
    page.mouse.up()


def check(page: Page, name: str) -> None:
    assert_accessible(page)
    shot(page, name)


def test_staff_reserve_hand_over_and_take_back_a_laptop(page: Page) -> None:
    log_in(page, "agent@demo.passnum.fr")
    expect(page.get_by_role("link", name="Prêts en retard : 1")).to_be_visible()
    check(page, "pret-0-accueil")

    page.get_by_role("link", name="Réserver du matériel").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Réserver du matériel")
    check(page, "pret-1-formulaire")

    # Step 1 with the keyboard alone: choose, type, Tab, Enter.
    page.get_by_label("Organisation emprunteuse").focus()
    page.keyboard.press("ArrowDown")
    assert page.get_by_label("Organisation emprunteuse").input_value() != ""
    page.keyboard.press("Tab")
    page.keyboard.type("Claire Lebrun")
    page.keyboard.press("Tab")
    page.keyboard.type("02 33 00 00 01")
    page.keyboard.press("Tab")
    page.keyboard.type("claire.lebrun@demo.passnum.fr")
    today, due = clock.today(), clock.today() + timedelta(days=7)
    page.get_by_label("Date de début (remise)").fill(today.isoformat())
    page.get_by_label("Date de retour prévue").fill(due.isoformat())
    page.get_by_label("Objet du prêt").focus()
    page.keyboard.type("Permanence numérique")
    page.get_by_label("Type de matériel").select_option("laptop")
    page.get_by_label("Type de matériel").focus()
    page.keyboard.press("Tab")  # to "Voir le matériel libre sur ces dates"
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("heading", name="2. Matériel libre")).to_be_visible()
    check(page, "pret-2-materiel-libre")

    first = page.locator("input[name=items]").first
    tag = first.get_attribute("value")
    first.focus()
    page.keyboard.press("Space")
    assert first.is_checked()
    page.get_by_role("button", name="Réserver le matériel coché").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Réservation enregistrée")
    number = page.get_by_role("heading", level=1).text_content().split()[1]
    check(page, "pret-3-reserve")

    page.get_by_role("link", name="Remettre le matériel").click()
    expect(page.get_by_role("group", name=f"{tag} —")).to_be_visible()
    check(page, "pret-4-remise")
    page.get_by_role("textbox", name="État, remarque").fill("Rayure légère sur le capot")
    expect(page.get_by_label("Nom de la personne qui signe")).to_have_value("Claire Lebrun")
    draw_signature(page)
    assert page.locator("#signature_png").input_value().startswith("data:image/png;base64,")
    shot(page, "pret-4b-signature")
    page.get_by_role("button", name="Valider la remise").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Matériel remis")
    expect(page.get_by_text("Signé par Claire Lebrun")).to_be_visible()
    slip = page.get_by_role("link", name="Télécharger le bon de prêt (PDF)")
    response = page.request.get(slip.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    text = "\n".join(pdf_text(response.body()))
    assert SIGNED_ON.search(text), text
    [drawn] = [i.image for p in PdfReader(io.BytesIO(response.body())).pages for i in p.images]
    assert drawn.convert("L").getextrema()[0] < 64  # the stroke drawn on the pad, printed in ink
    check(page, "pret-5-remis")

    page.get_by_role("link", name="Enregistrer un retour").click()
    check(page, "pret-6-retour")
    page.get_by_label("n'est pas rendu aujourd'hui").focus()
    page.keyboard.press("ArrowDown")  # moves to "rendu, données effacées"
    assert page.get_by_label("est rendu, et j'ai vérifié").is_checked()
    # Signed without drawing: the typed name (already filled in) and the box, by keyboard.
    page.get_by_label("Je confirme, sous le nom tapé ci-dessus").focus()
    page.keyboard.press("Space")
    page.get_by_role("button", name="Enregistrer le retour").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Retour enregistré")
    returned = page.request.get(f"/loans/{number}/bon-de-retour.pdf")
    assert returned.status == 200
    returned_text = "\n".join(pdf_text(returned.body()))
    assert SIGNED_ON.search(returned_text) and "Signature au clavier" in returned_text
    check(page, "pret-7-rendu")

    page.get_by_role("link", name=tag).first.click()
    expect(page.locator("h1 + p .tag")).to_have_text("Disponible")
    check(page, "pret-8-fiche-appareil")

    page.goto("/equipment/calendar?item_type=laptop")
    expect(page.get_by_role("table")).to_contain_text(number)
    check(page, "pret-9-calendrier")
