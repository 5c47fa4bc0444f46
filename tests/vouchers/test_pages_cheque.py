"""The cheque page /c/{CODE} that a phone camera opens, and who may see a beneficiary record."""

from __future__ import annotations

import re

import pytest

from tests.factories import login, post_form
from tests.vouchers.conftest import codes_of
from tests.vouchers.pages_helpers import seen
from vouchers.codes import format_code

PRIVATE = ("Dossier CMS 2026-0042", "50147", "Retraité", "70 ans et plus", "Messagerie")


def assert_no_beneficiary_data(text: str) -> None:
    for private in PRIVATE:
        assert private not in text, private


async def test_anyone_sees_whether_a_cheque_can_be_used_until_when_and_where(client, scene):
    response = await client.get(f"/c/{scene.codes[0]}")
    assert response.status_code == 200
    text = seen(response)
    assert "Valable" in text and "jusqu'au" in text and "10,00" in text
    assert "/lieux" in response.text
    assert 'action="/scanner"' not in response.text
    assert_no_beneficiary_data(text)
    for other in scene.codes[1:]:
        assert format_code(other) not in text and other not in text


async def test_a_phone_camera_opening_a_used_cheque_shows_it_is_used(client, scene):
    await login(client, scene.world.site_agent)
    page = await client.get(f"/c/{scene.codes[0]}")
    nonce = re.search(r'name="nonce" value="([^"]+)"', page.text).group(1)
    await post_form(
        client,
        "/scanner",
        {"code": scene.codes[0], "activity": "individual", "place": "site", "nonce": nonce},
    )
    client.cookies.delete("passnum_session")
    text = seen(await client.get(f"/c/{scene.codes[0]}"))
    assert "Déjà utilisé" in text and "Mairie de Terre-et-Marais" not in text


async def test_a_site_agent_gets_the_redeem_form_on_the_cheque_page(client, scene):
    await login(client, scene.world.site_agent)
    response = await client.get(f"/c/{format_code(scene.codes[0])}")
    assert response.status_code == 200
    assert 'action="/scanner"' in response.text and "Accepter ce chèque" in seen(response)
    assert_no_beneficiary_data(seen(response))
    nonce = re.search(r'name="nonce" value="([^"]+)"', response.text).group(1)
    done = await post_form(
        client,
        "/scanner",
        {"code": scene.codes[0], "activity": "workshop", "place": "site", "nonce": nonce},
    )
    assert 'data-result="redeemed"' in done.text


async def test_a_prescriber_of_another_organisation_sees_only_the_public_status(client, scene):
    await login(client, scene.world.other_prescriber)
    response = await client.get(f"/c/{scene.codes[0]}")
    assert response.status_code == 200
    assert 'action="/scanner"' not in response.text
    assert_no_beneficiary_data(seen(response))


async def test_a_cheque_not_handed_out_is_shown_as_such(client, scene):
    response = await client.get(f"/c/{(await codes_of(scene.in_stock))[0]}")
    assert "Pas encore remis" in seen(response)


@pytest.mark.parametrize("typed", ["ABCD-EFGH", "0000-0000-0000-0001"])
async def test_a_malformed_code_says_code_mal_saisi_and_what_to_do(client, scene, typed):
    response = await client.get(f"/c/{typed}")
    assert response.status_code == 422
    text = seen(response)
    assert "Code mal saisi" in text and "vérifiez les 16 caractères" in text
    assert '<label for="code">' in response.text


async def test_the_check_form_leads_to_the_cheque_page(client, scene):
    response = await client.get("/c", params={"code": format_code(scene.codes[1]).lower()})
    assert str(response.url).endswith(f"/c/{scene.codes[1]}")
    assert "Valable" in seen(response)


@pytest.mark.parametrize("who", ["anonymous", "site_agent", "other_prescriber", "funder"])
async def test_only_the_prescriber_organisation_and_staff_see_a_beneficiary_record(
    client, scene, who
):
    if who != "anonymous":
        await login(client, getattr(scene.world, who))
    pages = [
        f"/c/{scene.codes[0]}",
        f"/carnets/{scene.issued}/recu",
        "/carnets/remis",
        f"/staff/recherche?q={scene.issued}",
        "/scanner",
    ]
    for url in pages:
        response = await client.get(url)
        assert_no_beneficiary_data(seen(response))


async def test_odd_text_in_the_check_form_stays_on_the_cheque_page(client, scene):
    response = await client.get("/c", params={"code": "//exemple.org/?x=1"}, follow_redirects=False)
    assert response.headers["location"].startswith("/c/")
    followed = await client.get("/c", params={"code": "//exemple.org/?x=1"})
    assert followed.status_code == 422 and "Code mal saisi" in seen(followed)
