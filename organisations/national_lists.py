"""The national vocabularies a site's public details are chosen from (closed lists).

Services and publics: the "lieux de médiation numérique" schema (v1, fields ``services`` and
``publics_specifiquement_adresses``, the values of their patterns). Typology: the codes the schema
points to (data.inclusion's "typologies de structure"), those a site of the territory can be.
"""

from __future__ import annotations

SERVICES = (
    "Aide aux démarches administratives",
    "Maîtrise des outils numériques du quotidien",
    "Insertion professionnelle via le numérique",
    "Utilisation sécurisée du numérique",
    "Parentalité et éducation avec le numérique",
    "Loisirs et créations numériques",
    "Compréhension du monde numérique",
    "Accès internet et matériel informatique",
    "Acquisition de matériel informatique à prix solidaire",
)

PUBLICS = ("Jeunes", "Étudiants", "Familles et/ou enfants", "Seniors", "Femmes")

TYPOLOGIES = {
    "ASSO": "Association",
    "BIB": "Bibliothèque, médiathèque",
    "CAF": "Caisse d'allocations familiales",
    "CC": "Communauté de communes",
    "CCAS": "Centre communal d'action sociale",
    "CD": "Conseil départemental",
    "CIAS": "Centre intercommunal d'action sociale",
    "CS": "Centre social",
    "EPCI": "Intercommunalité (EPCI)",
    "EPN": "Espace public numérique",
    "FRANCE_SERVICES": "France Services",
    "LA_POSTE": "La Poste",
    "MDS": "Maison départementale des solidarités",
    "MJC": "Maison des jeunes et de la culture",
    "MQ": "Maison de quartier",
    "MSA": "Mutualité sociale agricole",
    "MUNI": "Mairie",
    "PIJ_BIJ": "Point ou bureau information jeunesse",
    "TIERS_LIEUX": "Tiers-lieu",
    "AUTRE": "Autre",
}
