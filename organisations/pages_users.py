"""Staff page of one person: their memberships, added and removed, and the reset of their
second factor (/staff/users/{id})."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath
from litestar.response import Template

from organisations import accounts, memberships
from organisations.services import ROLE_LABELS
from organisations.tables import Organisation
from passnum.auth import Role, roles, two_factor
from passnum.errors import DomainError


async def _user_page(user_id: int, status: int = 200, **context: str) -> Template:
    person = await accounts.user(user_id)  # 404 page for an unknown person
    second_factor = await two_factor.status(user_id)
    organisations = await Organisation.select(Organisation.id, Organisation.name).order_by(
        Organisation.name
    )
    return Template(
        "organisations/user_detail.html",
        context={
            "person": person,
            "second_factor": second_factor,
            "organisations": organisations,
            "role_labels": {r.value: label for r, label in ROLE_LABELS.items()},
            **context,
        },
        status_code=status,
    )


class StaffUserPages(Controller):
    path = "/staff/users"
    opt = roles(Role.staff)
    include_in_schema = False

    @get("/{user_id:int}")
    async def detail(self, user_id: FromPath[int]) -> Template:
        return await _user_page(user_id)

    @post("/{user_id:int}/memberships", status_code=200)
    async def add(self, request: Request, user_id: FromPath[int]) -> Template:
        form = await request.form()
        try:
            organisation_id = int(str(form.get("organisation_id", "0")) or 0)
            await memberships.add_membership(
                user_id, organisation_id, str(form.get("role", "")), request.user
            )
        except DomainError as error:
            return await _user_page(user_id, error.status_code, error=error.message)
        except ValueError:
            return await _user_page(user_id, 422, error="Choisissez une organisation.")
        return await _user_page(user_id, notice="Rattachement ajouté.")

    @post("/{user_id:int}/memberships/{membership_id:int}/delete", status_code=200)
    async def remove(
        self, request: Request, user_id: FromPath[int], membership_id: FromPath[int]
    ) -> Template:
        try:
            await memberships.remove_membership(user_id, membership_id, request.user)
        except DomainError as error:
            return await _user_page(user_id, error.status_code, error=error.message)
        return await _user_page(user_id, notice="Rattachement retiré.")

    @post("/{user_id:int}/double-authentification/reinitialiser", status_code=200)
    async def reset_two_factor(self, request: Request, user_id: FromPath[int]) -> Template:
        try:
            await two_factor.reset(user_id, request.user)
        except DomainError as error:
            if error.code == "not_found":
                raise
            return await _user_page(user_id, error.status_code, error=error.message)
        return await _user_page(
            user_id,
            notice="Double authentification réinitialisée : les sessions de la personne sont "
            "fermées ; elle l'activera de nouveau à sa prochaine connexion.",
        )
