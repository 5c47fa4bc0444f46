"""Pages name the commune a person lives in, never its INSEE code (issue 13 item 9, issue 17)."""

from __future__ import annotations

from tests.factories import login
from tests.vouchers.pages_helpers import seen


async def test_staff_search_and_the_prescriber_list_name_the_persons_commune(client, scene):
    # The scene's beneficiary lives in Coutances (INSEE 50147).
    await login(client, scene.world.staff)
    text = seen(await client.get("/staff/recherche", params={"q": scene.issued}))
    person = text.split("Personne")[1].split("Réimprimer")[0]
    assert "habite Coutances" in person and "50147" not in person
    await login(client, scene.world.prescriber)
    handed_out = seen(await client.get("/carnets/remis"))
    assert "Coutances" in handed_out and "50147" not in handed_out
