"""Odd input an attacker sends gets a clear refusal, never a 500 (issue 14, item 6)."""

from __future__ import annotations

from litestar.testing import AsyncTestClient

from tests.factories import World


async def test_json_nested_a_thousand_levels_deep_is_a_clear_400(
    client: AsyncTestClient, world: World
) -> None:
    headers = {**await world.staff.bearer(), "Content-Type": "application/json"}
    body = b"[" * 1000 + b"]" * 1000
    response = await client.post("/api/v1/statements/build", content=body, headers=headers)
    assert response.status_code == 400, response.text
    assert response.json()["error"] == "malformed_json"
    assert "JSON" in response.json()["message"]
    nested_object = b'{"month":' * 1000 + b'"2026-01"' + b"}" * 1000
    response = await client.post("/api/v1/statements/build", content=nested_object, headers=headers)
    assert response.status_code == 400, response.text


async def test_a_nul_byte_in_a_static_path_is_not_found(client: AsyncTestClient) -> None:
    for path in ("/static/passnum.css%00", "/static/vendor/%00", "/static/a%00b.js"):
        response = await client.get(path)
        assert response.status_code in (400, 404), (path, response.status_code)
    assert (await client.get("/static/passnum.css")).status_code == 200


async def test_a_statement_month_out_of_the_calendar_is_refused_in_french(
    client: AsyncTestClient, world: World
) -> None:
    headers = await world.staff.bearer()
    for month in ("9999-12", "0000-01", "10000-01"):
        response = await client.post(
            "/api/v1/statements/build", json={"month": month}, headers=headers
        )
        assert response.status_code == 422, (month, response.text)
        assert response.json()["error"] == "invalid"
        assert "AAAA-MM" in response.json()["message"]
