"""Recovery codes of a two-factor account: each replaces the phone once.

Ten codes of 16 characters (80 random bits, ``xxxx-xxxx-xxxx-xxxx``, no l/1 or o/0 to misread
on paper) are shown once; only their SHA-256 is kept (like API tokens: with that much
randomness a plain digest is enough). A code is spent by one conditional update (``used_at IS
NULL``): two requests with the same code cannot both pass.
"""

from __future__ import annotations

import hashlib
import secrets

from passnum import clock
from passnum.tables import RecoveryCode

COUNT = 10
_ALPHABET = "abcdefghijkmnpqrstuvwxyz23456789"


def normalise(code: str) -> str:
    """As typed, in any case, with or without dashes or spaces."""
    return "".join(ch for ch in code.lower() if ch.isalnum())


def _digest(code: str) -> str:
    return hashlib.sha256(normalise(code).encode()).hexdigest()


def looks_like_one(code: str) -> bool:
    return len(normalise(code)) == 16


async def replace(user_id: int) -> list[str]:
    """New codes for the account (the old ones stop working), in clear, to show once; call it
    in a write transaction."""
    codes = [
        "-".join("".join(secrets.choice(_ALPHABET) for _ in range(4)) for _ in range(4))
        for _ in range(COUNT)
    ]
    await RecoveryCode.delete().where(RecoveryCode.user == user_id)
    await RecoveryCode.insert(*(RecoveryCode(user=user_id, code_hash=_digest(c)) for c in codes))
    return codes


async def spend(user_id: int, code: str) -> bool:
    """Use one of the account's unused codes; False if it is not one of them (any more)."""
    spent = (
        await RecoveryCode.update({RecoveryCode.used_at: clock.stamp()})
        .where(
            (RecoveryCode.user == user_id)
            & (RecoveryCode.code_hash == _digest(code))
            & RecoveryCode.used_at.is_null()
        )
        .returning(RecoveryCode.id)
    )
    return bool(spent)


async def left(user_id: int) -> int:
    return await RecoveryCode.count().where(
        (RecoveryCode.user == user_id) & RecoveryCode.used_at.is_null()
    )


async def forget(user_id: int) -> None:
    await RecoveryCode.delete().where(RecoveryCode.user == user_id)
