"""The end-of-validity timeline: 30, 15 and 7 days before a print run's end, its funder and the
prescribers holding its booklets are alerted on their home page and by e-mail, each alert once,
whether ``passnum notify`` (or the daily task) runs once, twice or misses days."""

from __future__ import annotations

import html
from datetime import datetime, time, timedelta

from passnum import clock, tasks
from tests.factories import login, post_form, text_of
from tests.smtp_server import SmtpServer
from tests.vouchers.conftest import allocate, make_batch, numbers_of
from vouchers.tables import ValidityAlert
from vouchers.validity import handout_warning, notify

END = clock.today() + timedelta(days=40)


def at(days_before: int) -> datetime:
    return datetime.combine(END - timedelta(days=days_before), time(6, 0))


async def test_the_funder_and_holding_prescribers_are_alerted_at_30_15_and_7_days_once_each(
    world, clock_at, smtp_server: SmtpServer
):
    batch = await make_batch(world, count=6, funder_id=world.funder_id, valid_until=END)
    await allocate(world, batch, world.prescriber_org_id, 2)
    await allocate(world, batch, world.other_prescriber_org_id, 1)

    clock_at(at(31))
    assert (await notify()).raised == []
    sent = []
    for days in (30, 29, 20, 15, 15, 10, 7, 3):  # run daily-ish, twice some days
        clock_at(at(days))
        report = await notify()
        sent.append(len(report.emailed))
        assert report.failed == []
    assert sent == [3, 0, 0, 3, 0, 0, 3, 0]
    assert len(smtp_server.messages) == 9
    assert await ValidityAlert.count() == 9
    to_funder = [m for m in smtp_server.messages if m["To"] == world.funder.email]
    assert len(to_funder) == 3
    assert "dans 30 jours" in to_funder[0]["Subject"]
    assert "confirmer" in to_funder[1].get_body().get_content()  # J-15
    to_prescriber = [m for m in smtp_server.messages if m["To"] == world.prescriber.email]
    body = to_prescriber[0].get_body().get_content()
    assert "2 carnet(s)" in body and "ne remettez plus ces carnets" in body


async def test_a_missed_day_sends_the_latest_step_only_and_a_failed_email_is_retried(
    world, clock_at, smtp_server: SmtpServer
):
    batch = await make_batch(world, count=2, funder_id=world.funder_id, valid_until=END)
    clock_at(at(12))  # nothing ran at J-30 nor J-15
    with smtp_server.down():
        report = await notify()
    assert len(report.raised) == 1 and report.raised[0].endswith(":15")
    assert len(report.failed) == 1 and smtp_server.messages == []
    retried = await notify()
    assert retried.raised == [] and len(retried.emailed) == 1
    assert batch.id


async def test_home_pages_show_the_alerts_and_the_funder_confirms_the_blocking(
    client, world, clock_at
):
    batch = await make_batch(world, count=4, funder_id=world.funder_id, valid_until=END)
    await allocate(world, batch, world.prescriber_org_id, 2)
    clock_at(at(15))
    await notify()  # no SMTP: alerts shown on home pages, no e-mail
    await login(client, world.prescriber)
    home = html.unescape(text_of((await client.get("/")).text))
    assert "Fin de validité des carnets" in home
    assert f"valables jusqu'au {END:%d/%m/%Y} (dans 15 jours)" in home
    assert "le dernier jour, ne les remettez plus" in home

    await login(client, world.funder)
    page = await client.get("/")
    assert "Confirmer le blocage des carnets non distribués" in page.text
    alert = await ValidityAlert.select(ValidityAlert.id).where(
        ValidityAlert.organisation == world.funder_id
    )
    done = await post_form(client, f"/financeur/alertes/{alert[0]['id']}/confirmer", {})
    assert done.status_code in (200, 303)
    home = text_of((await client.get("/")).text)
    assert "Blocage des carnets non distribués confirmé" in home
    again = await post_form(client, f"/financeur/alertes/{alert[0]['id']}/confirmer", {})
    assert again.status_code == 404

    clock_at(datetime.combine(END + timedelta(days=1), time(9, 0)))
    await login(client, world.funder)
    after = (await client.get("/")).text
    assert "Espace financeur" in after and "Fin de validité des carnets" not in after


async def test_the_daily_task_raises_the_alerts(world, clock_at):
    await make_batch(world, count=2, funder_id=world.funder_id, valid_until=END)
    clock_at(at(7))
    from composition.tasks import task_app

    await task_app().tasks["vouchers:notify"].defer_async(timestamp=1_800_000_000)
    await tasks.work_until_idle()
    assert await ValidityAlert.count() == 1


def test_the_hand_out_warns_from_seven_days_and_says_stop_on_the_last_day(clock_at):
    clock_at(at(8))
    assert handout_warning(END) == ""
    clock_at(at(7))
    assert "dans 7 jours" in handout_warning(END)
    clock_at(at(0))
    assert "ne le remettez plus" in handout_warning(END)


async def test_handing_out_on_the_last_day_the_receipt_tells_the_prescriber_to_stop(
    client, world, clock_at
):
    batch = await make_batch(world, count=2, funder_id=world.funder_id, valid_until=END)
    await allocate(world, batch, world.prescriber_org_id, 2)
    first, second = await numbers_of(batch)
    person = {
        "insee_code": "50502",
        "age_band": "60_69",
        "social_status": "retired",
        "needs": ["admin"],
    }
    clock_at(at(20))
    await login(client, world.prescriber)  # sessions last hours: sign in at the moved time
    early = await post_form(
        client, "/carnets/remettre", {"booklet_number": first, "consent": "yes", **person}
    )
    assert "ne le remettez plus" not in early.text and "Gardez ce carnet" in early.text
    clock_at(datetime.combine(END, time(10, 0)))
    await login(client, world.prescriber)
    last = await post_form(
        client, "/carnets/remettre", {"booklet_number": second, "consent": "yes", **person}
    )
    assert "Dernier jour de validité de ce carnet : ne le remettez plus" in html.unescape(last.text)


async def test_the_funder_dashboard_shows_each_run_its_figures_days_left_and_alerts(
    client, world, clock_at
):
    from tests.vouchers.conftest import hand_out

    batch = await make_batch(world, count=4, funder_id=world.funder_id, valid_until=END)
    await allocate(world, batch, world.prescriber_org_id, 2)
    first, _second, *_ = await numbers_of(batch)
    await hand_out(world.prescriber, first)
    clock_at(at(15))
    await notify()
    await login(client, world.funder)
    page = await client.get("/financeur/tableau-de-bord")
    assert page.status_code == 200
    text = html.unescape(text_of(page.text))
    assert "Département 2026" in text and "dans 15 jours" in text and "J-15" in text
    assert "0 sur 20" in text and "200,00" in text  # no cheque used, 20 × 10 € unused
    home = (await client.get("/")).text
    assert "/financeur/tableau-de-bord" in home
