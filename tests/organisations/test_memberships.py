"""Staff give an existing person more memberships (organisation × role) and take them away."""

from __future__ import annotations

from tests.factories import World, login, post_form, text_of


async def test_staff_make_the_cms_prescriber_a_site_agent_of_a_site_through_the_api(
    client, world: World
) -> None:
    staff = await world.staff.bearer()
    url = f"/api/v1/users/{world.prescriber.user_id}/memberships"
    added = await client.post(
        url, json={"organisation_id": world.site_id, "role": "site_agent"}, headers=staff
    )
    assert added.status_code == 201, added.text
    roles = {(m["organisation_id"], m["role"]) for m in added.json()["memberships"]}
    assert roles == {(world.prescriber_org_id, "prescriber"), (world.site_id, "site_agent")}

    twice = await client.post(
        url, json={"organisation_id": world.site_id, "role": "site_agent"}, headers=staff
    )
    assert twice.status_code == 409 and twice.json()["error"] == "duplicate_membership"
    wrong = await client.post(
        url, json={"organisation_id": world.prescriber_org_id, "role": "funder"}, headers=staff
    )
    assert wrong.status_code == 422 and wrong.json()["field"] == "role"

    me = await client.get("/api/v1/me", headers=await world.prescriber.bearer())
    assert len(me.json()["memberships"]) == 2

    membership_id = next(m["id"] for m in added.json()["memberships"] if m["role"] == "site_agent")
    removed = await client.delete(f"{url}/{membership_id}", headers=staff)
    assert removed.status_code == 200
    assert [m["role"] for m in removed.json()["memberships"]] == ["prescriber"]
    last = removed.json()["memberships"][0]["id"]
    refused = await client.delete(f"{url}/{last}", headers=staff)
    assert refused.status_code == 409 and refused.json()["error"] == "last_membership"


async def test_only_staff_manage_memberships(client, world: World) -> None:
    url = f"/api/v1/users/{world.prescriber.user_id}/memberships"
    response = await client.post(
        url,
        json={"organisation_id": world.site_id, "role": "site_agent"},
        headers=await world.prescriber.bearer(),
    )
    assert response.status_code == 403


async def test_staff_add_a_membership_from_the_persons_page(client, world: World) -> None:
    await login(client, world.staff)
    page = await client.get(f"/staff/users/{world.site_agent.user_id}")
    assert page.status_code == 200 and world.site_agent.email in text_of(page.text)
    added = await post_form(
        client,
        f"/staff/users/{world.site_agent.user_id}/memberships",
        {"organisation_id": str(world.other_site_id), "role": "site_agent"},
    )
    assert added.status_code == 200, added.text
    assert "Bibliothèque de Périers" in text_of(added.text)


async def test_an_unknown_person_is_a_clear_404_on_the_page_and_in_the_api(
    client, world: World
) -> None:
    await login(client, world.staff)
    page = await client.get("/staff/users/999999")
    assert page.status_code == 404 and "Utilisateur introuvable" in page.text
    staff = await world.staff.bearer()
    for method, path in (
        ("POST", "/api/v1/users/999999/activate"),
        ("POST", "/api/v1/users/999999/deactivate"),
        ("DELETE", "/api/v1/users/999999/two-factor"),
    ):
        answer = await client.request(method, path, headers=staff)
        assert answer.status_code == 404, (path, answer.text)
        assert answer.json()["error"] == "not_found"
