"""/health tells a monitoring probe whether the service can reach its database."""

from organisations.tables import Organisation


async def test_health_is_ok_when_the_database_answers(client, world):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_health_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("base injoignable")

    monkeypatch.setattr(Organisation, "raw", unreachable)
    response = await client.get("/health")
    assert response.status_code == 503
    assert response.json()["status"] == "unavailable"
