"""Where a site's reimbursements go: IBAN, BIC and holder, dated, never overwritten; a site's own
change waits for staff; IBANs are masked for everyone but staff; the money apps ask which details
were in force on a day (organisations.bank_details.bank_details_in_force)."""

from __future__ import annotations

from datetime import date, datetime

from organisations.bank_details import bank_details_in_force, bank_details_in_force_for
from passnum.fr import mask_iban
from tests.factories import login, post_form, text_of

IBAN = "FR76 3000 6000 0112 3456 7890 189"
IBAN_COMPACT = "FR7630006000011234567890189"
OTHER_IBAN = "FR14 2004 1010 0505 0001 3M02 606"
OTHER_COMPACT = "FR1420041010050500013M02606"
BIC = "AGRIFRPP882"
OTHER_BIC = "PSSTFRPPCHA"


def url(organisation_id: int) -> str:
    return f"/api/v1/organisations/{organisation_id}/bank-details"


async def propose(client, person, organisation_id, **body):
    body = {"iban": IBAN, "bic": BIC, "holder": "Commune de Terre-et-Marais", **body}
    return await client.post(url(organisation_id), json=body, headers=await person.bearer())


async def decide(client, world, organisation_id, details_id, **body):
    return await client.post(
        f"{url(organisation_id)}/{details_id}/decision",
        json=body,
        headers=await world.staff.bearer(),
    )


def test_an_iban_is_masked_but_for_its_country_check_digits_and_last_four():
    assert mask_iban(IBAN) == "FR76 **** **** **** **** ***0 189"
    assert mask_iban(IBAN_COMPACT) == mask_iban(IBAN)
    assert mask_iban("") == ""


async def test_staff_record_dated_bank_details_and_every_version_is_kept(client, world, clock_at):
    clock_at(datetime(2027, 1, 10, 9, 0))
    first = await propose(client, world.staff, world.site_id, valid_from="2027-01-01")
    assert first.status_code == 201, first.text
    assert first.json()["status"] == "approved"  # staff's own entry needs no second approval
    second = await propose(
        client,
        world.staff,
        world.site_id,
        iban=OTHER_IBAN,
        bic=OTHER_BIC,
        holder="Trésor public — régie de Terre-et-Marais",
        valid_from="2027-03-01",
        regie=True,
    )
    assert second.status_code == 201, second.text

    before = await bank_details_in_force(world.site_id, date(2026, 12, 31))
    january = await bank_details_in_force(world.site_id, date(2027, 2, 28))
    march = await bank_details_in_force(world.site_id, date(2027, 3, 1))
    assert before is None
    assert (january.iban, january.bic, january.regie) == (IBAN_COMPACT, BIC, False)
    assert (march.iban, march.bic, march.regie) == (OTHER_COMPACT, OTHER_BIC, True)
    assert march.holder == "Trésor public — régie de Terre-et-Marais"
    assert march.iban_masked == "FR14 **** **** **** **** ***2 606"
    assert (await bank_details_in_force(world.site_id)).iban == IBAN_COMPACT  # today: 10 January
    both = await bank_details_in_force_for([world.site_id, world.other_site_id], date(2027, 3, 5))
    assert list(both) == [world.site_id] and both[world.site_id].iban == OTHER_COMPACT

    listed = await client.get(url(world.site_id), headers=await world.staff.bearer())
    assert listed.status_code == 200, listed.text
    body = listed.json()
    assert body["in_force"]["iban"] == IBAN_COMPACT  # staff see the whole IBAN
    assert [r["valid_from"] for r in body["history"]] == ["2027-03-01", "2027-01-01"]


async def test_a_site_agents_change_waits_for_staff_approval_and_shows_only_masked(
    client, world, clock_at
):
    clock_at(datetime(2027, 1, 10, 9, 0))
    await propose(client, world.staff, world.site_id, valid_from="2027-01-01")
    response = await propose(
        client, world.site_agent, world.site_id, iban=OTHER_IBAN, bic=OTHER_BIC
    )
    assert response.status_code == 201, response.text
    pending = response.json()
    assert pending["status"] == "pending" and pending["valid_from"] == "2027-01-10"
    assert pending["iban"] is None and pending["iban_masked"].endswith("2 606")
    assert (await bank_details_in_force(world.site_id)).iban == IBAN_COMPACT  # not yet

    seen = (await client.get(url(world.site_id), headers=await world.site_agent.bearer())).json()
    assert seen["in_force"]["iban"] is None
    assert seen["in_force"]["iban_masked"] == "FR76 **** **** **** **** ***0 189"
    assert IBAN_COMPACT not in str(seen) and OTHER_COMPACT not in str(seen)

    queue = await client.get("/api/v1/bank-details", headers=await world.staff.bearer())
    assert [(r["id"], r["organisation_id"]) for r in queue.json()] == [
        (pending["id"], world.site_id)
    ]
    approved = await decide(client, world, world.site_id, pending["id"], decision="approve")
    assert approved.status_code == 200, approved.text
    assert approved.json()["status"] == "approved"
    assert (await bank_details_in_force(world.site_id)).iban == OTHER_COMPACT
    again = await decide(client, world, world.site_id, pending["id"], decision="approve")
    assert (again.status_code, again.json()["error"]) == (409, "already_decided")
    history = (await client.get(url(world.site_id), headers=await world.staff.bearer())).json()
    assert [r["iban"] for r in history["history"]] == [OTHER_COMPACT, IBAN_COMPACT]


async def test_staff_refuse_a_change_with_a_reason_and_the_details_in_force_stay(client, world):
    await propose(client, world.staff, world.site_id)
    pending = (await propose(client, world.site_agent, world.site_id, iban=OTHER_IBAN)).json()
    no_reason = await decide(client, world, world.site_id, pending["id"], decision="refuse")
    assert (no_reason.status_code, no_reason.json()["field"]) == (422, "reason")
    refused = await decide(
        client, world, world.site_id, pending["id"], decision="refuse", reason="RIB illisible"
    )
    assert refused.status_code == 200, refused.text
    assert (refused.json()["status"], refused.json()["decision_reason"]) == (
        "refused",
        "RIB illisible",
    )
    assert (await bank_details_in_force(world.site_id)).iban == IBAN_COMPACT


async def test_a_new_change_replaces_the_one_still_waiting(client, world):
    first = (await propose(client, world.site_agent, world.site_id, iban=OTHER_IBAN)).json()
    second = (await propose(client, world.site_agent, world.site_id)).json()
    history = (await client.get(url(world.site_id), headers=await world.staff.bearer())).json()
    statuses = {r["id"]: r["status"] for r in history["history"]}
    assert statuses == {first["id"]: "superseded", second["id"]: "pending"}
    late = await decide(client, world, world.site_id, first["id"], decision="approve")
    assert (late.status_code, late.json()["error"]) == (409, "already_decided")


async def test_bad_bank_details_get_french_messages(client, world, clock_at):
    clock_at(datetime(2027, 1, 10, 9, 0))
    cases = [
        ({"iban": "FR76 3000 6000 0112 3456 7890 188"}, "invalid_iban", "IBAN"),
        ({"bic": "AGRI"}, "invalid_bic", "BIC"),
        ({"holder": "  "}, "invalid", "titulaire"),
        ({"holder": "=HYPERLINK(1)"}, "name_formula", "tableur"),
        ({"valid_from": "2027-01-09"}, "valid_from_past", "aujourd'hui"),
    ]
    for body, code, words in cases:
        response = await propose(client, world.site_agent, world.site_id, **body)
        assert response.status_code == 422, (body, response.text)
        assert response.json()["error"] == code, body
        assert words in response.json()["message"], response.json()["message"]
    await propose(client, world.staff, world.site_id)
    same = await propose(client, world.site_agent, world.site_id)
    assert (same.status_code, same.json()["error"]) == (409, "bank_details_unchanged")


async def test_no_one_sees_or_changes_another_sites_bank_details(client, world):
    await propose(client, world.staff, world.other_site_id)
    for method in ("get", "post"):
        kwargs = {"json": {"iban": IBAN, "bic": BIC, "holder": "Moi"}} if method == "post" else {}
        response = await getattr(client, method)(
            url(world.other_site_id), headers=await world.site_agent.bearer(), **kwargs
        )
        assert (response.status_code, response.json()["error"]) == (404, "not_found")
    # a prescriber is refused by the guard, and a site agent cannot decide
    response = await client.get(url(world.site_id), headers=await world.prescriber.bearer())
    assert response.status_code == 403
    pending = (await propose(client, world.site_agent, world.site_id)).json()
    response = await client.post(
        f"{url(world.site_id)}/{pending['id']}/decision",
        json={"decision": "approve"},
        headers=await world.site_agent.bearer(),
    )
    assert response.status_code == 403


async def test_qualifying_an_application_puts_its_bank_details_in_force(client, world):
    from tests.organisations.test_site_applications import APPLICATION

    application = (await client.post("/api/v1/site-applications", json=APPLICATION)).json()
    decided = await client.post(
        f"/api/v1/site-applications/{application['id']}/decision",
        json={"decision": "qualify"},
        headers=await world.staff.bearer(),
    )
    organisation_id = decided.json()["organisation_id"]
    details = await bank_details_in_force(organisation_id)
    assert details is not None and details.status == "approved"
    assert (details.iban, details.bic, details.holder) == (
        IBAN_COMPACT,
        BIC,
        "Association EPN Périers",
    )


async def test_the_bank_details_page_agent_proposes_staff_approve(client, world, clock_at):
    clock_at(datetime(2027, 1, 10, 9, 0))
    await propose(client, world.staff, world.site_id)
    await login(client, world.site_agent)
    page = await client.get(f"/lieux/{world.site_id}/coordonnees-bancaires")
    assert page.status_code == 200, page.text
    text = text_of(page.text)
    assert "FR76 **** **** **** **** ***0 189" in text and IBAN not in text
    assert "Commune de Terre-et-Marais" in text
    bad = await post_form(
        client,
        f"/lieux/{world.site_id}/coordonnees-bancaires",
        {"iban": "FR00 1234", "bic": OTHER_BIC, "holder": "Commune", "valid_from": ""},
    )
    assert bad.status_code == 422 and "IBAN" in text_of(bad.text)
    sent = await post_form(
        client,
        f"/lieux/{world.site_id}/coordonnees-bancaires",
        {"iban": OTHER_IBAN, "bic": OTHER_BIC, "holder": "Commune", "valid_from": ""},
        follow_redirects=True,
    )
    assert sent.status_code == 200, sent.text
    assert "en attente de validation" in text_of(sent.text)

    client.cookies.clear()
    await login(client, world.staff)
    queue = text_of((await client.get("/staff/coordonnees-bancaires")).text)
    assert "Mairie de Terre-et-Marais" in queue
    page = await client.get(f"/lieux/{world.site_id}/coordonnees-bancaires")
    assert OTHER_IBAN in text_of(page.text)  # staff read the whole IBAN
    history = (await client.get(url(world.site_id), headers=await world.staff.bearer())).json()
    pending_id = history["history"][0]["id"]
    done = await post_form(
        client,
        f"/lieux/{world.site_id}/coordonnees-bancaires/{pending_id}/decision",
        {"decision": "approve"},
        follow_redirects=True,
    )
    assert done.status_code == 200, done.text
    assert (await bank_details_in_force(world.site_id)).iban == OTHER_COMPACT
    staff_page = text_of((await client.get(f"/staff/organisations/{world.site_id}")).text)
    assert "Coordonnées bancaires" in staff_page


async def test_a_site_agent_finds_the_bank_details_from_their_home_page(client, world):
    await login(client, world.site_agent)
    home = await client.get("/")
    assert f'href="/lieux/{world.site_id}/coordonnees-bancaires"' in home.text
    client.cookies.clear()
    await login(client, world.staff)
    assert 'href="/staff/coordonnees-bancaires"' in (await client.get("/")).text
