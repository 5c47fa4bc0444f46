"""Who sees what in statistics and exports, and the period/funder filter read from the query."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from passnum import clock
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.errors import DomainError


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    funder_ids: tuple[int, ...] | None  # None: every funder

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def funder_sql(self, column: str) -> tuple[str, list[int]]:
        """An ``AND column IN (…)`` fragment with its parameters, or nothing for everyone."""
        if self.funder_ids is None:
            return "", []
        ids = list(self.funder_ids) or [0]
        return f" AND {column} IN ({', '.join('{}' for _ in ids)})", ids


def read_filters(actor: Actor, start: str = "", end: str = "", funder: str = "") -> Filters:
    """Default: the last twelve months. Funder users only ever see their own print runs."""
    try:
        last = date.fromisoformat(end) if end else clock.today()
        first = date.fromisoformat(start) if start else last - timedelta(days=364)
    except ValueError as exc:
        raise DomainError("invalid", "Indiquez les dates au format jj/mm/aaaa.", 422) from exc
    if first > last:
        raise DomainError("invalid", "La date de début doit précéder la date de fin.", 422)
    if actor.is_staff:
        ids = (int(funder),) if funder.isdigit() else None
    elif actor.has_role(Role.funder):
        own = actor.organisation_ids(Role.funder)
        ids = (int(funder),) if funder.isdigit() and int(funder) in own else tuple(sorted(own))
    else:
        raise DomainError(
            "forbidden", "Les statistiques sont réservées au Département et aux financeurs.", 403
        )
    return Filters(first, last, ids)
