"""The Département works in Paris time, whatever the server's zone: a cheque scanned at 23:30 UTC
on the 31st was scanned at 00:30 or 01:30 the next day in Paris, and it counts, shows and prints
there — statement, statistics, pages, PDF, CSV and the API's offset."""

from __future__ import annotations

import io
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

from pypdf import PdfReader

from passnum import clock
from passnum.fr import format_moment
from reimbursements.statements import build_statements
from reimbursements.tables import Statement
from reporting.scope import read_filters
from reporting.stats import statistics
from tests.factories import login, text_of
from tests.vouchers.conftest import actor_of

PARIS = ZoneInfo("Europe/Paris")


def next_31st(after: date) -> date:
    """The first 31st after ``after`` (the test batch is valid for 300 days)."""
    day = after + timedelta(days=1)
    while day.day != 31:
        day += timedelta(days=1)
    return day


def next_clock_change(after: date) -> datetime:
    """The next instant Paris clocks jump (02:00 → 03:00 or back), in UTC."""
    moment = datetime.combine(after, time(0), tzinfo=UTC)
    offset = moment.astimezone(PARIS).utcoffset()
    while moment.astimezone(PARIS).utcoffset() == offset:
        moment += timedelta(hours=1)
    return moment


async def _redeem(client, person, code: str):
    response = await client.post(
        "/api/v1/redemptions",
        json={"code": code, "activity": "individual"},
        headers=await person.bearer(),
    )
    assert response.status_code == 201, response.text
    return response.json()


async def test_a_scan_at_2330_utc_on_the_31st_belongs_to_the_next_day_and_month_in_paris(
    client, scene, clock_at
):
    the_31st = next_31st(clock.today())
    scanned = datetime.combine(the_31st, time(23, 30), tzinfo=UTC)
    in_paris = scanned.astimezone(PARIS)
    next_month = in_paris.date()
    assert next_month.day == 1  # 00:30 or 01:30 on the 1st
    clock_at(scanned)

    answer = await _redeem(client, scene.world.site_agent, scene.codes[0])
    assert answer["redeemed_at"] == in_paris.isoformat()
    await login(client, scene.world.site_agent)
    scanner = await client.get("/scanner/")
    assert in_paris.strftime("%H:%M") in text_of(scanner.text)  # "today's" list, Paris day

    staff = await actor_of(scene.world.staff)
    month_after = (next_month + timedelta(days=31)).replace(day=1)
    clock_at(datetime.combine(month_after, time(9)))  # statements wait for their month's end
    await build_statements(the_31st.replace(day=1), staff)
    assert await Statement.count() == 0
    await build_statements(next_month, staff)
    statement = await Statement.objects().first()
    assert (statement.period_start, statement.cheque_count) == (next_month, 1)

    month_of_31st = await statistics(
        read_filters(staff, the_31st.replace(day=1).isoformat(), the_31st.isoformat())
    )
    first_day = await statistics(
        read_filters(staff, next_month.isoformat(), next_month.isoformat())
    )
    assert (month_of_31st.redeemed_in_period, first_day.redeemed_in_period) == (0, 1)

    shown = in_paris.strftime("%d/%m/%Y %H:%M")
    await login(client, scene.world.staff)
    page = await client.get(f"/releves/{statement.id}")
    assert format_moment(in_paris) in text_of(page.text)  # "01/01/2027 à 00:30"
    pdf = await client.get(f"/releves/{statement.id}/pdf")
    printed = "".join(p.extract_text() for p in PdfReader(io.BytesIO(pdf.content)).pages)
    assert in_paris.strftime("%d/%m/%Y") in printed
    assert the_31st.strftime("%d/%m/%Y") not in printed
    exported = await client.get("/statistiques/exports/redemptions.csv")
    assert shown in exported.content.decode("utf-8-sig")
    api = await client.get("/api/v1/exports/redemptions", headers=await scene.world.staff.bearer())
    assert [r["encaisse_le"] for r in api.json()["items"]] == [in_paris.isoformat()]


async def test_across_a_dst_change_times_keep_their_paris_offset(client, scene, clock_at):
    change = next_clock_change(clock.today())
    before, after = change - timedelta(minutes=30), change + timedelta(minutes=30)
    answers = []
    for moment, code in ((before, scene.codes[0]), (after, scene.codes[1])):
        clock_at(moment)
        answers.append(await _redeem(client, scene.world.site_agent, code))
    assert [a["redeemed_at"] for a in answers] == [
        before.astimezone(PARIS).isoformat(),
        after.astimezone(PARIS).isoformat(),
    ]
    # One hour apart in real time, whatever the wall clocks read.
    first, second = (datetime.fromisoformat(a["redeemed_at"]) for a in answers)
    assert second - first == timedelta(hours=1)
