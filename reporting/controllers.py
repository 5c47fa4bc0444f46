"""Statistics and signals pages, CSV exports, and the same data as JSON under /api/v1."""

from __future__ import annotations

from datetime import date, timedelta
from urllib.parse import urlencode

from litestar import Controller, Request, get
from litestar.params import FromPath, FromQuery
from litestar.response import Stream, Template

from organisations.tables import Organisation
from passnum import clock
from passnum.auth import Role, roles
from passnum.csvout import csv_chunks, csv_stream
from passnum.errors import DomainError
from passnum.fr import format_month, format_number
from reporting import exports, schemas
from reporting.equipment_stats import equipment_stats
from reporting.pages_coverage import coverage_page
from reporting.scope import Filters, read_filters, with_territory
from reporting.signals import signals
from reporting.stats import Row, Statistics, statistics

DIMENSIONS = {
    "month": "Par mois de remise",
    "prescriber": "Par structure prescriptrice",
    "commune": "Par commune de la personne",
    "epci": "Par intercommunalité de la personne",
    "age_band": "Par tranche d'âge",
    "social_status": "Par situation",
    "need": "Par besoin exprimé",
}
REDEMPTION_DIMENSIONS = {
    "month": "Chèques encaissés par mois",
    "site": "Par lieu",
    "activity": "Par activité",
    "place": "Par lieu d'activité",
}


def month_in_words(key: str) -> str:
    """A "YYYY-MM" statistics key as people read it: "août 2026"."""
    try:
        return format_month(date.fromisoformat(f"{key}-01"))
    except ValueError:
        return key


def days_in_words(days: float) -> str:
    """36.5 -> "36,5 jours", 1 -> "1 jour"."""
    return f"{format_number(days)} jour{'s' if days >= 2 else ''}"


def _territory_query(f: Filters) -> str:
    """The query string that keeps the chosen commune or EPCI on the export links ("" if none)."""
    if f.commune:
        return "?" + urlencode({"commune": f.commune})
    return "?" + urlencode({"epci": f.epci}) if f.epci else ""


class StatisticsPages(Controller):
    path = "/statistiques"
    opt = roles(Role.staff, Role.funder)
    include_in_schema = False

    @get("/")
    async def index(
        self,
        request: Request,
        start: FromQuery[str] = "",
        end: FromQuery[str] = "",
        funder: FromQuery[str] = "",
        commune: FromQuery[str] = "",
        epci: FromQuery[str] = "",
    ) -> Template:
        error = None
        try:
            f = read_filters(request.user, start, end, funder)
        except DomainError as refused:
            if refused.code != "invalid":
                raise
            # The default period, the form shown again with what was wrong (not a bare error page).
            error = {"message": refused.message, "field": refused.field}
            f = read_filters(request.user, "", "", funder)
        try:
            f = await with_territory(f, commune, epci)
        except DomainError as refused:  # the figures of everywhere, the field kept and explained
            error = {"message": refused.message, "field": refused.field}
        funders = (
            await Organisation.select(Organisation.id, Organisation.name)
            .where(Organisation.is_funder.eq(True))
            .order_by(Organisation.name)
        )
        if f.funder_ids is not None and not request.user.is_staff:
            funders = [x for x in funders if x["id"] in f.funder_ids]
        context = {
            "s": await statistics(f),
            "f": f,
            "funder": funder,
            "funders": funders,
            "typed": {"commune": commune, "epci": epci},
            "error": error,
            "territory_query": _territory_query(f),
            "dimensions": DIMENSIONS,
            "redemption_dimensions": REDEMPTION_DIMENSIONS,
            "equipment": await equipment_stats(f) if request.user.is_staff else None,
            "month": month_in_words,
            "days": days_in_words,
        }
        return Template(
            "reporting/statistics.html", context=context, status_code=422 if error else 200
        )

    @get("/signaux", opt=roles(Role.staff))
    async def signals_page(self) -> Template:
        since = clock.today() - timedelta(days=92)
        return Template(
            "reporting/signals.html", context={"signals": await signals(since), "since": since}
        )

    @get("/exports/{filename:str}")
    async def export_csv(
        self,
        request: Request,
        filename: FromPath[str],
        commune: FromQuery[str] = "",
        epci: FromQuery[str] = "",
    ) -> Stream:
        # Litestar path parameters are whole segments: "redemptions.csv" arrives as one.
        name = filename.removesuffix(".csv")
        f = await with_territory(read_filters(request.user), commune, epci)
        export = exports.export_for(request.user, name, f)

        def convert(row: dict) -> list[object]:
            return [export.csv_cell(c, row[c]) for c in export.header]

        rows = exports.pages(export, f, convert)
        return csv_stream(csv_chunks(export.csv_header, rows), f"{name}.csv")


class ExportApi(Controller):
    path = "/api/v1/exports"
    tags = ["statistiques"]
    opt = roles(Role.staff, Role.funder)

    @get("/{name:str}", summary="Export paginé (redemptions, booklets, statements, loans, items)")
    async def export(
        self,
        request: Request,
        name: FromPath[str],
        after_id: FromQuery[int] = 0,
        limit: FromQuery[int] = 500,
        commune: FromQuery[str] = "",
        epci: FromQuery[str] = "",
    ) -> schemas.ExportPage:
        f = await with_territory(read_filters(request.user), commune, epci)
        export = exports.export_for(request.user, name, f)
        rows = await exports.page(export, f, after_id, max(1, min(limit, exports.PAGE)))
        items = [exports.json_row(export, r) for r in rows]
        return schemas.ExportPage(items=items, next_after_id=rows[-1]["id"] if rows else None)

    @get("/statistics", summary="Statistiques (mêmes chiffres que la page)")
    async def stats(
        self,
        request: Request,
        start: FromQuery[str] = "",
        end: FromQuery[str] = "",
        funder: FromQuery[str] = "",
        commune: FromQuery[str] = "",
        epci: FromQuery[str] = "",
    ) -> schemas.Statistics:
        f = await with_territory(read_filters(request.user, start, end, funder), commune, epci)
        return statistics_answer(f, await statistics(f))


def _row(r: Row) -> schemas.StatisticsRow:
    return schemas.StatisticsRow(
        label=r.label,
        booklets=r.booklets,
        redeemed=r.redeemed,
        rate=r.rate,
        never_used_share=r.never_share,
    )


def statistics_answer(f: Filters, s: Statistics) -> schemas.Statistics:
    """The statistics page's figures as the API gives them (codes and numbers, no words)."""
    cohort = {k: [_row(r) for r in rows] for k, rows in s.cohort.items()}
    counts = {
        k: [schemas.Count(label=a, count=n) for a, n in pairs] for k, pairs in s.redemptions.items()
    }
    return schemas.Statistics(
        # The territory the figures are about (people living there); null: everywhere.
        commune=schemas.Place(code=f.commune, name=f.commune_name) if f.commune else None,
        epci=schemas.Place(code=f.epci, name=f.epci_name) if f.epci else None,
        total=_row(s.total),
        redeemed_in_period=s.redeemed_in_period,
        median_days_to_first_use=s.median_days_to_first_use,
        cohort=schemas.Cohort(**cohort),
        redemptions=schemas.Redemptions(**counts),
    )


ROUTE_HANDLERS = [StatisticsPages, ExportApi, coverage_page]
