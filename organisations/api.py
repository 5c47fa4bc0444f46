"""JSON API of organisations and accounts: who am I, which organisations, which users."""

from __future__ import annotations

import msgspec
from litestar import Controller, Request, Response, delete, get, patch, post
from litestar.params import FromPath, FromQuery, JSONBody

from organisations import accounts, editing, imports, memberships, schemas, suspension
from organisations import services as orgs
from organisations.invitations import invite_user
from passnum.auth import Actor, Role, roles, two_factor
from passnum.openapi_bodies import raw_body
from passnum.pagination import API_DEFAULT_LIMIT, PAGED_HEADERS, Limit, Offset, paged_response

ALL_ROLES = roles(*Role)


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
        rows, total = await accounts.organisations_slice(request.user, role, limit, offset)
        return paged_response(request, rows, total, limit, offset)

    @get("/{organisation_id:int}", summary="Une organisation")
    async def get_organisation(
        self, request: Request, organisation_id: FromPath[int]
    ) -> schemas.Organisation:
        return accounts.to_schema(await orgs.visible_organisation(request.user, organisation_id))

    @post("/", opt=roles(Role.staff), summary="Créer une organisation (Département)")
    async def create(
        self, request: Request, data: JSONBody[schemas.OrganisationIn]
    ) -> schemas.Organisation:
        org = await orgs.create_organisation(
            orgs.OrganisationInput(**_struct_dict(data)), actor=request.user
        )
        return accounts.to_schema(org)

    @post(
        "/import",
        opt=roles(Role.staff),
        status_code=200,
        summary="Import CSV d'organisations et de lieux : aperçu (preview=true) ou import, tout "
        "ou rien",
        description="Le fichier CSV (Excel français) en corps de requête "
        "(`Content-Type: text/csv`). Une ligne refusée : rien n'est importé, "
        "`422 import_rejected` avec `rejected` (ligne, raison).",
        operation_class=raw_body("text/csv", "Le fichier CSV des organisations (Excel français)"),
    )
    async def import_csv(
        self, request: Request, preview: FromQuery[bool] = False
    ) -> schemas.OrganisationImportReport:
        body = await request.body()
        if preview:
            return await imports.preview_import(body)
        return await imports.import_organisations(request.user, body)

    @patch(
        "/{organisation_id:int}",
        summary="Modifier une organisation (Département : tout ; agents du lieu : ses coordonnées "
        "publiques)",
    )
    async def update(
        self,
        request: Request,
        organisation_id: FromPath[int],
        data: JSONBody[schemas.OrganisationPatch],
    ) -> schemas.Organisation:
        changes = {k: v for k, v in _struct_dict(data).items() if v is not msgspec.UNSET}
        org = await editing.update_organisation(request.user, organisation_id, changes)
        return accounts.to_schema(org)

    @post(
        "/{organisation_id:int}/suspension",
        opt=roles(Role.staff),
        status_code=200,
        summary="Suspendre un lieu qualifié (motif, à partir du)",
    )
    async def suspend(
        self,
        request: Request,
        organisation_id: FromPath[int],
        data: JSONBody[schemas.SuspensionIn],
    ) -> schemas.SiteStatusOut:
        org, told = await suspension.suspend_site(
            request.user, organisation_id, data.reason, data.start
        )
        return schemas.SiteStatusOut(accounts.to_schema(org), told)

    @delete(
        "/{organisation_id:int}/suspension",
        opt=roles(Role.staff),
        status_code=200,
        summary="Lever la suspension : le lieu est de nouveau qualifié",
    )
    async def requalify(
        self, request: Request, organisation_id: FromPath[int]
    ) -> schemas.SiteStatusOut:
        org, told = await suspension.requalify_site(request.user, organisation_id)
        return schemas.SiteStatusOut(accounts.to_schema(org), told)


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
        users, total = await accounts.users_slice(limit, offset)
        return paged_response(request, users, total, limit, offset)

    @post(
        "/",
        summary="Inviter une personne (compte rattaché à une organisation)",
        description="Le lien d'invitation (72 h, à usage unique) part par e-mail, par la file "
        "des tâches (`invitation_sent` : true ; retentée si le relais ne répond pas) ; sans "
        "serveur d'envoi configuré, il est renvoyé dans `invitation_link` pour être transmis.",
    )
    async def create(self, request: Request, data: JSONBody[schemas.UserIn]) -> schemas.InvitedUser:
        invitation = await invite_user(**_struct_dict(data), actor=request.user)
        return accounts.invited(await accounts.user(invitation.user_id), invitation)

    @post("/{user_id:int}/memberships", summary="Rattacher la personne à une organisation")
    async def add_membership(
        self, request: Request, user_id: FromPath[int], data: JSONBody[schemas.MembershipIn]
    ) -> schemas.User:
        await memberships.add_membership(user_id, data.organisation_id, data.role, request.user)
        return await accounts.user(user_id)

    @delete(
        "/{user_id:int}/memberships/{membership_id:int}",
        status_code=200,
        summary="Retirer un rattachement",
    )
    async def remove_membership(
        self, request: Request, user_id: FromPath[int], membership_id: FromPath[int]
    ) -> schemas.User:
        await memberships.remove_membership(user_id, membership_id, request.user)
        return await accounts.user(user_id)

    @delete(
        "/{user_id:int}/two-factor",
        status_code=200,
        summary="Réinitialiser la double authentification d'une autre personne",
        description="Téléphone et codes de secours perdus : son second facteur est retiré et ses "
        "sessions fermées ; en production, un compte du Département l'active de nouveau à sa "
        "prochaine connexion. Refusé pour soi-même (`own_two_factor`).",
    )
    async def reset_two_factor(self, request: Request, user_id: FromPath[int]) -> schemas.User:
        await two_factor.reset(user_id, request.user)
        return await accounts.user(user_id)

    @post("/{user_id:int}/deactivate", status_code=200, summary="Désactiver un compte")
    async def deactivate(self, request: Request, user_id: FromPath[int]) -> schemas.User:
        await orgs.set_user_active(user_id, False, actor=request.user)
        return await accounts.user(user_id)

    @post("/{user_id:int}/activate", status_code=200, summary="Réactiver un compte")
    async def activate(self, request: Request, user_id: FromPath[int]) -> schemas.User:
        await orgs.set_user_active(user_id, True, actor=request.user)
        return await accounts.user(user_id)
