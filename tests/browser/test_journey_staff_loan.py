"""Staff reserve a laptop, hand it over and take it back, in a real browser, keyboard first.

Every page of the journey passes axe (no serious or critical WCAG 2.1 AA violation); screenshots
of each step go to test-output/browser/pret-*.png.
"""

from __future__ import annotations

from datetime import date, timedelta

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, log_in, shot


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
    today, due = date.today(), date.today() + timedelta(days=7)
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
    page.get_by_role("button", name="Valider la remise").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Matériel remis")
    slip = page.get_by_role("link", name="Télécharger le bon de prêt (PDF)")
    response = page.request.get(slip.get_attribute("href"))
    assert response.status == 200 and response.headers["content-type"] == "application/pdf"
    check(page, "pret-5-remis")

    page.get_by_role("link", name="Enregistrer un retour").click()
    check(page, "pret-6-retour")
    page.get_by_label("n'est pas rendu aujourd'hui").focus()
    page.keyboard.press("ArrowDown")  # moves to "rendu, données effacées"
    assert page.get_by_label("est rendu, et j'ai vérifié").is_checked()
    page.get_by_role("button", name="Enregistrer le retour").focus()
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("status")).to_contain_text("Retour enregistré")
    returned = page.request.get(f"/loans/{number}/bon-de-retour.pdf")
    assert returned.status == 200
    check(page, "pret-7-rendu")

    page.get_by_role("link", name=tag).first.click()
    expect(page.locator("h1 + p .tag")).to_have_text("Disponible")
    check(page, "pret-8-fiche-appareil")

    page.goto("/equipment/calendar?item_type=laptop")
    expect(page.get_by_role("table")).to_contain_text(number)
    check(page, "pret-9-calendrier")
