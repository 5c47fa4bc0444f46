"""People own their password: they change it (/mon-compte) and reset it by e-mail when forgotten."""

from __future__ import annotations

import datetime as dt
import re

from litestar.testing import AsyncTestClient

from passnum import tasks
from tests.factories import PASSWORD, World, login, post_form, text_of
from tests.smtp_server import SmtpServer

NEW = "trois pommes sur la table"
SAME_ANSWER = "Si un compte existe avec cette adresse, un e-mail vient de lui être envoyé"


def _reset_path(body: str) -> str:
    found = re.search(r"https://passnum\.test(/mot-de-passe-oublie/[\w-]+)", body)
    assert found, body
    return found.group(1)


async def _can_log_in(client: AsyncTestClient, email: str, password: str) -> bool:
    client.cookies.clear()
    await client.get("/login")
    response = await post_form(
        client,
        "/login",
        {"email": email, "password": password, "next": "/"},
        follow_redirects=False,
    )
    return response.status_code in (302, 303)


async def test_a_prescriber_changes_their_password_from_their_account_page(
    client, world: World
) -> None:
    await login(client, world.prescriber)
    page = await client.get("/mon-compte")
    assert page.status_code == 200
    assert world.prescriber.email in text_of(page.text)

    wrong = await post_form(
        client,
        "/mon-compte/mot-de-passe",
        {"current": "pas le bon", "password": NEW, "confirm": NEW},
    )
    assert wrong.status_code == 422
    assert "mot de passe actuel" in text_of(wrong.text).lower()

    common = await post_form(
        client,
        "/mon-compte/mot-de-passe",
        {"current": PASSWORD, "password": "motdepasse123", "confirm": "motdepasse123"},
    )
    assert common.status_code == 422 and "trop courant" in text_of(common.text)

    done = await post_form(
        client, "/mon-compte/mot-de-passe", {"current": PASSWORD, "password": NEW, "confirm": NEW}
    )
    assert done.status_code == 200
    assert "Votre mot de passe a été changé" in text_of(done.text)
    assert await _can_log_in(client, world.prescriber.email, NEW)
    assert not await _can_log_in(client, world.prescriber.email, PASSWORD)


async def test_a_forgotten_password_is_reset_once_by_e_mail_and_ends_other_sessions(
    client, world: World, smtp_server: SmtpServer
) -> None:
    await login(client, world.site_agent)  # a session left open on the reception desk's PC
    assert (await client.get("/mon-compte")).status_code == 200
    other = AsyncTestClient(app=client.app, base_url="https://testserver.local")
    async with other:
        await other.get("/mot-de-passe-oublie")
        asked = await post_form(
            other, "/mot-de-passe-oublie", {"email": world.site_agent.email.upper()}
        )
        assert asked.status_code == 200 and SAME_ANSWER in text_of(asked.text)
        await tasks.work_until_idle()  # the queue sends it (passnum worker; serve on SQLite)
        [mail] = smtp_server.messages
        assert mail["To"] == world.site_agent.email
        body = mail.get_body().get_content()
        assert "1 heure" in body
        path = _reset_path(body)
        assert (await other.get(path)).status_code == 200
        reset = await post_form(
            other, path, {"password": NEW, "confirm": NEW}, follow_redirects=False
        )
        assert reset.status_code in (302, 303)
        again = await post_form(other, path, {"password": NEW + "?", "confirm": NEW + "?"})
        assert again.status_code == 410

    # The session opened before the reset is over.
    response = await client.get("/mon-compte", follow_redirects=False)
    assert response.status_code in (302, 303, 401)
    assert await _can_log_in(client, world.site_agent.email, NEW)


async def test_the_answer_is_the_same_for_an_unknown_address_and_nothing_is_sent(
    client, world: World, smtp_server: SmtpServer
) -> None:
    await client.get("/mot-de-passe-oublie")
    unknown = await post_form(client, "/mot-de-passe-oublie", {"email": "personne@nulle.part"})
    known = await post_form(client, "/mot-de-passe-oublie", {"email": world.funder.email})
    assert unknown.status_code == known.status_code == 200
    assert text_of(unknown.text) == text_of(known.text)
    await tasks.work_until_idle()
    assert [m["To"] for m in smtp_server.messages] == [world.funder.email]


async def test_a_reset_link_expires_after_one_hour(
    client, world: World, smtp_server: SmtpServer, clock_at
) -> None:
    clock_at(dt.datetime(2026, 12, 2, 10, 0))
    await client.get("/mot-de-passe-oublie")
    await post_form(client, "/mot-de-passe-oublie", {"email": world.funder.email})
    await tasks.work_until_idle()
    path = _reset_path(smtp_server.messages[-1].get_body().get_content())
    clock_at(dt.datetime(2026, 12, 2, 11, 1))
    late = await post_form(client, path, {"password": NEW, "confirm": NEW})
    assert late.status_code == 410 and "expiré" in text_of(late.text)
    assert not await _can_log_in(client, world.funder.email, NEW)


async def test_reset_requests_are_limited_per_account(
    client, world: World, smtp_server: SmtpServer
) -> None:
    await client.get("/mot-de-passe-oublie")
    for _ in range(5):
        answer = await post_form(client, "/mot-de-passe-oublie", {"email": world.funder.email})
        assert answer.status_code == 200 and SAME_ANSWER in text_of(answer.text)
        await tasks.work_until_idle()
    assert len(smtp_server.messages) == 3  # three links an hour per account, then silence


async def test_reset_requests_are_rate_limited_per_address(
    client, world: World, smtp_server: SmtpServer
) -> None:
    from passnum.settings import get_settings

    await client.get("/mot-de-passe-oublie")
    codes = [
        (await post_form(client, "/mot-de-passe-oublie", {"email": f"x{n}@nulle.part"})).status_code
        for n in range(get_settings().rate_login_per_minute + 1)
    ]
    assert codes[-1] == 429 and set(codes[:-1]) == {200}
