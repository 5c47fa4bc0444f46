"""Staff follow-up pages: calendar, late and due-soon loans, borrowers' history, booking rules."""

from __future__ import annotations

from datetime import date

from litestar import Controller, Request, get, post
from litestar.params import FromPath, FromQuery
from litestar.response import Redirect, Template

from equipment import availability, inventory, schemas
from equipment.followup import borrower_history, borrower_loans
from equipment.loans import count_loans
from equipment.page_queries import borrower, borrowers, follow_up
from equipment.pages_calendar import KIND_LABELS, describe_segment, draw, shift
from equipment.pages_forms import error_context, parse_day, parse_int, render, text
from equipment.pages_loans import STAFF
from equipment.tables import ItemType
from passnum import clock
from passnum.errors import DomainError
from passnum.pagination import paginate_fetch

RULE_FIELDS = {
    "min_notice_days": "Délai de réservation minimum (jours)",
    "max_duration_days": "Durée maximum d'un prêt, prolongations comprises (jours)",
    "max_items_per_borrower": "Nombre maximum d'appareils par emprunteur en même temps",
    "due_soon_days": "Rappel « à rendre bientôt » (jours avant la date de retour)",
    "max_extensions": "Prolongations qu'un emprunteur peut demander lui-même, par prêt",
}


def rules_page(values: dict, error: DomainError | None = None, done: str = "") -> Template:
    return render(
        "rules.html",
        error.status_code if error else 200,
        values=values,
        fields=RULE_FIELDS,
        done=done,
        **(error_context(error) if error else {}),
    )


class FollowUpPages(Controller):
    path = "/equipment"
    opt = STAFF
    include_in_schema = False

    @get("/calendar")
    async def calendar(
        self,
        request: Request,
        item_type: FromQuery[str] = "laptop",
        start: FromQuery[str] = "",
        weeks: FromQuery[str] = "4",
    ) -> Template:
        today = clock.today()
        kind = item_type if item_type in ItemType.__members__ else None
        try:
            first = parse_day(start, "start_date", required=False) or today
            count = parse_int(weeks, "weeks", "Nombre de semaines")
            found = await availability.calendar(kind, first, count)
        except DomainError as error:
            found = await availability.calendar(kind, today, 4)
            count = 4
            return self._calendar_page(request, found, kind, count, today, error)
        return self._calendar_page(request, found, kind, count, today)

    @staticmethod
    def _calendar_page(
        request: Request,
        found: schemas.Calendar,
        kind: str | None,
        weeks: int,
        today: date,
        error: DomainError | None = None,
    ) -> Template:
        return render(
            "calendar.html",
            error.status_code if error else 200,
            calendar=found,
            picture=draw(found, today),
            describe=lambda s: describe_segment(s, found.end_date),
            item_type=kind or "",
            weeks=weeks,
            previous=shift(found.start_date, weeks, -1),
            following=shift(found.start_date, weeks, 1),
            kind_labels=KIND_LABELS,
            ical_url=availability.ical_url(request.user.user_id),
            **(error_context(error) if error else {}),
        )

    @get("/follow-up")
    async def follow_up_page(self) -> Template:
        found = await follow_up()
        rules = await inventory.get_rules()
        return render("follow_up.html", follow=found, due_soon_days=rules.due_soon_days)

    @get("/borrowers")
    async def borrowers_page(self) -> Template:
        return render("borrowers.html", borrowers=await borrowers())

    @get("/borrowers/{borrower_id:int}")
    async def borrower_page(
        self, borrower_id: FromPath[int], page: FromQuery[str] = ""
    ) -> Template:
        found = await borrower(borrower_id)
        pager = await paginate_fetch(
            lambda limit, offset: borrower_history(borrower_id, limit, offset),
            await count_loans(borrower_loans(borrower_id)),
            page,
        )
        return render("borrower.html", borrower=found, loans=pager.items, pager=pager)

    @get("/rules")
    async def rules_form(self, done: FromQuery[str] = "") -> Template:
        current = inventory.rules_view(await inventory.get_rules())
        return rules_page({**{k: getattr(current, k) for k in RULE_FIELDS}}, done=done)

    @post("/rules")
    async def update_rules(self, request: Request) -> Template | Redirect:
        form = await request.form()
        values = {k: text(form, k) for k in RULE_FIELDS}
        try:
            numbers = {k: parse_int(v, k, RULE_FIELDS[k]) for k, v in values.items()}
            prefix = (await inventory.get_rules()).asset_tag_prefix
            await inventory.update_rules(
                request.user, schemas.Rules(**numbers, asset_tag_prefix=prefix)
            )
        except DomainError as error:
            return rules_page(values, error)
        return Redirect("/equipment/rules?done=1")
