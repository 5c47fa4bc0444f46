"""SQLite, one machine: `passnum serve` runs the queued tasks itself, and their state is in the
database, so a server stopped in the middle of one (kill -9) finishes it after its restart."""

from __future__ import annotations

import io
import json
import os
import signal
import sqlite3
import subprocess
import time
from pathlib import Path

import httpx
import pytest
from pypdf import PdfReader

from tests.factories import CSRF_COOKIE
from tests.live_server import PASSNUM, _free_port, _wait_until_up

pytestmark = pytest.mark.skipif(
    bool(os.environ.get("PASSNUM_TEST_DATABASE_URL")), reason="SQLite: the tasks run in serve"
)


def _serve(data_dir: Path) -> tuple[str, subprocess.Popen]:
    port = _free_port()
    url = f"http://127.0.0.1:{port}"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PICCOLO_", "PASSNUM_"))}
    env.update(PASSNUM_DATA_DIR=str(data_dir), PASSNUM_PUBLIC_URL=url, PASSNUM_GEOCODER_URL="off")
    log = (data_dir / "server.log").open("a")
    process = subprocess.Popen(
        [PASSNUM, "serve", "--port", str(port)], env=env, stdout=log, stderr=subprocess.STDOUT
    )
    _wait_until_up(f"{url}/health", process, data_dir / "server.log")
    return url, process


def _login(client: httpx.Client) -> None:
    client.get("/login")
    response = client.post(
        "/login",
        data={"email": "agent@demo.passnum.fr", "password": "demo-passnum", "next": "/"},
        headers={"x-csrftoken": client.cookies[CSRF_COOKIE]},
    )
    assert response.status_code in (302, 303), response.text


def _state(client: httpx.Client, job_id: int, seconds: float = 90) -> dict:
    deadline = time.monotonic() + seconds
    while True:
        state = client.get(f"/staff/impressions/{job_id}/etat").json()
        if state["status"] in ("done", "failed") or time.monotonic() > deadline:
            return state
        time.sleep(0.3)


def test_serve_runs_the_tasks_and_a_restart_resumes_the_one_left_running(demo_copy: Path):
    database = demo_copy / "passnum.sqlite"
    with sqlite3.connect(database) as connection:
        batch_id, booklets = connection.execute(
            "SELECT id, booklet_count FROM batch WHERE status = 'active' ORDER BY id LIMIT 1"
        ).fetchone()

    url, server = _serve(demo_copy)
    try:
        with httpx.Client(base_url=url) as staff:
            _login(staff)
            started = staff.post(
                f"/staff/tirages/{batch_id}/impression",
                headers={"x-csrftoken": staff.cookies[CSRF_COOKIE]},
            )
            job_id = int(started.headers["location"].rsplit("/", 1)[1])
            state = _state(staff, job_id)
            assert state["status"] == "done" and state["done"] == booklets
            pdf = staff.get(state["download"]).content
            assert len(PdfReader(io.BytesIO(pdf)).pages) == booklets
    finally:
        server.send_signal(signal.SIGKILL)
        server.wait(timeout=10)

    # The server is killed while rendering another print run: its job is left "doing" with a
    # worker that will never beat again (as the database holds it after a kill -9).
    with sqlite3.connect(database) as connection:
        left = connection.execute(
            "INSERT INTO print_job (batch, status, total, done, file_name, error, created_at) "
            "VALUES (?, 'running', ?, 3, '', '', '2026-11-29 10:00:00') RETURNING id",
            (batch_id, booklets),
        ).fetchone()[0]
        worker = connection.execute(
            "INSERT INTO task_worker (last_heartbeat) VALUES ('2026-11-29 09:00:00.000000') "
            "RETURNING id"
        ).fetchone()[0]
        connection.execute(
            "INSERT INTO task_job (queue_name, task_name, args, status, worker_id, lock, "
            "created_at, started_at) VALUES ('default', 'vouchers:print_run', ?, 'doing', ?, ?, "
            "'2026-11-29 09:00:00.000000', '2026-11-29 09:00:00.000000')",
            (json.dumps({"job_id": left}), worker, f"print-job-{left}"),
        )

    url, server = _serve(demo_copy)  # the restart
    try:
        with httpx.Client(base_url=url) as staff:
            _login(staff)
            state = _state(staff, left)
            assert state["status"] == "done" and state["done"] == booklets
            pdf = staff.get(state["download"]).content
            assert len(PdfReader(io.BytesIO(pdf)).pages) == booklets
            tasks_page = staff.get("/staff/taches").text
            assert "Impression d&#39;un tirage" in tasks_page or "Impression d'un tirage" in (
                tasks_page
            )
    finally:
        server.terminate()
        server.wait(timeout=40)
    with sqlite3.connect(database) as connection:
        statuses = connection.execute(
            "SELECT status, attempts FROM task_job WHERE task_name = 'vouchers:print_run' "
            "ORDER BY id"
        ).fetchall()
    assert statuses == [("succeeded", 1), ("succeeded", 2)]  # the second one was retried
