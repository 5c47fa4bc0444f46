"""Monthly statements: each redeemed cheque paid once, totals that never move once submitted."""

from __future__ import annotations

import asyncio
import csv
import html
import io
from collections import Counter
from datetime import date, datetime

import pytest
from click.testing import CliRunner
from pypdf import PdfReader

from organisations.actors import load_actor
from passnum import clock
from passnum.csvout import FrenchExcel
from passnum.errors import DomainError
from passnum.fr import de, format_month
from reimbursements.cli import statements as statements_command
from reimbursements.periods import next_month
from reimbursements.periods import previous_month as previous
from reimbursements.statements import build_statements, record_payment
from reimbursements.submission import submit_statements
from reimbursements.tables import Statement, StatementLine
from tests.factories import login, post_form, text_of
from tests.reporting.dataset import Dataset, generate, make_batch, make_booklet, redeem

MARCH = date(2026, 3, 1)


def _in_march(c) -> bool:
    return bool(c.redeemed_at) and datetime(2026, 3, 1) <= c.redeemed_at < datetime(2026, 4, 1)


def _expected(data: Dataset) -> dict[int, tuple[int, int]]:
    """Per site: (cheques, total cents) of every cheque redeemed in March 2026."""
    totals: dict[int, list[int]] = {}
    for booklet in data.booklets:
        for c in booklet.cheques:
            if _in_march(c):
                t = totals.setdefault(c.site_id, [0, 0])
                t[0] += 1
                t[1] += booklet.face_value_cents
    return {site: (n, cents) for site, (n, cents) in totals.items()}


async def test_statements_total_each_sites_cheques_by_funder_as_recomputed_here(world):
    data = await generate(world, booklets=40)
    staff = await load_actor(world.staff.user_id)
    result = await build_statements(MARCH, staff)
    expected = _expected(data)
    rows = await Statement.select().where(Statement.period_start == MARCH)
    assert {r["site"]: (r["cheque_count"], r["total_cents"]) for r in rows} == expected
    assert result.cheques_added == sum(n for n, _ in expected.values())
    assert any(c.redeemed_at < datetime(2026, 3, 1) for c in data.cheques if c.redeemed_at)
    assert sum(r["late_count"] for r in rows) == 0  # earlier months wait for their own build
    per_funder = Counter(
        (c.site_id, b.funder_id) for b in data.booklets for c in b.cheques if _in_march(c)
    )
    lines = await StatementLine.select(StatementLine.statement.site, StatementLine.funder)
    assert Counter((r["statement.site"], r["funder"]) for r in lines) == per_funder


async def test_building_a_month_twice_keeps_one_statement_per_site_and_each_cheque_once(world):
    await generate(world, booklets=20)
    first = await build_statements(MARCH)
    again = await build_statements(MARCH)
    assert again.cheques_added == 0 and again.statements == first.statements
    assert await StatementLine.count() == first.cheques_added


async def test_a_submitted_statement_never_changes_and_late_cheques_go_to_the_next_one(world):
    staff = await load_actor(world.staff.user_id)
    batch = await make_batch(world.operator_id)
    data = Dataset()
    booklet = await make_booklet(
        data, batch, world.operator_id, 1000, world.prescriber_org_id, datetime(2026, 3, 1, 9)
    )
    await redeem(booklet.cheques[0], world.site_id, datetime(2026, 3, 4, 10))
    await build_statements(MARCH, staff)
    march = await Statement.objects().first()
    await submit_statements(staff, [march.id])
    # Redeemed in March but recorded after the March statement was submitted.
    await redeem(booklet.cheques[1], world.site_id, datetime(2026, 3, 30, 10))
    await build_statements(MARCH, staff)
    await build_statements(date(2026, 4, 1), staff)
    frozen = await Statement.objects().where(Statement.id == march.id).first()
    assert (frozen.cheque_count, frozen.total_cents, frozen.status) == (1, 1000, "submitted")
    april = await Statement.objects().where(Statement.period_start == date(2026, 4, 1)).first()
    assert (april.cheque_count, april.late_count, april.total_cents) == (1, 1, 1000)
    with pytest.raises(Exception) as refused:
        await submit_statements(staff, [march.id])
    assert getattr(refused.value, "code", "") == "not_draft"


async def test_the_current_month_cannot_be_built_before_it_has_ended(client, world):
    staff = await load_actor(world.staff.user_id)
    this_month = clock.today().replace(day=1)
    for month in (this_month, date(this_month.year + 1, this_month.month, 1)):
        with pytest.raises(DomainError) as refused:
            await build_statements(month, staff)
        assert refused.value.code == "month_not_ended"
    await login(client, world.staff)
    page = await post_form(client, "/releves/construire", {"month": f"{this_month:%Y-%m}"})
    assert page.status_code == 409
    assert _not_ended(this_month) in html.unescape(text_of(page.text))
    api = await client.post(
        "/api/v1/statements/build",
        json={"month": f"{this_month:%Y-%m}"},
        headers=await world.staff.bearer(),
    )
    assert api.status_code == 409 and api.json()["error"] == "month_not_ended"
    assert await Statement.count() == 0
    last_month = previous(clock.today())
    assert (await build_statements(last_month, staff)).month == last_month


def _not_ended(month: date) -> str:
    return (
        f"Le mois {de(format_month(month))} n'est pas terminé : ses relevés pourront être "
        f"construits à partir du 1er {format_month(next_month(month))}."
    )


async def test_months_built_out_of_order_keep_each_cheque_in_the_month_it_was_redeemed(world):
    staff = await load_actor(world.staff.user_id)
    batch = await make_batch(world.operator_id)
    booklet = await make_booklet(
        Dataset(), batch, world.operator_id, 1000, world.prescriber_org_id, datetime(2026, 1, 5)
    )
    feb, march = booklet.cheques[0], booklet.cheques[1]
    await redeem(feb, world.site_id, datetime(2026, 2, 27, 17))
    await redeem(march, world.site_id, datetime(2026, 3, 2, 9))
    await build_statements(MARCH, staff)
    await build_statements(date(2026, 2, 1), staff)
    lines = await StatementLine.select(
        StatementLine.cheque, StatementLine.late, StatementLine.statement.period_start
    )
    months = {r["cheque"]: (r["statement.period_start"], bool(r["late"])) for r in lines}
    assert months == {feb.id: (date(2026, 2, 1), False), march.id: (MARCH, False)}


async def test_a_cheque_is_late_only_when_its_own_months_statement_was_submitted(world):
    staff = await load_actor(world.staff.user_id)
    batch = await make_batch(world.operator_id)
    booklet = await make_booklet(
        Dataset(), batch, world.operator_id, 1000, world.prescriber_org_id, datetime(2026, 1, 5)
    )
    first, late, elsewhere = booklet.cheques[0], booklet.cheques[1], booklet.cheques[2]
    await redeem(first, world.site_id, datetime(2026, 2, 3, 10))
    await build_statements(date(2026, 2, 1), staff)
    february = await Statement.objects().first()
    await submit_statements(staff, [february.id])
    # Both redeemed in February, recorded after that build: one site's February was submitted.
    await redeem(late, world.site_id, datetime(2026, 2, 20, 10))
    await redeem(elsewhere, world.other_site_id, datetime(2026, 2, 21, 10))
    await build_statements(MARCH, staff)
    lines = await StatementLine.select(
        StatementLine.cheque, StatementLine.late, StatementLine.statement.period_start
    )
    months = {r["cheque"]: (r["statement.period_start"], bool(r["late"])) for r in lines}
    assert months == {first.id: (date(2026, 2, 1), False), late.id: (MARCH, True)}
    await build_statements(date(2026, 2, 1), staff)
    other = await Statement.objects().where(Statement.site == world.other_site_id).first()
    assert (other.period_start, other.cheque_count, other.late_count) == (date(2026, 2, 1), 1, 0)


async def test_the_database_refuses_a_cheque_on_two_statements(world):
    batch = await make_batch(world.operator_id)
    data = Dataset()
    booklet = await make_booklet(data, batch, world.operator_id, 1000, None, datetime(2026, 3, 1))
    await redeem(booklet.cheques[0], world.site_id, datetime(2026, 3, 2))
    await build_statements(MARCH)
    other = Statement(site=world.other_site_id, period_start=MARCH, period_end=date(2026, 3, 31))
    await other.save()
    with pytest.raises(Exception, match=r"(?i)unique"):
        await StatementLine.insert(
            StatementLine(
                statement=other.id,
                cheque=booklet.cheques[0].id,
                funder=world.operator_id,
                batch=batch,
                face_value_cents=1000,
                redeemed_at=datetime(2026, 3, 2),
            )
        )


@pytest.mark.postgres_only
async def test_two_builds_of_the_same_month_at_once_put_each_cheque_on_exactly_one_statement(
    world,
):
    data = await generate(world, booklets=60, seed=11)
    results = await asyncio.gather(*(build_statements(MARCH) for _ in range(4)))
    redeemed = len(_expected_cheques(data))
    assert sum(r.cheques_added for r in results) == redeemed
    assert await StatementLine.count() == redeemed
    rows = await Statement.select().where(Statement.period_start == MARCH)
    assert len(rows) == len({c.site_id for c in _expected_cheques(data)})
    assert sum(r["total_cents"] for r in rows) == sum(
        b.face_value_cents for b in data.booklets for c in b.cheques if c in _expected_cheques(data)
    )


def _expected_cheques(data: Dataset) -> list:
    return [c for c in data.cheques if _in_march(c)]


async def test_site_sees_and_downloads_only_its_own_statements(client, world):
    await generate(world, booklets=30)
    await build_statements(MARCH)
    own = await Statement.objects().where(Statement.site == world.site_id).first()
    other = await Statement.objects().where(Statement.site == world.other_site_id).first()
    await login(client, world.site_agent)
    listing = text_of((await client.get("/releves")).text)
    assert "Mairie de Terre-et-Marais" in listing and "Bibliothèque de Périers" not in listing
    assert (await client.get(f"/releves/{other.id}")).status_code == 404
    assert (await client.get(f"/releves/{other.id}/pdf")).status_code == 404
    pdf = await client.get(f"/releves/{own.id}/pdf")
    text = " ".join(PdfReader(io.BytesIO(pdf.content)).pages[0].extract_text().split())
    assert "Relevé de chèques — mars 2026" in text and "Mairie de Terre-et-Marais" in text
    body = (await client.get(f"/releves/{own.id}/csv")).content
    assert body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig")), FrenchExcel))
    assert len(rows) == own.cheque_count + 1
    assert sum(int(r[5].replace(",", "")) for r in rows[1:]) == own.total_cents
    assert all("," in r[5] for r in rows[1:])


async def test_staff_submit_then_record_payment_with_date_and_reference(client, world):
    await generate(world, booklets=10)
    await login(client, world.staff)
    await post_form(client, "/releves/construire", {"month": "2026-03"})
    statement = await Statement.objects().first()
    await post_form(client, f"/releves/{statement.id}/transmettre", {})
    response = await post_form(
        client,
        f"/releves/{statement.id}/paiement",
        {"paid_on": "2026-04-15", "reference": "MANDAT-2026-118"},
    )
    assert "payé le 15/04/2026, référence MANDAT-2026-118" in text_of(response.text)
    paid = await Statement.objects().where(Statement.id == statement.id).first()
    assert (paid.status, paid.paid_on, paid.total_cents) == (
        "paid",
        date(2026, 4, 15),
        statement.total_cents,
    )


async def test_only_staff_build_and_pay_statements(client, world):
    await login(client, world.site_agent)
    response = await post_form(client, "/releves/construire", {"month": "2026-03"})
    assert response.status_code == 403
    staff = await load_actor(world.staff.user_id)
    await generate(world, booklets=5)
    await build_statements(MARCH, staff)
    statement = await Statement.objects().first()
    with pytest.raises(Exception) as refused:
        await record_payment(staff, statement.id, date(2026, 4, 1), "X")
    assert getattr(refused.value, "code", "") == "not_submitted"


async def test_statements_command_builds_the_drafts_and_is_safe_to_run_twice(world):
    await generate(world, booklets=10)
    runner = CliRunner()
    first = await asyncio.to_thread(runner.invoke, statements_command, ["--month", "2026-03"])
    assert first.exit_code == 0, first.output
    assert "Relevés de mars 2026" in first.output
    count = await StatementLine.count()
    second = await asyncio.to_thread(runner.invoke, statements_command, ["--month", "2026-03"])
    assert "0 chèque(s) ajouté(s)" in second.output
    assert await StatementLine.count() == count
    bad = await asyncio.to_thread(runner.invoke, statements_command, ["--month", "mars"])
    assert bad.exit_code == 1 and "AAAA-MM" in bad.output


async def test_a_month_typed_wrong_in_the_statements_filter_is_explained_on_the_list(client, world):
    """Firefox has no month picker: « 11/2026 » typed in « Mois (AAAA-MM) » gave a bare
    « Action impossible » page; the list stays, the message is linked to the field."""
    await login(client, world.staff)
    response = await client.get("/releves", params={"month": "11/2026"})
    assert response.status_code == 422
    page = text_of(response.text)
    assert "Relevés de remboursement" in page and "Action impossible" not in page
    assert "Indiquez le mois sous la forme AAAA-MM" in page
    assert 'href="#month"' in response.text and 'aria-invalid="true"' in response.text
    assert 'value="11/2026"' in response.text


async def test_staff_who_build_a_wrong_month_or_tick_nothing_stay_on_the_statements_page(
    client, world
):
    await login(client, world.staff)
    page = await post_form(client, "/releves/construire", {"month": "mars"})
    assert page.status_code == 422
    words = html.unescape(text_of(page.text))
    assert "Construire les relevés d'un mois" in words  # the statements page, with its forms
    assert 'value="mars"' in page.text  # what was typed is kept, to be corrected
    assert "AAAA-MM" in words
    nothing = await post_form(client, "/releves/transmettre", {})
    assert nothing.status_code == 422
    words = html.unescape(text_of(nothing.text))
    assert "Cochez au moins un relevé à transmettre." in words
    assert "Construire les relevés d'un mois" in words
