"""Staff add and remove the memberships (organisation × role) of an existing person.

A person keeps at least one membership (deactivate the account instead); the same organisation and
role twice is refused; the role must be one the organisation holds. Each change is audited.
"""

from __future__ import annotations

from piccolo.apps.user.tables import BaseUser

from organisations.errors import refuse
from organisations.services import check_role_fits, get_organisation, invalid_role
from organisations.tables import Membership
from passnum import audit
from passnum.auth import Actor, Role
from passnum.db import write_transaction


async def _user_exists(user_id: int) -> None:
    if not await BaseUser.exists().where(BaseUser.id == user_id):
        raise refuse("not_found.user")


async def add_membership(
    user_id: int, organisation_id: int, role: Role | str, actor: Actor | None = None
) -> int:
    """The new membership's id."""
    try:
        role = Role(role)
    except ValueError as exc:
        raise invalid_role() from exc
    await _user_exists(user_id)
    organisation = await get_organisation(organisation_id)
    check_role_fits(organisation, role)
    async with write_transaction():
        if await Membership.exists().where(
            (Membership.user == user_id)
            & (Membership.organisation == organisation_id)
            & (Membership.role == role.value)
        ):
            raise refuse("duplicate_membership", _name=organisation.name)
        membership = Membership(user=user_id, organisation=organisation_id, role=role.value)
        await membership.save()
        await audit.record(
            actor,
            "add_membership",
            "user",
            user_id,
            {"organisation": organisation_id, "role": role.value},
        )
    return membership.id


async def remove_membership(user_id: int, membership_id: int, actor: Actor | None = None) -> None:
    async with write_transaction():
        rows = await Membership.select(
            Membership.id, Membership.organisation, Membership.role
        ).where(Membership.user == user_id)
        row = next((r for r in rows if r["id"] == membership_id), None)
        if row is None:
            raise refuse("not_found.membership")
        if len(rows) == 1:
            raise refuse("last_membership")
        await Membership.delete().where(Membership.id == membership_id)
        await audit.record(
            actor,
            "remove_membership",
            "user",
            user_id,
            {"organisation": row["organisation"], "role": row["role"]},
        )


async def add_membership_by_email(email: str, organisation_id: int, role: str) -> int:
    user = await BaseUser.select(BaseUser.id).where(BaseUser.email == email.strip().lower()).first()
    if user is None:
        raise refuse("unknown_user", _email=email)
    return await add_membership(user["id"], organisation_id, role)
