"""The charter of qualified sites: the text a structure accepts when it applies, set by staff.

Every version is kept (a new row each time staff change it); the latest is in force, the
default text below until staff write one. An application records the version it accepted
(``SiteApplication.charter_version``, None for the default text).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from organisations.errors import refuse
from organisations.tables import Charter
from passnum import audit, audit_view
from passnum.auth import Actor
from passnum.db import write_transaction

MAX_LENGTH = 20_000
audit_view.describe_fields("charter", {"length": audit_view.Field("Nombre de caractères")})
DEFAULT_TEXT = (
    "Le lieu accepte les chèques uniquement pour des séances d'accompagnement au numérique "
    "effectivement réalisées, scanne chaque chèque au moment de la séance, n'en demande aucun "
    "supplément, informe le Département de tout changement (adresse, horaires, coordonnées "
    "bancaires) et accepte ses contrôles."
)


@dataclass(frozen=True)
class CharterText:
    version: int | None  # None: the default text, never changed by staff
    text: str
    created_at: datetime | None

    @property
    def paragraphs(self) -> list[str]:
        return [p.strip() for p in self.text.split("\n\n") if p.strip()]


def _plain(row: Any) -> CharterText:
    return CharterText(row.id, row.text, row.created_at)


async def current_charter() -> CharterText:
    row = await Charter.objects().order_by(Charter.id, ascending=False).first()
    return _plain(row) if row else CharterText(None, DEFAULT_TEXT, None)


async def charter_versions() -> list[CharterText]:
    """Every version staff wrote, the latest first."""
    return [_plain(r) for r in await Charter.objects().order_by(Charter.id, ascending=False)]


async def set_charter(actor: Actor, text: Any) -> CharterText:
    """A new version of the charter (the text as typed, blank lines between paragraphs)."""
    cleaned = str(text or "").replace("\r\n", "\n").strip()
    if not cleaned:
        raise refuse("invalid.charter_empty", field="text")
    if len(cleaned) > MAX_LENGTH:
        raise refuse("invalid.charter_too_long", _MAX_LENGTH=MAX_LENGTH, field="text")
    current = await current_charter()
    if current.version is not None and current.text == cleaned:
        return current
    row = Charter(text=cleaned, created_by=actor.user_id)
    async with write_transaction():
        await row.save()
        await audit.record(actor, "set_charter", "charter", row.id, {"length": len(cleaned)})
    return _plain(row)
