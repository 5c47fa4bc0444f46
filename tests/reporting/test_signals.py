"""The staff signals page: each signal listed with the evidence a staff member needs to check it."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from html import unescape

from organisations.tables import OpeningSlot
from passnum import clock
from tests.factories import login, text_of
from tests.reporting.dataset import Dataset, make_batch, make_booklet, redeem
from vouchers.tables import ScanAttempt


def section(html: str, title: str) -> str:
    """Visible text of one signal: from its heading to the next one."""
    html = unescape(html)
    start = html.index(f"<h2>{title}")
    end = html.find("<h2>", start + 4)
    return text_of(html[start : end if end != -1 else len(html)])


async def signals_page(client, world) -> str:
    await login(client, world.staff)
    response = await client.get("/statistiques/signaux")
    assert response.status_code == 200
    return response.text


def recent(days_ago: int, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(clock.today() - timedelta(days=days_ago), time(hour, minute))


async def handed_out(world, data: Dataset, issued_at: datetime, prescriber: int | None = None):
    batch = await make_batch(world.operator_id)
    return await make_booklet(
        data, batch, world.operator_id, 1000, prescriber or world.prescriber_org_id, issued_at
    )


async def test_staff_see_a_booklet_used_several_times_at_one_site_the_same_day(client, world):
    data = Dataset()
    booklet = await handed_out(world, data, recent(10, 9))
    await redeem(booklet.cheques[0], world.site_id, recent(3, 10))
    await redeem(booklet.cheques[1], world.site_id, recent(3, 15))
    await redeem(booklet.cheques[2], world.site_id, recent(2, 10))  # another day: not a signal
    other = await handed_out(world, data, recent(10, 9))
    await redeem(other.cheques[0], world.site_id, recent(3, 10))
    await redeem(other.cheques[1], world.other_site_id, recent(3, 11))  # another site
    html = await signals_page(client, world)
    text = section(html, "Plusieurs chèques d'un carnet le même jour au même lieu")
    day = (clock.today() - timedelta(days=3)).strftime("%d/%m/%Y")
    assert "(1)" in text
    number = f"{booklet.cheques[0].code[1:9]}"
    assert f"{number} Mairie de Terre-et-Marais {day} 2" in text
    assert other.cheques[0].code[1:9] not in text


async def test_staff_see_redemptions_at_the_site_outside_its_opening_slots(client, world):
    data = Dataset()
    inside, outside = recent(7, 10), recent(7, 18, 30)
    await OpeningSlot(
        organisation=world.site_id, weekday=inside.weekday(), opens=time(9), closes=time(12)
    ).save()
    booklet = await handed_out(world, data, recent(20, 9))
    late = await handed_out(world, data, recent(20, 9))
    home = await handed_out(world, data, recent(20, 9))
    await redeem(booklet.cheques[0], world.site_id, inside)
    await redeem(late.cheques[0], world.site_id, outside)
    await redeem(home.cheques[0], world.site_id, outside, place="home")  # not on site: fine
    # A site without declared slots is never flagged.
    await redeem(booklet.cheques[1], world.other_site_id, outside)
    text = section(await signals_page(client, world), "Chèques encaissés sur place hors des")
    assert "(1)" in text
    assert "Mairie de Terre-et-Marais" in text and outside.strftime("%d/%m/%Y à 18:30") in text
    assert late.cheques[0].code[1:9] in text
    assert booklet.cheques[0].code[1:9] not in text and home.cheques[0].code[1:9] not in text


async def test_staff_see_a_burst_of_refused_or_unknown_codes_from_one_account(client, world):
    at = recent(1, 14)
    for minute in range(6):
        await ScanAttempt(
            at=at + timedelta(minutes=minute * 7),
            user=world.site_agent.user_id,
            site=world.site_id,
            result="unknown" if minute % 2 else "already_redeemed",
        ).save()
    for minute in range(4):  # four refusals in an hour: ordinary mistakes
        await ScanAttempt(
            at=at + timedelta(minutes=minute),
            user=world.other_site_agent.user_id,
            site=world.other_site_id,
            result="unknown",
        ).save()
    await ScanAttempt(
        at=at, user=world.other_site_agent.user_id, site=world.other_site_id, result="redeemed"
    ).save()
    text = section(await signals_page(client, world), "Rafales de codes refusés ou inconnus")
    assert "(1)" in text
    assert f"{world.site_agent.email} {at.strftime('%d/%m/%Y de 14 h à 15 h')} 6" in text
    assert world.other_site_agent.email not in text


async def test_staff_see_sites_without_redemption_for_three_months(client, world):
    data = Dataset()
    booklet = await handed_out(world, data, recent(200, 9))
    await redeem(booklet.cheques[0], world.site_id, recent(5, 10))
    last = recent(120, 11)
    await redeem(booklet.cheques[1], world.other_site_id, last)
    text = section(await signals_page(client, world), "Lieux sans encaissement depuis trois mois")
    assert "(1)" in text
    assert "Bibliothèque de Périers" in text and last.strftime("%d/%m/%Y à 11:00") in text
    assert "Terre-et-Marais" not in text


async def test_staff_see_prescribers_whose_booklets_are_rarely_used(client, world):
    data = Dataset()
    long_ago = recent(90, 9)
    for i in range(6):  # CMS: 4 of 6 booklets never used
        b = await handed_out(world, data, long_ago, world.prescriber_org_id)
        if i < 2:
            await redeem(b.cheques[0], world.site_id, recent(80, 10))
    for _ in range(6):  # CCAS: every booklet used
        b = await handed_out(world, data, long_ago, world.other_prescriber_org_id)
        await redeem(b.cheques[0], world.site_id, recent(80, 10))
    for _ in range(6):  # handed out last week: too early to judge
        await handed_out(world, data, recent(7, 9), world.other_prescriber_org_id)
    text = section(await signals_page(client, world), "Prescripteurs dont les carnets sont peu")
    assert "(1)" in text
    assert "Centre médico-social de Coutances 6 4" in text
    assert "CCAS de Saint-Lô" not in text


async def test_the_signals_page_shows_days_and_times_as_the_french_read_them(client, world):
    """No ISO date (2026-10-20) nor time with seconds (22:25:54) in what staff read."""
    data = Dataset()
    booklet = await handed_out(world, data, recent(10, 9))
    await redeem(booklet.cheques[0], world.site_id, recent(3, 10, 5))
    await redeem(booklet.cheques[1], world.site_id, recent(3, 15, 7))
    await OpeningSlot(
        organisation=world.site_id, weekday=recent(3, 0).weekday(), opens=time(9), closes=time(12)
    ).save()
    text = text_of(unescape(await signals_page(client, world)))
    assert not re.search(r"\d{4}-\d{2}-\d{2}|\d{2}:\d{2}:\d{2}", text), text


async def test_staff_see_sites_whose_offline_scans_are_often_refused(client, world):
    from vouchers.tables import OfflineScan

    for i in range(3):
        await OfflineScan(
            client_id=f"00000000-0000-4000-8000-00000000000{i}",
            user=world.site_agent.user_id,
            site=world.site_id,
            scanned_at=recent(2, 10),
            received_at=recent(1, 9),
            result="already_redeemed",
            review="pending",
        ).save()
    text = section(
        await signals_page(client, world), "Lieux dont les scans hors connexion sont souvent"
    )
    assert "Mairie de Terre-et-Marais" in text and " 3 " in text
    assert recent(1, 9).strftime("%d/%m/%Y à 09:00") in text
