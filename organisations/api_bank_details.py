"""JSON API of sites' bank details: staff and the site's own agents read and propose, staff
decide. The rules are organisations.bank_details'; IBANs are whole for staff only."""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, JSONBody

from organisations import bank_details, schemas
from passnum.auth import Actor, Role, roles


def to_schema(
    details: bank_details.BankDetails, actor: Actor, organisation_name: str = ""
) -> schemas.BankDetails:
    return schemas.BankDetails(
        id=details.id,
        organisation_id=details.organisation_id,
        iban=details.iban if actor.is_staff else None,
        iban_masked=details.iban_masked,
        bic=details.bic,
        holder=details.holder,
        valid_from=details.valid_from,
        regie=details.regie,
        status=details.status,
        submitted_at=details.submitted_at,
        decided_at=details.decided_at,
        decision_reason=details.decision_reason,
        organisation_name=organisation_name,
    )


class BankDetailsApi(Controller):
    path = "/api/v1/organisations/{organisation_id:int}/bank-details"
    tags = ["organisations"]
    opt = roles(Role.staff, Role.site_agent)

    @get("/", summary="Coordonnées bancaires en vigueur et leur historique (IBAN masqué sauf "
         "pour le Département)")  # fmt: skip
    async def history(
        self, request: Request, organisation_id: FromPath[int]
    ) -> schemas.BankDetailsHistory:
        actor: Actor = request.user
        await bank_details.visible_site(actor, organisation_id)
        in_force = await bank_details.bank_details_in_force(organisation_id)
        return schemas.BankDetailsHistory(
            in_force=to_schema(in_force, actor) if in_force else None,
            history=[
                to_schema(d, actor)
                for d in await bank_details.bank_details_history(organisation_id)
            ],
        )

    @post(
        "/",
        summary="Nouvelles coordonnées bancaires (Département : en vigueur à leur date ; agents "
        "du lieu : à valider par le Département)",
    )
    async def propose(
        self,
        request: Request,
        organisation_id: FromPath[int],
        data: JSONBody[schemas.BankDetailsIn],
    ) -> schemas.BankDetails:
        details = await bank_details.propose_bank_details(
            request.user,
            organisation_id,
            data.iban,
            data.bic,
            data.holder,
            data.valid_from,
            data.regie,
        )
        return to_schema(details, request.user)

    @post(
        "/{details_id:int}/decision",
        opt=roles(Role.staff),
        status_code=200,
        summary="Valider ou refuser (avec un motif) un changement proposé par le lieu",
    )
    async def decide(
        self,
        request: Request,
        organisation_id: FromPath[int],
        details_id: FromPath[int],
        data: JSONBody[schemas.BankDetailsDecisionIn],
    ) -> schemas.BankDetails:
        details = await bank_details.decide_bank_details(
            request.user, organisation_id, details_id, data.decision, data.reason
        )
        return to_schema(details, request.user)


@get(
    "/api/v1/bank-details",
    opt=roles(Role.staff),
    tags=["organisations"],
    summary="Changements de coordonnées bancaires à valider, les plus anciens d'abord",
)
async def pending_bank_details(request: Request) -> list[schemas.BankDetails]:
    return [
        to_schema(details, request.user, name)
        for details, name in await bank_details.pending_bank_details()
    ]
