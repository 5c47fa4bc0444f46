"""What the API says of a commune."""

from __future__ import annotations

import msgspec

from territory.services import CommuneInfo


class Commune(msgspec.Struct):
    code: str
    nom: str
    codes_postaux: list[str]
    departement: str
    epci_code: str
    epci_nom: str
    libelle: str


def from_info(c: CommuneInfo) -> Commune:
    return Commune(
        code=c.code,
        nom=c.name,
        codes_postaux=list(c.postcodes),
        departement=c.department,
        epci_code=c.epci_code,
        epci_nom=c.epci_name,
        libelle=c.label,
    )
