"""Inventory audit pages: open an audit, scan the labels on the shelf, close it; past audits.

The scan form takes what a hand scanner types (the Code 128 asset tag, then Enter), what the
phone camera reads (the QR's item URL, through the scanner's reader ``scanner.js``) or a tag typed
by hand. After each scan the page comes back with the verdict on top and the field ready for the
next label.
"""

from __future__ import annotations

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from equipment import stocktake
from equipment.pages_forms import error_context, render, text
from equipment.pages_loans import STAFF
from passnum.errors import DomainError
from passnum.pagination import paginate_fetch


async def take_page(take_id: int, status_code: int = 200, **context: object) -> Template:
    report = await stocktake.stock_take_report(take_id)
    tags = [*report.seen, *report.missing, *report.seen_but_marked_elsewhere]
    return render(
        "stock_take.html",
        status_code,
        take=report,
        opened_at=report.opened_at,
        closed_at=report.closed_at,
        devices=await stocktake.device_details(tags),
        **context,
    )


class StockTakePages(Controller):
    path = "/equipment/inventaires"
    opt = STAFF
    include_in_schema = False

    @get("/")
    async def index(self, page: FromQuery[str | None] = None) -> Template:
        pager = await paginate_fetch(
            stocktake.list_stock_takes, await stocktake.count_stock_takes(), page, {}
        )
        return render("stock_takes.html", takes=pager.items, pager=pager)

    @post("/")
    async def open(self, request: Request) -> Redirect:
        take = await stocktake.open_stock_take(request.user)
        return Redirect(f"/equipment/inventaires/{take.id}")

    @get("/{take_id:int}")
    async def detail(self, take_id: FromPath[int]) -> Template:
        return await take_page(take_id)

    @post("/{take_id:int}/scans")
    async def scan(self, request: Request, take_id: FromPath[int]) -> Template:
        code = text(await request.form(), "code")
        try:
            await stocktake.scan(request.user, take_id, code)
        except DomainError as error:
            if error.code == "not_found" and not await stocktake.exists(take_id):
                raise
            return await take_page(take_id, error.status_code, code=code, **error_context(error))
        tag = stocktake.tag_of(code)
        return await take_page(take_id, scanned=tag)

    @post("/{take_id:int}/cloturer")
    async def close(self, request: Request, take_id: FromPath[int]) -> Template:
        try:
            await stocktake.close_stock_take(request.user, take_id)
        except DomainError as error:
            if error.code == "not_found":
                raise
            return await take_page(take_id, error.status_code, **error_context(error))
        return await take_page(take_id, done="clos")
