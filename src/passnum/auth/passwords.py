"""Checking a login: Piccolo's BaseUser hashes and verifies passwords (PBKDF2-SHA256)."""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser


class LoginRefused(Exception):
    def __init__(self, message: str, status_code: int = 401) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code


WRONG_CREDENTIALS = "Adresse e-mail ou mot de passe incorrect. Vérifiez votre saisie et réessayez."
DEACTIVATED = "Ce compte est désactivé. Contactez le Département pour le réactiver."


async def authenticate(email: str, password: str) -> int:
    """The user id for these credentials, or LoginRefused with a French reason."""
    email = email.strip().lower()
    if not email or not password:
        raise LoginRefused("Saisissez votre adresse e-mail et votre mot de passe.", 400)
    user_id = await BaseUser.login(email, password)
    if user_id is None:
        raise LoginRefused(WRONG_CREDENTIALS)
    active = await BaseUser.select(BaseUser.active).where(BaseUser.id == user_id).first()
    if not active or not active["active"]:
        raise LoginRefused(DEACTIVATED, 403)
    return user_id
