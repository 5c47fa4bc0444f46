"""The page where staff edit an organisation and a site's agents its public details
(/lieux/{id}/coordonnees); the rules are organisations.editing's."""

from __future__ import annotations

from typing import Any

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Redirect, Template

from organisations import editing
from organisations.errors import refuse
from organisations.national_lists import PUBLICS, SERVICES, TYPOLOGIES
from organisations.tables import Organisation
from passnum.auth import Actor, Role, roles
from passnum.errors import DomainError
from passnum.fr import format_phone

LIST_FIELDS = {"typology", "services", "publics"}
LABELS = {
    "name": "Nom",
    "kind": "Type (mairie, bibliothèque, association…)",
    "address": "Adresse",
    "postcode": "Code postal",
    "commune": "Commune",
    "insee_code": "Commune (tapez son nom ou son code postal et choisissez-la)",
    "siret": "SIRET (14 chiffres)",
    "rna": "Numéro RNA (association sans SIRET : W suivi de 9 chiffres)",
    "legal_representative": "Représentant légal (nom, qualité)",
    "phone": "Téléphone",
    "email": "E-mail",
    "website": "Site web",
    "acceslibre_url": "Fiche Accès libre (acceslibre.beta.gouv.fr)",
    "appointment_url": "Prise de rendez-vous en ligne (adresse web)",
}


class OrganisationEditPages(Controller):
    path = "/lieux/{organisation_id:int}/coordonnees"
    opt = roles(Role.staff, Role.site_agent)
    include_in_schema = False

    @get("/")
    async def show(self, request: Request, organisation_id: FromPath[int]) -> Template:
        return await _page(request.user, organisation_id)

    @post("/")
    async def save(self, request: Request, organisation_id: FromPath[int]) -> Template | Redirect:
        form = await request.form()
        fields = editing.editable_fields(request.user, organisation_id)
        # A field the form did not send keeps its value; a list's fieldset sends "<name>_shown"
        # (no box ticked sends nothing else).
        changes: dict[str, Any] = {
            f: list(form.getall(f, [])) if f in LIST_FIELDS else str(form.get(f, ""))
            for f in fields
            if f in form or f"{f}_shown" in form
        }
        if "insee_code" in changes:
            changes["insee_code"] = await _commune_given(organisation_id, changes["insee_code"])
        try:
            await editing.update_organisation(request.user, organisation_id, changes)
        except DomainError as error:
            if error.status_code == 404:
                raise
            return await _page(request.user, organisation_id, error, changes)
        return Redirect(f"/lieux/{organisation_id}/coordonnees?enregistre=1")


async def _commune_given(organisation_id: int, typed: str) -> str:
    """The commune field shows the commune's name; sent back unchanged it stays the same commune
    (a name several communes share would otherwise be ambiguous)."""
    org = await Organisation.objects().get(Organisation.id == organisation_id)
    if org is not None and org.insee_code and typed.strip() == org.commune:
        return org.insee_code
    return typed


async def _page(
    actor: Actor,
    organisation_id: int,
    error: DomainError | None = None,
    values: dict[str, Any] | None = None,
) -> Template:
    fields = editing.editable_fields(actor, organisation_id)
    org = await Organisation.objects().get(Organisation.id == organisation_id)
    if org is None or not fields:
        raise refuse("not_found.organisation")
    current = {f: getattr(org, f) or "" for f in fields}
    for f in LIST_FIELDS & set(fields):
        current[f] = editing.split_list(current[f])
    if "insee_code" in current:  # one commune field, showing the commune's name
        current["insee_code"] = org.commune if org.insee_code else current.get("commune", "")
    if "phone" in current:
        current["phone"] = format_phone(current["phone"])
    context = {
        "org": org,
        "fields": [
            f
            for f in fields
            if f not in LIST_FIELDS and not (f == "commune" and "insee_code" in fields)
        ],
        "lists": {
            "typology": list(TYPOLOGIES.items()),
            "services": [(s, s) for s in SERVICES],
            "publics": [(p, p) for p in PUBLICS],
        },
        "list_labels": {
            "typology": "Type de structure (liste nationale)",
            "services": "Services proposés",
            "publics": "Publics spécifiquement accueillis",
        },
        "editable_lists": [f for f in ("typology", "services", "publics") if f in fields],
        "labels": LABELS,
        "values": {**current, **(values or {})},
        "error": error,
        "is_staff": actor.is_staff,
    }
    return Template(
        "organisations/organisation_edit.html",
        context=context,
        status_code=error.status_code if error else 200,
    )
