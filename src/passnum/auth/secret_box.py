"""The authenticator-app secrets of two-factor logins, encrypted at rest.

Whoever holds a person's TOTP secret computes their codes: kept in clear, a copy of the database
(a leaked ``passnum backup`` file, a read-only SQL account) would give every staff member's second
factor. So the ``two_factor.secret`` column only ever holds ``v1:`` followed by the base64url of a
random 96-bit nonce and the AES-256-GCM encryption of the secret (``cryptography``'s AESGCM).

- **The key** is derived with HKDF-SHA256 from ``PASSNUM_SECRET_KEY`` (its own ``info`` string,
  so it is unrelated to the HMAC keys the same setting gives elsewhere). No second secret to set,
  back up or lose; production already refuses to start with the default one. A database or a
  backup alone reveals no secret; with the server's environment too, it does (as would any key the
  server must hold to check codes).
- **Authenticated**: GCM's tag refuses a text altered or written under another key, and the
  account's id is the associated data, so a row copied onto another account does not open there.
- **Changing ``PASSNUM_SECRET_KEY``** makes every stored secret unreadable (:class:`Unreadable`):
  each person's second factor must then be reset (README, *Two-factor login*).

Only :mod:`passnum.auth.two_factor` (and the migration that encrypted the rows kept in clear
before) calls this module. Frozen format: ``v1:`` texts must stay readable.
"""

from __future__ import annotations

import base64
import binascii
import secrets
from functools import lru_cache

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.hashes import SHA256
from cryptography.hazmat.primitives.kdf.hkdf import HKDF

from passnum.settings import DEFAULT_SECRET_KEY, get_settings

PREFIX = "v1:"
_INFO = b"passnum two-factor secret v1"
_NONCE_BYTES = 12


class Unreadable(Exception):
    """The stored text cannot be decrypted with this server's key (the key changed, or the text
    was altered or belongs to another account)."""


@lru_cache(maxsize=4)
def _cipher(secret_key: str) -> AESGCM:
    key = HKDF(algorithm=SHA256(), length=32, salt=None, info=_INFO).derive(secret_key.encode())
    return AESGCM(key)


def _current() -> AESGCM:
    return _cipher(get_settings().secret_key)


def refuse_default_key_in_production() -> None:
    """For the migration that encrypts the rows kept in clear: never under the public default key
    in production (`passnum serve` refuses to start with it; `passnum migrate` did not)."""
    settings = get_settings()
    if settings.production and settings.secret_key == DEFAULT_SECRET_KEY:
        raise RuntimeError(
            "PASSNUM_SECRET_KEY doit être défini en production : la clé par défaut, publique, "
            "ne peut pas chiffrer les secrets de double authentification. Relancez "
            "« passnum migrate » avec la clé du serveur."
        )


def _associated(user_id: int) -> bytes:
    return f"two_factor:{user_id}".encode()


def is_sealed(stored: str) -> bool:
    return stored.startswith(PREFIX)


def seal(secret: str, user_id: int) -> str:
    """What to store for ``user_id``'s ``secret``."""
    nonce = secrets.token_bytes(_NONCE_BYTES)
    sealed = _current().encrypt(nonce, secret.encode(), _associated(user_id))
    return PREFIX + base64.urlsafe_b64encode(nonce + sealed).decode().rstrip("=")


def unseal(stored: str, user_id: int) -> str:
    """``user_id``'s secret from what is stored, else :class:`Unreadable`."""
    if not is_sealed(stored):
        raise Unreadable("not an encrypted secret")
    text = stored[len(PREFIX) :]
    try:
        data = base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError) as error:
        raise Unreadable("not base64") from error
    nonce, sealed = data[:_NONCE_BYTES], data[_NONCE_BYTES:]
    try:
        return _current().decrypt(nonce, sealed, _associated(user_id)).decode()
    except (InvalidTag, ValueError) as error:  # ValueError: a nonce cut short
        raise Unreadable("another key, another account, or altered") from error
