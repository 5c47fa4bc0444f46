"""Staff audit the shelf in a real browser: open an audit, scan labels as a hand scanner does
(it types the code, then Enter), read what is missing, close it, find it in the list.

Every page passes axe (no serious or critical WCAG 2.1 AA violation); screenshots go to
test-output/browser/inventaire-*.png.
"""

from __future__ import annotations

from playwright.sync_api import Page, expect

from tests.browser.conftest import assert_accessible, log_in, shot


def check(page: Page, name: str) -> None:
    assert_accessible(page)
    shot(page, name)


def test_staff_audit_the_shelf_with_a_hand_scanner_and_close_the_audit(page: Page) -> None:
    log_in(page, "agent@demo.passnum.fr")
    page.goto("/equipment")
    page.get_by_role("link", name="Contrôles d'inventaire").click()
    expect(page.get_by_role("heading", level=1)).to_have_text("Contrôles d'inventaire")
    check(page, "inventaire-0-liste")

    page.get_by_role("button", name="Ouvrir un contrôle d'inventaire").click()
    page.wait_for_load_state()
    expect(page.get_by_role("heading", level=1)).to_contain_text("Contrôle d'inventaire n°")
    field = page.get_by_label("Étiquette scannée ou numéro d'inventaire")
    expect(field).to_be_focused()  # ready for the first label
    check(page, "inventaire-1-ouvert")

    for code in ("MAN-00001", "https://passnum.example/i/MAN-00002", "man-00003"):
        page.keyboard.type(code)  # a hand scanner types the label's content…
        page.keyboard.press("Enter")  # …then Enter
        page.wait_for_load_state()
        expect(page.locator("#resultat")).to_contain_text(f"{code[-9:].upper()} vu")
        expect(field).to_be_focused()  # the next label can be scanned straight away
    expect(page.get_by_role("heading", name="Vus (3)")).to_be_visible()
    missing = page.get_by_role("heading", name="Manquants")
    expect(missing).to_be_visible()
    assert "MAN-00004" in page.locator("main").inner_text()
    check(page, "inventaire-2-scanne")

    page.keyboard.type("MAN-99999")
    page.keyboard.press("Enter")
    page.wait_for_load_state()
    expect(page.get_by_role("alert")).to_contain_text("Aucun appareil avec le numéro d'inventaire")
    check(page, "inventaire-3-inconnu")

    page.get_by_role("button", name="Clore l'inventaire").click()
    page.wait_for_load_state()
    expect(page.get_by_text("Inventaire clos : son résultat est conservé")).to_be_visible()
    expect(page.get_by_label("Étiquette scannée ou numéro d'inventaire")).to_have_count(0)
    check(page, "inventaire-4-clos")

    page.get_by_role("link", name="Tous les contrôles d'inventaire").click()
    expect(page.get_by_role("table")).to_contain_text("3 vus")
    expect(page.get_by_role("table")).to_contain_text("clos le")
    check(page, "inventaire-5-liste")
