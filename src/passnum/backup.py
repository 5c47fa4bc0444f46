"""Backup and restore of the embedded SQLite database (PostgreSQL uses pg_dump/pg_restore).

SQLite's online backup API copies a consistent snapshot page by page while the service keeps
running; the copy is written beside the target and renamed over it only once checked, so a failed
backup never leaves a half-written file. Restoring replaces the live database, so it is refused
while a ``passnum serve`` holds the database: the server takes a shared lock on a file next to the
database for as long as it runs (:func:`hold_for_serving`), the restore takes it exclusively
(:func:`restore_sqlite`), and a server started during a restore waits for it to finish.
"""

from __future__ import annotations

import errno
import fcntl
import os
import sqlite3
from contextlib import closing, suppress
from pathlib import Path

from passnum.errors import DomainError
from passnum.refusals import refuse

WHY_NOT_WRITTEN = {
    errno.EACCES: "permission refusée",
    errno.EPERM: "permission refusée",
    errno.EROFS: "le disque est en lecture seule",
    errno.ENOSPC: "le disque est plein",
    errno.EEXIST: "un élément du chemin est un fichier, pas un dossier",
    errno.ENOTDIR: "un élément du chemin est un fichier, pas un dossier",
    errno.EISDIR: "c'est un dossier : indiquez un nom de fichier",
    errno.ENOENT: "le dossier n'existe pas et ne peut pas être créé",
}


def not_written(target: Path, reason: str) -> DomainError:
    return refuse("backup_not_written", _target=target, _reason=reason)


def backup_sqlite(source: Path, target: Path) -> None:
    if not source.exists():
        raise refuse("no_database", _source=source)
    if target.is_dir():
        raise not_written(target, WHY_NOT_WRITTEN[errno.EISDIR])
    partial = target.with_name(target.name + ".partielle")
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        with closing(sqlite3.connect(source)) as src, closing(sqlite3.connect(partial)) as dst:
            src.backup(dst)
        check_backup(partial)
        os.replace(partial, target)
    except OSError as exc:
        reason = WHY_NOT_WRITTEN.get(exc.errno or 0, "écriture impossible")
        raise not_written(target, reason) from None
    except sqlite3.Error as exc:
        raise not_written(target, f"écriture impossible ({exc})") from None
    finally:
        with suppress(OSError):
            partial.unlink(missing_ok=True)


def check_backup(path: Path) -> None:
    """Refuse a file that is not a sound passnum SQLite database."""
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as db:
            if db.execute("PRAGMA integrity_check").fetchone()[0] != "ok":
                raise refuse("corrupt_backup", _path=path)
            tables = {r[0] for r in db.execute("SELECT name FROM sqlite_master WHERE type='table'")}
    except sqlite3.DatabaseError as exc:
        raise refuse("not_a_backup.unreadable", _path=path) from exc
    if not {"migration", "organisation", "piccolo_user"} <= tables:
        raise refuse("not_a_backup", _path=path)


def _serving_lock(database: Path) -> int:
    """An open descriptor on the lock file beside ``database`` (created on first use)."""
    database.parent.mkdir(parents=True, exist_ok=True)
    return os.open(database.with_name(database.name + ".service"), os.O_RDWR | os.O_CREAT, 0o644)


def hold_for_serving(database: Path) -> int:
    """Mark ``database`` as served for as long as this process lives (shared: several servers
    may hold it). Waits while a restore runs. Returns the descriptor; keep it open."""
    lock = _serving_lock(database)
    fcntl.flock(lock, fcntl.LOCK_SH)
    return lock


def restore_sqlite(backup: Path, target: Path) -> None:
    """Replace the database at ``target`` with ``backup``; refused while a server holds it."""
    if not backup.exists():
        raise refuse("no_backup", _backup=backup)
    check_backup(backup)
    lock = _serving_lock(target)
    try:
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            raise refuse("database_in_use", _target=target) from None
        with closing(sqlite3.connect(backup)) as src, closing(sqlite3.connect(target)) as dst:
            src.backup(dst)
    finally:
        os.close(lock)
