"""JSON API of borrowers' requests: the catalogue, a request, staff's decision, own slips."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Stream

from equipment import loan_requests, schemas
from equipment.api_loans import slip
from equipment.errors import refuse
from equipment.loan_requests import (
    Catalogue,
    DecisionIn,
    ExtensionIn,
    LoanRequestIn,
    LoanRequestView,
)
from equipment.signatures import Moment
from passnum.auth import Role, roles
from passnum.openapi_bodies import file_answer

BORROWER_OR_STAFF = roles(Role.borrower, Role.staff)


class CatalogueApi(Controller):
    path = "/api/v1/catalogue"
    tags = ["demandes de prêt"]
    opt = BORROWER_OR_STAFF

    @get("/", summary="Appareils libres par type et kits, sur des dates (sans autre emprunteur)")
    async def catalogue(self, start_date: FromQuery[date], end_date: FromQuery[date]) -> Catalogue:
        return await loan_requests.catalogue(start_date, end_date)


class LoanRequestApi(Controller):
    path = "/api/v1/loan-requests"
    tags = ["demandes de prêt"]
    opt = BORROWER_OR_STAFF

    @get("/", summary="Demandes : les siennes (emprunteur), toutes (agents)")
    async def list_requests(
        self, request: Request, status: FromQuery[str | None] = None
    ) -> list[LoanRequestView]:
        return await loan_requests.list_requests(request.user, status)

    @post(
        "/",
        summary="Demander du matériel (types et quantités, ou kits) : emprunteur",
        opt=roles(Role.borrower),
    )
    async def create(self, request: Request, data: JSONBody[LoanRequestIn]) -> LoanRequestView:
        return await loan_requests.create_request(request.user, data)

    @get("/{request_id:int}", summary="Une demande (la sienne)")
    async def get_request(self, request: Request, request_id: FromPath[int]) -> LoanRequestView:
        return await loan_requests.get_request(request_id, request.user)

    @post(
        "/{request_id:int}/decision",
        status_code=200,
        summary="Accepter (appareils choisis, ou libres) ou refuser avec une raison : agents",
        opt=roles(Role.staff),
    )
    async def decide(
        self, request: Request, request_id: FromPath[int], data: JSONBody[DecisionIn]
    ) -> LoanRequestView:
        return await loan_requests.decide(request.user, request_id, data)

    @post(
        "/{request_id:int}/cancel",
        status_code=200,
        summary="Retirer sa demande tant qu'elle attend une réponse",
        opt=roles(Role.borrower),
    )
    async def cancel(self, request: Request, request_id: FromPath[int]) -> LoanRequestView:
        return await loan_requests.cancel_request(request.user, request_id)

    @get(
        "/{request_id:int}/slip.pdf",
        summary="Bon de prêt de la demande acceptée (la sienne)",
        operation_class=file_answer("application/pdf"),
    )
    async def slip(self, request: Request, request_id: FromPath[int]) -> Response[bytes] | Stream:
        view = await loan_requests.get_request(request_id, request.user)
        if view.loan is None:
            raise refuse("no_loan")
        return await slip(view.loan, Moment.handover)


class BorrowerLoanApi(Controller):
    path = "/api/v1/borrower-loans"
    tags = ["demandes de prêt"]
    opt = roles(Role.borrower)

    @get("/", summary="Mes prêts (emprunteur)")
    async def list_loans(self, request: Request) -> list[schemas.LoanView]:
        return await loan_requests.own_loans(request.user)

    @post(
        "/{number:str}/extension",
        status_code=200,
        summary="Prolonger son prêt soi-même (règle : nombre de prolongations ; refusé si une "
        "autre réservation suit)",
    )
    async def extend(
        self, request: Request, number: FromPath[str], data: JSONBody[ExtensionIn]
    ) -> schemas.LoanView:
        return await loan_requests.ask_extension(request.user, number, data.due_date)
