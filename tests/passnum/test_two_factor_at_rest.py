"""The authenticator secrets are kept encrypted (AES-GCM, a key derived from PASSNUM_SECRET_KEY):
someone who reads the database or a backup cannot compute a staff member's codes. Accounts enrolled
when the secrets were kept in clear go on logging in after `passnum migrate`; a server whose secret
key changed refuses the app's codes with a French message that says who can help, never a 500."""

from __future__ import annotations

import base64
import datetime as dt
import importlib

import pytest

from passnum.auth import two_factor
from passnum.tables import TwoFactor
from tests.env import passnum_env
from tests.factories import World, login, post_form, text_of
from tests.passnum.test_two_factor import (
    ENROL,
    MONDAY,
    _code,
    _key,
    _password_step,
    _signed_in,
    _turn_on,
)

# The migration that encrypts the secrets left in clear by the code before it.
MIGRATION = "passnum.piccolo_migrations.passnum_2026_11_30t02_30_00_000000"
ANOTHER_KEY = "a-rotated-secret-key-0123456789-abcdefghijklmnop"


async def _stored(user_id: int) -> str:
    """The ``secret`` column as the database holds it (what a backup or a SQL reader sees)."""
    rows = await TwoFactor.raw('SELECT secret FROM two_factor WHERE "user" = {}', user_id)
    return rows[0]["secret"]


def _reveals(stored: str, secret: str) -> bool:
    """Whether the stored text holds the secret, as typed or as its raw bytes in base64."""
    raw = base64.b32decode(secret)
    return (
        secret in stored.upper().replace(" ", "")
        or base64.b64encode(raw).decode().rstrip("=") in stored
        or base64.urlsafe_b64encode(raw).decode().rstrip("=") in stored
        or raw.hex() in stored.lower()
    )


async def test_the_database_holds_no_usable_secret_and_the_code_still_logs_in(
    client, world: World, clock_at
) -> None:
    clock_at(MONDAY)
    await login(client, world.staff)
    shown = _key((await client.get(ENROL)).text)
    pending = await _stored(world.staff.user_id)
    assert not _reveals(pending, shown), "an enrolment under way is encrypted too"

    secret, _ = await _turn_on(client, world.staff)
    assert secret == shown
    stored = await _stored(world.staff.user_id)
    assert not _reveals(stored, secret), stored
    assert stored.startswith("v1:") and len(stored) > len(secret)

    clock_at(MONDAY + dt.timedelta(minutes=3))
    assert (await _password_step(client, world.staff)).headers["location"] == "/login/code"
    right = await post_form(client, "/login/code", {"code": _code(secret)}, follow_redirects=False)
    assert right.headers["location"] == "/staff/organisations"
    assert await _signed_in(client)


async def test_a_row_copied_onto_another_account_does_not_open_it(
    client, world: World, clock_at
) -> None:
    """The encryption is bound to the account: someone who may write in the database cannot give
    another person's row the secret of an app they hold."""
    clock_at(MONDAY)
    await login(client, world.staff)
    secret, _ = await _turn_on(client, world.staff)
    await login(client, world.funder)
    await _turn_on(client, world.funder)
    await TwoFactor.raw(
        'UPDATE two_factor SET secret = {} WHERE "user" = {}',
        await _stored(world.staff.user_id),
        world.funder.user_id,
    )
    clock_at(MONDAY + dt.timedelta(minutes=3))
    await _password_step(client, world.funder)
    copied = await post_form(client, "/login/code", {"code": _code(secret)})
    assert copied.status_code == 409, text_of(copied.text)[:1500]
    assert not await _signed_in(client)


async def test_an_account_enrolled_when_secrets_were_in_clear_logs_in_after_the_migration(
    client, world: World, clock_at
) -> None:
    clock_at(MONDAY)
    await login(client, world.staff)
    secret, _ = await _turn_on(client, world.staff)
    await login(client, world.funder)
    other_secret, _ = await _turn_on(client, world.funder)
    sealed_before = await _stored(world.funder.user_id)
    # As the code before this change kept it: the base32 key itself.
    await TwoFactor.raw(
        'UPDATE two_factor SET secret = {} WHERE "user" = {}', secret, world.staff.user_id
    )

    manager = await importlib.import_module(MIGRATION).forwards()
    await manager.run()

    stored = await _stored(world.staff.user_id)
    assert not _reveals(stored, secret) and stored.startswith("v1:"), stored
    assert await _stored(world.funder.user_id) == sealed_before, "encrypted rows are left alone"
    clock_at(MONDAY + dt.timedelta(minutes=3))
    await _password_step(client, world.staff)
    right = await post_form(client, "/login/code", {"code": _code(secret)}, follow_redirects=False)
    assert right.headers["location"] == "/staff/organisations"
    await _password_step(client, world.funder)
    other = await post_form(
        client, "/login/code", {"code": _code(other_secret)}, follow_redirects=False
    )
    assert other.headers["location"] == "/staff/organisations"


async def test_after_the_secret_key_changed_the_person_is_told_to_have_it_reset(
    client, world: World, clock_at
) -> None:
    clock_at(MONDAY)
    await login(client, world.staff)
    secret, codes = await _turn_on(client, world.staff)
    clock_at(MONDAY + dt.timedelta(minutes=3))
    with passnum_env(SECRET_KEY=ANOTHER_KEY):
        assert (await _password_step(client, world.staff)).headers["location"] == "/login/code"
        refused = await post_form(client, "/login/code", {"code": _code(secret)})
        assert refused.status_code == 409, text_of(refused.text)[:1500]
        said = text_of(refused.text)
        assert "ne peut plus être vérifiée" in said
        assert "réinitialiser votre double authentification" in said
        assert "code de secours" in said
        assert not await _signed_in(client)

        # Recovery codes do not depend on the key: the person still gets in with one…
        used = await post_form(client, "/login/code", {"code": codes[0]}, follow_redirects=False)
        assert used.status_code in (302, 303)
        assert await _signed_in(client)
        # …but what needs the app's code says the same thing, on their account page.
        renew = await post_form(client, f"{ENROL}/codes-de-secours", {"code": _code(secret, 30)})
        assert renew.status_code == 409
        assert "réinitialiser votre double authentification" in text_of(renew.text)

        # The reset (here the command line's) lets them enrol again, under the new key.
        assert await two_factor.reset_by_email(world.staff.email)
        assert (await _password_step(client, world.staff)).headers["location"] != "/login/code"
        new_secret, _ = await _turn_on(client, world.staff)
        clock_at(MONDAY + dt.timedelta(minutes=6))
        await _password_step(client, world.staff)
        right = await post_form(
            client, "/login/code", {"code": _code(new_secret)}, follow_redirects=False
        )
        assert right.headers["location"] == "/staff/organisations"


async def test_an_enrolment_under_way_when_the_key_changed_starts_again(
    client, world: World, clock_at
) -> None:
    """Nothing was confirmed yet: a new secret is drawn rather than an error shown."""
    clock_at(MONDAY)
    await login(client, world.staff)
    first = _key((await client.get(ENROL)).text)
    with passnum_env(SECRET_KEY=ANOTHER_KEY):
        await login(client, world.staff)
        page = await client.get(ENROL)
        assert page.status_code == 200
        again = _key(page.text)
        assert again != first
        assert _key((await client.get(ENROL)).text) == again
        done = await post_form(client, ENROL, {"code": _code(again)})
        assert done.status_code == 200, text_of(done.text)[:1500]


async def test_the_migration_refuses_the_default_key_in_production(
    client, world: World, clock_at
) -> None:
    """`passnum migrate` run without the server's PASSNUM_SECRET_KEY would encrypt under the
    public default key: in production it stops, and the row stays as it was."""
    clock_at(MONDAY)
    await login(client, world.staff)
    secret, _ = await _turn_on(client, world.staff)
    await TwoFactor.raw(
        'UPDATE two_factor SET secret = {} WHERE "user" = {}', secret, world.staff.user_id
    )
    migration = importlib.import_module(MIGRATION)
    with passnum_env(ENV="production"), pytest.raises(RuntimeError, match="PASSNUM_SECRET_KEY"):
        await migration.encrypt_clear_secrets()
    assert await _stored(world.staff.user_id) == secret
