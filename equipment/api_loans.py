"""JSON API of loans: reserve, change devices, extend, hand over, take back, cancel, loss, slips."""

from __future__ import annotations

from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Stream

from equipment import (
    followup,
    handover,
    loan_changes,
    loans,
    schemas,
    signatures,
    slip_archive,
)
from equipment.api_inventory import STAFF, pdf
from equipment.signatures import Moment
from equipment.tables import Loan
from passnum.openapi_bodies import file_answer, raw_body
from passnum.pagination import (
    API_DEFAULT_LIMIT,
    PAGED_HEADERS,
    Limit,
    Offset,
    paged_response,
)


async def slip(number: str, moment: Moment) -> Response[bytes] | Stream:
    """A loan or return slip to download: the signed one kept, or one rendered now."""
    content = await slip_archive.current_slip(number, moment)
    if isinstance(content, Stream):
        return content
    return pdf(content, slip_archive.filename(number.strip().upper(), moment))


class LoanApi(Controller):
    path = "/api/v1/loans"
    tags = ["prêts de matériel"]
    opt = STAFF

    @get("/", summary="Prêts (filtres : statut, emprunteur)", response_headers=PAGED_HEADERS)
    async def list_loans(
        self,
        request: Request,
        status: FromQuery[str | None] = None,
        borrower_id: FromQuery[int | None] = None,
        limit: Limit = API_DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> Response[list[schemas.LoanView]]:
        where = None
        if status:
            where = Loan.status == status
        if borrower_id is not None:
            by_borrower = Loan.borrower == borrower_id
            where = by_borrower if where is None else where & by_borrower
        rows = await loans.list_loans(where, with_items=True, limit=limit, offset=offset)
        return paged_response(request, rows, await loans.count_loans(where), limit, offset)

    @get("/overdue", summary="Prêts en retard")
    async def overdue(self) -> list[schemas.LoanView]:
        return await followup.overdue_loans()

    @get("/due-soon", summary="Prêts à rendre bientôt")
    async def due_soon(self) -> list[schemas.LoanView]:
        return await followup.due_soon_loans()

    @post("/", summary="Réserver : refusé (409 unavailable) si un jour est déjà pris")
    async def create(
        self, request: Request, data: JSONBody[schemas.LoanCreate]
    ) -> schemas.LoanView:
        return await loans.create_loan(request.user, data)

    @get("/{number:str}", summary="Un prêt")
    async def get_loan(self, number: FromPath[str]) -> schemas.LoanView:
        return await loans.get_loan(number)

    @post("/{number:str}/extend", status_code=200, summary="Prolonger")
    async def extend(
        self, request: Request, number: FromPath[str], data: JSONBody[schemas.LoanExtend]
    ) -> schemas.LoanView:
        return await loans.extend_loan(request.user, number, data.due_date)

    @post(
        "/{number:str}/items",
        status_code=200,
        summary="Ajouter un appareil à une réservation, ou en remplacer un (replaces)",
    )
    async def add_item(
        self, request: Request, number: FromPath[str], data: JSONBody[schemas.LoanItemIn]
    ) -> schemas.LoanView:
        return await loan_changes.add_item(request.user, number, data.item, data.replaces)

    @delete("/{number:str}/items/{tag:str}", status_code=200, summary="Retirer un appareil")
    async def remove_item(
        self, request: Request, number: FromPath[str], tag: FromPath[str]
    ) -> schemas.LoanView:
        return await loan_changes.remove_item(request.user, number, tag)

    @post("/{number:str}/checkout", status_code=200, summary="Remise du matériel (check-out)")
    async def checkout(
        self, request: Request, number: FromPath[str], data: JSONBody[schemas.Checkout]
    ) -> schemas.LoanView:
        signature = signatures.from_api(data.signature)
        return await handover.check_out_loan(request.user, number, data.lines, signature)

    @post("/{number:str}/checkin", status_code=200, summary="Retour, total ou partiel")
    async def checkin(
        self, request: Request, number: FromPath[str], data: JSONBody[schemas.Checkin]
    ) -> schemas.LoanView:
        signature = signatures.from_api(data.signature)
        return await handover.check_in_loan(request.user, number, data.lines, signature)

    @post("/{number:str}/cancel", status_code=200, summary="Annuler une réservation")
    async def cancel(self, request: Request, number: FromPath[str]) -> schemas.LoanView:
        return await loans.cancel_loan(request.user, number)

    @post("/{number:str}/loss", status_code=200, summary="Déclarer des appareils perdus")
    async def loss(
        self, request: Request, number: FromPath[str], data: JSONBody[schemas.LossIn]
    ) -> schemas.LoanView:
        return await handover.declare_loss(request.user, number, data.items, data.note)

    @get(
        "/{number:str}/slip.pdf",
        summary="Bon de prêt (PDF ; signé : celui qui est conservé)",
        operation_class=file_answer("application/pdf"),
    )
    async def slip(self, number: FromPath[str]) -> Response[bytes] | Stream:
        return await slip(number, Moment.handover)

    @get(
        "/{number:str}/return-slip.pdf",
        summary="Bon de retour (PDF ; signé : le conservé)",
        operation_class=file_answer("application/pdf"),
    )
    async def return_slip(self, number: FromPath[str]) -> Response[bytes] | Stream:
        return await slip(number, Moment.return_)

    @get("/{number:str}/signatures", summary="Signatures recueillies sur la tablette")
    async def signatures(self, number: FromPath[str]) -> list[schemas.SignatureView]:
        return await signatures.views(await loans.get_loan(number))

    @get(
        "/{number:str}/signatures/{signature_id:int}/slip.pdf",
        summary="Le bon signé conservé pour une signature (son SHA-256 : slip_sha256)",
        operation_class=file_answer("application/pdf"),
    )
    async def signed_slip(self, number: FromPath[str], signature_id: FromPath[int]) -> Stream:
        return await slip_archive.kept_slip(number, signature_id)


class SlipApi(Controller):
    path = "/api/v1/slips"
    tags = ["prêts de matériel"]
    opt = STAFF

    @post(
        "/check",
        status_code=200,
        summary="Vérifier une copie de bon signé (le PDF en corps de requête) par son SHA-256",
        operation_class=raw_body("application/pdf", "La copie du bon signé (PDF), telle quelle"),
    )
    async def check(self, request: Request) -> schemas.SlipCheck:
        return await slip_archive.check_copy(await request.body())
