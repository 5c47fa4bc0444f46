"""Each request has an id (the caller's X-Request-ID when sane, else a new one), echoed in the
response; with PASSNUM_LOG_FORMAT=json a real server writes one JSON line per request, with the
time of passnum.clock, and every other line it prints is JSON too."""

from __future__ import annotations

import json
import logging
import os
import re
import subprocess
from pathlib import Path

import httpx

from tests.live_server import PASSNUM, _free_port, _wait_until_up
from tests.passnum.test_workers import _database_url


async def test_the_callers_request_id_is_echoed(client):
    response = await client.get("/health/live", headers={"X-Request-ID": "lb-7f3a:0042"})
    assert response.headers["x-request-id"] == "lb-7f3a:0042"


async def test_a_missing_or_insane_request_id_is_replaced_by_a_new_one(client):
    first = (await client.get("/health/live")).headers["x-request-id"]
    second = (await client.get("/login")).headers["x-request-id"]
    assert re.fullmatch(r"[0-9a-f]{32}", first) and re.fullmatch(r"[0-9a-f]{32}", second)
    assert first != second
    for insane in ("<script>alert(1)</script>", "x" * 129, "a b"):
        echoed = (await client.get("/health/live", headers={"X-Request-ID": insane})).headers
        assert re.fullmatch(r"[0-9a-f]{32}", echoed["x-request-id"])


async def test_text_logs_add_no_line_per_request(client, caplog):
    """Text mode (the default) keeps uvicorn's access log, off unless asked: no cost per request."""
    caplog.set_level(logging.INFO, logger="passnum.requests")
    await client.get("/health/live")
    assert [r for r in caplog.records if r.name == "passnum.requests"] == []


def test_a_served_request_is_one_json_line_with_the_passnum_clock(db, tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PICCOLO_", "PASSNUM_"))}
    env.update(
        PASSNUM_DATABASE_URL=_database_url(),
        PASSNUM_DATA_DIR=str(tmp_path),
        PASSNUM_PUBLIC_URL="http://127.0.0.1",
        PASSNUM_LOG_FORMAT="json",
        PASSNUM_FAKE_NOW="2027-01-31T23:30:00+00:00",  # 00:30 on 1 February in Paris
    )
    port = _free_port()
    log = tmp_path / "serve.log"
    process = subprocess.Popen(
        [PASSNUM, "serve", "--port", str(port)],
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=log.open("w"),
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/health", process, log)
        answer = httpx.get(
            f"http://127.0.0.1:{port}/health/live", headers={"X-Request-ID": "story-1"}
        )
        assert answer.headers["x-request-id"] == "story-1"
    finally:
        process.terminate()
        process.wait(timeout=30)  # uvicorn re-raises SIGTERM once it has shut down
    lines = [json.loads(line) for line in log.read_text().splitlines() if line.strip()]
    (request,) = [line for line in lines if line.get("request_id") == "story-1"]
    assert request["level"] == "INFO"
    assert (request["method"], request["path"], request["status"]) == ("GET", "/health/live", 200)
    assert isinstance(request["duration_ms"], float) and request["duration_ms"] >= 0
    assert request["time"].startswith("2027-02-01T00:3") and request["time"].endswith("+01:00")
    assert any("Shutting down" in line["message"] for line in lines)  # uvicorn's, as JSON
