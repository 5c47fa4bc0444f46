"""Staff pages: print runs (create, activate, allocate, print), stock moves between prescriber
organisations, search by booklet number or cheque code with full history; and the funder's list."""

from __future__ import annotations

from datetime import date
from typing import Any

import anyio
from litestar import Controller, Request, Response, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from passnum import audit
from passnum.auth import Role, roles
from passnum.errors import DomainError
from passnum.fr import sort_key
from passnum.pagination import Page, paginate_fetch
from printing import BookletData, render_booklet
from territory.services import commune_names
from vouchers import jobs, pages_common, schemas
from vouchers import services as svc
from vouchers.errors import invalid, refuse
from vouchers.page_queries import organisations_with
from vouchers.pages_common import error_view, form_dict, int_or_none, page

BATCH_FIELDS = ("funder_id", "label", "booklet_count", "valid_from", "valid_until", "grace_days")
BATCH_FIELDS += ("face_value", "allowed_insee_codes")
MOVE_FIELDS = ("to_organisation_id", "from_organisation_id", "count", "first_number")
MOVE_FIELDS += ("last_number", "batch_id")


def _date(values: dict[str, str], name: str) -> date:
    try:
        return date.fromisoformat(values[name])
    except ValueError:
        raise invalid(name, "Indiquez une date valide (jj/mm/aaaa).") from None


def _cents(text: str) -> int:
    try:
        return round(float(text.replace(",", ".").replace("€", "").strip() or "10") * 100)
    except ValueError:
        raise invalid("face_value_cents", "Indiquez la valeur d'un chèque en euros.") from None


def _grace_days(text: str) -> int:
    """The grace period field: 31 days when empty; not a number gets the service's own message."""
    if not text.strip():
        return 31
    days = int_or_none(text)
    if days is None:
        raise invalid("grace_days", "Le délai de grâce doit aller de 0 à 366 jours.")
    return days


ACTIVATE_FIELDS = ("amount", "payment_reference", "paid_on", "difference_reason")


def activate_in(values: dict[str, str]) -> schemas.ActivateIn:
    """The activation form as the service's input: an empty or unreadable amount or date is
    left out, and the service names the missing field."""
    amount: int | None = None
    text = values["amount"].replace(" ", "").replace("\u00a0", "").replace("€", "")
    if text:
        try:
            amount = round(float(text.replace(",", ".")) * 100)
        except ValueError:
            raise invalid(
                "amount_cents", "Indiquez le montant reçu en euros (ex. 150,00)."
            ) from None
    paid_on = _date(values, "paid_on") if values["paid_on"] else None
    return schemas.ActivateIn(
        amount_cents=amount,
        payment_reference=values["payment_reference"],
        paid_on=paid_on,
        difference_reason=values["difference_reason"],
    )


def batch_in(values: dict[str, str]) -> schemas.BatchIn:
    """The create-batch form as the service's input; bad dates or numbers name their field."""
    return schemas.BatchIn(
        funder_id=int_or_none(values["funder_id"]) or 0,
        label=values["label"],
        booklet_count=int_or_none(values["booklet_count"]) or 0,
        valid_from=_date(values, "valid_from"),
        valid_until=_date(values, "valid_until"),
        face_value_cents=_cents(values["face_value"]),
        grace_days=_grace_days(values["grace_days"]),
        allowed_insee_codes=[c for c in values["allowed_insee_codes"].replace(",", " ").split()],
    )


def move_in(values: dict[str, str]) -> schemas.StockMoveIn:
    return schemas.StockMoveIn(
        to_organisation_id=int_or_none(values["to_organisation_id"]) or 0,
        from_organisation_id=int_or_none(values["from_organisation_id"]),
        batch_id=int_or_none(values["batch_id"]),
        count=int_or_none(values["count"]),
        first_number=values["first_number"] or None,
        last_number=values["last_number"] or None,
    )


async def batches_pager(actor: Any, number: str = "") -> Page[schemas.Batch]:
    """One page of the batches the actor may see (booklets counted for that page only)."""
    return await paginate_fetch(
        lambda limit, offset: svc.list_batches(actor, limit=limit, offset=offset),
        await svc.count_batches(actor),
        number,
    )


async def _batches_page(actor: Any, number: str = "", **context: Any) -> Template:
    pager = await batches_pager(actor, number)
    return page(
        "batches.html",
        batches=pager.items,
        pager=pager,
        funders=await organisations_with("funder"),
        values=context.pop("values", {"grace_days": "31", "face_value": "10"}),
        **context,
    )


async def _batch_page(actor: Any, batch_id: int, historique: str = "", **context: Any) -> Template:
    batch = await svc.get_batch(actor, batch_id)
    history = await audit.history_page("batch", batch_id, historique)
    return page(
        "batch.html",
        batch=batch,
        prescribers=await organisations_with("prescriber"),
        stock=[line for line in await svc.stock(actor) if line.batch_id == batch_id],
        job=await jobs.latest_job(batch_id),
        small=batch.booklet_count <= jobs.DIRECT_LIMIT,
        history=history.items,
        history_pager=history,
        # The perimeter's communes by name, never by code.
        communes=sorted((await commune_names(batch.allowed_insee_codes)).values(), key=sort_key),
        values=context.pop("values", {}),
        **context,
    )


class StaffBatchPages(Controller):
    path = "/staff/tirages"
    opt = roles(Role.staff)
    include_in_schema = False

    @get("/")
    async def index(self, request: Request, page: FromQuery[str] = "") -> Template:
        return await _batches_page(request.user, page)

    @post("/")
    async def create(self, request: Request) -> Template | Redirect:
        values = form_dict(await request.form(), *BATCH_FIELDS)
        try:
            batch = await svc.create_batch(request.user, batch_in(values))
        except DomainError as error:
            return await _batches_page(
                request.user, values=values, error=error_view(error), status_code=error.status_code
            )
        return Redirect(path=f"/staff/tirages/{batch.id}?cree=1")

    @get("/{batch_id:int}")
    async def detail(
        self, request: Request, batch_id: FromPath[int], historique: FromQuery[str] = ""
    ) -> Template:
        return await _batch_page(request.user, batch_id, historique)

    @post("/{batch_id:int}/activer")
    async def activate(self, request: Request, batch_id: FromPath[int]) -> Template:
        values = form_dict(await request.form(), *ACTIVATE_FIELDS)
        try:
            await svc.activate_batch(request.user, batch_id, activate_in(values))
        except DomainError as error:
            return await _batch_page(
                request.user,
                batch_id,
                values=values,
                error=error_view(error),
                status_code=error.status_code,
            )
        return await _batch_page(
            request.user, batch_id, done="Tirage activé : ses carnets peuvent être remis."
        )

    @post("/{batch_id:int}/supprimer")
    async def remove(self, request: Request, batch_id: FromPath[int]) -> Template:
        form = await request.form()
        try:
            if form.get("confirmation") != "oui":  # the box is required by the browser too
                raise refuse("invalid.deletion_unticked", field="confirmation")
            label = await svc.delete_batch(request.user, batch_id)
        except DomainError as error:
            return await _batch_page(
                request.user, batch_id, error=error_view(error), status_code=error.status_code
            )
        return await _batches_page(
            request.user,
            done=f"Tirage « {label} » supprimé, avec ses carnets et leurs chèques.",
        )

    @post("/{batch_id:int}/attribuer")
    async def allocate(self, request: Request, batch_id: FromPath[int]) -> Template:
        values = form_dict(await request.form(), *MOVE_FIELDS)
        values["batch_id"] = str(batch_id)
        try:
            moved = await svc.move_booklets(request.user, move_in(values))
        except DomainError as error:
            return await _batch_page(
                request.user,
                batch_id,
                values=values,
                error=error_view(error),
                status_code=error.status_code,
            )
        done = (
            f"{moved.count} carnet(s) attribué(s), n° {moved.first_number} à {moved.last_number}."
        )
        return await _batch_page(request.user, batch_id, done=done)

    @get("/{batch_id:int}/carnets.pdf")
    async def batch_pdf(self, request: Request, batch_id: FromPath[int]) -> Response:
        """A small batch straight away; a large one goes through a background print job."""
        batch = await svc.get_batch(request.user, batch_id)
        if batch.booklet_count > jobs.DIRECT_LIMIT:
            raise invalid(
                "batch", "Ce tirage est trop grand : lancez l'impression en arrière-plan."
            )
        booklets: list[BookletData] = []
        async for chunk in svc.batch_print_chunks(batch_id):
            booklets.extend(chunk)
        pdf = await anyio.to_thread.run_sync(jobs.render_all, booklets)
        return _pdf(pdf, f"tirage-{batch_id}.pdf")


def _pdf(content: bytes, filename: str) -> Response:
    return Response(
        content,
        media_type="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


class StaffStockPages(Controller):
    path = "/staff"
    opt = roles(Role.staff)
    include_in_schema = False

    @get("/stock")
    async def stock(self, request: Request) -> Template:
        return await _stock_page(request.user)

    @post("/stock")
    async def move(self, request: Request) -> Template:
        values = form_dict(await request.form(), *MOVE_FIELDS)
        try:
            moved = await svc.move_booklets(request.user, move_in(values))
        except DomainError as error:
            return await _stock_page(
                request.user, values=values, error=error_view(error), status_code=error.status_code
            )
        done = f"{moved.count} carnet(s) déplacé(s), n° {moved.first_number} à {moved.last_number}."
        return await _stock_page(request.user, done=done)

    @get("/recherche")
    async def search(self, request: Request, q: FromQuery[str] = "") -> Template:
        if not q.strip():
            return page("search.html", q="")
        try:
            found = await svc.search(request.user, q)
        except DomainError as error:
            return page("search.html", q=q, error=error_view(error), status_code=error.status_code)
        return page("search.html", q=q, found=found)

    @post("/recherche/annuler")
    async def reverse(self, request: Request) -> Template:
        """Reverse a redemption from a booklet's history, then show that history again."""
        values = form_dict(await request.form(), "code", "reason", "q")
        q = values["q"] or values["code"]
        try:
            done = await svc.reverse_redemption(request.user, values["code"], values["reason"])
        except DomainError as error:
            found = await svc.search(request.user, q)
            return page(
                "search.html",
                q=q,
                found=found,
                error=error_view(error),
                status_code=error.status_code,
            )
        message = f"Encaissement du chèque {done.code_display} annulé : il est de nouveau valable."
        return page("search.html", q=q, found=await svc.search(request.user, q), done=message)

    @get("/carnets/{number:str}/pdf")
    async def booklet_pdf(self, number: FromPath[str]) -> Response:
        data = await svc.booklet_print_data(number)
        pdf = await anyio.to_thread.run_sync(render_booklet, data)
        return _pdf(pdf, f"carnet-{data.number}.pdf")


async def _stock_page(actor: Any, **context: Any) -> Template:
    return page(
        "staff_stock.html",
        lines=await svc.stock(actor),
        prescribers=await organisations_with("prescriber"),
        values=context.pop("values", {}),
        **context,
    )


@get("/financeur/tirages", opt=roles(Role.funder), include_in_schema=False)
async def funder_batches(request: Request, page: FromQuery[str] = "") -> Template:
    pager = await batches_pager(request.user, page)
    return pages_common.page("funder_batches.html", batches=pager.items, pager=pager)


STAFF_PAGE_HANDLERS = [StaffBatchPages, StaffStockPages, funder_batches]
