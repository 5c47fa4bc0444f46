"""Statements and credit notes: pages for sites, staff and funders, and the JSON API."""

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
from passnum.fr import de, format_euros, format_moment, format_month
from passnum.pagination import (
    API_DEFAULT_LIMIT,
    PAGED_HEADERS,
    Limit,
    Offset,
    paged_response,
    paginate_where,
    slice_where,
)
from reimbursements import documents, payment_runs, schemas, submission
from reimbursements import statements as svc
from reimbursements.credit_controllers import CREDIT_HANDLERS
from reimbursements.errors import refuse
from reimbursements.payment_run_controllers import PAYMENT_RUN_HANDLERS
from reimbursements.periods import parse_month, previous_month
from reimbursements.tables import Statement

PDF = "application/pdf"


def to_schema(s: Statement, totals: list[dict] | None = None) -> schemas.Statement:
    return schemas.Statement(
        id=s.id,
        site_id=s.site.id,
        site=s.site.name,
        period_start=s.period_start,
        period_end=s.period_end,
        status=s.status,
        cheque_count=s.cheque_count,
        late_count=s.late_count,
        total_cents=s.total_cents,
        submitted_at=s.submitted_at,
        paid_on=s.paid_on,
        payment_reference=s.payment_reference,
        number=s.number,
        site_siret=s.site_siret or None,
        bank_iban_masked=s.bank_iban_masked or None,
        submitted_by=s.submitted_by or None,
        funder_totals=None
        if totals is None
        else [
            schemas.FunderTotal(
                t["funder_name"], t["face_value_cents"], int(t["count"]), int(t["total_cents"])
            )
            for t in totals
        ],
    )


def _month_or_none(month: str) -> date | None:
    return parse_month(month) if month else None


async def _statement_out(actor, statement_id: int) -> schemas.Statement:
    s = await svc.get_statement(actor, statement_id)
    return to_schema(s, await svc.funder_totals(s.id))


async def _statements_page(
    actor,
    month: str = "",
    status: str = "",
    page: str = "",
    done: str = "",
    refused: DomainError | None = None,
    build_month: str = "",
) -> Template:
    """The list with its forms; ``refused``: why a build or a submission did not happen, said
    above the forms (the typed month kept in ``build_month``)."""
    error = None
    try:
        chosen = _month_or_none(month)
    except DomainError as bad_month:  # every month listed, the typed text kept and explained
        error, chosen = bad_month.message, None
    pager = await paginate_where(
        Statement,
        svc.statements_query(),
        svc.statement_filters(actor, chosen, status),
        page,
        {"month": "" if error else month, "status": status},
    )
    context = {
        "statements": pager.items,
        "pager": pager,
        "month": month,
        "status": status,
        "labels": svc.STATUS_LABELS,
        "month_label": format_month,
        "de": de,
        "default_month": f"{previous_month(clock.today()):%Y-%m}",
        "done": done,
        "error": error,
        "refused": refused.message if refused else "",
        "build_month": build_month,
    }
    status_code = refused.status_code if refused else 422 if error else 200
    return Template("reimbursements/statements.html", context=context, status_code=status_code)


class StatementPages(Controller):
    path = "/releves"
    opt = roles(Role.staff, Role.site_agent)
    include_in_schema = False

    @get("/")
    async def index(
        self,
        request: Request,
        month: FromQuery[str] = "",
        status: FromQuery[str] = "",
        page: FromQuery[str] = "",
    ) -> Template:
        return await _statements_page(request.user, month, status, page)

    @post("/transmettre", opt=roles(Role.staff))
    async def submit_many(self, request: Request) -> Template:
        """Ticked drafts: first a confirmation page (nothing changes), then the submission."""
        form = await request.form()
        ids = sorted({int(v) for v in form.getall("statement_ids", []) if str(v).isdigit()})
        if not ids:
            return await _statements_page(
                request.user, refused=refuse("invalid.no_statement_ticked")
            )
        if form.get("confirmation") != "oui":
            chosen = await svc.statements_query().where(Statement.id.is_in(ids))
            return Template(
                "reimbursements/submit_confirm.html",
                context={
                    "statements": chosen,
                    "total": sum(s.total_cents for s in chosen),
                    "year": clock.today().year,
                    "month_label": format_month,
                    "euros": format_euros,
                },
            )
        numbers = await submission.submit_statements(request.user, ids)
        done = (
            f"{len(numbers)} relevés transmis, n° {numbers[0]} à {numbers[-1]}."
            if len(numbers) > 1
            else f"Relevé transmis : n° {numbers[0]}."
        )
        return await _statements_page(request.user, status="submitted", done=done)

    @post("/construire", opt=roles(Role.staff))
    async def build(self, request: Request) -> Redirect | Template:
        typed = str((await request.form()).get("month", ""))
        try:
            month = parse_month(typed)
            await svc.build_statements(month, request.user)
        except DomainError as refused:  # the page again, the month kept, the reason above
            return await _statements_page(request.user, refused=refused, build_month=typed)
        return Redirect(f"/releves?month={month:%Y-%m}")

    @get("/{statement_id:int}")
    async def detail(
        self, request: Request, statement_id: FromPath[int], historique: FromQuery[str] = ""
    ) -> Template:
        s = await svc.get_statement(request.user, statement_id)
        context = {
            "s": s,
            "totals": await svc.funder_totals(s.id),
            "labels": svc.STATUS_LABELS,
            "lines": await svc.statement_lines(s.id),
            "compensations": await svc.statement_compensations(s.id),
            "month_label": format_month,
            "de": de,
            "masked": documents.masked,
            "activity": documents.line_activity,
            "today": clock.today(),
            "when": lambda v: format_moment(as_datetime(v)),
            "payment_run": await payment_runs.run_of(s.id) if request.user.is_staff else None,
            "cancelled_runs": (
                await payment_runs.cancelled_runs_of(s.id) if request.user.is_staff else []
            ),
        }
        if request.user.is_staff:
            history = await audit.history_page("statement", statement_id, historique)
            context["history"], context["history_pager"] = history.items, history
        return Template("reimbursements/statement.html", context=context)

    @get("/{statement_id:int}/pdf")
    async def pdf(self, request: Request, statement_id: FromPath[int]) -> Response[bytes]:
        s = await svc.get_statement(request.user, statement_id)
        return Response(
            await (submission.issued_pdf(s) if s.number else documents.statement_pdf(s)),
            media_type=PDF,
            headers=attachment(documents.statement_filename(s, "pdf")),
        )

    @get("/{statement_id:int}/csv")
    async def csv(self, request: Request, statement_id: FromPath[int]) -> Response[bytes]:
        s = await svc.get_statement(request.user, statement_id)
        return csv_response(
            await documents.statement_csv(s), documents.statement_filename(s, "csv")
        )

    @post("/{statement_id:int}/transmettre", opt=roles(Role.staff))
    async def submit(self, request: Request, statement_id: FromPath[int]) -> Redirect:
        await submission.submit_statements(request.user, [statement_id])
        return Redirect(f"/releves/{statement_id}")

    @post("/{statement_id:int}/paiement", opt=roles(Role.staff))
    async def pay(self, request: Request, statement_id: FromPath[int]) -> Redirect:
        form = await request.form()
        try:
            paid_on = date.fromisoformat(str(form.get("paid_on", "")))
        except ValueError as exc:
            raise refuse("invalid.payment_date") from exc
        await svc.record_payment(
            request.user, statement_id, paid_on, str(form.get("reference", ""))
        )
        return Redirect(f"/releves/{statement_id}")


class StatementApi(Controller):
    path = "/api/v1/statements"
    tags = ["remboursements"]
    opt = roles(Role.staff, Role.site_agent)

    @get(
        "/",
        summary="Relevés visibles (tous pour le Département, sinon ceux de son lieu)",
        response_headers=PAGED_HEADERS,
    )
    async def list_statements(
        self,
        request: Request,
        month: FromQuery[str] = "",
        status: FromQuery[str] = "",
        limit: Limit = API_DEFAULT_LIMIT,
        offset: Offset = 0,
    ) -> Response[list[schemas.Statement]]:
        conditions = svc.statement_filters(request.user, _month_or_none(month), status)
        rows, total = await slice_where(
            Statement, svc.statements_query(), conditions, limit, offset
        )
        return paged_response(request, [to_schema(s) for s in rows], total, limit, offset)

    @get("/{statement_id:int}", summary="Un relevé avec ses totaux par financeur")
    async def get_statement(
        self, request: Request, statement_id: FromPath[int]
    ) -> schemas.Statement:
        return await _statement_out(request.user, statement_id)

    @post(
        "/build",
        opt=roles(Role.staff),
        status_code=200,
        summary="Construire les brouillons d'un mois",
    )
    async def build(self, request: Request, data: JSONBody[schemas.BuildIn]) -> schemas.BuildOut:
        result = await svc.build_statements(parse_month(data.month), request.user)
        return schemas.BuildOut(f"{result.month:%Y-%m}", result.statements, result.cheques_added)

    @post(
        "/{statement_id:int}/submit",
        opt=roles(Role.staff),
        status_code=200,
        summary="Transmettre (fige le relevé)",
    )
    async def submit(self, request: Request, statement_id: FromPath[int]) -> schemas.Statement:
        await submission.submit_statements(request.user, [statement_id])
        return await _statement_out(request.user, statement_id)

    @post(
        "/submit",
        opt=roles(Role.staff),
        status_code=200,
        summary="Transmettre plusieurs relevés d'un coup (tous ou aucun), numérotés dans l'ordre",
    )
    async def submit_many(
        self, request: Request, data: JSONBody[schemas.SubmitIn]
    ) -> list[schemas.Statement]:
        await submission.submit_statements(request.user, data.statement_ids)
        return [await _statement_out(request.user, i) for i in sorted(set(data.statement_ids))]

    @post(
        "/{statement_id:int}/payment",
        opt=roles(Role.staff),
        status_code=200,
        summary="Enregistrer le paiement",
    )
    async def pay(
        self, request: Request, statement_id: FromPath[int], data: JSONBody[schemas.PaymentIn]
    ) -> schemas.Statement:
        await svc.record_payment(request.user, statement_id, data.paid_on, data.reference)
        return await _statement_out(request.user, statement_id)


ROUTE_HANDLERS = [StatementPages, StatementApi, *CREDIT_HANDLERS, *PAYMENT_RUN_HANDLERS]
