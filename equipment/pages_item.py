"""The item page, what an asset label's QR code opens: ``/i/{ASSET_TAG}``.

Staff see everything: status, current and next bookings, maintenance (and can add or close one),
history. Anyone else who scans a label is NOT sent to a login form: someone who found a device
sees only whom it belongs to and whom to call — no loan, borrower or item detail, and the tag is
not even looked up, so the page cannot be used to probe the inventory. A logged-in user without
the staff role is refused (403) like on every other fleet page.
"""

from __future__ import annotations

import re

from litestar import Controller, Request, get, post
from litestar.exceptions import PermissionDeniedException
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from equipment import inventory, item_status, maintenance, schemas, stocktake
from equipment.followup import item_loans, upcoming_loans
from equipment.inventory import item_by_tag
from equipment.loans import count_loans, list_loans
from equipment.pages_forms import error_context, parse_cents, parse_day, render, text
from equipment.pages_loans import STAFF
from passnum import audit, clock
from passnum.auth import PUBLIC
from passnum.errors import DomainError
from passnum.pagination import paginate_fetch
from passnum.settings import get_settings

TAG_SHAPE = re.compile(r"^[A-Z0-9][A-Z0-9-]{0,19}$")
SETTABLE_STATUSES = ("available", "maintenance", "retired", "lost")


async def item_screen(
    tag: str,
    error: DomainError | None = None,
    page: str = "",
    historique: str = "",
    **context: object,
) -> Template:
    """The item page; its loans (``?page=``) and its history (``?historique=``) are paged apart."""
    item = await item_by_tag(tag)
    pager = await paginate_fetch(
        lambda limit, offset: list_loans(
            item_loans(item.id), with_items=True, limit=limit, offset=offset
        ),
        await count_loans(item_loans(item.id)),
        page,
        {audit.HISTORY_KEY: historique},
    )
    history = await audit.history_page("item", item.id, historique, {"page": page})
    return render(
        "item.html",
        error.status_code if error else 200,
        item=await inventory.get_item(item.asset_tag),
        upcoming=await upcoming_loans(item.id),
        loans=pager.items,
        pager=pager,
        records=await maintenance.list_maintenance(item.asset_tag),
        history=history.items,
        history_pager=history,
        today=clock.today(),
        last_seen=await stocktake.last_seen_on(item.id),
        statuses=SETTABLE_STATUSES,
        moves=moves_offered(error),
        **(error_context(error) if error else {}),
        **context,
    )


def moves_offered(error: DomainError | None) -> list[dict]:
    """A maintenance refused over booked days: each reservation it meets, with the devices of the
    same type free on its days (``free_devices``), for a button per device that moves it there."""
    conflicts = error.extra.get("conflicts") or [] if error else []
    return [c for c in conflicts if c.get("free_devices") is not None]


def found_page(tag: str) -> Template:
    settings = get_settings()
    shown = tag.strip().upper()
    return render(
        "item_found.html",
        tag=shown if TAG_SHAPE.match(shown) else "",
        operator_name=settings.operator_name,
        operator_phone=settings.operator_phone,
    )


class ItemPages(Controller):
    path = "/i"
    opt = STAFF
    include_in_schema = False

    @get("/{tag:str}", opt=PUBLIC)
    async def show(
        self,
        request: Request,
        tag: FromPath[str],
        done: FromQuery[str] = "",
        page: FromQuery[str] = "",
        historique: FromQuery[str] = "",
    ) -> Template:
        if request.user is None:
            return found_page(tag)
        if not request.user.is_staff:
            raise PermissionDeniedException("Accès refusé.")
        return await item_screen(tag, done=done, page=page, historique=historique)

    @post("/{tag:str}/maintenance")
    async def add_maintenance(self, request: Request, tag: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        try:
            await maintenance.schedule_maintenance(
                request.user,
                schemas.MaintenanceIn(
                    item=tag,
                    start_date=parse_day(text(form, "start_date"), "start_date"),
                    end_date=parse_day(text(form, "end_date"), "end_date", required=False),
                    description=text(form, "description"),
                    cost_cents=parse_cents(text(form, "cost"), "cost_cents"),
                ),
            )
        except DomainError as error:
            return await item_screen(tag, error)
        return Redirect(f"/i/{tag}?done=maintenance")

    @post("/{tag:str}/maintenance/{record_id:int}/close")
    async def close_maintenance(
        self, request: Request, tag: FromPath[str], record_id: FromPath[int]
    ) -> Template | Redirect:
        form = await request.form()
        cost = text(form, "cost")
        try:
            await maintenance.close_maintenance(
                request.user,
                record_id,
                schemas.MaintenanceClose(
                    end_date=parse_day(text(form, "end_date"), "end_date"),
                    description=text(form, "description") or None,
                    cost_cents=parse_cents(cost, "cost_cents") if cost else None,
                    data_wiped=text(form, "data_wiped") == "on",
                ),
            )
        except DomainError as error:
            return await item_screen(tag, error)
        return Redirect(f"/i/{tag}?done=maintenance-close")

    @post("/{tag:str}/status")
    async def set_status(self, request: Request, tag: FromPath[str]) -> Template | Redirect:
        form = await request.form()
        try:
            await item_status.set_item_status(
                request.user, tag, text(form, "status"), text(form, "note")
            )
        except DomainError as error:
            return await item_screen(tag, error)
        return Redirect(f"/i/{tag}?done=statut")
