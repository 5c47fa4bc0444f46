"""Organisations and their people: the rules for creating, validating and deactivating them."""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from piccolo.apps.user.tables import BaseUser
from piccolo_api.session_auth.tables import SessionsBase

from organisations.editing import (
    CLEANERS,
    EMAIL_RE,
    NEEDS_SIRET,
    clean_name,
    clean_phone,
    clean_rna,
    clean_siret,
)
from organisations.errors import refuse
from organisations.tables import Membership, Organisation
from organisations.tasks import queue_geocoding
from passnum import audit, audit_view, vocabulary
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.db import order_french, write_transaction
from passnum.errors import DomainError
from territory.services import require_commune

ORG_ROLES = ("operator", "funder", "prescriber", "site", "borrower")


@dataclass
class OrganisationInput:
    name: str
    kind: str = "association"
    siret: str | None = None
    address: str = ""
    commune: str = ""
    insee_code: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    roles: list[str] = field(default_factory=list)
    site_status: str = ""
    rna: str | None = None
    legal_representative: str = ""


async def organisation_names(ids: list[int]) -> dict[int, str]:
    """Names of organisations by id (for histories that recorded ids)."""
    rows = await Organisation.select(Organisation.id, Organisation.name).where(
        Organisation.id.is_in(ids or [0])
    )
    return {r["id"]: r["name"] for r in rows}


role_label = vocabulary.define(
    "role",
    {
        "staff": "Agent du Département",
        "funder": "Financeur",
        "prescriber": "Prescripteur",
        "site_agent": "Agent d'un lieu qualifié",
        "borrower": "Emprunteur de matériel",
    },
)
site_status_label = vocabulary.define(
    "site_status", {"qualified": "Qualifié", "suspended": "Suspendu", "": "Non qualifié"}
)
organisation_role_label = vocabulary.define(
    "organisation_role",
    {
        "operator": "Opérateur",
        "funder": "Financeur",
        "prescriber": "Prescripteur",
        "site": "Lieu qualifié",
        "borrower": "Emprunteur de matériel",
    },
)
audit_view.name_records("organisation", organisation_names)
audit_view.describe_fields(
    "organisation",
    {
        "kind": audit_view.Field("Type de structure"),
        "siret": audit_view.Field("SIRET"),
        "site_application": audit_view.Field("Candidature n°"),
        "address": audit_view.Field("Adresse"),
        "commune": audit_view.Field("Commune"),
        "insee_code": audit_view.Field("Code INSEE"),
        "postcode": audit_view.Field("Code postal"),
        "site_status": audit_view.Field("Habilitation", "site_status"),
        "is_operator": audit_view.Field("Opérateur", "bool"),
        "is_funder": audit_view.Field("Financeur", "bool"),
        "is_prescriber": audit_view.Field("Prescripteur", "bool"),
        "is_site": audit_view.Field("Lieu", "bool"),
        "is_borrower": audit_view.Field("Emprunteur", "bool"),
        "rna": audit_view.Field("Numéro RNA"),
        "legal_representative": audit_view.Field("Représentant légal"),
        "typology": audit_view.Field("Typologie"),
        "services": audit_view.Field("Services"),
        "publics": audit_view.Field("Publics"),
        "website": audit_view.Field("Site web"),
        "acceslibre_url": audit_view.Field("Fiche Accès libre"),
        "appointment_url": audit_view.Field("Prise de rendez-vous"),
        "from": audit_view.Field("À partir du", "date"),
        "bank_details": audit_view.Field("Coordonnées bancaires n°"),
        "iban": audit_view.Field("IBAN"),
        "bic": audit_view.Field("BIC"),
        "holder": audit_view.Field("Titulaire du compte"),
        "valid_from": audit_view.Field("À partir du", "date"),
        "regie": audit_view.Field("Payé par une régie", "bool"),
    },
)
audit_view.describe_fields("user", {"role": audit_view.Field("Rôle", "role")})


def clean_organisation(data: OrganisationInput) -> dict[str, Any]:
    """Validated column values for an organisation, or DomainError naming the faulty field."""
    values = asdict(data)
    values["name"] = clean_name(data.name)
    values["siret"] = clean_siret(data.siret)
    values["rna"] = clean_rna(data.rna)
    values["phone"] = clean_phone(data.phone)
    values["legal_representative"] = CLEANERS["legal_representative"](data.legal_representative)
    values["insee_code"] = data.insee_code.strip()  # checked against the official list below
    if data.postcode.strip() and not re.fullmatch(r"\d{5}", data.postcode.strip()):
        raise refuse("invalid.postcode", field="postcode")
    email = data.email.strip().lower()
    if email and not EMAIL_RE.match(email):
        raise refuse("invalid.email", field="email")
    values["email"] = email
    unknown = set(data.roles) - set(ORG_ROLES)
    if unknown:
        raise refuse("invalid.roles", _join=", ".join(sorted(unknown)), field="roles")
    for role in ORG_ROLES:
        values[f"is_{role}"] = role in data.roles
    del values["roles"]
    if data.site_status not in ("", "qualified", "suspended"):
        raise refuse("invalid.site_status", field="site_status")
    if "site" in data.roles and not data.site_status:
        values["site_status"] = "qualified"
    return values


async def with_official_commune(values: dict[str, Any]) -> dict[str, Any]:
    """The commune given (INSEE code, old code, or a name or postcode naming one) checked against
    the official list: stored under its current code, with its official name, and its postcode
    when none was typed. An unknown commune is refused (``unknown_commune``)."""
    commune = await require_commune(values.get("insee_code", ""), "insee_code")
    if commune is None:
        return values
    values = {**values, "insee_code": commune.code, "commune": commune.name}
    if not values.get("postcode") and commune.postcodes:
        values["postcode"] = commune.postcodes[0]
    return values


async def check_organisation(data: OrganisationInput) -> dict[str, Any]:
    """The column values of a new organisation, every rule checked (fields, official commune, no
    qualified site without SIRET or RNA, identifiers not taken), or the DomainError of the first
    one broken. Nothing is written (the import checks every row this way first)."""
    values = await with_official_commune(clean_organisation(data))
    if values["site_status"] == "qualified" and not values["siret"] and not values["rna"]:
        raise NEEDS_SIRET  # the edit path's rule: no qualified site without SIRET or RNA
    if values["rna"] and values["kind"].strip().lower() != "association":
        raise refuse("invalid.rna_not_association", field="rna")
    if values["siret"] and await Organisation.exists().where(Organisation.siret == values["siret"]):
        raise refuse("duplicate_siret")
    if values["rna"] and await Organisation.exists().where(Organisation.rna == values["rna"]):
        raise refuse("duplicate_rna")
    return values


async def insert_organisation(values: dict[str, Any], actor: Actor | None) -> Organisation:
    """Save checked values (:func:`check_organisation`) with their audit entry; call inside a
    write transaction."""
    organisation = Organisation(**values)
    await organisation.save()
    await audit.record(actor, "create", "organisation", organisation.id, values)
    return organisation


async def create_organisation(
    data: OrganisationInput, actor: Actor | None = None, geocode: bool = True
) -> Organisation:
    """``geocode=False`` when the caller places the site itself (the demo ships positions)."""
    values = await check_organisation(data)
    async with write_transaction():
        organisation = await insert_organisation(values, actor)
    if organisation.is_site and geocode:
        await queue_geocoding(organisation.id)
    return organisation


async def get_organisation(organisation_id: int) -> Organisation:
    organisation = await Organisation.objects().get(Organisation.id == organisation_id)
    if organisation is None:
        raise refuse("not_found.organisation")
    return organisation


async def visible_organisation(actor: Actor, organisation_id: int) -> Organisation:
    """An organisation ``actor`` may see: any for staff, else only their own (others: 404)."""
    if not actor.is_staff and organisation_id not in {m.organisation_id for m in actor.memberships}:
        raise refuse("not_found.organisation")
    return await get_organisation(organisation_id)


def organisations_query() -> Any:
    """Organisations by name in French order, then id so that pages never repeat or skip a row."""
    return order_french(Organisation.objects(), "name").order_by(Organisation.id)


def organisation_filters(actor: Actor, role: str | None = None, q: str = "") -> list[Any]:
    """Piccolo wheres for the organisations ``actor`` may list: all for staff, else their own;
    optionally one role and a name containing ``q``."""
    conditions: list[Any] = []
    if not actor.is_staff:
        own = [m.organisation_id for m in actor.memberships]
        conditions.append(Organisation.id.is_in(own or [0]))
    if role in ORG_ROLES:
        conditions.append(getattr(Organisation, f"is_{role}").eq(True))
    if q.strip():
        conditions.append(Organisation.name.ilike(f"%{q.strip()}%"))
    return conditions


def organisation_roles(organisation: Organisation) -> list[str]:
    return [role for role in ORG_ROLES if getattr(organisation, f"is_{role}")]


ROLE_NEEDS = {
    Role.staff: "operator",
    Role.funder: "funder",
    Role.prescriber: "prescriber",
    Role.site_agent: "site",
    Role.borrower: "borrower",
}


# The role inside a sentence ("… comme prescripteur"): the role vocabulary's word.
ROLE_LABELS = {role: role_label(role)[:1].lower() + role_label(role)[1:] for role in Role}


async def check_new_account(
    email: str, organisation_id: int, role: Role | str
) -> tuple[str, Role, Organisation]:
    """The cleaned e-mail, the role and the organisation of an account about to be created, or
    DomainError: unknown role, bad address, organisation without that role, address taken."""
    email = email.strip().lower()
    try:
        role = Role(role)
    except ValueError as exc:
        raise invalid_role() from exc
    if not EMAIL_RE.match(email):
        raise refuse("invalid.email", field="email")
    organisation = await get_organisation(organisation_id)
    check_role_fits(organisation, role)
    if await BaseUser.exists().where(BaseUser.email == email):
        raise refuse("duplicate_email")
    return email, role, organisation


def invalid_role() -> DomainError:
    return refuse("invalid.role", field="role")


def check_role_fits(organisation: Organisation, role: Role) -> None:
    if not getattr(organisation, f"is_{ROLE_NEEDS[role]}"):
        raise refuse("invalid.role_fits", _name=organisation.name, _value=role.value, field="role")


async def create_user(
    email: str,
    password: str,
    organisation_id: int,
    role: Role | str,
    first_name: str = "",
    last_name: str = "",
    actor: Actor | None = None,
) -> BaseUser:
    """A new active user who belongs to one organisation with one role, with this password
    (demo and tests; people are invited: ``organisations.invitations.invite_user``)."""
    from organisations.password_rules import check_new_password

    email, role, _ = await check_new_account(email, organisation_id, role)
    check_new_password(password, email=email)
    async with write_transaction():
        user = await insert_user(email, password, organisation_id, role, first_name, last_name)
        await audit.record(
            actor,
            "create",
            "user",
            user.id,
            {"email": email, "organisation": organisation_id, "role": role.value},
        )
    return user


async def insert_user(
    email: str, password: str, organisation_id: int, role: Role, first_name: str, last_name: str
) -> BaseUser:
    """The rows of a new account (checked by ``check_new_account``): user and membership."""
    user = await BaseUser.create_user(
        username=email,
        password=password,
        email=email,
        first_name=first_name,
        last_name=last_name,
        active=True,
        admin=role is Role.staff,  # staff may open the read-only back-office (/admin/)
    )
    await Membership(user=user.id, organisation=organisation_id, role=role.value).save()
    return user


async def set_user_active(user_id: int, active: bool, actor: Actor | None = None) -> None:
    """Deactivating a user also ends their sessions; their tokens stop working at once."""
    async with write_transaction():
        updated = (
            await BaseUser.update({BaseUser.active: active})
            .where(BaseUser.id == user_id)
            .returning(BaseUser.id)
        )
        if not updated:
            raise refuse("not_found.user")
        if not active:
            await SessionsBase.delete().where(SessionsBase.user_id == user_id)
        await audit.record(actor, "activate" if active else "deactivate", "user", user_id)


async def deactivate_by_email(email: str) -> None:
    user = await BaseUser.select(BaseUser.id).where(BaseUser.email == email.strip().lower()).first()
    if user is None:
        raise refuse("unknown_user", _email=email)
    await set_user_active(user["id"], False)
