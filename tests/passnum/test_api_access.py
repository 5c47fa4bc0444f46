"""The JSON API: bearer tokens, role guards, isolation between organisations, clear errors."""

from passnum.auth import Role
from passnum.auth.tokens import create_token, revoke_token
from tests.factories import login


async def test_bearer_token_gives_the_users_rights_on_the_api(client, world):
    response = await client.get("/api/v1/me", headers=await world.prescriber.bearer())
    assert response.status_code == 200
    body = response.json()
    assert body["email"] == world.prescriber.email
    assert body["memberships"][0]["role"] == "prescriber"


async def test_api_without_token_answers_401_with_a_stable_code(client, world):
    response = await client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_revoked_token_no_longer_works(client, world):
    token = await create_token(world.staff.email)
    headers = {"Authorization": f"Bearer {token}"}
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 200
    assert await revoke_token(token)
    response = await client.get("/api/v1/me", headers=headers)
    assert response.status_code == 401
    assert response.json()["error"] == "unauthorized"


async def test_a_malformed_authorization_header_is_refused(client, world):
    response = await client.get("/api/v1/me", headers={"Authorization": "Basic abc"})
    assert response.status_code == 401


async def test_the_api_ignores_session_cookies(client, world):
    await login(client, world.staff)
    assert (await client.get("/api/v1/me")).status_code == 401


async def test_site_agent_cannot_reach_staff_api_routes(client, world):
    headers = await world.site_agent.bearer()
    response = await client.get("/api/v1/users", headers=headers)
    assert response.status_code == 403
    assert response.json()["error"] == "forbidden"
    response = await client.post("/api/v1/organisations", json={"name": "X"}, headers=headers)
    assert response.status_code == 403


async def test_site_agent_cannot_reach_staff_pages(client, world):
    await login(client, world.site_agent)
    response = await client.get("/staff/organisations")
    assert response.status_code == 403
    assert "accès" in response.text


async def test_a_prescriber_cannot_read_another_organisations_record(client, world):
    headers = await world.prescriber.bearer()
    own = await client.get(f"/api/v1/organisations/{world.prescriber_org_id}", headers=headers)
    assert own.status_code == 200
    other = await client.get(
        f"/api/v1/organisations/{world.other_prescriber_org_id}", headers=headers
    )
    assert other.status_code == 404
    listed = await client.get("/api/v1/organisations", headers=headers)
    assert [o["id"] for o in listed.json()] == [world.prescriber_org_id]


async def test_malformed_json_gets_a_stable_error_code_not_a_500(client, world):
    response = await client.post(
        "/api/v1/organisations",
        content=b"{not json",
        headers={**await world.staff.bearer(), "Content-Type": "application/json"},
    )
    assert response.status_code == 400
    assert response.json()["error"] in {"malformed_json", "bad_request"}
    assert response.json()["message"]


async def test_invalid_fields_are_named_in_the_error(client, world):
    response = await client.post(
        "/api/v1/organisations",
        json={"name": "Mairie", "siret": "12345678901234"},
        headers=await world.staff.bearer(),
    )
    assert response.status_code == 422
    assert response.json() == {
        "error": "invalid_siret",
        "message": "Le SIRET « 12345678901234 » n'est pas valide : il compte 14 chiffres, dont "
        "les 9 du SIREN, et ses chiffres de contrôle ne correspondent pas. Recopiez-le depuis "
        "annuaire-entreprises.data.gouv.fr.",
        "field": "siret",
    }


async def test_staff_creates_an_organisation_and_a_user_through_the_api(client, world):
    headers = await world.staff.bearer()
    created = await client.post(
        "/api/v1/organisations",
        json={
            "name": "Mairie de Lessay",
            "roles": ["site"],
            "insee_code": "50267",
            "siret": "73282932000074",
        },
        headers=headers,
    )
    assert created.status_code == 201, created.text
    org = created.json()
    assert org["roles"] == ["site"] and org["site_status"] == "qualified"
    user = await client.post(
        "/api/v1/users",
        json={
            "email": "Accueil@Lessay.fr",
            "organisation_id": org["id"],
            "role": Role.site_agent.value,
        },
        headers=headers,
    )
    assert user.status_code == 201, user.text
    invited = user.json()
    assert invited["email"] == "accueil@lessay.fr"
    # No SMTP in this test: the invitation link comes back for the staff member to pass on.
    assert invited["invitation_sent"] is False
    assert invited["invitation_link"].startswith("https://passnum.test/invitation/")


async def test_the_api_no_longer_takes_a_password_typed_by_staff(client, world):
    response = await client.post(
        "/api/v1/users",
        json={
            "email": "accueil@lessay.fr",
            "password": "bonjour-lessay",
            "organisation_id": world.site_id,
            "role": "site_agent",
        },
        headers=await world.staff.bearer(),
    )
    assert response.status_code == 400


async def test_a_site_agent_account_needs_an_organisation_with_the_site_role(client, world):
    response = await client.post(
        "/api/v1/users",
        json={
            "email": "x@y.fr",
            "organisation_id": world.prescriber_org_id,
            "role": "site_agent",
        },
        headers=await world.staff.bearer(),
    )
    assert response.status_code == 422
    assert response.json()["field"] == "role"


async def test_deactivated_users_token_stops_working(client, world):
    headers = await world.prescriber.bearer()
    staff = await world.staff.bearer()
    response = await client.post(
        f"/api/v1/users/{world.prescriber.user_id}/deactivate", headers=staff
    )
    assert response.status_code == 200 and response.json()["active"] is False
    assert (await client.get("/api/v1/me", headers=headers)).status_code == 401


async def test_health_reports_ok_and_openapi_documents_the_api(client, world):
    assert (await client.get("/health")).json() == {"status": "ok"}
    schema = (await client.get("/schema/openapi.json")).json()
    assert "/api/v1/organisations" in schema["paths"]


async def test_an_absurdly_large_id_is_bad_input_not_a_crash(client, world):
    response = await client.get(
        "/api/v1/organisations/68316759897179544354816", headers=await world.staff.bearer()
    )
    assert response.status_code == 422
    assert response.json()["error"] == "out_of_range"


async def test_an_unknown_role_is_refused_with_the_field_named(client, world):
    response = await client.post(
        "/api/v1/users",
        json={
            "email": "x@y.fr",
            "organisation_id": world.prescriber_org_id,
            "role": "pirate",
        },
        headers=await world.staff.bearer(),
    )
    assert response.status_code == 422
    assert response.json()["field"] == "role"
