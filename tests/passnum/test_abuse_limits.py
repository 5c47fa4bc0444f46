"""Abuse limits: account lock-out after repeated failures, rate limits with Retry-After, headers."""

from tests.factories import login, post_form, text_of


async def test_repeated_wrong_passwords_lock_the_account_even_with_the_right_one(client, world):
    for _ in range(5):
        response = await post_form(
            client, "/login", {"email": world.prescriber.email, "password": "mauvais"}
        )
        assert response.status_code == 401
    response = await post_form(
        client, "/login", {"email": world.prescriber.email, "password": world.prescriber.password}
    )
    assert response.status_code == 429
    assert "verrouillé" in text_of(response.text)


async def test_staff_see_the_locked_account_and_can_unlock_it(client, world):
    for _ in range(5):
        await post_form(client, "/login", {"email": world.prescriber.email, "password": "mauvais"})
    await login(client, world.staff)
    page = await client.get("/staff/security")
    assert world.prescriber.email in page.text
    await post_form(client, "/staff/security/unlock", {"email": world.prescriber.email})
    assert world.prescriber.email not in (await client.get("/staff/security")).text


async def test_a_successful_login_clears_earlier_failures(client, world):
    for _ in range(4):
        await post_form(client, "/login", {"email": world.staff.email, "password": "mauvais"})
    await login(client, world.staff)
    for _ in range(4):
        response = await post_form(
            client, "/login", {"email": world.staff.email, "password": "mauvais"}
        )
        assert response.status_code == 401
    await login(client, world.staff)  # eight failures in all, never five in a row: not locked


async def test_too_many_login_attempts_from_one_address_get_429_and_retry_after(
    client, world, monkeypatch
):
    from litestar.testing import AsyncTestClient

    from composition.app import create_app
    from passnum.settings import get_settings

    monkeypatch.setenv("PASSNUM_RATE_LOGIN_PER_MINUTE", "3")
    get_settings.cache_clear()
    try:
        async with AsyncTestClient(app=create_app(), base_url="https://t.local") as limited:
            statuses = []
            for n in range(4):
                response = await post_form(
                    limited, "/login", {"email": f"x{n}@y.fr", "password": "mauvais"}
                )
                statuses.append(response.status_code)
    finally:
        get_settings.cache_clear()
    assert statuses == [401, 401, 401, 429]
    assert int(response.headers["retry-after"]) > 0
    assert "Trop de tentatives" in text_of(response.text)


async def test_every_response_carries_the_security_headers(client, world):
    for path in ("/", "/login", "/static/passnum.css", "/nulle-part", "/api/v1/me"):
        headers = (await client.get(path)).headers
        assert "frame-ancestors 'none'" in headers["content-security-policy"]
        assert "'unsafe-inline'" not in headers["content-security-policy"]
        assert headers["x-content-type-options"] == "nosniff"
        assert headers["referrer-policy"] == "same-origin"


async def _attempts(email: str, password: str, times: int) -> list[int]:
    """``times`` logins at once, each on its own database connection; their HTTP statuses."""
    import asyncio

    from passnum.auth.passwords import LoginRefused, authenticate

    async def attempt() -> int:
        try:
            await authenticate(email, password)
        except LoginRefused as refusal:
            return refusal.status_code
        return 200

    return sorted(await asyncio.gather(*(attempt() for _ in range(times))))


async def test_ten_simultaneous_wrong_passwords_lock_the_account_after_five_checks(client, world):
    """Issue 14, item 4: the failure counter was a read-modify-write; ten wrong passwords at
    once were all checked and the account stayed unlocked."""
    statuses = await _attempts(world.prescriber.email, "mauvais", 10)
    assert statuses == [401] * 5 + [429] * 5, statuses
    right = {"email": world.prescriber.email, "password": world.prescriber.password}
    response = await post_form(client, "/login", right)
    assert response.status_code == 429
    assert "verrouillé" in text_of(response.text)


async def test_simultaneous_first_failures_of_a_new_address_are_all_counted(world):
    """Issue 14, item 3: the first failures of an address raced on its unique row (500)."""
    from passnum.tables import LoginThrottle

    assert await _attempts("inconnu@nulle.part", "mauvais", 4) == [401] * 4
    row = await LoginThrottle.objects().get(LoginThrottle.email == "inconnu@nulle.part")
    assert row.failures == 4
