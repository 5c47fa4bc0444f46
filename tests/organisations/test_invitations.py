"""Staff invite a person by e-mail: a single-use link, valid 72 hours, to choose a password."""

from __future__ import annotations

import datetime as dt
import re

from organisations.invitations import invite_user
from passnum import tasks
from passnum.auth import Role
from tests.factories import World, post_form, text_of
from tests.smtp_server import SmtpServer

NEW_PASSWORD = "une phrase de passe assez longue"


def _link(text: str) -> str:
    found = re.search(r"https://passnum\.test(/invitation/[\w-]+)", text)
    assert found, text
    return found.group(1)


async def _login(client, email: str, password: str) -> bool:
    await client.get("/login")
    response = await post_form(
        client,
        "/login",
        {"email": email, "password": password, "next": "/"},
        follow_redirects=False,
    )
    return response.status_code in (302, 303)


async def test_an_invited_agent_chooses_a_password_from_the_e_mail_once(
    client, world: World, smtp_server: SmtpServer
) -> None:
    invitation = await invite_user(
        "camille.martin@terre-et-marais.test",
        world.site_id,
        Role.site_agent,
        first_name="Camille",
        actor=None,
    )
    assert invitation.sent and invitation.link == ""  # the queue makes and sends it
    await tasks.work_until_idle()
    [mail] = smtp_server.messages
    assert mail["To"] == "camille.martin@terre-et-marais.test"
    assert "Mairie de Terre-et-Marais" in mail["Subject"]
    body = mail.get_body().get_content()
    assert "72 heures" in body
    path = _link(body)

    page = await client.get(path)
    assert page.status_code == 200
    assert "Choisissez votre mot de passe" in text_of(page.text)

    too_short = await post_form(client, path, {"password": "court", "confirm": "court"})
    assert too_short.status_code == 422
    assert "12 caractères" in text_of(too_short.text)

    chosen = await post_form(
        client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD}, follow_redirects=False
    )
    assert chosen.status_code in (302, 303)
    assert await _login(client, "camille.martin@terre-et-marais.test", NEW_PASSWORD)

    again = await post_form(
        client, path, {"password": NEW_PASSWORD + "!", "confirm": NEW_PASSWORD + "!"}
    )
    assert again.status_code == 410
    assert "déjà été utilisé" in text_of(again.text)


async def test_an_invitation_expires_after_72_hours(client, world: World, clock_at) -> None:
    clock_at(dt.datetime(2026, 12, 1, 9, 0))
    invitation = await invite_user("dominique@periers.test", world.other_site_id, Role.site_agent)
    assert not invitation.sent  # no SMTP in this test: the link is given back to show
    path = _link(invitation.link)
    clock_at(dt.datetime(2026, 12, 4, 8, 59))
    assert (await client.get(path)).status_code == 200
    clock_at(dt.datetime(2026, 12, 4, 9, 1))
    late = await post_form(client, path, {"password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert late.status_code == 410
    assert "expiré" in text_of(late.text)
    assert await _login(client, "dominique@periers.test", NEW_PASSWORD) is False


async def test_an_unknown_link_is_refused_in_french(client, db) -> None:
    page = await client.get("/invitation/pas-un-vrai-jeton")
    assert page.status_code == 404
    assert "lien" in text_of(page.text).lower()


async def test_the_token_is_stored_only_as_a_digest(world: World) -> None:
    from organisations.tables import AccountLink

    invitation = await invite_user("sacha@periers.test", world.other_site_id, Role.site_agent)
    token = _link(invitation.link).rsplit("/", 1)[1]
    rows = await AccountLink.select()
    assert len(rows) == 1 and token not in str(rows)


async def test_staff_invite_from_the_organisation_page_and_see_the_link_without_smtp(
    client, world: World
) -> None:
    from tests.factories import login

    await login(client, world.staff)
    response = await post_form(
        client,
        f"/staff/organisations/{world.site_id}/users",
        {"email": "lou@terre-et-marais.test", "first_name": "Lou", "role": "site_agent"},
    )
    assert response.status_code == 200
    text = text_of(response.text)
    assert "Transmettez vous-même ce lien à lou@terre-et-marais.test" in text
    path = _link(text)
    assert (await client.get(path)).status_code == 200
    assert "lou@terre-et-marais.test" in text_of(
        (await client.get(f"/staff/organisations/{world.site_id}")).text
    )


async def test_staff_invite_from_the_page_by_e_mail(
    client, world: World, smtp_server: SmtpServer
) -> None:
    from tests.factories import login

    await login(client, world.staff)
    response = await post_form(
        client,
        f"/staff/organisations/{world.site_id}/users",
        {"email": "eva@terre-et-marais.test", "role": "site_agent"},
    )
    text = text_of(response.text)
    assert "Invitation envoyée à eva@terre-et-marais.test" in text
    assert "/invitation/" not in text  # the link is only in the e-mail
    await tasks.work_until_idle()
    [mail] = smtp_server.messages
    assert mail["To"] == "eva@terre-et-marais.test"
