"""The audit trail: services call :func:`record` inside their transaction for every state change."""

from __future__ import annotations

from typing import Any

from passnum.auth.actor import Actor
from passnum.tables import AuditEntry


async def record(
    actor: Actor | None,
    action: str,
    entity: str,
    entity_id: int | str,
    changes: dict[str, Any] | None = None,
) -> None:
    """Append who did ``action`` to ``entity`` #``entity_id``; ``changes`` holds what changed."""
    await AuditEntry.insert(
        AuditEntry(
            user_id=actor.user_id if actor else None,
            user_email=actor.email if actor else "système",
            action=action,
            entity=entity,
            entity_id=str(entity_id),
            changes=changes or {},
        )
    )


async def history(entity: str, entity_id: int | str) -> list[dict[str, Any]]:
    """A record's history, newest first, for its page."""
    return (
        await AuditEntry.select()
        .where((AuditEntry.entity == entity) & (AuditEntry.entity_id == str(entity_id)))
        .order_by(AuditEntry.id, ascending=False)
        .output(load_json=True)
    )
