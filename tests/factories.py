"""Small factories and helpers shared by the tests of every app."""

from __future__ import annotations

import itertools
import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path

import asyncpg
from litestar.testing import AsyncTestClient
from piccolo.apps.migrations.commands.forwards import run_forwards
from piccolo.conf.apps import Finder
from piccolo.engine import engine_finder
from piccolo.engine.postgres import PostgresEngine
from piccolo.engine.sqlite import SQLiteEngine
from piccolo.table import sort_table_classes
from stdnum import luhn

from organisations.services import OrganisationInput, create_organisation, create_user
from passnum.auth import Role
from passnum.auth.tokens import create_token

PASSWORD = "mot-de-passe-test"


async def reset_database() -> None:
    engine = engine_finder()
    if isinstance(engine, PostgresEngine):
        await engine._run_in_new_connection("DROP SCHEMA public CASCADE")
        await engine._run_in_new_connection("CREATE SCHEMA public")
    else:
        engine.remove_db_file()
    result = await run_forwards("all")
    assert result.success, result.message


def _sqlite_files(engine: SQLiteEngine) -> tuple[Path, Path]:
    """The test database file and its template (the migrated, empty schema) beside it."""
    path = Path(engine.path)
    return path, path.with_name(f"{path.stem}.template{path.suffix}")


async def save_template() -> None:
    """Keep the migrated, empty database as the state every test starts from.

    SQLite: a copy of the file, which ``restore_template`` copies back (faster than emptying each
    table, each delete being a commit). PostgreSQL: nothing to copy, ``restore_template``
    truncates every table in one statement (faster than ``CREATE DATABASE … TEMPLATE``).
    """
    await truncate_all()
    engine = engine_finder()
    if isinstance(engine, SQLiteEngine):
        path, template = _sqlite_files(engine)
        shutil.copyfile(path, template)


def kept_template() -> bool:
    """Whether a migrated template saved by an earlier run is there to start from (SQLite only;
    PostgreSQL always migrates again)."""
    engine = engine_finder()
    return isinstance(engine, SQLiteEngine) and _sqlite_files(engine)[1].exists()


async def restore_template() -> None:
    """Put the test database back to the template saved by ``save_template``: empty tables."""
    engine = engine_finder()
    if not isinstance(engine, SQLiteEngine):
        await truncate_all()
        return
    _copy_template(engine)


def _copy_template(engine: SQLiteEngine) -> None:
    _replace_file(Path(engine.path), _sqlite_files(engine)[1])


def use_database_file(source: Path) -> None:
    """SQLite: the test database becomes a copy of ``source`` (a migrated database)."""
    engine = engine_finder()
    assert isinstance(engine, SQLiteEngine)
    _replace_file(Path(engine.path), source)


def _replace_file(path: Path, source: Path) -> None:
    for journal in ("-wal", "-shm", "-journal"):  # left by the previous test's connections
        Path(f"{path}{journal}").unlink(missing_ok=True)
    copy = path.with_name(f"{path.name}.copy")
    shutil.copyfile(source, copy)
    os.replace(copy, path)


async def truncate_all() -> None:
    # The official communes (territory) are reference data loaded by a migration: kept.
    tables = [
        t
        for t in sort_table_classes(Finder().get_table_classes())
        if not t.__module__.startswith("territory.")
    ]
    engine = engine_finder()
    if isinstance(engine, PostgresEngine):
        await _empty_postgres_tables(engine, [t._meta.tablename for t in tables])
        return
    for table in reversed(tables):
        await table.delete(force=True)


# Per-test state outside the apps' tables, emptied too when it exists: the PostgreSQL rate-limit
# counters (made on first use), keyed on account ids that restart at 1 with every test.
# The task queue's jobs (procrastinate's tables, made by the kernel's migration) too.
STATE_TABLES = (
    "rate_limit_counter",
    "procrastinate_events",
    "procrastinate_periodic_defers",
    "procrastinate_jobs",
    "procrastinate_workers",
)

# The sequences of these tables' serial columns (what TRUNCATE … RESTART IDENTITY restarts).
OWNED_SEQUENCES = """
SELECT s.oid::regclass::text AS name FROM pg_class s
JOIN pg_depend d ON d.objid = s.oid AND d.classid = 'pg_class'::regclass AND d.deptype IN ('a', 'i')
WHERE s.relkind = 'S' AND d.refobjid = ANY($1::text[]::regclass[])
"""


async def _empty_postgres_tables(engine: PostgresEngine, names: list[str]) -> None:
    """``TRUNCATE … RESTART IDENTITY CASCADE`` as DELETEs and sequence restarts in one transaction,
    triggers off (append-only tables refuse DELETE; TRUNCATE skips them too): the same empty tables,
    0.5 to 1 s sooner on a loaded machine (TRUNCATE makes new files for every table and index; a
    test's few rows are deleted in no time). Without the superuser's right to turn triggers off, a
    TRUNCATE as before."""
    connection = await engine.get_new_connection()
    try:
        for name in STATE_TABLES:
            if await connection.fetchval("SELECT to_regclass($1) IS NOT NULL", name):
                names = [*names, name]
        quoted = [f'"{name}"' for name in names]
        truncate = f"TRUNCATE {', '.join(quoted)} RESTART IDENTITY CASCADE"
        sequences = [r["name"] for r in await connection.fetch(OWNED_SEQUENCES, quoted)]
        statements = ["BEGIN", "SET LOCAL session_replication_role = replica"]
        statements += [f"DELETE FROM {name}" for name in quoted]  # noqa: S608 - our table names
        statements += [f"ALTER SEQUENCE {sequence} RESTART" for sequence in sequences]
        try:
            await connection.execute(";\n".join([*statements, "COMMIT"]))
        except asyncpg.InsufficientPrivilegeError:
            await connection.execute("ROLLBACK")
            await connection.execute(truncate)
    finally:
        await connection.close()


@dataclass
class Person:
    email: str
    user_id: int
    organisation_id: int
    role: Role
    password: str = PASSWORD

    async def token(self) -> str:
        return await create_token(self.email, "tests")

    async def bearer(self) -> dict[str, str]:
        return {"Authorization": f"Bearer {await self.token()}"}


_sirets = itertools.count(1)


def fictitious_siret(n: int) -> str:
    """A valid (SIREN and SIRET check digits) but fictitious SIRET, number n."""
    siren = f"8880{n:04d}"
    siren += luhn.calc_check_digit(siren)
    body = f"{siren}0001"
    return body + luhn.calc_check_digit(body)


async def make_organisation(name: str, *roles: str, **extra: str) -> int:
    """An organisation with these roles; a site gets a SIRET of its own unless one (or an RNA
    number) is given: a site is qualified only with one."""
    if "site" in roles and not extra.get("siret") and not extra.get("rna"):
        extra["siret"] = fictitious_siret(next(_sirets))
    org = await create_organisation(OrganisationInput(name=name, roles=list(roles), **extra))
    return org.id


async def make_person(email: str, organisation_id: int, role: Role | str) -> Person:
    user = await create_user(email, PASSWORD, organisation_id, role)
    return Person(email, user.id, organisation_id, Role(role))


@dataclass
class World:
    """Who's who in most stories: ids of organisations and one person per role."""

    operator_id: int = 0
    funder_id: int = 0
    prescriber_org_id: int = 0
    other_prescriber_org_id: int = 0
    site_id: int = 0
    other_site_id: int = 0
    borrower_id: int = 0
    staff: Person = field(init=False)
    funder: Person = field(init=False)
    prescriber: Person = field(init=False)
    other_prescriber: Person = field(init=False)
    site_agent: Person = field(init=False)
    other_site_agent: Person = field(init=False)
    borrower: Person = field(init=False)

    @classmethod
    async def build(cls) -> World:
        w = cls()
        w.operator_id = await make_organisation("Département de la Manche", "operator", "funder")
        w.funder_id = await make_organisation("CAF de la Manche", "funder", "prescriber")
        w.prescriber_org_id = await make_organisation(
            "Centre médico-social de Coutances", "prescriber", insee_code="50147"
        )
        w.other_prescriber_org_id = await make_organisation("CCAS de Saint-Lô", "prescriber")
        w.site_id = await make_organisation(
            "Mairie de Terre-et-Marais", "site", insee_code="50564", commune="Terre-et-Marais"
        )
        w.other_site_id = await make_organisation(
            "Bibliothèque de Périers", "site", insee_code="50394", commune="Périers"
        )
        w.borrower_id = await make_organisation("Mairie de Tessy-Bocage", "borrower")
        w.staff = await make_person("agent@manche.test", w.operator_id, Role.staff)
        w.funder = await make_person("financeur@caf.test", w.funder_id, Role.funder)
        w.prescriber = await make_person(
            "as@cms-coutances.test", w.prescriber_org_id, Role.prescriber
        )
        w.other_prescriber = await make_person(
            "as@ccas-saint-lo.test", w.other_prescriber_org_id, Role.prescriber
        )
        w.site_agent = await make_person("accueil@terre-et-marais.test", w.site_id, Role.site_agent)
        w.other_site_agent = await make_person(
            "accueil@periers.test", w.other_site_id, Role.site_agent
        )
        w.borrower = await make_person("mairie@tessy-bocage.test", w.borrower_id, Role.borrower)
        return w


CSRF_COOKIE = "passnum_csrf"


async def login(client: AsyncTestClient, person: Person) -> None:
    """Log in through the real login form (CSRF token included)."""
    await client.get("/login")
    response = await client.post(
        "/login",
        data={"email": person.email, "password": person.password, "next": "/"},
        headers=csrf_header(client),
        follow_redirects=False,
    )
    assert response.status_code in (302, 303), response.text


def csrf_header(client: AsyncTestClient) -> dict[str, str]:
    token = client.cookies.get(CSRF_COOKIE)
    assert token, "GET a page first: the CSRF cookie is set on safe requests"
    return {"x-csrftoken": token}


async def post_form(client: AsyncTestClient, url: str, data: dict, **kwargs):
    """Submit a page form as a browser would: fetch the CSRF cookie, then post."""
    if not client.cookies.get(CSRF_COOKIE):
        await client.get("/login")
    return await client.post(url, data=data, headers=csrf_header(client), **kwargs)


def text_of(html: str) -> str:
    """Visible text of a page, whitespace collapsed, for assertions on French messages."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def retries_fall_due() -> None:
    """The queue's wait before each job's next try is over (an e-mail's: 5 minutes or more), as
    when that time has passed: the next ``work_until_idle`` tries them again."""
    from passnum.db import is_postgres
    from passnum.tasks.tables import TaskFailure

    table = "procrastinate_jobs" if is_postgres() else "task_job"
    await TaskFailure.raw(f"UPDATE {table} SET scheduled_at = NULL WHERE status = 'todo'")  # noqa: S608 - a constant
