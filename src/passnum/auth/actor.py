"""The authenticated user as services see it: plain data, loaded once per request."""

from __future__ import annotations

from dataclasses import dataclass

from piccolo.apps.user.tables import BaseUser

from passnum.tables import Membership, Organisation, Role


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


async def load_actor(user_id: int) -> Actor | None:
    """The active user with their memberships, or None if unknown or deactivated."""
    user = (
        await BaseUser.select(BaseUser.id, BaseUser.email, BaseUser.first_name, BaseUser.last_name)
        .where((BaseUser.id == user_id) & (BaseUser.active.eq(True)))
        .first()
    )
    if user is None:
        return None
    rows = (
        await Membership.select(
            Membership.organisation.id,
            Membership.organisation.name,
            Membership.role,
        )
        .where(Membership.user == user_id)
        .order_by(Membership.id)
    )
    memberships = tuple(
        MembershipInfo(r["organisation.id"], r["organisation.name"], Role(r["role"])) for r in rows
    )
    name = " ".join(p for p in (user["first_name"], user["last_name"]) if p) or user["email"]
    return Actor(user["id"], user["email"], name, memberships)


__all__ = ["Actor", "MembershipInfo", "Organisation", "load_actor"]
