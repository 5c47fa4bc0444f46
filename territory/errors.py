"""The fixed set of refusals of the territory app: stable code, HTTP status, French message.

Keys ``code.variant`` pick one of a code's messages (see :data:`passnum.errors.Refusals`).
"""

from __future__ import annotations

from typing import Any

from passnum.errors import DomainError, Refusals, refusal

REFUSALS: Refusals = {
    "ambiguous_commune": (
        422,
        "Plusieurs communes répondent à « {text} » : {listed}. Choisissez-en une.",
    ),
    "geocoder_unavailable": (
        503,
        "Le service de géocodage ne répond pas : placez le lieu sur la carte à la main ou "
        "réessayez plus tard ({detail}).",
    ),
    "geocoder_not_configured": (
        409,
        "Aucun service de géocodage n'est configuré (PASSNUM_GEOCODER_URL) : placez le lieu "
        "sur la carte à la main.",
    ),
    "unknown_commune": (
        422,
        "La commune « {text} » est inconnue : tapez son nom ou son code postal et "
        "choisissez-la dans la liste.",
    ),
    "unknown_epci": (
        422,
        "L'intercommunalité « {text} » est inconnue : tapez son nom (ex. CC Coutances Mer et "
        "Bocage) ou son SIREN (9 chiffres).",
    ),
    "unknown_epci.perimeter": (
        422,
        "L'intercommunalité « {code} » est inconnue : donnez le SIREN (9 chiffres) d'une "
        "communauté de communes, d'agglomération, urbaine ou d'une métropole.",
    ),
    "ambiguous_epci": (
        422,
        "Plusieurs intercommunalités répondent à « {text} » : {listed}. Précisez le nom.",
    ),
}


def refuse(code: str, /, *, kind: type[DomainError] | None = None, **extra: Any) -> DomainError:
    """The DomainError for ``code`` (see :func:`passnum.errors.refusal`)."""
    return refusal(REFUSALS, code, kind=kind, **extra)
