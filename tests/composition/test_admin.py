"""The read-only back-office for raw records (piccolo-admin at /admin/), staff only."""

from tests.factories import login


async def test_staff_open_the_back_office_with_their_passnum_login(client, world):
    await login(client, world.staff)
    assert (await client.get("/admin/")).status_code == 200
    user = await client.get("/admin/api/user/")
    assert user.status_code == 200
    assert user.json()["username"] == world.staff.email


async def test_the_back_office_is_read_only(client, world):
    await login(client, world.staff)
    tables = (await client.get("/admin/api/tables/")).json()
    assert "organisation" in tables
    # Nothing that would let one staff member sign in as another.
    assert not {"sessions", "two_factor", "recovery_code", "login_challenge"} & set(tables)
    response = await client.post("/admin/api/tables/organisation/", json={"name": "Pirate"})
    assert response.status_code in (403, 405)


async def test_site_agents_and_visitors_cannot_open_the_back_office(client, world):
    anonymous = await client.get("/admin/", follow_redirects=False)
    assert anonymous.status_code in (302, 303)
    await login(client, world.site_agent)
    assert (await client.get("/admin/api/user/")).status_code == 403
