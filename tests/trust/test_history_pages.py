"""Staff see a record's history (who, when, what changed) on its page."""

import html
import re

from tests.factories import login, text_of
from tests.vouchers.conftest import make_batch


async def test_staff_see_who_created_and_activated_a_batch_on_its_page_in_french(client, world):
    batch = await make_batch(world, count=2, funder_id=world.funder_id)
    await login(client, world.staff)
    page = html.unescape(text_of((await client.get(f"/staff/tirages/{batch.id}")).text))
    history = page.split("Historique")[-1]
    assert "Créé" in history and "Activé" in history
    assert "Financeur : CAF de la Manche" in history and "Carnets : 2" in history
    assert re.search(r"Payé le : \d\d/\d\d/\d{4}", history)
    assert re.search(r"\d\d/\d\d/\d{4} à \d\d:\d\d", history)
    for code in ("create", "activate", "funder", "paid_at"):
        assert code not in history, code
    assert world.staff.email in history


async def test_the_organisation_page_shows_its_history_in_french(client, world):
    await login(client, world.staff)
    page = text_of((await client.get(f"/staff/organisations/{world.site_id}")).text)
    history = html.unescape(page).split("Historique")[-1]
    assert "Créé" in history and "create" not in history
