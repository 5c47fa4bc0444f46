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

from organisations.errors import refuse

MIN_LENGTH = 12
MAX_LENGTH = 128
COMMON_PASSWORDS = Path(__file__).parent / "common_passwords.txt"


@cache
def common_passwords() -> frozenset[str]:
    lines = COMMON_PASSWORDS.read_text(encoding="utf-8").splitlines()
    return frozenset(_key(line) for line in lines if line.strip() and not line.startswith("#"))


def _key(password: str) -> str:
    return "".join(password.split()).lower()


def check_new_password(password: str, confirm: str | None = None, email: str = "") -> None:
    """DomainError (422, French) unless ``password`` may be chosen."""
    if len(password) < MIN_LENGTH:
        raise refuse("weak_password.too_short", _MIN_LENGTH=MIN_LENGTH, field="password")
    if len(password) > MAX_LENGTH:
        raise refuse("weak_password.too_long", _MAX_LENGTH=MAX_LENGTH, field="password")
    key = _key(password)
    local = _key(email.partition("@")[0])
    if key in common_passwords() or (local and key in (local, local + "123")):
        raise refuse("weak_password.common", field="password")
    if confirm is not None and confirm != password:
        raise refuse("weak_password.mismatch", field="password")
