"""After the retention period, references and free text go; statistics stay the same."""

from __future__ import annotations

import asyncio
from datetime import date, timedelta

from click.testing import CliRunner

from passnum import clock
from tests.vouchers.conftest import actor_of
from vouchers import schemas
from vouchers import services as svc
from vouchers.cli import anonymise
from vouchers.services.anonymise import add_months
from vouchers.tables import Batch, Beneficiary, Booklet


async def _redeem_two(scene) -> None:
    agent = await actor_of(scene.world.site_agent)
    for code in scene.codes[:2]:
        await svc.redeem_cheque(agent, schemas.RedemptionIn(code=code, activity="workshop"))


async def test_anonymise_erases_references_and_keeps_statistics(scene):
    await _redeem_two(scene)
    await svc.cancel_booklet(await actor_of(scene.world.staff), scene.allocated, "lost", "Mme X")
    staff = await actor_of(scene.world.staff)
    before = await svc.statistics(staff)
    assert before.booklets_issued == 1 and before.cheques_redeemed == 2
    assert before.by_need == {"admin": 1, "email": 1} and before.by_activity == {"workshop": 2}
    assert await svc.anonymise_beneficiaries(months=12) == 0
    await Batch.update(
        {Batch.valid_until: clock.today() - timedelta(days=400), Batch.grace_days: 31}
    ).where(Batch.id == scene.batch.id)
    assert await svc.anonymise_beneficiaries(months=12) == 1
    record = await Beneficiary.select().first()
    assert record["reference"] == "" and record["anonymised_at"] is not None
    notes = await Booklet.select(Booklet.cancel_note).where(Booklet.number == scene.allocated)
    assert notes[0]["cancel_note"] == ""
    assert await svc.statistics(staff) == before
    assert await svc.anonymise_beneficiaries(months=12) == 0


async def test_the_retention_period_is_counted_from_the_end_of_validity(scene):
    end = clock.today() - timedelta(days=31 + 100)  # accepted until 100 days ago
    await Batch.update({Batch.valid_until: end}).where(Batch.id == scene.batch.id)
    assert await svc.anonymise_beneficiaries(months=12) == 0
    assert await svc.anonymise_beneficiaries(months=3) == 1


def test_months_are_added_like_a_calendar_does():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2026, 11, 15), 14) == date(2028, 1, 15)


async def test_funders_see_statistics_of_their_own_batches_only(client, scene):
    await _redeem_two(scene)
    caf = await client.get("/api/v1/voucher-statistics", headers=await scene.world.funder.bearer())
    assert caf.status_code == 200 and caf.json()["cheques_redeemed"] == 0
    staff = await client.get("/api/v1/voucher-statistics", headers=await scene.world.staff.bearer())
    assert (
        staff.json()["cheques_redeemed"] == 2 and staff.json()["face_value_redeemed_cents"] == 2000
    )


async def test_passnum_anonymise_command_reports_its_count(scene):
    result = await asyncio.to_thread(CliRunner().invoke, anonymise, ["--months", "12"])
    assert result.exit_code == 0, result.output
    assert "0 fiche(s) bénéficiaire anonymisée(s)." in result.output
