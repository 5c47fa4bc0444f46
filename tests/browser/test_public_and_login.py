"""The first steps of anyone: the public welcome page and logging in, with keyboard and axe."""

from tests.browser.conftest import assert_accessible, log_in, shot


def test_a_visitor_reads_the_welcome_page_and_it_passes_axe(page):
    page.goto("/")
    assert "Pass numériques" in page.text_content("h1")
    assert_accessible(page)
    shot(page, "accueil-public")


def test_staff_logs_in_with_the_keyboard_alone(page):
    page.goto("/login")
    assert_accessible(page)
    page.keyboard.press("Tab")  # skip link
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.textContent")
    assert focused, "the first Tab stops must be reachable"
    page.get_by_label("Adresse e-mail").focus()
    page.keyboard.type("agent@demo.passnum.fr")
    page.keyboard.press("Tab")
    page.keyboard.type("demo-passnum")
    page.keyboard.press("Enter")
    page.wait_for_url("**/")
    assert "Espace du Département" in page.text_content("h1")
    assert_accessible(page)
    shot(page, "accueil-departement")


def test_a_wrong_password_is_explained_on_the_page(page):
    log_in(page, "agent@demo.passnum.fr", "mauvais-mot-de-passe")
    assert "mot de passe incorrect" in page.text_content("[role=alert]")
    assert_accessible(page)


def test_the_axe_check_fails_on_a_deliberately_inaccessible_page(page):
    """A test of the test: an unlabelled field and unreadable contrast must be caught."""
    page.set_content(
        '<html><body><main><input type="text">'
        '<p style="color:#eee;background:#fff">texte illisible</p></main></body></html>'
    )
    try:
        assert_accessible(page)
    except AssertionError as caught:
        assert "label" in str(caught) or "color-contrast" in str(caught)
    else:
        raise AssertionError("axe did not report the broken page")


def test_the_public_directory_of_sites_passes_axe_and_filters_by_commune(page):
    page.goto("/lieux")
    assert_accessible(page)
    assert "Terre-et-Marais" in page.text_content("main")
    shot(page, "annuaire-public")
    page.goto("/lieux?commune=Terre-et-Marais")
    assert "mercredi" in page.text_content("main")
    assert_accessible(page)
