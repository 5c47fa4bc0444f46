"""Building, submitting and paying statements; who may see which.

A build is set-based SQL in one transaction: create missing drafts (``ON CONFLICT DO NOTHING`` on
the unique (site, period_start)), attach every redeemed cheque that is on no statement yet
(``ON CONFLICT (cheque) DO NOTHING``), then recompute the drafts' totals from their lines.
Submitted and paid statements are never touched again.

A month is built only once it has ended. A cheque belongs to the month it was redeemed in: a build
takes that month's cheques, plus the cheques of an earlier month whose statement for their site was
already submitted (those alone are ``late``). A cheque of an earlier month not built yet waits for
its own month's build, whatever order months are built in. On PostgreSQL builds also queue on an
advisory lock, so two builds at once cannot compute totals from each other's half-written lines.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from passnum import audit, clock, vocabulary
from passnum.auth import Role
from passnum.auth.actor import Actor
from passnum.db import day_of, is_postgres, typed, write_transaction
from passnum.fr import de, format_month
from reimbursements.errors import refuse
from reimbursements.periods import month_end, next_month
from reimbursements.tables import PaymentRunItem, Statement, StatementLine, StatementStatus
from vouchers.choices import ChequeStatus

# A draft's figures from its lines, once for every recomputation: ``total_cents`` is what the
# site is paid (its cheques plus its compensations), the amount a payment run transfers.
TOTALS = (
    "cheque_count = (SELECT count(*) FROM statement_line l WHERE l.statement = statement.id), "
    "total_cents = (SELECT coalesce(sum(l.face_value_cents), 0) FROM statement_line l "
    "WHERE l.statement = statement.id) + (SELECT coalesce(sum(c.amount_cents), 0) "
    "FROM statement_compensation c WHERE c.statement = statement.id), "
    "late_count = (SELECT count(*) FROM statement_line l WHERE l.statement = statement.id "
    "AND l.late)"
)

BUILD_LOCK = 7_362_501  # arbitrary advisory-lock key for statement builds

STATUS_LABELS = {"draft": "Brouillon", "submitted": "Transmis", "paid": "Payé"}
statement_status_label = vocabulary.define("statement_status", STATUS_LABELS)


def _belonging() -> str:
    """Cheques a build of one month takes (placeholders: month start twice, next month start):
    redeemed that month, or earlier when their own month's statement for their site is no longer
    a draft; and on no statement yet."""
    return (
        f"c.status = '{ChequeStatus.redeemed}' AND c.site IS NOT NULL AND c.redeemed_at < {{}} "  # noqa: S608 - constants from the owning apps' enums
        "AND (c.redeemed_at >= {} OR EXISTS (SELECT 1 FROM statement o WHERE o.site = c.site "
        f"AND o.status <> '{StatementStatus.draft}' AND {day_of('c.redeemed_at')} "
        "BETWEEN o.period_start AND o.period_end)) "
        "AND NOT EXISTS (SELECT 1 FROM statement_line l WHERE l.cheque = c.id)"
    )


def _refuse_unended(start: date) -> None:
    stop = next_month(start)
    if stop > clock.today():
        raise refuse("month_not_ended", _of_month=de(format_month(start)), _stop=format_month(stop))


@dataclass(frozen=True)
class BuildResult:
    month: date
    statements: int
    cheques_added: int


def require_staff(actor: Actor | None) -> None:
    if actor is not None and not actor.is_staff:
        raise refuse("forbidden.staff")


async def build_statements(month: date, actor: Actor | None = None) -> BuildResult:
    """Draft statements of ``month`` for every site with cheques not yet on a statement.

    Safe to run again (and at the same time): it only adds what is missing to drafts.
    """
    require_staff(actor)
    start, stop = month.replace(day=1), next_month(month.replace(day=1))
    _refuse_unended(start)
    since = datetime.combine(start, datetime.min.time())
    until = datetime.combine(stop, datetime.min.time())
    async with write_transaction():
        if is_postgres():
            await Statement.raw("SELECT pg_advisory_xact_lock({})", BUILD_LOCK)
        await Statement.raw(
            "INSERT INTO statement (site, period_start, period_end, status, cheque_count, "  # noqa: S608 - constants from the owning apps' enums
            "total_cents, late_count, created_at, payment_reference) "
            f"SELECT DISTINCT c.site, {typed('date')}, {typed('date')}, "
            f"'{StatementStatus.draft}', 0, 0, 0, "
            f"{typed('timestamp')}, '' FROM cheque c WHERE "
            + _belonging()
            + " ON CONFLICT (site, period_start) DO NOTHING",
            start,
            month_end(start),
            clock.stamp(),
            until,
            since,
        )
        await _compensations_statements(start, until)
        added = await Statement.raw(
            "INSERT INTO statement_line (statement, cheque, funder, batch, face_value_cents, "  # noqa: S608 - constants from the owning apps' enums
            "redeemed_at, late) "
            "SELECT s.id, c.id, b.funder, b.id, b.face_value_cents, c.redeemed_at, "
            "c.redeemed_at < {} "
            "FROM cheque c JOIN booklet k ON k.id = c.booklet JOIN batch b ON b.id = k.batch "
            "JOIN statement s ON s.site = c.site AND s.period_start = {} "
            f"AND s.status = '{StatementStatus.draft}' "
            "WHERE " + _belonging() + " ON CONFLICT (cheque) DO NOTHING RETURNING id",
            since,
            start,
            until,
            since,
        )
        await Statement.raw(
            "INSERT INTO statement_compensation (statement, offline_scan, amount_cents, note) "  # noqa: S608 - constants from the owning apps' enums
            "SELECT s.id, o.id, o.compensation_cents, o.review_note FROM offline_scan o "
            "JOIN statement s ON s.site = o.site AND s.period_start = {} "
            f"AND s.status = '{StatementStatus.draft}' WHERE "
            + COMPENSATIONS_DUE
            + " ON CONFLICT (offline_scan) DO NOTHING",
            start,
            until,
        )
        # A redemption cancelled while its statement is still a draft leaves the draft.
        await Statement.raw(
            "DELETE FROM statement_line WHERE statement IN (SELECT id FROM statement WHERE "  # noqa: S608 - constants from the owning apps' enums
            f"period_start = {{}} AND status = '{StatementStatus.draft}') "
            "AND cheque IN (SELECT id FROM cheque "
            f"WHERE status <> '{ChequeStatus.redeemed}')",
            start,
        )
        await Statement.raw(
            "UPDATE statement SET "  # noqa: S608 - constants from the owning apps' enums
            + TOTALS
            + f" WHERE period_start = {{}} AND status = '{StatementStatus.draft}'",
            start,
        )
        drafts = await Statement.count().where(
            (Statement.period_start == start) & (Statement.status == StatementStatus.draft.value)
        )
        await audit.record(
            actor,
            "build_statements",
            "statement_month",
            start.isoformat()[:7],
            {"statements": drafts, "cheques_added": len(added)},
        )
    return BuildResult(start, drafts, len(added))


# Compensations staff decided (vouchers' offline review) before the end of the month being built
# and not yet on a statement: they go on the site's next statement (placeholder: month end).
COMPENSATIONS_DUE = (
    "o.review = 'compensate' AND o.compensation_cents > 0 AND o.reviewed_at < {} "
    "AND NOT EXISTS (SELECT 1 FROM statement_compensation sc WHERE sc.offline_scan = o.id)"
)


async def _compensations_statements(start: date, until: datetime) -> None:
    """A draft for each site owed a compensation this month, even without cheques."""
    await Statement.raw(
        "INSERT INTO statement (site, period_start, period_end, status, cheque_count, "  # noqa: S608 - constants from the owning apps' enums
        "total_cents, late_count, created_at, payment_reference) "
        f"SELECT DISTINCT o.site, {typed('date')}, {typed('date')}, "
        f"'{StatementStatus.draft}', 0, 0, 0, {typed('timestamp')}, '' FROM offline_scan o "
        "WHERE " + COMPENSATIONS_DUE + " ON CONFLICT (site, period_start) DO NOTHING",
        start,
        month_end(start),
        clock.stamp(),
        until,
    )


async def statement_compensations(statement_id: int) -> list[dict]:
    """The compensation lines of a statement (offline scans refused, compensated in good faith)."""
    return await Statement.raw(
        "SELECT sc.amount_cents, sc.note, o.scanned_at, c.code FROM statement_compensation sc "
        "JOIN offline_scan o ON o.id = sc.offline_scan LEFT JOIN cheque c ON c.id = o.cheque "
        "WHERE sc.statement = {} ORDER BY o.scanned_at",
        statement_id,
    )


def visible_sites(actor: Actor) -> frozenset[int] | None:
    """None for staff (every site), else the sites the actor works for."""
    return None if actor.is_staff else actor.organisation_ids(Role.site_agent)


async def get_statement(actor: Actor, statement_id: int) -> Statement:
    statement = await Statement.objects(Statement.site).where(Statement.id == statement_id).first()
    sites = visible_sites(actor)
    if statement is None or (sites is not None and statement.site.id not in sites):
        raise refuse("not_found.statement")
    return statement


def statements_query() -> Any:
    """Statements with their site: newest month first, then by site name (then id, for pages)."""
    return (
        Statement.objects(Statement.site)
        .order_by(Statement.period_start, ascending=False)
        .order_by(Statement.site.name)
        .order_by(Statement.id)
    )


def statement_filters(
    actor: Actor, month: date | None = None, status: str = "", site_id: int | None = None
) -> list[Any]:
    """The statements the actor may see, narrowed by month, status and site (Piccolo wheres)."""
    conditions: list[Any] = []
    sites = visible_sites(actor)
    if sites is not None:
        conditions.append(Statement.site.is_in(list(sites) or [0]))
    if month:
        conditions.append(Statement.period_start == month)
    if status in STATUS_LABELS:
        conditions.append(Statement.status == status)
    if site_id:
        conditions.append(Statement.site == site_id)
    return conditions


async def record_payment(
    actor: Actor,
    statement_id: int,
    paid_on: date,
    reference: str,
    payment_run: int | None = None,
) -> None:
    """Staff record that the site was paid (date and accounting reference). A statement in a
    payment run is paid only by that run (``payment_run``), never on its own."""
    require_staff(actor)
    reference = reference.strip()
    if not reference:
        raise refuse("invalid.payment_reference")
    if paid_on > clock.today():
        raise refuse("invalid.payment_in_future")
    in_run = PaymentRunItem.select(PaymentRunItem.statement)
    if payment_run:
        in_run = in_run.where(PaymentRunItem.run == payment_run)
    async with write_transaction():
        done = (
            await Statement.update(
                {
                    Statement.status: StatementStatus.paid.value,
                    Statement.paid_on: paid_on,
                    Statement.payment_reference: reference[:100],
                }
            )
            .where(
                (Statement.id == statement_id)
                & (Statement.status == "submitted")
                & (Statement.id.is_in(in_run) if payment_run else Statement.id.not_in(in_run))
            )
            .returning(Statement.id)
        )
        if (
            not done
            and not payment_run
            and await PaymentRunItem.exists().where(PaymentRunItem.statement == statement_id)
        ):
            raise refuse("in_payment_run")
        if not done:
            raise refuse("not_submitted.payment")
        await audit.record(
            actor,
            "pay",
            "statement",
            statement_id,
            {"paid_on": paid_on.isoformat(), "reference": reference},
        )


async def funder_totals(statement_id: int) -> list[dict]:
    """Per funder and face value: count and total, from the statement's lines."""
    return await StatementLine.raw(
        "SELECT o.name AS funder_name, l.face_value_cents AS face_value_cents, "
        "count(*) AS count, sum(l.face_value_cents) AS total_cents "
        "FROM statement_line l JOIN organisation o ON o.id = l.funder "
        "WHERE l.statement = {} GROUP BY o.name, l.face_value_cents ORDER BY o.name",
        statement_id,
    )


async def statement_lines(statement_id: int) -> list[dict]:
    return await StatementLine.raw(
        "SELECT c.code AS code, l.redeemed_at AS redeemed_at, c.activity AS activity, "
        "c.place AS place, o.name AS funder_name, l.face_value_cents AS face_value_cents, "
        "l.late AS late FROM statement_line l JOIN cheque c ON c.id = l.cheque "
        "JOIN organisation o ON o.id = l.funder WHERE l.statement = {} "
        "ORDER BY l.redeemed_at, c.code",
        statement_id,
    )
