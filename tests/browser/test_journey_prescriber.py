"""Journey (a): a prescriber hands a booklet to a person and prints the receipt — in a real
browser, axe-checked on every page, with a screenshot of each step."""

from tests.browser.conftest import assert_accessible, log_in, shot


def test_a_prescriber_hands_out_a_booklet_and_gets_the_receipt(page):
    log_in(page, "prescriptrice@demo.passnum.fr")
    assert "Espace prescripteur" in page.text_content("h1")
    assert_accessible(page)
    shot(page, "prescripteur-1-accueil")

    page.get_by_role("link", name="Stock de carnets de ma structure").click()
    page.wait_for_load_state()
    assert_accessible(page)
    shot(page, "prescripteur-2-stock")
    first_free = page.locator("tbody tr td:nth-child(3)").first.text_content().split(" à ")[0]

    page.get_by_role("link", name="Remettre un carnet").first.click()
    page.wait_for_load_state()
    assert "Remettre un carnet" in page.text_content("h1")
    assert_accessible(page)
    page.get_by_label("Numéro du carnet").fill(first_free.strip())
    page.get_by_label("Référence interne (facultatif)").fill("Dossier démo 42")
    # The commune is picked by name from the suggestions, as a prescriber would.
    page.get_by_role("combobox", name="Commune de résidence").fill("saint lo")
    page.get_by_role("option", name="Saint-Lô (50000)").first.click()
    page.get_by_label("Tranche d'âge").select_option("70_plus")
    page.get_by_label("Situation").select_option("retired")
    page.get_by_label("Démarches administratives").check()
    page.get_by_label("Santé").check()
    shot(page, "prescripteur-3-formulaire")

    # Forgetting consent is explained, and nothing typed is lost.
    page.get_by_label("La personne accepte").evaluate("box => box.removeAttribute('required')")
    page.get_by_role("button", name="Remettre le carnet").click()
    page.wait_for_load_state()
    assert "Cochez la case de consentement" in page.text_content("[role=alert]")
    assert page.get_by_label("Référence interne (facultatif)").input_value() == "Dossier démo 42"
    assert_accessible(page)
    shot(page, "prescripteur-4-consentement-manquant")

    page.get_by_label("La personne accepte").check()
    page.get_by_role("button", name="Remettre le carnet").click()
    page.wait_for_url(f"**/carnets/{first_free.strip()}/recu?remis=1")
    receipt = page.text_content("main")
    assert "Gardez ce carnet" in receipt and first_free.strip() in receipt
    assert "/lieux" in receipt and "jusqu'au" in receipt
    assert page.get_by_role("button", name="Imprimer le reçu").is_visible()
    assert_accessible(page)
    shot(page, "prescripteur-5-recu")

    page.goto("/carnets/remis")
    assert first_free.strip() in page.text_content("table")
    assert_accessible(page)
    shot(page, "prescripteur-6-carnets-remis")
