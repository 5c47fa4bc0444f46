"""Benchmark data made with bulk SQL (services would take minutes) but shaped exactly as the
services leave it: an active, paid batch; booklets allocated (``holder``, ``allocated_at``) or
handed out (``issued_at``, ``issued_by``, a consenting beneficiary); five valid cheques each with
a real code; users with bearer tokens. Then, after a run, the database is checked.

Import only after PASSNUM_DATABASE_URL / PASSNUM_DATA_DIR are set (the engine is chosen then).
"""

from __future__ import annotations

import json
import random
from dataclasses import dataclass
from datetime import timedelta

from piccolo.apps.user.tables import BaseUser
from piccolo.query.functions.aggregate import Count
from piccolo.table import Table

from organisations.services import create_user
from organisations.tables import Organisation, SiteStatus
from passnum import clock
from passnum.auth import Role
from passnum.auth.tokens import create_token
from passnum.db import write_transaction
from passnum.tables import AuditEntry
from vouchers.codes import booklet_number, new_code
from vouchers.tables import Batch, Beneficiary, Booklet, Cheque, ScanAttempt

# Bench accounts log in only with tokens: a cheap hash keeps the set-up quick.
BaseUser._pbkdf2_iteration_count = 1_000
PASSWORD = "bench-passnum-2026"  # noqa: S105 - throw-away benchmark database
CHUNK = 1_000


@dataclass
class Account:
    email: str
    user_id: int
    organisation_id: int
    token: str


async def accounts(role: Role, count: int) -> list[Account]:
    """``count`` users of ``role``, each in a different organisation able to hold it."""
    flag = Organisation.is_site if role == Role.site_agent else Organisation.is_prescriber
    query = Organisation.select(Organisation.id).where(flag.eq(True))
    if role == Role.site_agent:
        query = query.where(Organisation.site_status == SiteStatus.qualified.value)
    orgs = [r["id"] for r in await query.order_by(Organisation.id).limit(count)]
    made = []
    for i, org in enumerate(orgs):
        email = f"bench.{role.value}.{i}@bench.passnum.test"
        user = await create_user(email, PASSWORD, org, role)
        made.append(Account(email, user.id, org, await create_token(email, "bench")))
    return made


async def insert_rows(table: type[Table], columns: tuple[str, ...], rows: list[tuple]) -> None:
    """Multi-row INSERTs of CHUNK rows (bound parameters; names are constants of this module)."""
    names = ", ".join(f'"{c}"' for c in columns)
    one = "(" + ", ".join("{}" for _ in columns) + ")"
    for start in range(0, len(rows), CHUNK):
        chunk = rows[start : start + CHUNK]
        sql = f'INSERT INTO "{table._meta.tablename}" ({names}) VALUES '  # noqa: S608
        await table.raw(sql + ", ".join(one for _ in chunk), *(v for row in chunk for v in row))


@dataclass
class BenchBatch:
    batch_id: int
    numbers: list[tuple[str, int]]  # (booklet number, holder organisation)
    codes: list[str]  # every cheque code, shuffled


async def make_batch(holders: list[Account], booklets: int, issued: bool) -> BenchBatch:
    """An active batch whose booklets are spread over ``holders``' organisations, either handed
    out (ready to redeem) or allocated (ready to hand out)."""
    at = clock.stamp()
    async with write_transaction():
        funder = (
            await Organisation.select(Organisation.id)
            .where(Organisation.is_funder.eq(True))
            .first()
        )
        last = await Booklet.select(Booklet.serial).order_by(Booklet.serial, ascending=False)
        first_serial = (last[0]["serial"] if last else 1_000_000) + 1
        batch = Batch(
            funder=funder["id"],
            label=f"Benchmark {at:%Y-%m-%d %H:%M}",
            booklet_count=booklets,
            first_serial=first_serial,
            valid_from=clock.today() - timedelta(days=30),
            valid_until=clock.today() + timedelta(days=365),
            status="active",
            paid_at=at,
        )
        await batch.save()
        owners = [holders[i % len(holders)] for i in range(booklets)]
        beneficiaries: list[int | None] = [None] * booklets
        if issued:
            needs = json.dumps(["admin", "email"])
            await insert_rows(
                Beneficiary,
                ("prescriber", "reference", "insee_code", "age_band", "needs", "consent"),
                [
                    (o.organisation_id, f"bench-{i}", "50502", "70_plus", needs, True)
                    for i, o in enumerate(owners)
                ],
            )
            made = (
                await Beneficiary.select(Beneficiary.id)
                .where(Beneficiary.reference.like("bench-%"))
                .order_by(Beneficiary.id)
                .output(as_list=True)
            )
            beneficiaries = made[-booklets:]
        status = "issued" if issued else "allocated"
        serials = range(first_serial, first_serial + booklets)
        rows = [
            (
                booklet_number(s),
                s,
                batch.id,
                status,
                o.organisation_id,
                at,
                at if issued else None,
                o.user_id if issued else None,
                b,
            )
            for s, o, b in zip(serials, owners, beneficiaries, strict=True)
        ]
        await insert_rows(
            Booklet,
            (
                "number",
                "serial",
                "batch",
                "status",
                "holder",
                "allocated_at",
                "issued_at",
                "issued_by",
                "beneficiary",
            ),
            rows,
        )
        ids = (
            await Booklet.select(Booklet.id)
            .where(Booklet.batch == batch.id)
            .order_by(Booklet.serial)
            .output(as_list=True)
        )
        cheques = [(b, position, new_code()) for b in ids for position in range(1, 6)]
        await insert_rows(Cheque, ("booklet", "position", "code"), cheques)
    codes = [c[2] for c in cheques]
    random.Random(8).shuffle(codes)  # cheques of one booklet are not scanned back to back
    return BenchBatch(batch.id, [(r[0], r[4]) for r in rows], codes)


async def counts() -> dict[str, int]:
    """Ledger and audit totals, taken before and after a run to compare with the answers."""
    return {
        "scans_redeemed": await ScanAttempt.count().where(ScanAttempt.result == "redeemed"),
        "audit_redeem": await AuditEntry.count().where(AuditEntry.action == "redeem"),
        "audit_hand_out": await AuditEntry.count().where(AuditEntry.action == "hand_out"),
        "beneficiaries": await Beneficiary.count(),
    }


async def check_redemptions(batch_id: int, answered: list[str], before: dict) -> list[str]:
    """Problems found in the database after a redemption run (empty list: all consistent)."""
    problems = []
    if len(set(answered)) != len(answered):
        problems.append("a code was answered 'redeemed' twice")
    rows = (
        await Cheque.select(Cheque.code)
        .where((Cheque.booklet.batch == batch_id) & (Cheque.status == "redeemed"))
        .output(as_list=True)
    )
    if set(rows) != set(answered):
        problems.append(f"{len(rows)} cheques redeemed in the database, {len(answered)} answered")
    twice = (
        await ScanAttempt.select(ScanAttempt.cheque, Count(alias="n"))
        .where(ScanAttempt.result == "redeemed")
        .group_by(ScanAttempt.cheque)
    )
    if doubled := [r for r in twice if r["n"] > 1]:
        problems.append(f"{len(doubled)} cheques have several 'redeemed' ledger rows")
    after = await counts()
    for key in ("scans_redeemed", "audit_redeem"):
        if after[key] - before[key] != len(answered):
            problems.append(f"{key} grew by {after[key] - before[key]}, not {len(answered)}")
    booklets = await Booklet.select(Booklet.used_count, Booklet.status).where(
        Booklet.batch == batch_id
    )
    if sum(b["used_count"] for b in booklets) != len(answered):
        problems.append("booklet used counts do not add up to the redemptions")
    if any((b["used_count"] >= 5) != (b["status"] == "exhausted") for b in booklets):
        problems.append("a booklet's exhausted status disagrees with its used count")
    return problems


async def check_handouts(batch_id: int, answered: list[str], before: dict) -> list[str]:
    problems = []
    issued = (
        await Booklet.select(Booklet.number)
        .where(
            (Booklet.batch == batch_id)
            & (Booklet.status == "issued")
            & Booklet.beneficiary.is_not_null()
            & Booklet.issued_by.is_not_null()
        )
        .output(as_list=True)
    )
    if sorted(issued) != sorted(answered) or len(set(answered)) != len(answered):
        problems.append(
            f"{len(issued)} booklets handed out in the database, {len(answered)} answered"
        )
    after = await counts()
    for key in ("audit_hand_out", "beneficiaries"):
        if after[key] - before[key] != len(answered):
            problems.append(f"{key} grew by {after[key] - before[key]}, not {len(answered)}")
    return problems
