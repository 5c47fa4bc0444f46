"""The authenticated user as services see it: plain data, loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.apps.user.tables import BaseUser

from passnum import db
from passnum.tables import Organisation, Role


@dataclass(frozen=True, slots=True)
class MembershipInfo:
    organisation_id: int
    organisation_name: str
    role: Role


@dataclass(frozen=True, slots=True)
class Actor:
    user_id: int
    email: str
    display_name: str
    memberships: tuple[MembershipInfo, ...]

    @property
    def roles(self) -> frozenset[Role]:
        return frozenset(m.role for m in self.memberships)

    @property
    def is_staff(self) -> bool:
        return Role.staff in self.roles

    def has_role(self, *wanted: Role | str) -> bool:
        return any(Role(w) in self.roles for w in wanted)

    def organisation_ids(self, role: Role | str) -> frozenset[int]:
        """Organisations in which this user holds ``role``."""
        return frozenset(m.organisation_id for m in self.memberships if m.role == Role(role))

    def organisation_for(self, role: Role | str) -> MembershipInfo | None:
        """The (first) organisation in which this user acts with ``role``."""
        return next((m for m in self.memberships if m.role == Role(role)), None)


# One query per request: the user (active only) with their memberships joined. Raw SQL because
# Piccolo's query building cost more CPU than the query itself on the hot API paths.
_ACTOR_SQL = """
SELECT u.id, u.email, u.first_name, u.last_name, m.organisation AS org_id, o.name AS org_name,
       m.role
FROM {source}
LEFT JOIN membership m ON m."user" = u.id
LEFT JOIN organisation o ON o.id = m.organisation
WHERE {where} AND u.active = {{}}
ORDER BY m.id
"""
_BY_ID = _ACTOR_SQL.format(source="piccolo_user u", where="u.id = {}")
_BY_TOKEN = _ACTOR_SQL.format(
    source='api_token t JOIN piccolo_user u ON u.id = t."user"',
    where="t.token_hash = {} AND t.revoked_at IS NULL",
)


def _actor(rows: list[dict]) -> Actor | None:
    if not rows:
        return None
    user = rows[0]
    memberships = tuple(
        MembershipInfo(r["org_id"], r["org_name"], Role(r["role"]))
        for r in rows
        if r["org_id"] is not None
    )
    name = " ".join(p for p in (user["first_name"], user["last_name"]) if p) or user["email"]
    return Actor(user["id"], user["email"], name, memberships)


async def load_actor(user_id: int) -> Actor | None:
    """The active user with their memberships, or None if unknown or deactivated."""
    return _actor(await db.fetch(BaseUser, _BY_ID, user_id, True))


async def actor_for_token_hash(token_hash: str) -> Actor | None:
    """The active user owning this unrevoked API token (by digest), with their memberships."""
    return _actor(await db.fetch(BaseUser, _BY_TOKEN, token_hash, True))


__all__ = ["Actor", "MembershipInfo", "Organisation", "actor_for_token_hash", "load_actor"]
