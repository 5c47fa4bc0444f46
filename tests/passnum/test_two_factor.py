"""Two-factor login (issue 16, item 5): staff turn on a code from an authenticator app, keep
recovery codes, and in production cannot work without it; codes count towards the lock-out; a
colleague resets a lost phone, with an audit entry."""

from __future__ import annotations

import datetime as dt
import re

import pyotp
from litestar.testing import AsyncTestClient
from piccolo.apps.user.tables import BaseUser

from organisations.memberships import add_membership
from passnum import clock, tasks
from passnum.tables import AuditEntry, LoginThrottle
from tests.env import passnum_env
from tests.factories import Person, World, login, post_form, retries_fall_due, text_of

ENROL = "/mon-compte/double-authentification"
MONDAY = dt.datetime(2027, 3, 1, 9, 0, 10)


def _key(html: str) -> str:
    found = re.search(r'<code id="cle-totp"[^>]*>([A-Z2-7 ]+)</code>', html)
    assert found, text_of(html)[:2000]
    return found.group(1).replace(" ", "")


def _code(secret: str, seconds_later: int = 0) -> str:
    """What the person's phone shows now (passnum's clock), or that many seconds later."""
    return pyotp.TOTP(secret).at(clock.now() + dt.timedelta(seconds=seconds_later))


def _recovery_codes(html: str) -> list[str]:
    return re.findall(
        r"<li><code>([a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4}-[a-z2-9]{4})</code></li>", html
    )


async def _password_step(client: AsyncTestClient, person: Person):
    client.cookies.clear()
    await client.get("/login")
    return await post_form(
        client,
        "/login",
        {"email": person.email, "password": person.password, "next": "/staff/organisations"},
        follow_redirects=False,
    )


async def _turn_on(client: AsyncTestClient, person: Person) -> tuple[str, list[str]]:
    """``person`` (signed in) turns it on from their account; the secret and recovery codes."""
    page = await client.get(ENROL)
    assert page.status_code == 200 and "<svg" in page.text
    secret = _key(page.text)
    done = await post_form(client, ENROL, {"code": _code(secret)})
    assert done.status_code == 200, text_of(done.text)
    codes = _recovery_codes(done.text)
    assert len(codes) == 10 and len(set(codes)) == 10
    return secret, codes


async def _signed_in(client: AsyncTestClient) -> bool:
    return (await client.get("/mon-compte", follow_redirects=False)).status_code == 200


async def test_staff_turn_on_two_factor_and_the_login_then_asks_for_the_code(
    client, world: World, clock_at
) -> None:
    clock_at(MONDAY)
    await login(client, world.staff)
    secret, _ = await _turn_on(client, world.staff)
    page = await client.get(ENROL)
    assert "activée" in text_of(page.text) and "10 sur 10" in text_of(page.text)

    clock_at(MONDAY + dt.timedelta(minutes=5))
    answer = await _password_step(client, world.staff)
    assert answer.headers["location"] == "/login/code"
    assert not await _signed_in(client), "no session before the code"
    assert "code à 6 chiffres" in text_of((await client.get("/login/code")).text)

    wrong = await post_form(client, "/login/code", {"code": "000000"})
    assert wrong.status_code == 401 and "pas le bon" in text_of(wrong.text)
    stale = await post_form(client, "/login/code", {"code": _code(secret, -120)})
    assert stale.status_code == 401, "a code of two minutes ago is refused"

    right = await post_form(client, "/login/code", {"code": _code(secret)}, follow_redirects=False)
    assert right.headers["location"] == "/staff/organisations"
    assert await _signed_in(client)
    assert await LoginThrottle.count() == 0, "a complete login forgets the failures"


async def test_a_code_of_the_app_is_accepted_only_once(client, world: World, clock_at) -> None:
    clock_at(MONDAY)
    await login(client, world.staff)
    secret, _ = await _turn_on(client, world.staff)
    clock_at(MONDAY + dt.timedelta(minutes=2))
    code = _code(secret)
    await _password_step(client, world.staff)
    ok = await post_form(client, "/login/code", {"code": code}, follow_redirects=False)
    assert ok.status_code in (302, 303)
    await _password_step(client, world.staff)
    replayed = await post_form(client, "/login/code", {"code": code})
    assert replayed.status_code == 401, "someone who saw the code over the shoulder cannot reuse it"


async def test_a_recovery_code_opens_the_session_once_and_says_how_many_are_left(
    client, world: World, clock_at
) -> None:
    clock_at(MONDAY)
    await login(client, world.staff)
    _, codes = await _turn_on(client, world.staff)

    await _password_step(client, world.staff)
    used = await post_form(
        client, "/login/code", {"code": codes[3].upper().replace("-", " ")}, follow_redirects=True
    )
    assert used.status_code == 200
    assert "il vous en reste 9" in text_of(used.text)
    assert await AuditEntry.exists().where(AuditEntry.action == "use_recovery_code")

    await _password_step(client, world.staff)
    again = await post_form(client, "/login/code", {"code": codes[3]})
    assert again.status_code == 401


async def test_wrong_codes_lock_the_account_like_wrong_passwords(
    client, world: World, clock_at
) -> None:
    clock_at(MONDAY)
    await login(client, world.staff)
    secret, _ = await _turn_on(client, world.staff)
    await _password_step(client, world.staff)  # attempt 1: the password, right
    statuses = []
    for guess in ("111111", "222222", "333333", "444444", "555555"):
        statuses.append((await post_form(client, "/login/code", {"code": guess})).status_code)
    assert statuses == [401, 401, 401, 401, 429], statuses
    locked = await post_form(client, "/login/code", {"code": _code(secret)})
    assert locked.status_code == 429 and "verrouillé" in text_of(locked.text)
    assert not await _signed_in(client)


async def test_a_pending_login_expires_and_needs_the_password_again(
    client, world: World, clock_at
) -> None:
    clock_at(MONDAY)
    await login(client, world.staff)
    secret, _ = await _turn_on(client, world.staff)
    await _password_step(client, world.staff)
    clock_at(MONDAY + dt.timedelta(minutes=16))
    late = await post_form(client, "/login/code", {"code": _code(secret)})
    assert late.status_code == 401 and "mot de passe" in text_of(late.text)
    assert not await _signed_in(client)


async def test_in_production_staff_set_it_up_before_their_first_session(
    client, world: World, clock_at
) -> None:
    clock_at(MONDAY)
    with passnum_env(ENV="production"):
        answer = await _password_step(client, world.staff)
        assert answer.headers["location"] == "/login/double-authentification"
        assert not await _signed_in(client)
        page = await client.get("/login/double-authentification")
        assert "Activer la double authentification" in text_of(page.text)
        secret = _key(page.text)
        assert _key((await client.get("/login/double-authentification")).text) == secret

        wrong = await post_form(client, "/login/double-authentification", {"code": "123456"})
        assert wrong.status_code == 401 and not await _signed_in(client)
        done = await post_form(client, "/login/double-authentification", {"code": _code(secret)})
        assert done.status_code == 200
        assert len(_recovery_codes(done.text)) == 10
        assert "ne seront plus jamais affichés" in text_of(done.text)
        assert await _signed_in(client)

        # Staff cannot turn it off in production.
        account = await client.get(ENROL)
        assert "obligatoire" in text_of(account.text)
        refused = await post_form(client, f"{ENROL}/desactiver", {"code": _code(secret, 30)})
        assert refused.status_code == 403

        # Other roles log in with their password alone.
        assert (await _password_step(client, world.prescriber)).headers["location"] == (
            "/staff/organisations"
        )


async def test_in_production_a_staff_session_without_second_factor_is_not_accepted(
    client, world: World
) -> None:
    """A session opened before the rule applied (or before a staff membership was added)."""
    await login(client, world.prescriber)
    await add_membership(world.prescriber.user_id, world.operator_id, "staff")
    assert await _signed_in(client)
    with passnum_env(ENV="production"):
        assert not await _signed_in(client)
        bearer = await world.prescriber.bearer()
        me = await client.get("/api/v1/me", headers=bearer)
        assert me.status_code == 200, "API tokens keep working: they come from the command line"


async def test_in_development_anyone_may_turn_it_off_with_a_code(
    client, world: World, clock_at, smtp_server
) -> None:
    clock_at(MONDAY)
    await login(client, world.prescriber)
    secret, _ = await _turn_on(client, world.prescriber)
    wrong = await post_form(client, f"{ENROL}/desactiver", {"code": "000000"})
    assert wrong.status_code == 422, text_of(wrong.text)[:1500]
    clock_at(MONDAY + dt.timedelta(seconds=30))
    off = await post_form(client, f"{ENROL}/desactiver", {"code": _code(secret)})
    assert off.status_code == 200 and "désactivée" in text_of(off.text)
    await tasks.work_until_idle()  # the notice goes through the queue
    [told] = smtp_server.messages
    assert told["To"] == world.prescriber.email and "retirée" in told["Subject"]
    assert (await _password_step(client, world.prescriber)).headers["location"] != "/login/code"


async def test_new_recovery_codes_replace_the_old_ones(client, world: World, clock_at) -> None:
    clock_at(MONDAY)
    await login(client, world.staff)
    secret, old = await _turn_on(client, world.staff)
    clock_at(MONDAY + dt.timedelta(seconds=30))
    renewed = await post_form(client, f"{ENROL}/codes-de-secours", {"code": _code(secret)})
    new = _recovery_codes(renewed.text)
    assert len(new) == 10 and not set(new) & set(old)
    await _password_step(client, world.staff)
    assert (await post_form(client, "/login/code", {"code": old[0]})).status_code == 401
    ok = await post_form(client, "/login/code", {"code": new[0]}, follow_redirects=False)
    assert ok.status_code in (302, 303)


async def test_another_staff_member_resets_a_lost_phone_with_an_audit_entry(
    client, world: World, clock_at, smtp_server
) -> None:
    clock_at(MONDAY)
    colleague = await _second_staff(world)
    await login(client, world.staff)
    await _turn_on(client, world.staff)
    own = await post_form(
        client, f"/staff/users/{world.staff.user_id}/double-authentification/reinitialiser", {}
    )
    assert own.status_code == 403 and "propre" in text_of(own.text)

    other = AsyncTestClient(app=client.app, base_url="https://testserver.local")
    async with other:
        await login(other, colleague)
        person = await other.get(f"/staff/users/{world.staff.user_id}")
        assert "Activée le 01/03/2027" in text_of(person.text)
        reset = await post_form(
            other, f"/staff/users/{world.staff.user_id}/double-authentification/reinitialiser", {}
        )
        assert reset.status_code == 200 and "réinitialisée" in text_of(reset.text)

    entry = await AuditEntry.objects().get(AuditEntry.action == "reset_two_factor")
    assert (entry.user_email, entry.entity_id) == (colleague.email, str(world.staff.user_id))
    assert not await _signed_in(client), "the reset ends the person's sessions"
    await tasks.work_until_idle()  # the notice goes through the queue
    [told] = smtp_server.messages
    assert told["To"] == world.staff.email
    body = told.get_body().get_content()
    assert f"réinitialisée par {colleague.email}" in body.replace("\n", " ")
    assert "01/03/2027" in body and "appelez sans attendre" in body
    answer = await _password_step(client, world.staff)
    assert answer.headers["location"] == "/staff/organisations"
    with passnum_env(ENV="production"):
        answer = await _password_step(client, world.staff)
        assert answer.headers["location"] == "/login/double-authentification"


async def test_the_api_resets_it_for_staff_and_refuses_it_for_oneself(
    client, world: World, clock_at
) -> None:
    clock_at(MONDAY)
    await login(client, world.prescriber)
    await _turn_on(client, world.prescriber)
    staff = await world.staff.bearer()
    done = await client.delete(
        f"/api/v1/users/{world.prescriber.user_id}/two-factor", headers=staff
    )
    assert done.status_code == 200 and done.json()["email"] == world.prescriber.email
    own = await client.delete(f"/api/v1/users/{world.staff.user_id}/two-factor", headers=staff)
    assert own.status_code == 403 and own.json()["error"] == "own_two_factor"
    unknown = await client.delete("/api/v1/users/999999/two-factor", headers=staff)
    assert unknown.status_code == 404
    assert (await _password_step(client, world.prescriber)).headers["location"] != "/login/code"


async def _second_staff(world: World) -> Person:
    from tests.factories import make_person

    return await make_person("comptable@manche.test", world.operator_id, "staff")


async def test_the_secret_is_kept_until_confirmed_and_users_have_their_own(
    client, world: World
) -> None:
    await login(client, world.staff)
    first = _key((await client.get(ENROL)).text)
    assert _key((await client.get(ENROL)).text) == first
    await login(client, world.funder)
    assert _key((await client.get(ENROL)).text) != first
    assert await BaseUser.count() >= 2


async def test_the_same_code_sent_five_times_at_once_opens_one_login(
    client, world: World, clock_at
) -> None:
    """The database decides (conditional updates), not a read-then-write: for the app's code as
    for a recovery code, one request wins and the others are refused."""
    import asyncio

    from passnum.auth import two_factor

    clock_at(MONDAY)
    await login(client, world.staff)
    secret, codes = await _turn_on(client, world.staff)
    clock_at(MONDAY + dt.timedelta(seconds=30))

    async def attempt(code: str) -> str:
        try:
            return await two_factor.check_code(world.staff.user_id, code)
        except two_factor.TwoFactorRefused as refused:
            return refused.code

    for code, kind in ((_code(secret), "totp"), (codes[0], "recovery")):
        answers = sorted(await asyncio.gather(*(attempt(code) for _ in range(5))))
        assert answers == sorted([kind] + ["wrong_code"] * 4), answers


async def test_the_notice_of_a_removed_second_factor_waits_for_a_relay_that_is_down(
    client, world: World, clock_at, smtp_server
) -> None:
    """If someone else turned it off, the person must hear of it: a relay down at that moment
    delays the notice (the queue tries again), it does not lose it."""
    clock_at(MONDAY)
    await login(client, world.prescriber)
    secret, _ = await _turn_on(client, world.prescriber)
    clock_at(MONDAY + dt.timedelta(seconds=30))
    with smtp_server.down():
        off = await post_form(client, f"{ENROL}/desactiver", {"code": _code(secret)})
        assert off.status_code == 200 and "désactivée" in text_of(off.text)
        await tasks.work_until_idle()
    assert smtp_server.messages == []
    await retries_fall_due()
    await tasks.work_until_idle()
    [told] = smtp_server.messages
    assert told["To"] == world.prescriber.email and "retirée" in told["Subject"]
