"""A site agent, a prescriber of another organisation and an anonymous visitor never see a
beneficiary record: not in scans, not in the public cheque status, not in lists."""

from __future__ import annotations

from tests.vouchers.conftest import BENEFICIARY

SECRETS = [BENEFICIARY.reference, "70_plus", "retired", "consent", "age_band", "social_status"]


def assert_private(response) -> None:
    for secret in SECRETS:
        assert secret not in response.text, (response.request.url, secret)


async def test_an_anonymous_visitor_sees_only_whether_the_cheque_can_be_used(client, scene):
    public = await client.get(f"/api/v1/cheques/{scene.codes[0]}")
    assert public.status_code == 200
    assert set(public.json()) == {
        "code",
        "code_display",
        "status",
        "status_label",
        "face_value_cents",
        "funder",
        "valid_from",
        "valid_until",
        "accepted_until",
        "validity",
        "accepted_everywhere",
        "accepted_sites",
        "directory_url",
    }
    assert_private(public)
    assert scene.codes[1] not in public.text and scene.issued not in public.text
    for url in (
        "/api/v1/handouts",
        f"/api/v1/handouts/{scene.issued}",
        f"/api/v1/search?q={scene.issued}",
    ):
        response = await client.get(url)
        assert response.status_code == 401
        assert_private(response)


async def test_a_site_agent_never_sees_the_beneficiary(client, scene):
    headers = await scene.world.site_agent.bearer()
    redeemed = await client.post(
        "/api/v1/redemptions",
        json={"code": scene.codes[0], "activity": "individual"},
        headers=headers,
    )
    again = await client.post(
        "/api/v1/redemptions",
        json={"code": scene.codes[0], "activity": "individual"},
        headers=headers,
    )
    today = await client.get("/api/v1/redemptions", headers=headers)
    status = await client.get(f"/api/v1/cheques/{scene.codes[0]}", headers=headers)
    for response in (redeemed, again, today, status):
        assert response.status_code in (200, 201, 409)
        assert_private(response)
    for url in (
        "/api/v1/handouts",
        f"/api/v1/handouts/{scene.issued}",
        f"/api/v1/search?q={scene.issued}",
    ):
        response = await client.get(url, headers=headers)
        assert response.status_code == 403
        assert_private(response)


async def test_a_prescriber_of_another_organisation_never_sees_the_beneficiary(client, scene):
    headers = await scene.world.other_prescriber.bearer()
    theirs = await client.get("/api/v1/handouts", headers=headers)
    assert theirs.status_code == 200 and theirs.json() == []
    for url in (f"/api/v1/handouts/{scene.issued}", f"/api/v1/search?q={scene.issued}"):
        response = await client.get(url, headers=headers)
        assert response.status_code == 403
        assert_private(response)
    cancel = await client.post(
        f"/api/v1/booklets/{scene.issued}/cancel", json={"reason": "lost"}, headers=headers
    )
    assert cancel.status_code == 403
    assert_private(cancel)


async def test_the_issuing_prescriber_sees_their_own_reference(client, scene):
    mine = await client.get("/api/v1/handouts", headers=await scene.world.prescriber.bearer())
    assert BENEFICIARY.reference in mine.text
    receipt = await client.get(
        f"/api/v1/handouts/{scene.issued}", headers=await scene.world.prescriber.bearer()
    )
    assert receipt.status_code == 200 and receipt.json()["booklet_number"] == scene.issued
