"""Organisations and users as the API and the staff pages show them (the read side).

An organisation becomes its JSON schema with its roles; a user comes with every membership (one
query for the memberships of a whole page of users).
"""

from __future__ import annotations

from dataclasses import dataclass

import msgspec
from piccolo.apps.user.tables import BaseUser
from piccolo.custom_types import Combinable

from organisations import schemas
from organisations import services as orgs
from organisations.editing import split_list
from organisations.errors import refuse
from organisations.invitations import Invitation
from organisations.tables import Membership, Organisation
from passnum import audit
from passnum.auth import Actor
from passnum.pagination import Page, paginate_where, slice_where

USER_COLUMNS = (BaseUser.id, BaseUser.email, BaseUser.active)


def to_schema(org: Organisation) -> schemas.Organisation:
    return schemas.Organisation(
        id=org.id,
        name=org.name,
        kind=org.kind,
        siret=org.siret,
        address=org.address,
        commune=org.commune,
        insee_code=org.insee_code,
        postcode=org.postcode,
        phone=org.phone,
        email=org.email,
        roles=orgs.organisation_roles(org),
        site_status=org.site_status,
        rna=org.rna,
        legal_representative=org.legal_representative,
        typology=split_list(org.typology),
        services=split_list(org.services),
        publics=split_list(org.publics),
        website=org.website,
        acceslibre_url=org.acceslibre_url,
        appointment_url=org.appointment_url,
        suspension_reason=org.suspension_reason,
        suspended_from=org.suspended_from,
        latitude=org.latitude,
        longitude=org.longitude,
        location_source=org.location_source,
    )


async def organisations_slice(
    actor: Actor, role: str | None, limit: int, offset: int
) -> tuple[list[schemas.Organisation], int]:
    """The organisations ``actor`` may list (one role optionally), one API slice, and the total."""
    conditions = orgs.organisation_filters(actor, role)
    rows, total = await slice_where(
        Organisation, orgs.organisations_query(), conditions, limit, offset
    )
    return [to_schema(o) for o in rows], total


async def organisations_page(
    actor: Actor, role: str | None, q: str, page: str
) -> tuple[list[schemas.Organisation], Page]:
    """One page of the organisations ``actor`` may list, by role and by a part of their name."""
    pager = await paginate_where(
        Organisation,
        orgs.organisations_query(),
        orgs.organisation_filters(actor, role, q),
        page,
        {"role": role, "q": q},
    )
    return [to_schema(o) for o in pager.items], pager


async def users_with_memberships(where: Combinable | None = None) -> list[schemas.User]:
    query = BaseUser.select(*USER_COLUMNS).order_by(BaseUser.email)
    return await with_memberships(await (query.where(where) if where is not None else query))


async def with_memberships(users: list[dict]) -> list[schemas.User]:
    ids = [u["id"] for u in users]
    rows = (
        await Membership.select(
            Membership.id,
            Membership.user,
            Membership.organisation.id,
            Membership.organisation.name,
            Membership.role,
        ).where(Membership.user.is_in(ids))
        if ids
        else []
    )
    by_user: dict[int, list[schemas.Membership]] = {}
    for r in rows:
        by_user.setdefault(r["user"], []).append(
            schemas.Membership(r["organisation.id"], r["organisation.name"], r["role"], r["id"])
        )
    return [schemas.User(u["id"], u["email"], u["active"], by_user.get(u["id"], [])) for u in users]


async def user(user_id: int) -> schemas.User:
    """One account with its memberships; 404 ``not_found`` if there is none."""
    found = await users_with_memberships(BaseUser.id == user_id)
    if not found:
        raise refuse("not_found.user")
    return found[0]


def invited(user: schemas.User, invitation: Invitation) -> schemas.InvitedUser:
    return schemas.InvitedUser(
        **msgspec.structs.asdict(user),
        invitation_sent=invitation.sent,
        invitation_link=None if invitation.sent else invitation.link,
    )


async def users_slice(limit: int, offset: int) -> tuple[list[schemas.User], int]:
    """Every account by e-mail (then id), one API slice, and the total."""
    query = BaseUser.select(*USER_COLUMNS).order_by(BaseUser.email).order_by(BaseUser.id)
    users, total = await slice_where(BaseUser, query, [], limit, offset)
    return await with_memberships(users), total


@dataclass
class OrganisationDetail:
    organisation: schemas.Organisation
    users: list[schemas.User]
    history: Page


async def organisation_detail(organisation_id: int, historique: str = "") -> OrganisationDetail:
    """An organisation with its members and one page of its history (?historique=N)."""
    org = await orgs.get_organisation(organisation_id)
    member_ids = await Membership.select(Membership.user).where(
        Membership.organisation == organisation_id
    )
    users = (
        await users_with_memberships(BaseUser.id.is_in([m["user"] for m in member_ids]))
        if member_ids
        else []
    )
    history = await audit.history_page("organisation", organisation_id, historique)
    return OrganisationDetail(to_schema(org), users, history)
