"""Payment runs (virements): staff pages and the JSON API."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery, JSONBody
from litestar.response import Redirect, Response, Template

from passnum import audit, clock
from passnum.auth import Role, roles
from passnum.csvout import attachment, csv_response
from passnum.db import as_datetime
from passnum.errors import DomainError
from passnum.fr import format_date, format_euros, format_moment, format_month
from passnum.openapi_bodies import file_answer
from reimbursements import payment_runs as runs
from reimbursements import schemas
from reimbursements.errors import refuse
from reimbursements.tables import PaymentRun

STAFF = roles(Role.staff)


async def run_out(run: PaymentRun) -> schemas.PaymentRun:
    return schemas.PaymentRun(
        id=run.id,
        reference=run.reference,
        state=run.state,
        statement_count=run.statement_count,
        total_cents=run.total_cents,
        transfer_cents=run.transfer_cents,
        treasury_cents=run.treasury_cents,
        execution_date=run.execution_date,
        created_at=run.created_at,
        paid_on=run.paid_on,
        cancelled_at=run.cancelled_at,
        cancelled_by=run.cancelled_by,
        cancellation_reason=run.cancellation_reason,
        lines=[
            schemas.PaymentRunLine(
                statement_id=line.statement_id,
                number=line.number,
                site_id=line.site_id,
                site=line.site,
                amount_cents=line.amount_cents,
                treasury=line.treasury,
                iban_masked=line.iban_masked,
            )
            for line in await runs.run_lines(run.id)
        ],
    )


async def _sepa(request: Request, run_id: int) -> Response[bytes]:
    run = await runs.get_run(request.user, run_id)
    return Response(
        await runs.kept_file(run, "sepa"),
        media_type=runs.SEPA_MEDIA_TYPE,
        headers=attachment(f"{run.reference}-sepa.xml"),
    )


async def _csv(request: Request, run_id: int) -> Response[bytes]:
    run = await runs.get_run(request.user, run_id)
    return csv_response(await runs.kept_file(run, "csv"), f"{run.reference}-mandats.csv")


def _common() -> dict:
    return {
        "euros": format_euros,
        "day": format_date,
        "month_label": format_month,
        "when": lambda v: format_moment(as_datetime(v)) if v else "",
        "today": clock.today(),
    }


class PaymentRunPages(Controller):
    path = "/virements"
    opt = STAFF
    include_in_schema = False

    @get("/")
    async def index(self, request: Request) -> Template:
        context = _common()
        context["runs"] = await PaymentRun.objects().order_by(PaymentRun.id, ascending=False)
        context["payable"] = await runs.payable_statements()
        return Template("reimbursements/payment_runs.html", context=context)

    @post("/")
    async def create(self, request: Request) -> Redirect:
        form = await request.form()
        ids = sorted({int(v) for v in form.getall("statement_ids", []) if str(v).isdigit()})
        if not ids:
            raise refuse("invalid.no_statement_to_pay")
        run = await runs.create_run(request.user, ids, _day(form.get("execution_date")))
        return Redirect(f"/virements/{run.id}")

    @get("/{run_id:int}")
    async def detail(
        self, request: Request, run_id: FromPath[int], historique: FromQuery[str] = ""
    ) -> Template:
        return await _run_page(request, run_id, historique=historique)

    @get("/{run_id:int}/sepa.xml")
    async def sepa(self, request: Request, run_id: FromPath[int]) -> Response[bytes]:
        return await _sepa(request, run_id)

    @get("/{run_id:int}/mandats.csv")
    async def csv(self, request: Request, run_id: FromPath[int]) -> Response[bytes]:
        return await _csv(request, run_id)

    @post("/{run_id:int}/paiement")
    async def paid(self, request: Request, run_id: FromPath[int]) -> Redirect:
        form = await request.form()
        paid_on = _day(form.get("paid_on"))
        if paid_on is None:
            raise refuse("invalid.payment_date")
        await runs.mark_paid(request.user, run_id, paid_on)
        return Redirect(f"/virements/{run_id}")

    @post("/{run_id:int}/annulation")
    async def cancel(self, request: Request, run_id: FromPath[int]) -> Template | Redirect:
        form = await request.form()
        reason = str(form.get("reason") or "")
        try:
            if form.get("confirmation") != "oui":
                raise refuse("invalid.cancellation_unticked")
            await runs.cancel_run(request.user, run_id, reason)
        except DomainError as error:
            return await _run_page(
                request, run_id, error=error.message, reason=reason, status=error.status_code
            )
        return Redirect(f"/virements/{run_id}")


async def _run_page(
    request: Request,
    run_id: int,
    *,
    historique: str = "",
    error: str = "",
    reason: str = "",
    status: int = 200,
) -> Template:
    run = await runs.get_run(request.user, run_id)
    history = await audit.history_page("payment_run", run.id, historique)
    context = {
        **_common(),
        "run": run,
        "lines": await runs.run_lines(run.id),
        "error": error,
        "reason": reason,
        "history": history.items,
        "history_pager": history,
    }
    return Template("reimbursements/payment_run.html", context=context, status_code=status)


def _day(value: object) -> date | None:
    if not value:
        return None
    try:
        return date.fromisoformat(str(value))
    except ValueError as exc:
        raise refuse("invalid.date") from exc


class PaymentRunApi(Controller):
    path = "/api/v1/payment-runs"
    tags = ["remboursements"]
    opt = STAFF

    @get("/", summary="Virements (du plus récent au plus ancien)")
    async def list_runs(self, request: Request) -> list[schemas.PaymentRun]:
        return [
            await run_out(r)
            for r in await PaymentRun.objects().order_by(PaymentRun.id, ascending=False)
        ]

    @post("/", summary="Créer un virement des relevés transmis choisis (tous ou aucun)")
    async def create(
        self, request: Request, data: JSONBody[schemas.PaymentRunIn]
    ) -> schemas.PaymentRun:
        run = await runs.create_run(request.user, data.statement_ids, data.execution_date)
        return await run_out(await runs.get_run(request.user, run.id))

    @get("/{run_id:int}", summary="Un virement et ses relevés")
    async def get_run(self, request: Request, run_id: FromPath[int]) -> schemas.PaymentRun:
        return await run_out(await runs.get_run(request.user, run_id))

    @get(
        "/{run_id:int}/sepa.xml",
        summary="Le fichier de virement SEPA (pain.001.001.03) des lieux payés par virement",
        operation_class=file_answer(runs.SEPA_MEDIA_TYPE),
    )
    async def sepa(self, request: Request, run_id: FromPath[int]) -> Response[bytes]:
        return await _sepa(request, run_id)

    @get(
        "/{run_id:int}/mandats.csv",
        summary="Les mandats des lieux payés par le Trésor (régie), pour la comptabilité publique",
        operation_class=file_answer("text/csv"),
    )
    async def csv(self, request: Request, run_id: FromPath[int]) -> Response[bytes]:
        return await _csv(request, run_id)

    @post(
        "/{run_id:int}/paid",
        status_code=200,
        summary="Le virement est payé : chaque relevé est payé avec sa référence",
    )
    async def paid(
        self, request: Request, run_id: FromPath[int], data: JSONBody[schemas.PaymentRunPaidIn]
    ) -> schemas.PaymentRun:
        run = await runs.mark_paid(request.user, run_id, data.paid_on)
        return await run_out(run)

    @post(
        "/{run_id:int}/cancellation",
        status_code=200,
        summary="Annuler un virement préparé (pas encore payé), avec son motif : ses relevés "
        "peuvent aller dans un autre virement ; il garde sa référence et ses fichiers",
    )
    async def cancel(
        self,
        request: Request,
        run_id: FromPath[int],
        data: JSONBody[schemas.PaymentRunCancellationIn],
    ) -> schemas.PaymentRun:
        return await run_out(await runs.cancel_run(request.user, run_id, data.reason))


PAYMENT_RUN_HANDLERS = [PaymentRunPages, PaymentRunApi]
