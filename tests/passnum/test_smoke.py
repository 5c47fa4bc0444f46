from tests.factories import login


async def test_staff_logs_in_and_sees_the_back_office(client, world):
    assert (await client.get("/health")).json() == {"status": "ok"}
    await login(client, world.staff)
    page = await client.get("/")
    assert "Espace du Département" in page.text
    assert (await client.get("/staff/organisations")).status_code == 200
