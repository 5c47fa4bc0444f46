"""The fixed set of refusals of the reporting app: stable code, HTTP status, French message.

Keys ``code.variant`` pick one of a code's messages (see :data:`passnum.errors.Refusals`).
"""

from __future__ import annotations

from typing import Any

from passnum.errors import DomainError, Refusals, refusal

REFUSALS: Refusals = {
    "not_found.export": (404, "Cet export n'existe pas."),
    "forbidden.export": (403, "Cet export est réservé au Département."),
    "forbidden.statistics": (
        403,
        "Les statistiques sont réservées au Département et aux financeurs.",
    ),
    "invalid.export_filter": (
        422,
        "Cet export ne se filtre pas par commune ni par intercommunalité : seuls les carnets "
        "et les chèques encaissés suivent la commune de la personne.",
    ),
    "invalid.dates_reversed": (422, "La date de début doit précéder la date de fin."),
    "invalid.dates": (422, "Indiquez les dates au format jj/mm/aaaa."),
}


def refuse(code: str, /, *, kind: type[DomainError] | None = None, **extra: Any) -> DomainError:
    """The DomainError for ``code`` (see :func:`passnum.errors.refusal`)."""
    return refusal(REFUSALS, code, kind=kind, **extra)
