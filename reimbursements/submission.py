"""Submitting statements: from then on each is a numbered accounting document that never changes.

Several drafts are submitted in one transaction: their rows are switched to ``submitted`` by one
conditional UPDATE (a statement already submitted, or submitted at the same moment by someone else,
makes the whole request refused and rolled back), then each takes the next number of the year, in
id order, from :mod:`reimbursements.numbering` — last, so a refusal spends no number and no number
is ever skipped or given twice. The site's SIRET and the bank details in force that day are copied
onto the statement. Its PDF is rendered after commit and kept in the document storage, as issued.
"""

from __future__ import annotations

from organisations.tables import Organisation
from passnum import audit, clock, storage
from passnum.auth.actor import Actor
from passnum.db import is_postgres, write_transaction
from passnum.errors import DomainError
from reimbursements.bank import bank_record_in_force
from reimbursements.documents import statement_pdf
from reimbursements.errors import refuse
from reimbursements.numbering import next_number
from reimbursements.statements import BUILD_LOCK, require_staff
from reimbursements.tables import Statement, StatementStatus

PREFIX = "RL"
MAX_AT_ONCE = 500


def pdf_key(number: str) -> str:
    return f"reimbursements/releves/{number}.pdf"


async def submit_statements(actor: Actor, statement_ids: list[int]) -> list[str]:
    """Freeze and number these drafts (all or none); their numbers, in id order."""
    require_staff(actor)
    ids = sorted(set(statement_ids))
    if not ids or len(ids) > MAX_AT_ONCE:
        raise refuse("invalid.submission_size", _most=MAX_AT_ONCE)
    today = clock.today()
    signatory = actor.display_name or actor.email
    async with write_transaction():
        if is_postgres():
            # Queue with builds and reversals (they take it first too): one order of locks for
            # every writer of statements, so two overlapping bulk submissions cannot deadlock.
            await Statement.raw("SELECT pg_advisory_xact_lock({})", BUILD_LOCK)
        done = (
            await Statement.update(
                {
                    Statement.status: StatementStatus.submitted.value,
                    Statement.submitted_at: clock.stamp(),
                    Statement.submitted_by: signatory,
                }
            )
            .where(Statement.id.is_in(ids) & (Statement.status == StatementStatus.draft.value))
            .returning(Statement.id, Statement.site, Statement.total_cents)
        )
        if len(done) != len(ids):
            raise _not_draft(ids, {row["id"] for row in done})
        sites = {row["site"] for row in done}
        sirets = {
            r["id"]: r["siret"] or ""
            for r in await Organisation.select(Organisation.id, Organisation.siret).where(
                Organisation.id.is_in(list(sites))
            )
        }
        banks = {site: await bank_record_in_force(site, today) for site in sites}
        numbers = []
        for row in sorted(done, key=lambda r: r["id"]):
            number = await next_number(PREFIX, today.year)
            found = banks[row["site"]]
            bank = found[1] if found else None
            await Statement.update(
                {
                    Statement.number: number,
                    Statement.site_siret: sirets.get(row["site"], ""),
                    Statement.bank_details_id: found[0] if found else None,
                    Statement.bank_holder: bank.holder if bank else "",
                    Statement.bank_iban_masked: bank.iban_masked if bank else "",
                    Statement.bank_bic: bank.bic if bank else "",
                }
            ).where(Statement.id == row["id"])
            await audit.record(
                actor,
                "submit",
                "statement",
                row["id"],
                {"number": number, "total_cents": row["total_cents"]},
            )
            numbers.append(number)
    for row in sorted(done, key=lambda r: r["id"]):
        await keep_pdf(row["id"])
    return numbers


def _not_draft(wanted: list[int], switched: set[int]) -> DomainError:
    missing = [i for i in wanted if i not in switched]
    if len(wanted) == 1:
        return refuse("not_draft")
    return refuse("not_draft.many", _missing=len(missing), statement_ids=missing)


async def keep_pdf(statement_id: int) -> storage.StoredDocument:
    """Render a submitted statement and keep it in the document storage under its number."""
    statement = await Statement.objects(Statement.site).where(Statement.id == statement_id).first()
    assert statement is not None  # kept right after it is submitted
    pdf = await statement_pdf(statement)
    return await storage.put(pdf_key(statement.number), [pdf], "application/pdf")


async def issued_pdf(statement: Statement) -> bytes:
    """The PDF of a submitted statement as issued (kept at submission; rendered and kept again
    if it went missing)."""
    key = pdf_key(statement.number)
    if not await storage.exists(key):
        await keep_pdf(statement.id)
    opened = await storage.open(key)
    return b"".join([chunk async for chunk in opened])
