"""The authenticated user as services see it: plain data, loaded once per request.

The kernel defines who an actor is (user, memberships, roles) but not where memberships are
stored: that is the organisations app's business. The app factory hands the authentication
middleware an :class:`ActorLoaders` built by the organisations app (dependency inversion), so the
kernel imports no app.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from enum import StrEnum


class Role(StrEnum):
    """What a membership lets a user do; route guards compare these."""

    staff = "staff"
    funder = "funder"
    prescriber = "prescriber"
    site_agent = "site_agent"
    borrower = "borrower"  # contact of a borrowing organisation: books the fleet for it


@dataclass(frozen=True, slots=True)
class MembershipInfo:
    organisation_id: int
    organisation_name: str
    role: Role


@dataclass(frozen=True, slots=True)
class Actor:
    """On pages, ``memberships`` are those of the organisation chosen for the request (a person
    in several organisations acts in one at a time); ``choices`` holds all of them, for the
    switcher. On the API every membership counts and requests name their organisation."""

    user_id: int
    email: str
    display_name: str
    memberships: tuple[MembershipInfo, ...]
    choices: tuple[MembershipInfo, ...] = ()
    two_factor: bool = False  # a second factor is turned on (passnum.auth.two_factor)

    @property
    def organisations(self) -> list[tuple[int, str]]:
        """Every organisation this person belongs to (id, name), in membership order."""
        seen: dict[int, str] = {}
        for m in self.choices or self.memberships:
            seen.setdefault(m.organisation_id, m.organisation_name)
        return list(seen.items())

    @property
    def organisation_id(self) -> int | None:
        """The organisation this request acts in, when it is one (pages)."""
        ids = {m.organisation_id for m in self.memberships}
        return next(iter(ids)) if len(ids) == 1 else None

    def within(self, organisation_id: int) -> Actor:
        """This person acting in one of their organisations only (unknown id: unchanged)."""
        every = self.choices or self.memberships
        kept = tuple(m for m in every if m.organisation_id == organisation_id)
        if not kept:
            return self
        return Actor(self.user_id, self.email, self.display_name, kept, every, self.two_factor)

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


# Where the app factory keeps the ActorLoaders in the application's state, for handlers that need
# someone's memberships before they are signed in (the login's second step).
ACTORS_STATE = "actors"


@dataclass(frozen=True, slots=True)
class ActorLoaders:
    """How the authentication middleware turns a session or a token into an :class:`Actor`.

    Each returns None for an unknown or deactivated user (or a revoked token).
    """

    by_user_id: Callable[[int], Awaitable[Actor | None]]
    by_token_hash: Callable[[str], Awaitable[Actor | None]]  # the token's SHA-256, hex
    # The organisation a page request acts in when the person has not chosen one this session
    # (None: their first membership's).
    default_organisation: Callable[[Actor], Awaitable[int | None]] | None = None


__all__ = ["ACTORS_STATE", "Actor", "ActorLoaders", "MembershipInfo", "Role"]
