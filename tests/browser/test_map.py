"""The maps in Chromium: /lieux with its markers (tiles blocked: no network needed, and the page
must not depend on them), the list without JavaScript, « près de chez moi », and staff moving a
site's marker. axe-core finds no serious violation with the map on the page."""

from __future__ import annotations

import json
import re

from playwright.sync_api import Browser, Page, expect

from tests.browser.conftest import assert_accessible, log_in, shot

TILES = re.compile(r"^https://tile\.openstreetmap\.org/.*")


def block_tiles(page: Page) -> list[str]:
    asked: list[str] = []

    def refuse(route):
        asked.append(route.request.url)
        route.abort()

    page.route(TILES, refuse)
    return asked


def test_the_map_of_places_shows_every_placed_site_with_tiles_blocked_and_passes_axe(page):
    asked = block_tiles(page)
    page.goto("/lieux")

    points = json.loads(page.text_content("#lieux-points"))
    assert len(points) == 50  # the demo's sites, each placed in its commune
    expect(page.locator("#carte-lieux")).to_be_visible()
    expect(page.locator("#carte-lieux .leaflet-marker-icon")).to_have_count(len(points))
    assert asked, "the map asked the tile server for tiles (blocked here)"
    # A marker is reached with the keyboard; its popup links to the place in the list.
    page.locator("#carte-lieux .leaflet-marker-icon").first.focus()
    page.keyboard.press("Enter")
    expect(page.locator(".leaflet-popup-content a")).to_have_attribute("href", re.compile("#lieu-"))
    # axe reads colours as drawn: wait for the popup's fade-in to end (CI caught it half-faded).
    expect(page.locator(".leaflet-popup")).to_have_css("opacity", "1")
    assert_accessible(page)
    shot(page, "carte-des-lieux")


def test_a_person_who_asks_for_less_motion_gets_a_map_that_does_not_animate(
    browser: Browser, server
):
    context = browser.new_context(base_url=server, locale="fr-FR", reduced_motion="reduce")
    page = context.new_page()
    page.route(TILES, lambda route: route.abort())
    page.goto("/lieux")

    the_map = page.locator("#carte-lieux")
    expect(the_map).to_be_visible()
    expect(the_map.locator(".leaflet-marker-icon").first).to_be_visible()
    expect(the_map).not_to_have_class(re.compile("leaflet-fade-anim"))  # popups appear at once
    expect(the_map.locator(".leaflet-marker-icon.leaflet-zoom-animated")).to_have_count(
        0
    )  # no glide
    context.close()


def test_without_javascript_the_list_is_the_whole_page_and_no_map_box_shows(
    browser: Browser, server
):
    context = browser.new_context(base_url=server, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.route(TILES, lambda route: route.abort())
    page.goto("/lieux")

    expect(page.locator("#carte-lieux")).to_be_hidden()
    assert page.locator("ul.directory > li").count() > 0
    # The first of the demo's sites in French order (journeys on this server may add others).
    assert "Bibliothèque d'Agon-Coutainville" in page.text_content("main")
    # « Près de chez moi » works as a plain form: a name is enough.
    page.get_by_label("Votre commune (nom ou code postal)").fill("Périers")
    page.get_by_role("button", name="Voir les lieux les plus proches").click()
    expect(
        page.get_by_role("heading", name="Les lieux les plus proches de Périers")
    ).to_be_visible()
    first = page.locator("ol.nearby > li h3").first
    expect(first).to_contain_text("Mairie de Périers à moins de 100 m")
    context.close()


def test_near_me_in_the_browser_lists_places_by_distance_and_marks_the_commune(page):
    block_tiles(page)
    page.goto("/lieux")
    field = page.get_by_label("Votre commune (nom ou code postal)")
    field.fill("Coutan")
    suggestions = page.get_by_role("listbox", name="Communes proposées")
    suggestions.get_by_role("option", name=re.compile("Coutances")).first.click()
    page.get_by_role("button", name="Voir les lieux les plus proches").click()

    expect(
        page.get_by_role("heading", name="Les lieux les plus proches de Coutances")
    ).to_be_visible()
    names = page.locator("ol.nearby > li h3").all_text_contents()
    assert names[0].startswith(("Mairie de Coutances", "Centre médico-social de Coutances"))
    assert "Prochaine permanence" in page.text_content("ol.nearby")
    expect(page.locator("#carte-lieux path.leaflet-interactive")).to_have_count(1)  # the commune
    expect(page.locator("#carte-lieux .leaflet-marker-icon")).to_have_count(10)
    assert_accessible(page)
    shot(page, "pres-de-chez-moi")


def test_staff_move_a_sites_marker_and_save_its_position(page):
    block_tiles(page)
    log_in(page, "agent@demo.passnum.fr")
    page.goto("/staff/organisations")
    # Other tests add organisations to this server: the list may page it away, so search it.
    page.get_by_role("search").get_by_label("Nom").fill("Terre-et-Marais")
    page.get_by_role("search").get_by_role("button").click()
    page.get_by_role("link", name="Mairie de Terre-et-Marais").first.click()
    page.get_by_role("link", name="Position sur la carte").click()
    before = page.get_by_label(re.compile("^Latitude")).input_value()

    the_map = page.locator("#position-map")
    expect(the_map).to_be_visible()  # shown by its script once Leaflet has drawn it
    box = the_map.bounding_box()
    page.mouse.click(box["x"] + box["width"] * 0.75, box["y"] + box["height"] * 0.25)
    after = page.get_by_label(re.compile("^Latitude")).input_value()
    assert after and after != before  # the click moved the marker and wrote its position
    assert_accessible(page)
    page.get_by_role("button", name="Enregistrer cette position").click()
    expect(page.get_by_text("Position enregistrée.")).to_be_visible()
    expect(page.get_by_text("donnée par le Département, sur la carte")).to_be_visible()


def test_a_vague_name_offers_a_short_choice_of_the_territorys_communes_without_javascript(
    browser: Browser, server
):
    context = browser.new_context(base_url=server, locale="fr-FR", java_script_enabled=False)
    page = context.new_page()
    page.route(TILES, lambda route: route.abort())
    page.goto("/lieux")

    page.get_by_label("Votre commune (nom ou code postal)").fill("Saint")
    page.get_by_role("button", name="Voir les lieux les plus proches").click()

    expect(page.get_by_role("alert")).to_contain_text(
        re.compile(r"communes commencent par « Saint » : précisez le nom ou tapez le code postal")
    )
    choices = page.get_by_role("list", name="Communes proposées").get_by_role("listitem")
    expect(choices).to_have_count(10)
    for text in choices.all_text_contents():
        assert text.strip().endswith(", Manche)"), text  # the demo's sites are in the Manche
    first = choices.first.get_by_role("link")
    name = first.text_content()
    first.click()
    expect(
        page.get_by_role("heading", name=f"Les lieux les plus proches de {name}")
    ).to_be_visible()
    context.close()
