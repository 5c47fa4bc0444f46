"""Backup and restore of the embedded SQLite database (PostgreSQL uses pg_dump/pg_restore).

SQLite's online backup API copies a consistent snapshot page by page while the service keeps
running; restoring goes through the same API so the target is never a half-written file.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from passnum.errors import DomainError


def backup_sqlite(source: Path, target: Path) -> None:
    if not source.exists():
        raise DomainError("no_database", f"Aucune base de données à sauvegarder ({source}).", 404)
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
    check_backup(target)


def check_backup(path: Path) -> None:
    """Refuse a file that is not a sound passnum SQLite database."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise DomainError("corrupt_backup", f"La sauvegarde {path} est endommagée.", 422)
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise DomainError(
            "not_a_backup", f"{path} n'est pas une sauvegarde passnum lisible.", 422
        ) from exc
    if not {"migration", "organisation", "piccolo_user"} <= tables:
        raise DomainError("not_a_backup", f"{path} n'est pas une sauvegarde passnum.", 422)


def restore_sqlite(backup: Path, target: Path) -> None:
    """Replace the database at ``target`` with ``backup`` (stop the service first)."""
    if not backup.exists():
        raise DomainError("no_backup", f"Fichier introuvable : {backup}.", 404)
    check_backup(backup)
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(backup) as src, sqlite3.connect(target) as dst:
        src.backup(dst)
