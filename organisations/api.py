"""Organisations and users: JSON API and the staff pages that manage them."""

from __future__ import annotations

from typing import Any

import msgspec
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Redirect, Template
from piccolo.apps.user.tables import BaseUser
from piccolo.columns.combination import Combinable

from organisations import schemas
from organisations import services as orgs
from organisations.directory import ROUTE_HANDLERS as DIRECTORY_HANDLERS
from organisations.tables import Membership, Organisation
from passnum import audit
from passnum.auth import Actor, Role, roles
from passnum.errors import DomainError
from passnum.pagination import (
    API_DEFAULT_LIMIT,
    PAGED_HEADERS,
    Limit,
    Offset,
    paged_response,
    paginate_where,
    slice_where,
)

ALL_ROLES = roles(*Role)


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
    )


USER_COLUMNS = (BaseUser.id, BaseUser.email, BaseUser.active)


async def _users_with_memberships(where: Combinable | None = None) -> list[schemas.User]:
    query = BaseUser.select(*USER_COLUMNS).order_by(BaseUser.email)
    return await _with_memberships(await (query.where(where) if where is not None else query))


async def _with_memberships(users: list[dict]) -> list[schemas.User]:
    ids = [u["id"] for u in users]
    rows = (
        await Membership.select(
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
            schemas.Membership(r["organisation.id"], r["organisation.name"], r["role"])
        )
    return [schemas.User(u["id"], u["email"], u["active"], by_user.get(u["id"], [])) for u in users]


class MeController(Controller):
    path = "/api/v1/me"
    tags = ["comptes"]
    opt = ALL_ROLES

    @get("/", summary="L'utilisateur authentifié et ses rattachements")
    async def me(self, request: Request) -> schemas.Me:
        actor: Actor = request.user
        return schemas.Me(
            id=actor.user_id,
            email=actor.email,
            name=actor.display_name,
            memberships=[
                schemas.Membership(m.organisation_id, m.organisation_name, m.role.value)
                for m in actor.memberships
            ],
        )


class OrganisationApiController(Controller):
    path = "/api/v1/organisations"
    tags = ["organisations"]
    opt = ALL_ROLES

    @get(
        "/",
        summary="Organisations visibles (toutes pour le Département, sinon les siennes)",
        response_headers=PAGED_HEADERS,
    )
    async def list_organisations(
        self,
        request: Request,
        role: FromQuery[str | None] = None,
        limit: Limit = API_DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> Response[list[schemas.Organisation]]:
        conditions = orgs.organisation_filters(request.user, role)
        rows, total = await slice_where(
            Organisation, orgs.organisations_query(), conditions, limit, offset
        )
        return paged_response(request, [to_schema(o) for o in rows], total, limit, offset)

    @get("/{organisation_id:int}", summary="Une organisation")
    async def get_organisation(
        self, request: Request, organisation_id: FromPath[int]
    ) -> schemas.Organisation:
        actor: Actor = request.user
        if not actor.is_staff and organisation_id not in {
            m.organisation_id for m in actor.memberships
        }:
            raise DomainError("not_found", "Organisation introuvable.", 404)
        return to_schema(await orgs.get_organisation(organisation_id))

    @post("/", opt=roles(Role.staff), summary="Créer une organisation (Département)")
    async def create(
        self, request: Request, data: JSONBody[schemas.OrganisationIn]
    ) -> schemas.Organisation:
        org = await orgs.create_organisation(
            orgs.OrganisationInput(**_struct_dict(data)), actor=request.user
        )
        return to_schema(org)


def _struct_dict(struct: msgspec.Struct) -> dict:
    return msgspec.structs.asdict(struct)


class UserApiController(Controller):
    path = "/api/v1/users"
    tags = ["comptes"]
    opt = roles(Role.staff)

    @get("/", summary="Tous les comptes (Département)", response_headers=PAGED_HEADERS)
    async def list_users(
        self, request: Request, limit: Limit = API_DEFAULT_LIMIT, offset: Offset = 0
    ) -> Response[list[schemas.User]]:
        query = BaseUser.select(*USER_COLUMNS).order_by(BaseUser.email).order_by(BaseUser.id)
        users, total = await slice_where(BaseUser, query, [], limit, offset)
        return paged_response(request, await _with_memberships(users), total, limit, offset)

    @post("/", summary="Créer un compte rattaché à une organisation")
    async def create(self, request: Request, data: JSONBody[schemas.UserIn]) -> schemas.User:
        user = await orgs.create_user(**_struct_dict(data), actor=request.user)
        return (await _users_with_memberships(BaseUser.id == user.id))[0]

    @post("/{user_id:int}/deactivate", status_code=200, summary="Désactiver un compte")
    async def deactivate(self, request: Request, user_id: FromPath[int]) -> schemas.User:
        await orgs.set_user_active(user_id, False, actor=request.user)
        return (await _users_with_memberships(BaseUser.id == user_id))[0]

    @post("/{user_id:int}/activate", status_code=200, summary="Réactiver un compte")
    async def activate(self, request: Request, user_id: FromPath[int]) -> schemas.User:
        await orgs.set_user_active(user_id, True, actor=request.user)
        return (await _users_with_memberships(BaseUser.id == user_id))[0]


ORG_FIELDS = (
    "name",
    "kind",
    "siret",
    "address",
    "commune",
    "insee_code",
    "postcode",
    "phone",
    "email",
)


async def _organisations_page(
    actor: Actor, role: str | None = None, q: str = "", page: str = "", **context: Any
) -> Template:
    status_code = context.pop("status_code", 200)
    pager = await paginate_where(
        Organisation,
        orgs.organisations_query(),
        orgs.organisation_filters(actor, role, q),
        page,
        {"role": role, "q": q},
    )
    return Template(
        "organisations/organisations.html",
        context={
            "organisations": [to_schema(o) for o in pager.items],
            "pager": pager,
            "role": role,
            "q": q,
            **context,
        },
        status_code=status_code,
    )


class StaffOrganisationPages(Controller):
    path = "/staff/organisations"
    opt = roles(Role.staff)
    include_in_schema = False

    @get("/")
    async def index(
        self,
        request: Request,
        role: FromQuery[str | None] = None,
        q: FromQuery[str] = "",
        page: FromQuery[str] = "",
    ) -> Template:
        return await _organisations_page(request.user, role, q, page)

    @post("/")
    async def create(self, request: Request) -> Template | Redirect:
        form = await request.form()
        values = {f: str(form.get(f, "")) for f in ORG_FIELDS}
        data = orgs.OrganisationInput(**values, roles=list(form.getall("roles", [])))
        try:
            org = await orgs.create_organisation(data, actor=request.user)
        except DomainError as error:
            return await _organisations_page(
                request.user, error=error.message, form=values, status_code=error.status_code
            )
        return Redirect(f"/staff/organisations/{org.id}")

    @get("/{organisation_id:int}")
    async def detail(
        self, organisation_id: FromPath[int], historique: FromQuery[str] = ""
    ) -> Template:
        return await _detail_page(organisation_id, historique=historique)

    @post("/{organisation_id:int}/users")
    async def add_user(
        self, request: Request, organisation_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        try:
            await orgs.create_user(
                email=str(form.get("email", "")),
                password=str(form.get("password", "")),
                organisation_id=organisation_id,
                role=str(form.get("role", "")),
                first_name=str(form.get("first_name", "")),
                last_name=str(form.get("last_name", "")),
                actor=request.user,
            )
        except DomainError as error:
            return await _detail_page(
                organisation_id, error=error.message, status=error.status_code
            )
        return Redirect(f"/staff/organisations/{organisation_id}")

    @post("/{organisation_id:int}/users/{user_id:int}/active")
    async def toggle_user(
        self, request: Request, organisation_id: FromPath[int], user_id: FromPath[int]
    ) -> Redirect:
        form = await request.form()
        await orgs.set_user_active(user_id, form.get("active") == "1", actor=request.user)
        return Redirect(f"/staff/organisations/{organisation_id}")


async def _detail_page(
    organisation_id: int, error: str = "", status: int = 200, historique: str = ""
) -> Template:
    org = await orgs.get_organisation(organisation_id)
    member_ids = await Membership.select(Membership.user).where(
        Membership.organisation == organisation_id
    )
    users = (
        await _users_with_memberships(BaseUser.id.is_in([m["user"] for m in member_ids]))
        if member_ids
        else []
    )
    history = await audit.history_page("organisation", organisation_id, historique)
    return Template(
        "organisations/organisation_detail.html",
        context={
            "org": to_schema(org),
            "users": users,
            "error": error,
            "roles": list(Role),
            "history": history.items,
            "history_pager": history,
        },
        status_code=status,
    )


ROUTE_HANDLERS = [
    MeController,
    OrganisationApiController,
    UserApiController,
    StaffOrganisationPages,
    *DIRECTORY_HANDLERS,
]
