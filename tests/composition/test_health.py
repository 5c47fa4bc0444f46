"""/health/live tells an orchestrator the process answers (no database); /health tells a load
balancer whether this instance is ready: database reachable and every migration applied."""

from piccolo.apps.migrations.tables import Migration

from organisations.tables import Organisation
from passnum import db


async def test_liveness_answers_without_touching_the_database(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("base injoignable")

    monkeypatch.setattr(Organisation, "raw", unreachable)
    monkeypatch.setattr(Migration, "select", unreachable)
    response = await client.get("/health/live")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_health_is_ok_when_the_database_answers_and_is_migrated(client, world):
    response = await client.get("/health")
    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


async def test_health_answers_503_when_the_database_is_unreachable(client, monkeypatch):
    def unreachable(*args, **kwargs):
        raise ConnectionRefusedError("base injoignable")

    monkeypatch.setattr(Organisation, "raw", unreachable)
    response = await client.get("/health")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["error"] == "database_unreachable"
    assert "injoignable" in body["message"]


async def test_health_answers_503_while_a_migration_is_not_applied(client, world, monkeypatch):
    """The operator deployed new code but did not run `passnum migrate` yet: the new process
    is not ready until it has."""
    monkeypatch.setitem(db.migrations_seen_current, "value", False)  # a process just started
    last = (
        await Migration.select(Migration.id, Migration.app_name, Migration.name)
        .where(Migration.app_name == "vouchers")
        .order_by(Migration.name, ascending=False)
        .first()
    )
    await Migration.delete().where(Migration.id == last["id"])
    try:
        response = await client.get("/health")
    finally:
        await Migration.insert(Migration(app_name=last["app_name"], name=last["name"]))
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "unavailable"
    assert body["error"] == "migrations_pending"
    assert "passnum migrate" in body["message"]
    assert body["pending"] == [f"vouchers {last['name']}"]
    assert (await client.get("/health")).status_code == 200
