"""The audit trail: services call :func:`record` inside their transaction for every state change."""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from piccolo.utils.encoding import dump_json

from passnum import clock, db
from passnum.audit_view import readable
from passnum.auth.actor import Actor
from passnum.pagination import Page, paginate
from passnum.tables import AuditEntry

# Raw and constant, so asyncpg prepares it once per connection: every redemption writes one, and
# Piccolo built the same INSERT from the row object each time (same columns and values).
COLUMNS = "at, user_id, user_email, action, entity, entity_id, changes"
INSERT_SQL = f"INSERT INTO audit_entry ({COLUMNS}) VALUES ({', '.join(['{}'] * 7)})"  # noqa: S608


def values(
    actor: Actor | None,
    action: str,
    entity: str,
    entity_id: int | str,
    changes: dict[str, Any] | None = None,
) -> tuple[Any, ...]:
    """The entry's values in :data:`COLUMNS` order, for a statement that writes it with others."""
    return (
        clock.stamp(),
        actor.user_id if actor else None,
        actor.email if actor else "système",
        action,
        entity,
        str(entity_id),
        dump_json(changes or {}),
    )


async def record(
    actor: Actor | None,
    action: str,
    entity: str,
    entity_id: int | str,
    changes: dict[str, Any] | None = None,
) -> None:
    """Append who did ``action`` to ``entity`` #``entity_id``; ``changes`` holds what changed."""
    await db.fetch(AuditEntry, INSERT_SQL, *values(actor, action, entity, entity_id, changes))


HISTORY_KEY = "historique"  # its own query parameter: a page may page another list too


def _about(entity: str, entity_id: int | str) -> Any:
    return (AuditEntry.entity == entity) & (AuditEntry.entity_id == str(entity_id))


def _newest_first(where: Any) -> Any:
    return (
        AuditEntry.select()
        .where(where)
        .order_by(AuditEntry.id, ascending=False)
        .output(load_json=True)
    )


async def history_page(
    entity: str, entity_id: int | str, number: str = "", params: dict[str, Any] | None = None
) -> Page[dict[str, Any]]:
    """One page of a record's history, newest first (50 entries; ``?historique=2`` the next),
    for the ``passnum/_history.html`` include. ``params`` are the page's other query values."""
    where = _about(entity, entity_id)
    page = await paginate(
        _newest_first(where), AuditEntry.count().where(where), number, params, key=HISTORY_KEY
    )
    return replace(page, items=await readable(page.items))


async def history(entity: str, entity_id: int | str) -> list[dict[str, Any]]:
    """A record's whole history, newest first (a booklet's or cheque's: a handful of events).

    Each entry also reads in French (``when``, ``action_label``, ``details``: see audit_view)."""
    return await readable(await _newest_first(_about(entity, entity_id)))
