"""Refusals of the organisations app that are decided by the database itself.

``UNIQUE_REFUSALS``: each unique column, with the code and French message its service check
gives, for the request that loses a race between that check and its insert (409, not 500).
"""

from __future__ import annotations

from passnum.errors import UniqueRefusals

DUPLICATE_EMAIL = ("duplicate_email", "Un compte existe déjà avec cette adresse.")

UNIQUE_REFUSALS: UniqueRefusals = {
    ("organisation", "siret"): ("duplicate_siret", "Une organisation avec ce SIRET existe déjà."),
    ("organisation", "rna"): ("duplicate_rna", "Une organisation avec ce numéro RNA existe déjà."),
    ("piccolo_user", "email"): DUPLICATE_EMAIL,
    ("piccolo_user", "username"): DUPLICATE_EMAIL,
}
