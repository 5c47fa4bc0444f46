"""What a password must be: at least 12 characters, at most 128, and not a common one.

The common passwords are a list shipped with the app (``common_passwords.txt``, one a line,
compared in lower case with spaces removed). Only passwords of 12 characters or more need to be
in it (shorter ones are refused anyway), so it stays small and reviewable, with no network call
and no dependency: the long entries of the well-known leaked-password lists (suites of digits
and keyboard rows, "motdepasse" and "password" with years and digits).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from passnum.errors import DomainError

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).parent / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(_key(line) for line in lines if line.strip() and not line.startswith("#"))


def _key(password: str) -> str:
    return "".join(password.split()).lower()


def _refused(message: str) -> DomainError:
    return DomainError("weak_password", message, 422, field="password")


def check_new_password(password: str, confirm: str | None = None, email: str = "") -> None:
    """DomainError (422, French) unless ``password`` may be chosen."""
    if len(password) < MIN_LENGTH:
        raise _refused(
            f"Le mot de passe doit compter au moins {MIN_LENGTH} caractères "
            "(une phrase de quelques mots convient très bien)."
        )
    if len(password) > MAX_LENGTH:
        raise _refused(f"Le mot de passe doit compter au plus {MAX_LENGTH} caractères.")
    key = _key(password)
    local = _key(email.partition("@")[0])
    if key in common_passwords() or (local and key in (local, local + "123")):
        raise _refused(
            "Ce mot de passe est trop courant : il figure dans les listes essayées en premier "
            "par les attaquants. Choisissez-en un autre."
        )
    if confirm is not None and confirm != password:
        raise _refused("Les deux mots de passe saisis ne sont pas identiques.")
