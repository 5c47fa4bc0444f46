"""Logging in and out of the pages, and what each refusal tells the person."""

import datetime as dt

from piccolo_api.session_auth.tables import SessionsBase

from organisations.services import set_user_active
from tests.factories import csrf_header, login, post_form, text_of


async def test_staff_logs_in_and_lands_on_the_back_office_home(client, world):
    await login(client, world.staff)
    page = await client.get("/")
    assert "Espace du Département" in page.text
    assert (await client.get("/staff/organisations")).status_code == 200


async def test_each_role_gets_its_own_home_page(client, world):
    homes = [
        (world.prescriber, "Espace prescripteur"),
        (world.site_agent, "Espace lieu d'accueil"),
        (world.funder, "Espace financeur"),
    ]
    for person, title in homes:
        client.cookies.clear()
        await login(client, person)
        assert title in text_of((await client.get("/")).text)


async def test_wrong_password_is_refused_in_french(client, world):
    response = await post_form(
        client, "/login", {"email": world.staff.email, "password": "pas-le-bon"}
    )
    assert response.status_code == 401
    assert "mot de passe incorrect" in text_of(response.text)


async def test_unknown_user_gets_the_same_message_as_a_wrong_password(client, world):
    response = await post_form(client, "/login", {"email": "inconnu@x.fr", "password": "abcdefg"})
    assert response.status_code == 401
    assert "mot de passe incorrect" in text_of(response.text)


async def test_deactivated_user_is_told_to_contact_the_departement(client, world):
    await set_user_active(world.prescriber.user_id, False)
    response = await post_form(
        client, "/login", {"email": world.prescriber.email, "password": world.prescriber.password}
    )
    assert response.status_code == 403
    assert "désactivé" in text_of(response.text)


async def test_deactivating_a_user_ends_their_open_session(client, world):
    await login(client, world.prescriber)
    await set_user_active(world.prescriber.user_id, False)
    response = await client.get("/", follow_redirects=False)
    assert "Se connecter" in response.text


async def test_a_form_without_csrf_token_is_refused_with_a_clear_message(client, world):
    await client.get("/login")
    response = await client.post(
        "/login", data={"email": world.staff.email, "password": world.staff.password}
    )
    assert response.status_code == 403
    assert "Rechargez la page" in text_of(response.text)


async def test_a_forged_csrf_token_is_refused(client, world):
    await client.get("/login")
    response = await client.post(
        "/login",
        data={"email": world.staff.email, "password": world.staff.password},
        headers={"x-csrftoken": "forged"},
    )
    assert response.status_code == 403


async def test_expired_session_sends_the_person_back_to_login(client, world):
    await login(client, world.staff)
    await SessionsBase.update({SessionsBase.expiry_date: dt.datetime(2000, 1, 1)}, force=True)
    response = await client.get("/staff/organisations", follow_redirects=False)
    assert response.status_code in (302, 303)
    assert response.headers["location"].startswith("/login")


async def test_logout_ends_the_session_on_the_server(client, world):
    await login(client, world.staff)
    response = await client.post("/logout", headers=csrf_header(client), follow_redirects=False)
    assert response.status_code in (302, 303)
    assert await SessionsBase.count() == 0


async def test_login_never_redirects_to_another_site(client, world):
    await client.get("/login")
    response = await client.post(
        "/login",
        data={
            "email": world.staff.email,
            "password": world.staff.password,
            "next": "//evil.example",
        },
        headers=csrf_header(client),
        follow_redirects=False,
    )
    assert response.headers["location"] == "/"


async def test_session_cookie_is_httponly_samesite_and_secure_over_https(client, world):
    await client.get("/login")
    response = await client.post(
        "/login",
        data={"email": world.staff.email, "password": world.staff.password},
        headers=csrf_header(client),
        follow_redirects=False,
    )
    cookie = response.headers["set-cookie"].lower()
    assert "httponly" in cookie and "samesite=lax" in cookie and "secure" in cookie


async def test_passwords_are_stored_hashed_never_in_clear(world):
    from piccolo.apps.user.tables import BaseUser

    stored = await BaseUser.select(BaseUser.password).where(BaseUser.id == world.staff.user_id)
    assert world.staff.password not in stored[0]["password"]
    assert stored[0]["password"].startswith("pbkdf2_sha256$")


async def test_passwords_and_tokens_never_reach_the_logs(client, world, caplog):
    caplog.set_level("DEBUG")
    await post_form(client, "/login", {"email": world.staff.email, "password": "secret-faux-123"})
    await login(client, world.staff)
    headers = await world.prescriber.bearer()
    await client.get("/api/v1/me", headers=headers)
    await client.get("/api/v1/me", headers={"Authorization": "Bearer pn_jeton-inconnu-456"})
    logged = caplog.text
    assert "secret-faux-123" not in logged and world.staff.password not in logged
    assert headers["Authorization"].split()[1] not in logged
    assert "pn_jeton-inconnu-456" not in logged
