"""Who sees what in statistics and exports, and the period/funder filter read from the query."""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import date, timedelta

from passnum import clock
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.fr import parse_date
from reporting.errors import refuse
from territory.services import require_commune, require_epci


@dataclass(frozen=True)
class Filters:
    start: date
    end: date  # inclusive
    funder_ids: tuple[int, ...] | None  # None: every funder
    # Booklets of people living in one commune (INSEE code) or one intercommunality (SIREN).
    commune: str = ""
    commune_name: str = ""
    epci: str = ""
    epci_name: str = ""

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1

    def funder_sql(self, column: str) -> tuple[str, list[int]]:
        """An ``AND column IN (…)`` fragment with its parameters, or nothing for everyone."""
        if self.funder_ids is None:
            return "", []
        ids = list(self.funder_ids) or [0]
        return f" AND {column} IN ({', '.join('{}' for _ in ids)})", ids

    def territory_sql(self, beneficiary: str) -> tuple[str, list[str]]:
        """An ``AND beneficiary IN (…)`` fragment keeping the people of the chosen commune or
        intercommunality (their commune's EPCI in the official list), or nothing."""
        if self.commune:
            people = "SELECT tb.id FROM beneficiary tb WHERE tb.insee_code = {}"
            return f" AND {beneficiary} IN ({people})", [self.commune]
        if self.epci:
            people = (
                "SELECT tb.id FROM beneficiary tb JOIN territory_commune tt "
                "ON tt.code = tb.insee_code WHERE tt.epci_code = {}"
            )
            return f" AND {beneficiary} IN ({people})", [self.epci]
        return "", []

    @property
    def place(self) -> str:
        """The territory chosen, as people read it: "Coutances", "CC Coutances Mer et Bocage"."""
        return self.commune_name or self.epci_name


async def with_territory(f: Filters, commune: str = "", epci: str = "") -> Filters:
    """``f`` narrowed to the people of one commune (a name, postcode, INSEE code or old code,
    checked against the official list) or one intercommunality (name or SIREN); a commune wins
    over an intercommunality. Unknown or ambiguous: DomainError (422) naming the field."""
    found = await require_commune(commune, "commune")
    if found is not None:
        return replace(f, commune=found.code, commune_name=found.name)
    group = await require_epci(epci, "epci")
    if group is not None:
        return replace(f, epci=group.code, epci_name=group.name)
    return f


def read_filters(actor: Actor, start: str = "", end: str = "", funder: str = "") -> Filters:
    """Default: the last twelve months. Funder users only ever see their own print runs."""
    try:
        last = parse_date(end) if end.strip() else clock.today()
        first = parse_date(start) if start.strip() else last - timedelta(days=364)
    except ValueError as exc:
        raise refuse("invalid.dates", field="start") from exc
    if first > last:
        raise refuse("invalid.dates_reversed", field="start")
    if actor.is_staff:
        ids = (int(funder),) if funder.isdigit() else None
    elif actor.has_role(Role.funder):
        own = actor.organisation_ids(Role.funder)
        ids = (int(funder),) if funder.isdigit() and int(funder) in own else tuple(sorted(own))
    else:
        raise refuse("forbidden.statistics")
    return Filters(first, last, ids)
