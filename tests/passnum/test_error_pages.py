"""What a person sees when a page cannot be shown: who they are still logged in as, and a
reference for the assistance said in words."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.factories import World, login
from tests.vouchers.pages_helpers import seen


async def test_a_logged_in_borrower_mistyping_an_address_stays_logged_in_on_the_error_page(
    client: AsyncTestClient, world: World
) -> None:
    await login(client, world.borrower)
    for path in ("/emprunter/nulle-part", "/cette-page-n-existe-pas"):
        response = await client.get(path)
        assert response.status_code == 404
        text = seen(response)
        assert "Cette page n'existe pas." in text
        assert f"Se déconnecter ({world.borrower.email})" in text, text
        assert "Se connecter" not in text
    # The page's own « Se déconnecter » button works (its form carries a valid token).
    token = response.text.split('name="_csrf_token" value="')[1].split('"')[0]
    out = await client.post("/logout", data={"_csrf_token": token}, follow_redirects=False)
    assert out.status_code in (302, 303), out.text


async def test_an_anonymous_visitor_on_an_unknown_address_is_offered_to_log_in(
    client: AsyncTestClient,
) -> None:
    text = seen(await client.get("/cette-page-n-existe-pas"))
    assert "Se connecter" in text and "Se déconnecter" not in text


async def test_the_error_page_gives_a_reference_for_the_assistance_in_words(
    client: AsyncTestClient,
) -> None:
    text = seen(await client.get("/cette-page-n-existe-pas"))
    assert "Référence à donner à l'assistance : not_found" in text
    assert "Code :" not in text
