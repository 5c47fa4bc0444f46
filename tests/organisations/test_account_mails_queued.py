"""Invitations, reset links and suspension notices go through the task queue: the page answers
at once whatever the SMTP relay does, a relay that is down delays the e-mail (the queue tries
again) instead of failing the page, and the queue never holds a link in clear: the link is made
by the worker at the moment the e-mail goes."""

from __future__ import annotations

import re

from organisations.tables import AccountLink
from passnum import tasks
from passnum.clock import today
from tests.factories import World, login, post_form, retries_fall_due, text_of
from tests.smtp_server import SmtpServer

SAME_ANSWER = "Si un compte existe avec cette adresse, un e-mail vient de lui être envoyé"
NEW = "trois pommes sur la table"


def _link(body: str, path: str) -> str:
    found = re.search(rf"https://passnum\.test({path}/[\w-]+)", body)
    assert found, body
    return found.group(1)


async def _jobs(task: str) -> list:
    return list(await tasks.app().job_manager.list_jobs_async(task=task))


async def _queue_holds_no_link(client, world: World) -> None:
    """Neither the jobs' stored arguments nor the staff's tasks page show a link."""
    for job in await tasks.app().job_manager.list_jobs_async():
        assert "/invitation/" not in str(job.task_kwargs)
        assert "/mot-de-passe-oublie/" not in str(job.task_kwargs)
    await login(client, world.staff)
    page = text_of((await client.get("/staff/taches")).text)
    assert "/invitation/" not in page and "/mot-de-passe-oublie/" not in page


async def test_a_reset_request_answers_without_the_relay_and_the_link_comes_from_the_queue(
    client, world: World, smtp_server: SmtpServer
) -> None:
    await client.get("/mot-de-passe-oublie")
    asked = await post_form(client, "/mot-de-passe-oublie", {"email": world.funder.email})
    assert asked.status_code == 200 and SAME_ANSWER in text_of(asked.text)
    assert smtp_server.messages == []  # the page did not wait for the relay
    assert await AccountLink.count() == 0  # no link yet: the worker makes it when it sends
    await tasks.work_until_idle()
    [mail] = smtp_server.messages
    assert mail["To"] == world.funder.email
    path = _link(mail.get_body().get_content(), "/mot-de-passe-oublie")
    assert (await client.get(path)).status_code == 200
    await _queue_holds_no_link(client, world)


async def test_a_known_and_an_unknown_address_leave_the_same_trace_in_the_request(
    client, world: World, smtp_server: SmtpServer
) -> None:
    """What the request does cannot tell an account from no account (nor can its timing): one
    queued job each, with the typed address only; the worker finds out."""
    await client.get("/mot-de-passe-oublie")
    for email in ("personne@nulle.part", world.funder.email):
        answer = await post_form(client, "/mot-de-passe-oublie", {"email": email})
        assert answer.status_code == 200 and SAME_ANSWER in text_of(answer.text)
    jobs = await _jobs("organisations:send_reset_link")
    assert sorted(j.task_kwargs["email"] for j in jobs) == sorted(
        ["personne@nulle.part", world.funder.email]
    )
    assert {tuple(j.task_kwargs) for j in jobs} == {("email",)}
    assert await AccountLink.count() == 0
    await tasks.work_until_idle()
    assert [m["To"] for m in smtp_server.messages] == [world.funder.email]


async def test_a_reset_asked_while_the_relay_is_down_arrives_once_it_is_back(
    client, world: World, smtp_server: SmtpServer
) -> None:
    await client.get("/mot-de-passe-oublie")
    with smtp_server.down():
        asked = await post_form(client, "/mot-de-passe-oublie", {"email": world.site_agent.email})
        assert asked.status_code == 200 and SAME_ANSWER in text_of(asked.text)
        await tasks.work_until_idle()
    [job] = await _jobs("organisations:send_reset_link")
    assert job.status == "todo" and job.attempts == 1  # tried again later
    assert smtp_server.messages == []
    assert await AccountLink.count() == 0  # the link that could not go was withdrawn

    await retries_fall_due()
    await tasks.work_until_idle()
    [mail] = smtp_server.messages
    assert mail["To"] == world.site_agent.email
    path = _link(mail.get_body().get_content(), "/mot-de-passe-oublie")
    reset = await post_form(client, path, {"password": NEW, "confirm": NEW}, follow_redirects=False)
    assert reset.status_code in (302, 303)
    assert await AccountLink.count() == 1  # one link made, the one that went


async def test_an_invitation_made_while_the_relay_is_down_arrives_once_it_is_back(
    client, world: World, smtp_server: SmtpServer
) -> None:
    await login(client, world.staff)
    with smtp_server.down():
        response = await post_form(
            client,
            f"/staff/organisations/{world.site_id}/users",
            {"email": "eva@terre-et-marais.test", "first_name": "Eva", "role": "site_agent"},
        )
        assert response.status_code == 200
        text = text_of(response.text)
        assert "Invitation envoyée à eva@terre-et-marais.test" in text
        assert "/invitation/" not in text  # the link is only in the e-mail
        await tasks.work_until_idle()
    assert smtp_server.messages == []
    [job] = await _jobs("organisations:send_invitation")
    assert job.status == "todo" and job.attempts == 1

    await retries_fall_due()
    await tasks.work_until_idle()
    [mail] = smtp_server.messages
    assert mail["To"] == "eva@terre-et-marais.test"
    assert "Mairie de Terre-et-Marais" in mail["Subject"]
    body = mail.get_body().get_content()
    assert "Eva" in body and "72 heures" in body
    path = _link(body, "/invitation")
    assert "Choisissez votre mot de passe" in text_of((await client.get(path)).text)
    await _queue_holds_no_link(client, world)


async def test_a_suspension_notice_waits_for_the_relay_and_the_suspension_does_not(
    client, world: World, smtp_server: SmtpServer
) -> None:
    staff = await world.staff.bearer()
    await client.patch(
        f"/api/v1/organisations/{world.site_id}",
        json={"email": "accueil@terre-et-marais.test"},
        headers=staff,
    )
    with smtp_server.down():
        response = await client.post(
            f"/api/v1/organisations/{world.site_id}/suspension",
            json={"reason": "Chèques acceptés sans séance", "from": today().isoformat()},
            headers=staff,
        )
        assert response.status_code == 200, response.text
        assert response.json()["organisation"]["site_status"] == "suspended"
        assert response.json()["site_notified_by_email"] is True  # queued: it will go
        await tasks.work_until_idle()
    assert smtp_server.messages == []
    await retries_fall_due()
    await tasks.work_until_idle()
    [notice] = smtp_server.messages
    assert notice["To"] == "accueil@terre-et-marais.test" and "suspendue" in notice["Subject"]
    assert "Chèques acceptés sans séance" in notice.get_body().get_content()
