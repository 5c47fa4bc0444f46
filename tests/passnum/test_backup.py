"""Backup of a live SQLite database and restore elsewhere: every record comes back."""

import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from tests.passnum.test_cli import run

PASSNUM = Path(sys.executable).with_name("passnum")


def counts(db: Path) -> dict[str, int]:
    with sqlite3.connect(db) as conn:
        names = [r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type='table'")]
        return {n: conn.execute(f'SELECT count(*) FROM "{n}"').fetchone()[0] for n in names}  # noqa: S608


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


WRITER = """
import sqlite3, sys, time
db = sqlite3.connect(sys.argv[1], timeout=30)
for n in range(200):
    db.execute("INSERT INTO audit_entry (at, user_email, action, entity, entity_id, changes)"
               " VALUES (datetime('now'), 'test', 'ping', 'test', ?, '{}')", (str(n),))
    db.commit()
"""


@pytest.fixture(scope="module")
def demo_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    data_dir = tmp_path_factory.mktemp("passnum-backup")
    run(data_dir, "migrate")
    run(data_dir, "demo")
    return data_dir
