"""JSON shapes of the organisations and accounts API."""

from __future__ import annotations

import msgspec


class OrganisationIn(msgspec.Struct, forbid_unknown_fields=True):
    name: str
    kind: str = "association"
    siret: str | None = None
    address: str = ""
    commune: str = ""
    insee_code: str = ""
    postcode: str = ""
    phone: str = ""
    email: str = ""
    roles: list[str] = msgspec.field(default_factory=list)
    site_status: str = ""


class Organisation(msgspec.Struct):
    id: int
    name: str
    kind: str
    siret: str | None
    address: str
    commune: str
    insee_code: str
    postcode: str
    phone: str
    email: str
    roles: list[str]
    site_status: str


class UserIn(msgspec.Struct, forbid_unknown_fields=True):
    """A person to invite: no password, they choose it through the invitation link."""

    email: str
    organisation_id: int
    role: str
    first_name: str = ""
    last_name: str = ""


class Membership(msgspec.Struct):
    organisation_id: int
    organisation_name: str
    role: str
    id: int | None = None  # the membership's id (DELETE /api/v1/users/{id}/memberships/{id})


class MembershipIn(msgspec.Struct, forbid_unknown_fields=True):
    organisation_id: int
    role: str


class User(msgspec.Struct):
    id: int
    email: str
    active: bool
    memberships: list[Membership]


class InvitedUser(User):
    invitation_sent: bool  # the link went by e-mail
    invitation_link: str | None  # given only when it was not sent, to pass on by hand


class Me(msgspec.Struct):
    id: int
    email: str
    name: str
    memberships: list[Membership]
