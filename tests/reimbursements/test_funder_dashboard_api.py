"""A funder's dashboard as JSON: the same runs and figures as the page, for the same people."""

from __future__ import annotations

import html
from datetime import timedelta

from passnum import clock
from tests.factories import login, text_of
from tests.openapi_check import assert_documented
from tests.reporting.dataset import Dataset, make_batch, make_booklet, redeem

ENDS = clock.today() + timedelta(days=60)


async def two_running_print_runs(world) -> Dataset:
    """CAF (15 € cheques): 4 booklets, 3 handed out, 2 of them started (2 and 1 cheques used);
    the Département's own run: one booklet, still in stock."""
    data = Dataset()
    caf = await make_batch(world.funder_id, face_value_cents=1500, label="CAF", valid_until=ENDS)
    handed = clock.stamp() - timedelta(days=3)
    for used in [2, 0, 1, None]:
        booklet = await make_booklet(
            data,
            caf,
            world.funder_id,
            1500,
            world.prescriber_org_id,
            handed if used is not None else None,
        )
        for cheque in booklet.cheques[: used or 0]:
            await redeem(cheque, world.site_id, handed + timedelta(days=1))
    dept = await make_batch(world.operator_id, label="Département", valid_until=ENDS)
    await make_booklet(Dataset(), dept, world.operator_id, 1000, world.prescriber_org_id, None)
    return data


async def test_a_funder_reads_its_dashboard_as_json_with_the_figures_of_the_page(client, world):
    data = await two_running_print_runs(world)
    answer = await client.get("/api/v1/funder-dashboard", headers=await world.funder.bearer())
    assert answer.status_code == 200, answer.text
    [run] = await assert_documented(client, answer)  # only its own print run
    cheques = [c for b in data.booklets for c in b.cheques]
    used = [c for c in cheques if c.redeemed_at]
    assert run["batch"] == "CAF" and run["funder"] == "CAF de la Manche"
    assert run["valid_until"] == ENDS.isoformat() and run["days_left"] == 60
    assert (run["booklets_issued"], run["booklets_handed_out"], run["booklets_started"]) == (
        4,
        3,
        2,
    )
    assert (run["cheques"], run["cheques_used"]) == (len(cheques), len(used)) == (20, 3)
    assert run["cheques_unused"] == 17 and run["face_value_cents"] == 1500
    assert (run["used_cents"], run["unused_cents"]) == (3 * 1500, 17 * 1500)
    assert run["alerts"] == [] and run["blocking_confirmed"] is False
    assert run["joint_state"] is None and run["credit_note_id"] is None
    await login(client, world.funder)
    page = html.unescape(text_of((await client.get("/financeur/tableau-de-bord")).text))
    assert "CAF" in page and "3 sur 20" in page and "45,00" in page and "255,00" in page


async def test_staff_see_every_running_print_run_and_others_are_refused(client, world):
    await two_running_print_runs(world)
    answer = await client.get("/api/v1/funder-dashboard", headers=await world.staff.bearer())
    assert answer.status_code == 200
    assert sorted(r["batch"] for r in await assert_documented(client, answer)) == [
        "CAF",
        "Département",
    ]
    for person in (world.prescriber, world.site_agent, world.borrower):
        refused = await client.get("/api/v1/funder-dashboard", headers=await person.bearer())
        assert refused.status_code == 403 and refused.json()["error"] == "forbidden"
    assert (await client.get("/api/v1/funder-dashboard")).status_code == 401
