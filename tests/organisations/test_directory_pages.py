"""The public directory of places comes in pages, and its filters work across the pages."""

import re
from html import unescape

from organisations.tables import Organisation
from tests.factories import text_of as raw_text


def text_of(html: str) -> str:
    return unescape(raw_text(html))


async def many_places() -> None:
    """60 town halls in Coutances (two services) and 5 libraries in Granville (one service),
    each with a SIRET and an address (what the open data needs to publish them)."""
    halls = [
        Organisation(
            name=f"Mairie annexe {n:02d}",
            commune="Coutances",
            siret=f"2000000000{n:04d}",
            address="Place de la Mairie",
            postcode="50200",
            is_site=True,
            site_status="qualified",
            services="Messagerie\r\n Démarches administratives ",
        )
        for n in range(60)
    ]
    libraries = [
        Organisation(
            name=f"Médiathèque {n}",
            commune="Granville",
            siret=f"3000000000{n:04d}",
            address="Rue de la Bibliothèque",
            postcode="50400",
            is_site=True,
            site_status="qualified",
            services="Messagerie",
        )
        for n in range(5)
    ]
    await Organisation.insert(*halls, *libraries)


async def test_anyone_pages_through_the_directory_keeping_the_chosen_commune(client, db):
    await many_places()
    first = await client.get("/lieux?commune=Coutances")
    text = text_of(first.text)
    assert "60 lieux trouvés, page 1 sur 2." in text
    assert "Mairie annexe 49" in text and "Mairie annexe 50" not in text
    assert 'aria-label="Pages de l&#39;annuaire des lieux"' in first.text
    assert 'href="?commune=Coutances&amp;page=2" rel="next"' in first.text
    second = text_of((await client.get("/lieux?commune=Coutances&page=2")).text)
    assert "Mairie annexe 50" in second and "Mairie annexe 59" in second
    assert "Médiathèque" not in second
    assert "Page 2 sur 2 — 51 à 60 sur 60" in second


async def test_the_service_filter_counts_whole_service_lines_across_pages(client, db):
    await many_places()
    procedures = text_of((await client.get("/lieux?service=Démarches administratives")).text)
    assert "60 lieux trouvés, page 1 sur 2." in procedures
    mail = text_of((await client.get("/lieux?service=Messagerie&page=2")).text)
    assert "65 lieux trouvés, page 2 sur 2." in mail
    assert "Médiathèque 4" in mail  # Granville comes after Coutances
    both = text_of((await client.get("/lieux?commune=Granville&service=Démarches")).text)
    assert "0 lieu trouvé." in both and "Aucun lieu ne correspond" in both


async def test_a_bad_page_number_shows_a_french_notice_and_the_open_data_stays_whole(client, db):
    await many_places()
    response = await client.get("/lieux?page=deux")
    assert response.status_code == 200
    assert "« deux » n'est pas un numéro de page : voici la page 1." in text_of(response.text)
    assert len((await client.get("/lieux/donnees.json")).json()) == 65


async def test_places_and_organisations_are_listed_in_french_alphabetical_order(client, world):
    from tests.factories import login

    names = {
        "Bricquebec": "Médiathèque de Bricquebec",
        "Brécey": "Espace public numérique de Brécey",
        "Écausseville": "Mairie d'Écausseville",
        "Ducey": "Mairie de Ducey",
        "Fermanville": "Mairie de Fermanville",
    }
    await Organisation.insert(
        *(
            Organisation(name=name, commune=commune, is_site=True, site_status="qualified")
            for commune, name in names.items()
        )
    )
    page = text_of((await client.get("/lieux")).text)
    french = ["Brécey", "Bricquebec", "Ducey", "Écausseville", "Fermanville"]
    assert sorted(names, key=page.index) == french  # the commune filter
    assert sorted(names.values(), key=page.index) == [names[c] for c in french]  # the list (SQL)
    await login(client, world.staff)
    listing = text_of((await client.get("/staff/organisations")).text)
    shown = sorted(names.values(), key=listing.index)
    assert shown == [
        "Espace public numérique de Brécey",
        "Mairie d'Écausseville",  # the apostrophe sorts as a space, before any letter
        "Mairie de Ducey",
        "Mairie de Fermanville",
        "Médiathèque de Bricquebec",
    ]


async def test_the_commune_filter_offers_official_names_and_filters_on_the_stored_commune(client):
    # One site stored before the official list with its commune typed "St-Lo", one as the list
    # names it, both in Saint-Lô (INSEE 50502); a site of Coutances; a site without a code.
    await Organisation.insert(
        *(
            Organisation(
                name=name, commune=typed, insee_code=code, is_site=True, site_status="qualified"
            )
            for name, typed, code in [
                ("Médiathèque Jean Follain", "St-Lo", "50502"),
                ("Mairie de Saint-Lô", "Saint-Lô", "50502"),
                ("Mairie de Coutances", "Coutances", "50147"),
                ("Espace de Lessay", "Lessay", ""),
            ]
        )
    )
    response = await client.get("/lieux")
    options = re.findall(r'<option value="([^"]*)"', response.text.split('id="service"')[0])
    assert [unescape(o) for o in options] == ["", "Coutances", "Lessay", "Saint-Lô"]
    page = text_of(response.text)
    assert "St-Lo" not in page and "50502" not in page and "50147" not in page
    saint_lo = text_of((await client.get("/lieux", params={"commune": "Saint-Lô"})).text)
    assert "2 lieux trouvés" in saint_lo
    assert "Médiathèque Jean Follain" in saint_lo and "Mairie de Saint-Lô" in saint_lo
    assert "Coutances" not in saint_lo.split("trouvés")[1]
    lessay = text_of((await client.get("/lieux", params={"commune": "Lessay"})).text)
    assert "1 lieu trouvé" in lessay and "Espace de Lessay" in lessay
