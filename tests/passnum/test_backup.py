"""Backup of a live SQLite database and restore elsewhere: every record comes back."""

import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.composition.test_cli import run
from tests.live_server import DataTemplates, _free_port, _wait_until_up

PASSNUM = Path(sys.executable).with_name("passnum")


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608


def records(table_counts: dict[str, int]) -> dict[str, int]:
    """The counts of the tables that hold records, without the task queue's and SQLite's books."""
    return {
        name: count
        for name, count in table_counts.items()
        if not name.startswith("task_") and name != "sqlite_sequence"
    }


def test_backup_of_a_running_service_restores_every_record(demo_dir, tmp_path):
    live = demo_dir / "passnum.sqlite"
    # A second process keeps writing while the backup runs.
    writer = subprocess.Popen(
        [sys.executable, "-c", WRITER, str(live)], stdout=subprocess.PIPE, text=True
    )
    try:
        run(demo_dir, "backup", "--out", str(tmp_path / "sauvegarde.sqlite"))
    finally:
        writer.wait(timeout=60)
    restored_dir = tmp_path / "ailleurs"
    run(restored_dir, "restore", str(tmp_path / "sauvegarde.sqlite"))
    restored = counts(restored_dir / "passnum.sqlite")
    original = counts(live)
    assert restored["organisation"] == original["organisation"] > 50
    assert restored["piccolo_user"] == original["piccolo_user"]
    assert set(restored) == set(original)


def test_restore_refuses_a_file_that_is_not_a_backup(demo_dir, tmp_path):
    bogus = tmp_path / "pas-une-sauvegarde.sqlite"
    bogus.write_text("bonjour")
    result = run(tmp_path / "cible", "restore", str(bogus), check=False)
    assert result.returncode == 1
    assert "sauvegarde" in result.stderr


def test_backup_to_a_place_that_cannot_be_written_says_so_in_french(demo_dir, tmp_path):
    a_file = tmp_path / "fichier.txt"
    a_file.write_text("pas un dossier")
    for out in (a_file / "sauvegarde.sqlite", tmp_path, Path("/proc/passnum/sauvegarde.sqlite")):
        result = run(demo_dir, "backup", "--out", str(out), check=False)
        assert result.returncode == 1, out
        assert "Traceback" not in result.stderr, result.stderr
        assert result.stderr.startswith("Erreur : Impossible d'écrire la sauvegarde"), result.stderr
        assert str(out) in result.stderr


def test_restore_is_refused_while_a_server_holds_the_database(demo_dir, tmp_path):
    """Restoring under a running service silently lost what it wrote meanwhile (issue 14, 11)."""
    backup = tmp_path / "sauvegarde.sqlite"
    run(demo_dir, "backup", "--out", str(backup))
    before = counts(demo_dir / "passnum.sqlite")
    port = _free_port()
    env = {k: v for k, v in os.environ.items() if k not in ("PICCOLO_CONF", "PASSNUM_DATABASE_URL")}
    env["PASSNUM_DATA_DIR"] = str(demo_dir)
    log = (tmp_path / "serve.log").open("w")
    server = subprocess.Popen(
        [str(PASSNUM), "serve", "--port", str(port), "--workers", "2"],
        env=env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        _wait_until_up(f"http://127.0.0.1:{port}/health", server, tmp_path / "serve.log")
        refused = run(demo_dir, "restore", str(backup), check=False)
        assert refused.returncode == 1
        assert "Traceback" not in refused.stderr
        assert "service passnum" in refused.stderr and "arrêtez" in refused.stderr
        # The server's task queue keeps its own books (its workers sign in, a periodic task falls
        # due and is queued: task_*): the records are what must not move.
        after = counts(demo_dir / "passnum.sqlite")
        assert records(after) == records(before)
    finally:
        server.terminate()
        server.wait(timeout=30)
    assert "restaurée" in run(demo_dir, "restore", str(backup)).stdout


WRITER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
for n in range(200):
    db.execute("INSERT INTO audit_entry (at, user_email, action, entity, entity_id, changes)"
               " VALUES (datetime('now'), 'test', 'ping', 'test', ?, '{}')", (str(n),))
    db.commit()
"""


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory, data_templates: DataTemplates) -> Path:
    return data_templates.copy(data_templates.demo, tmp_path_factory.mktemp("passnum-backup"))
