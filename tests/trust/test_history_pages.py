"""Staff see a record's history (who, when, what changed) on its page."""

from tests.factories import login, text_of
from tests.vouchers.conftest import make_batch


async def test_staff_see_who_created_and_activated_a_batch_on_its_page(client, world):
    batch = await make_batch(world, count=2)
    await login(client, world.staff)
    page = text_of((await client.get(f"/staff/tirages/{batch.id}")).text)
    assert "Historique" in page
    assert "create" in page and "activate" in page
    assert world.staff.email in page


async def test_the_organisation_page_shows_its_history(client, world):
    await login(client, world.staff)
    page = text_of((await client.get(f"/staff/organisations/{world.site_id}")).text)
    assert "Historique" in page and "create" in page
