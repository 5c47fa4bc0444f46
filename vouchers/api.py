"""The vouchers JSON API (``/api/v1/…``): thin handlers over :mod:`vouchers.services`."""

from __future__ import annotations

from datetime import date
from typing import Annotated

import msgspec
from litestar import Controller, Request, Response, delete, get, post
from litestar.params import FromPath, FromQuery, HeaderParameter, JSONBody

from passnum.auth import PUBLIC, Role, roles
from passnum.pagination import (
    API_DEFAULT_LIMIT,
    PAGED_HEADERS,
    Limit,
    Offset,
    paged_response,
)
from vouchers import schemas
from vouchers import services as svc

SCAN_AGENTS = {**roles(Role.site_agent), "rate_limit": "scan"}
SCAN_PUBLIC = {**PUBLIC, "rate_limit": "scan"}


class BatchApi(Controller):
    path = "/api/v1/batches"
    tags = ["pass numériques"]
    opt = roles(Role.staff)

    @post("/", summary="Créer un tirage (brouillon) avec ses carnets et chèques")
    async def create(self, request: Request, data: JSONBody[schemas.BatchIn]) -> schemas.Batch:
        return await svc.create_batch(request.user, data)

    @get(
        "/",
        opt=roles(Role.staff, Role.funder),
        summary="Tirages (financeur : les siens), du plus récent au plus ancien",
        response_headers=PAGED_HEADERS,
    )
    async def index(
        self, request: Request, limit: Limit = API_DEFAULT_LIMIT, offset: Offset = 0
    ) -> Response[list[schemas.Batch]]:
        rows = await svc.list_batches(request.user, limit=limit, offset=offset)
        total = await svc.count_batches(request.user)
        return paged_response(request, rows, total, limit, offset)

    @get("/{batch_id:int}", opt=roles(Role.staff, Role.funder), summary="Un tirage")
    async def detail(self, request: Request, batch_id: FromPath[int]) -> schemas.Batch:
        return await svc.get_batch(request.user, batch_id)

    @delete(
        "/{batch_id:int}",
        summary="Supprimer un tirage brouillon (non payé) avec ses carnets et chèques",
    )
    async def remove(self, request: Request, batch_id: FromPath[int]) -> None:
        await svc.delete_batch(request.user, batch_id)

    @post(
        "/{batch_id:int}/activate",
        status_code=200,
        summary="Activer un tirage payé (montant reçu, référence et date du paiement)",
    )
    async def activate(
        self,
        request: Request,
        batch_id: FromPath[int],
        data: JSONBody[schemas.ActivateIn | None] = None,
    ) -> schemas.Batch:
        return await svc.activate_batch(request.user, batch_id, data)


class StockApi(Controller):
    path = "/api/v1"
    tags = ["pass numériques"]

    @post("/allocations", opt=roles(Role.staff), summary="Attribuer ou déplacer des carnets")
    async def move(
        self, request: Request, data: JSONBody[schemas.StockMoveIn]
    ) -> schemas.StockMove:
        return await svc.move_booklets(request.user, data)

    @get("/stock", opt=roles(Role.staff, Role.prescriber), summary="Stock de carnets")
    async def stock(
        self, request: Request, organisation_id: FromQuery[int | None] = None
    ) -> list[schemas.StockLine]:
        return await svc.stock(request.user, organisation_id)


class BookletApi(Controller):
    path = "/api/v1"
    tags = ["pass numériques"]
    opt = roles(Role.prescriber)

    @post("/handouts", summary="Remettre un carnet à une personne")
    async def hand_out(
        self, request: Request, data: JSONBody[schemas.HandOutIn]
    ) -> schemas.HandOut:
        return await svc.hand_out_booklet(request.user, data)

    @get(
        "/handouts",
        summary="Carnets remis par ma structure, et leur utilisation",
        response_headers=PAGED_HEADERS,
    )
    async def feedback(
        self, request: Request, limit: Limit = API_DEFAULT_LIMIT, offset: Offset = 0
    ) -> Response[list[schemas.FeedbackBooklet]]:
        rows = await svc.prescriber_feedback(request.user, limit=limit, offset=offset)
        total = await svc.prescriber_feedback_count(request.user)
        return paged_response(request, rows, total, limit, offset)

    @get("/handouts/{number:str}", summary="Le reçu de remise d'un carnet (pour la personne)")
    async def receipt(self, request: Request, number: FromPath[str]) -> schemas.HandOut:
        return await svc.handover_receipt(request.user, number)

    @post(
        "/booklets/{number:str}/cancel",
        status_code=200,
        opt=roles(Role.staff, Role.prescriber),
        summary="Annuler un carnet perdu ou volé",
    )
    async def cancel(
        self, request: Request, number: FromPath[str], data: JSONBody[schemas.CancelIn]
    ) -> schemas.CancelledBooklet:
        return await svc.cancel_booklet(request.user, number, data.reason, data.note)

    @get("/search", opt=roles(Role.staff), summary="Recherche : numéro de carnet ou code")
    async def search(self, request: Request, q: FromQuery[str] = "") -> schemas.BookletHistory:
        return await svc.search(request.user, q)

    @get("/voucher-statistics", opt=roles(Role.staff, Role.funder), summary="Statistiques")
    async def statistics(self, request: Request) -> schemas.Statistics:
        return await svc.statistics(request.user)


class RedemptionApi(Controller):
    path = "/api/v1"
    tags = ["pass numériques"]

    @post("/redemptions", opt=SCAN_AGENTS, summary="Encaisser un chèque (scan)")
    async def redeem(
        self,
        request: Request,
        data: JSONBody[schemas.RedemptionIn],
        idempotency_key: Annotated[str | None, HeaderParameter(name="Idempotency-Key")] = None,
    ) -> Response[schemas.Redemption]:
        answer = await svc.run_idempotent(
            request.user.user_id,
            idempotency_key,
            msgspec.json.encode(data),
            lambda: svc.redeem_cheque(request.user, data),
        )
        # The body is a Redemption, or its JSON as first answered when a retry is replayed.
        return Response(answer.body, status_code=answer.status_code, headers=answer.headers)  # pyright: ignore[reportReturnType]

    @post(
        "/redemptions/{code:str}/reversal",
        status_code=200,
        opt=roles(Role.staff, Role.site_agent),
        summary="Annuler un encaissement fait par erreur (le chèque redevient valable)",
    )
    async def reverse(
        self, request: Request, code: FromPath[str], data: JSONBody[schemas.ReversalIn]
    ) -> schemas.Reversal:
        return await svc.reverse_redemption(request.user, code, data.reason)

    @get("/redemptions", opt=roles(Role.site_agent), summary="Chèques encaissés dans mon lieu")
    async def today(
        self, request: Request, day: FromQuery[date | None] = None
    ) -> list[schemas.SiteRedemption]:
        return await svc.site_redemptions(request.user, day)

    @get("/cheques/{code:str}", opt=SCAN_PUBLIC, summary="État public d'un chèque")
    async def cheque(self, code: FromPath[str]) -> schemas.ChequePublic:
        return await svc.cheque_status(code)


class OfflineApi(Controller):
    """Scanning without a network: the kit a scanner decides from, the batch it sends back."""

    path = "/api/v1"
    tags = ["pass numériques"]

    @get(
        "/offline-kit",
        opt=roles(Role.site_agent),
        summary="Kit hors connexion : empreintes des chèques acceptés dans mes lieux",
    )
    async def kit(self, request: Request) -> schemas.OfflineKit:
        return await svc.offline_kit(request.user)

    @post(
        "/redemptions/batch",
        status_code=200,
        opt=SCAN_AGENTS,
        summary="Envoyer les chèques acceptés hors connexion (idempotent par client_id)",
    )
    async def batch(
        self, request: Request, data: JSONBody[schemas.OfflineBatchIn]
    ) -> schemas.OfflineBatch:
        return await svc.sync_offline_scans(request.user, data)

    @get(
        "/offline-reviews",
        opt=roles(Role.staff),
        summary="Scans hors connexion refusés, à examiner (ou déjà décidés)",
    )
    async def reviews(
        self, request: Request, decided: FromQuery[bool] = False
    ) -> list[schemas.OfflineReview]:
        rows = await svc.offline_reviews(request.user, pending=not decided)
        return [msgspec.convert(row, schemas.OfflineReview) for row in rows]

    @post(
        "/offline-reviews/{scan_id:int}",
        status_code=200,
        opt=roles(Role.staff),
        summary="Décider : compenser le lieu ou non",
    )
    async def decide(
        self, request: Request, scan_id: FromPath[int], data: JSONBody[schemas.OfflineReviewIn]
    ) -> schemas.OfflineReviewDecision:
        await svc.decide_review(request.user, scan_id, data.decision, data.note)
        return schemas.OfflineReviewDecision(id=scan_id, decision=data.decision)


API_HANDLERS = [BatchApi, StockApi, BookletApi, RedemptionApi, OfflineApi]
