"""Small read-only look-ups the staff pages need and no service offers: organisations to offer in
a form's choices (names and ids only, no personal data)."""

from __future__ import annotations

from organisations.tables import Organisation


async def organisations_with(role: str) -> list[dict]:
    """Id and name of the organisations holding ``role`` (funder, prescriber, site), by name."""
    flag = getattr(Organisation, f"is_{role}")
    return (
        await Organisation.select(Organisation.id, Organisation.name)
        .where(flag.eq(True))
        .order_by(Organisation.name)
    )
