"""The journey of a site over time, through the API and the pages: a structure applies, staff
qualify it, its invited agent chooses a password and scans; staff suspend it, the next scan is
refused site_not_qualified and it is gone from /lieux; qualified again, it scans again."""

from __future__ import annotations

import re

from piccolo.apps.user.tables import BaseUser

from passnum import tasks
from passnum.auth import Role
from tests.factories import Person, csrf_header, login
from tests.organisations.test_site_applications import APPLICATION
from tests.vouchers.conftest import allocate, codes_of, hand_out, make_batch, numbers_of

PASSWORD = "Bocage-et-marais-2027"


async def redeem(client, person, code):
    return await client.post(
        "/api/v1/redemptions",
        json={"code": code, "activity": "individual"},
        headers=await person.bearer(),
    )


async def test_apply_qualify_invite_scan_suspend_refused_requalify_scan(client, world, smtp_server):
    staff = await world.staff.bearer()
    batch = await make_batch(world, count=2)
    numbers = await numbers_of(batch)
    await allocate(world, batch, world.prescriber_org_id, 1)
    await hand_out(world.prescriber, numbers[0])
    codes = await codes_of(numbers[0])

    # A structure applies without an account; staff qualify it.
    applied = await client.post("/api/v1/site-applications", json=APPLICATION)
    assert applied.status_code == 201, applied.text
    decided = await client.post(
        f"/api/v1/site-applications/{applied.json()['id']}/decision",
        json={"decision": "qualify"},
        headers=staff,
    )
    assert decided.status_code == 200, decided.text
    site_id = decided.json()["organisation_id"]

    # Its contact follows the e-mailed link (sent by the queue) and chooses a password.
    await tasks.work_until_idle()
    [invitation] = smtp_server.messages
    link = re.search(r"/invitation/[\w-]+", invitation.get_body().get_content()).group(0)
    await client.get(link)
    chosen = await client.post(
        link,
        data={"password": PASSWORD, "confirm": PASSWORD},
        headers=csrf_header(client),
        follow_redirects=False,
    )
    assert chosen.status_code in (302, 303), chosen.text
    user = await BaseUser.objects().get(BaseUser.email == APPLICATION["contact_email"])
    agent = Person(user.email, user.id, site_id, Role.site_agent, PASSWORD)
    await login(client, agent)
    assert (await client.get("/scanner", follow_redirects=False)).status_code == 200

    # The agent scans.
    assert (await redeem(client, agent, codes[0])).status_code == 201
    assert APPLICATION["name"] in (await client.get("/lieux")).text

    # Suspended: the next scan is refused and the site is gone from /lieux.
    suspended = await client.post(
        f"/api/v1/organisations/{site_id}/suspension",
        json={"reason": "Contrôle en cours"},
        headers=staff,
    )
    assert suspended.status_code == 200, suspended.text
    refused = await redeem(client, agent, codes[1])
    assert (refused.status_code, refused.json()["error"]) == (403, "site_not_qualified")
    assert APPLICATION["name"] not in (await client.get("/lieux")).text

    # Qualified again: it scans again.
    back = await client.delete(f"/api/v1/organisations/{site_id}/suspension", headers=staff)
    assert back.status_code == 200, back.text
    assert (await redeem(client, agent, codes[1])).status_code == 201
    assert APPLICATION["name"] in (await client.get("/lieux")).text
