"""Communes book the fleet for themselves: a borrower sees what is free, asks, staff decide.

Real HTTP through Litestar's test client, real database, e-mails received by the local SMTP
server, slips read back as PDF text.
"""

from __future__ import annotations

import asyncio
import io
from datetime import datetime, time

from litestar.testing import AsyncTestClient
from piccolo.apps.user.tables import BaseUser
from pypdf import PdfReader

from equipment import loan_requests, schemas
from equipment.inventory import create_item
from equipment.tables import Loan, LoanRequest
from organisations.invitations import invite_user
from passnum import tasks
from passnum.auth.actor import Role
from passnum.errors import DomainError
from tests.env import passnum_env
from tests.equipment.conftest import Fleet, day
from tests.factories import make_person
from tests.smtp_server import SmtpServer


async def add_tablet_kit(fleet: Fleet, client: AsyncTestClient, size: int = 8) -> int:
    tags = []
    for n in range(size):
        item = await create_item(
            fleet.staff,
            schemas.ItemIn(item_type="tablet", serial=f"KIT-{n:03d}", brand="Apple", model="iPad"),
        )
        tags.append(item.asset_tag)
    kit = await client.post(
        "/api/v1/kits",
        json={"name": "Valise 8 tablettes", "items": tags},
        headers=await fleet.world.staff.bearer(),
    )
    assert kit.status_code == 201, kit.text
    return kit.json()["id"]


def wednesday_workshop() -> dict:
    return {
        "start_date": day(8).isoformat(),
        "due_date": day(9).isoformat(),
        "contact_name": "Claire Lebrun",
        "contact_phone": "02 33 00 00 00",
        "contact_email": "claire.lebrun@tessy.test",
        "purpose": "Atelier tablettes du mercredi",
        "types": {"tablet": 8},
    }


async def delivered(smtp_server: SmtpServer, to: str | None = None) -> list:
    """The messages sent so far (``to``: only those to that address)."""
    await tasks.work_until_idle()
    return [m for m in smtp_server.messages if to is None or m["To"] == to]


async def test_a_commune_asks_for_eight_tablets_staff_lend_a_kit_and_the_contact_gets_the_slip(
    client: AsyncTestClient, fleet: Fleet, smtp_server: SmtpServer
) -> None:
    kit_id = await add_tablet_kit(fleet, client)
    borrower = await fleet.world.borrower.bearer()
    catalogue = await client.get(
        "/api/v1/catalogue",
        params={"start_date": day(8).isoformat(), "end_date": day(9).isoformat()},
        headers=borrower,
    )
    assert catalogue.status_code == 200, catalogue.text
    assert catalogue.json()["free_by_type"]["tablet"] == 10
    [kit] = catalogue.json()["kits"]
    assert kit["name"] == "Valise 8 tablettes" and kit["free"] and kit["types"] == {"tablet": 8}

    asked = await client.post("/api/v1/loan-requests", json=wednesday_workshop(), headers=borrower)
    assert asked.status_code == 201, asked.text
    request = asked.json()
    assert request["status"] == "pending" and request["summary"] == "8 × Tablette"
    assert request["borrower_name"] == "Mairie de Tessy-Bocage"
    [received] = await delivered(smtp_server, to="claire.lebrun@tessy.test")
    assert f"n° {request['id']} reçue" in received["Subject"]

    staff = await fleet.world.staff.bearer()
    waiting = await client.get("/api/v1/loan-requests?status=pending", headers=staff)
    assert [r["id"] for r in waiting.json()] == [request["id"]]
    decided = await client.post(
        f"/api/v1/loan-requests/{request['id']}/decision",
        json={"decision": "approve", "kits": [kit_id], "reason": "Valise prête à l'accueil"},
        headers=staff,
    )
    assert decided.status_code == 200, decided.text
    approved = decided.json()
    assert approved["status"] == "approved" and approved["loan"].startswith("PR-")
    loan = (await client.get(f"/api/v1/loans/{approved['loan']}", headers=staff)).json()
    assert len(loan["items"]) == 8 and loan["contact_email"] == "claire.lebrun@tessy.test"

    messages = await delivered(smtp_server, to="claire.lebrun@tessy.test")
    assert len(messages) == 2
    body = messages[1].get_body().get_content()
    assert approved["loan"] in messages[1]["Subject"]
    assert "Valise prête à l'accueil" in body and loan["items"][0]["item"] in body

    mine = (await client.get("/api/v1/loan-requests", headers=borrower)).json()
    assert [(r["id"], r["loan"], r["loan_status"]) for r in mine] == [
        (request["id"], approved["loan"], "reserved")
    ]
    slip = await client.get(f"/api/v1/loan-requests/{request['id']}/slip.pdf", headers=borrower)
    assert slip.status_code == 200 and slip.headers["content-type"] == "application/pdf"
    text = "".join(p.extract_text() for p in PdfReader(io.BytesIO(slip.content)).pages)
    assert approved["loan"] in text and "Tessy-Bocage" in text


async def test_staff_adjust_the_dates_when_approving_and_the_borrower_is_told(
    client: AsyncTestClient, fleet: Fleet, smtp_server: SmtpServer
) -> None:
    borrower = await fleet.world.borrower.bearer()
    two_tablets = wednesday_workshop() | {"types": {"tablet": 2}}
    asked = await client.post("/api/v1/loan-requests", json=two_tablets, headers=borrower)
    request_id = asked.json()["id"]

    decided = await client.post(
        f"/api/v1/loan-requests/{request_id}/decision",
        json={
            "decision": "approve",
            "start_date": day(8).isoformat(),
            "due_date": day(10).isoformat(),
            "reason": "Rendez-les le jeudi, nous sommes fermés le mercredi après-midi",
        },
        headers=await fleet.world.staff.bearer(),
    )

    assert decided.status_code == 200, decided.text
    assert (decided.json()["start_date"], decided.json()["due_date"]) == (
        day(8).isoformat(),
        day(10).isoformat(),
    )
    loan = await Loan.objects().get(Loan.number == decided.json()["loan"])
    assert (loan.start_date, loan.due_date) == (day(8), day(10))
    body = (await delivered(smtp_server))[-1].get_body().get_content()
    assert "les dates ont été ajustées" in body
    assert f"vous aviez demandé du {day(8):%d/%m/%Y} au {day(9):%d/%m/%Y}" in body


async def test_a_borrower_never_sees_another_borrowers_requests_loans_or_slips(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    other = await make_person("bib@lessay-contact.test", fleet.other_borrower_id, Role.borrower)
    mine = await fleet.world.borrower.bearer()
    theirs = await other.bearer()
    asked = await client.post("/api/v1/loan-requests", json=wednesday_workshop(), headers=mine)
    request_id = asked.json()["id"]
    await fleet.reserve([fleet.tags[0]], day(3), day(4))  # a loan of the first borrower
    await client.post(
        f"/api/v1/loan-requests/{request_id}/decision",
        json={"decision": "approve", "items": fleet.tags[1:3]},
        headers=await fleet.world.staff.bearer(),
    )

    listed = await client.get("/api/v1/loan-requests", headers=theirs)
    assert listed.status_code == 200 and listed.json() == []
    for path in (
        f"/api/v1/loan-requests/{request_id}",
        f"/api/v1/loan-requests/{request_id}/slip.pdf",
    ):
        refused = await client.get(path, headers=theirs)
        assert refused.status_code == 404, path
        assert "Tessy" not in refused.text
    catalogue = await client.get(
        "/api/v1/catalogue",
        params={"start_date": day(3).isoformat(), "end_date": day(9).isoformat()},
        headers=theirs,
    )
    assert catalogue.status_code == 200
    assert "Tessy" not in catalogue.text and "PR-" not in catalogue.text
    assert catalogue.json()["free_by_type"]["tablet"] == 0  # taken, without saying by whom
    # the staff-only fleet API stays closed to borrowers
    assert (await client.get("/api/v1/loans", headers=theirs)).status_code == 403
    assert (await client.get("/api/v1/availability", headers=theirs)).status_code == 403
    # a borrower cannot decide, nor ask in another organisation's name
    decide = await client.post(
        f"/api/v1/loan-requests/{request_id}/decision", json={"decision": "decline"}, headers=mine
    )
    assert decide.status_code == 403
    posing = await client.post(
        "/api/v1/loan-requests",
        json={**wednesday_workshop(), "borrower_id": fleet.borrower_id},
        headers=theirs,
    )
    assert posing.status_code == 403


async def test_staff_decline_with_a_reason_the_borrower_is_told_and_it_is_decided_once(
    client: AsyncTestClient, fleet: Fleet, smtp_server: SmtpServer
) -> None:
    borrower = await fleet.world.borrower.bearer()
    staff = await fleet.world.staff.bearer()
    request_id = (
        await client.post("/api/v1/loan-requests", json=wednesday_workshop(), headers=borrower)
    ).json()["id"]
    url = f"/api/v1/loan-requests/{request_id}/decision"
    no_reason = await client.post(url, json={"decision": "decline"}, headers=staff)
    assert no_reason.status_code == 422 and no_reason.json()["field"] == "reason"
    declined = await client.post(
        url, json={"decision": "decline", "reason": "Parc réservé au salon"}, headers=staff
    )
    assert declined.status_code == 200 and declined.json()["status"] == "declined"
    again = await client.post(
        url, json={"decision": "approve", "items": [fleet.tags[1]]}, headers=staff
    )
    assert again.status_code == 409 and again.json()["error"] == "already_decided"
    assert await Loan.count() == 0
    messages = await delivered(smtp_server, to="claire.lebrun@tessy.test")
    assert [m["Subject"] for m in messages] == [
        f"Demande de matériel n° {request_id} reçue",
        f"Demande de matériel n° {request_id} refusée",
    ]
    assert "Parc réservé au salon" in messages[1].get_body().get_content()
    mine = (await client.get(f"/api/v1/loan-requests/{request_id}", headers=borrower)).json()
    assert mine["status_label"] == "Refusée" and mine["reason"] == "Parc réservé au salon"


async def test_an_approval_over_taken_devices_is_refused_and_the_request_stays_pending(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    borrower = await fleet.world.borrower.bearer()
    staff = await fleet.world.staff.bearer()
    ask = {**wednesday_workshop(), "types": {"tablet": 2}}
    request_id = (await client.post("/api/v1/loan-requests", json=ask, headers=borrower)).json()[
        "id"
    ]
    await fleet.reserve([fleet.tags[1]], day(9), day(12), borrower_id=fleet.other_borrower_id)
    url = f"/api/v1/loan-requests/{request_id}/decision"
    chosen = await client.post(
        url, json={"decision": "approve", "items": fleet.tags[1:3]}, headers=staff
    )
    assert chosen.status_code == 409 and chosen.json()["error"] == "unavailable"
    picked = await client.post(url, json={"decision": "approve"}, headers=staff)
    assert picked.status_code == 409 and picked.json()["error"] == "not_enough_free"
    row = await LoanRequest.select(LoanRequest.status, LoanRequest.loan).first()
    assert row == {"status": "pending", "loan": None}
    assert await Loan.count() == 1
    # staff adjust: one tablet and the laptop instead
    adjusted = await client.post(
        url, json={"decision": "approve", "items": [fleet.tags[2], fleet.tags[0]]}, headers=staff
    )
    assert adjusted.status_code == 200, adjusted.text
    assert adjusted.json()["status"] == "approved"


async def test_the_fleet_rules_apply_to_requests_and_an_overdue_loan_blocks_new_ones(
    client: AsyncTestClient, fleet: Fleet, clock_at
) -> None:
    borrower = await fleet.world.borrower.bearer()
    staff = await fleet.world.staff.bearer()
    await client.put(
        "/api/v1/fleet/rules",
        json={
            "min_notice_days": 3,
            "max_duration_days": 5,
            "max_items_per_borrower": 4,
            "due_soon_days": 2,
            "asset_tag_prefix": "MAN",
        },
        headers=staff,
    )
    soon = {
        **wednesday_workshop(),
        "start_date": day(1).isoformat(),
        "due_date": day(2).isoformat(),
    }
    refused = await client.post("/api/v1/loan-requests", json=soon, headers=borrower)
    assert refused.status_code == 422 and refused.json()["error"] == "notice_too_short"
    long = {**wednesday_workshop(), "due_date": day(20).isoformat()}
    refused = await client.post("/api/v1/loan-requests", json=long, headers=borrower)
    assert refused.json()["error"] == "too_long"
    refused = await client.post(
        "/api/v1/loan-requests", json=wednesday_workshop(), headers=borrower
    )
    assert refused.json()["error"] == "too_many_items"  # 8 tablets, 4 at most
    nothing = await client.post(
        "/api/v1/loan-requests", json={**wednesday_workshop(), "types": {}}, headers=borrower
    )
    assert nothing.status_code == 422 and nothing.json()["field"] == "types"
    unknown = await client.post(
        "/api/v1/loan-requests",
        json={**wednesday_workshop(), "types": {"fusée": 1}},
        headers=borrower,
    )
    assert unknown.status_code == 422

    loan = await fleet.reserve([fleet.tags[0]], day(3), day(4))
    await Loan.update({Loan.status: "checked_out"}).where(Loan.number == loan.number)
    clock_at(datetime.combine(day(6), time(10)))
    ask = {
        **wednesday_workshop(),
        "types": {"tablet": 1},
        "start_date": day(12).isoformat(),
        "due_date": day(13).isoformat(),
    }
    blocked = await client.post("/api/v1/loan-requests", json=ask, headers=borrower)
    assert blocked.status_code == 409 and blocked.json()["error"] == "overdue_loan"


async def test_a_borrowing_organisation_invites_its_contacts_as_borrowers(fleet: Fleet) -> None:
    invitation = await invite_user(
        "secretariat@tessy.test", fleet.borrower_id, Role.borrower, "Anne", "Marie"
    )
    assert invitation.email == "secretariat@tessy.test"
    try:
        await invite_user("x@cms.test", fleet.world.prescriber_org_id, Role.borrower)
    except DomainError as refused:
        assert refused.code == "invalid" and "rôle requis" in refused.message
    else:
        raise AssertionError("a prescriber's organisation cannot hold borrowers")


async def test_a_borrower_extends_its_loan_once_unless_another_booking_follows(
    client: AsyncTestClient, fleet: Fleet, smtp_server: SmtpServer
) -> None:
    borrower = await fleet.world.borrower.bearer()
    mine = await fleet.reserve([fleet.tags[1]], day(3), day(4))
    await fleet.reserve([fleet.tags[1]], day(8), day(9), borrower_id=fleet.other_borrower_id)
    url = f"/api/v1/borrower-loans/{mine.number}/extension"
    followed = await client.post(url, json={"due_date": day(8).isoformat()}, headers=borrower)
    assert followed.status_code == 409 and followed.json()["error"] == "booked_after"
    assert "Lessay" not in followed.text and "PR-" not in followed.text
    extended = await client.post(url, json={"due_date": day(6).isoformat()}, headers=borrower)
    assert extended.status_code == 200, extended.text
    assert extended.json()["due_date"] == day(6).isoformat()
    again = await client.post(url, json={"due_date": day(7).isoformat()}, headers=borrower)
    assert again.status_code == 409 and again.json()["error"] == "extension_limit"
    [message] = await delivered(smtp_server)
    assert message["Subject"] == f"Prêt {mine.number} prolongé jusqu'au {day(6):%d/%m/%Y}"

    staff = await fleet.world.staff.bearer()
    rules = (await client.get("/api/v1/fleet/rules", headers=staff)).json()
    assert rules["max_extensions"] == 1
    await client.put("/api/v1/fleet/rules", json={**rules, "max_extensions": 2}, headers=staff)
    assert (
        await client.post(url, json={"due_date": day(7).isoformat()}, headers=borrower)
    ).status_code == 200
    # someone else's loan: not found, whoever asks
    theirs = await fleet.reserve(
        [fleet.tags[0]], day(3), day(4), borrower_id=fleet.other_borrower_id
    )
    other = await client.post(
        f"/api/v1/borrower-loans/{theirs.number}/extension",
        json={"due_date": day(5).isoformat()},
        headers=borrower,
    )
    assert other.status_code == 404
    listed = (await client.get("/api/v1/borrower-loans", headers=borrower)).json()
    assert [loan["number"] for loan in listed] == [mine.number]


async def test_a_request_that_cannot_be_met_waits_and_is_offered_when_a_return_frees_the_devices(
    client: AsyncTestClient, fleet: Fleet, smtp_server: SmtpServer
) -> None:
    staff = await fleet.world.staff.bearer()
    out = await fleet.reserve(fleet.tags[1:3], day(0), day(10), borrower_id=fleet.other_borrower_id)
    lines = [{"item": tag} for tag in fleet.tags[1:3]]
    checkout = await client.post(
        f"/api/v1/loans/{out.number}/checkout", json={"lines": lines}, headers=staff
    )
    assert checkout.status_code == 200, checkout.text
    two = {**wednesday_workshop(), "types": {"tablet": 2}}
    first = await client.post(
        "/api/v1/loan-requests", json=two, headers=await fleet.world.borrower.bearer()
    )
    assert first.status_code == 201 and first.json()["status"] == "waiting"
    later = await make_person("bib@lessay-contact.test", fleet.other_borrower_id, Role.borrower)
    second = await client.post(
        "/api/v1/loan-requests",
        json={**two, "contact_email": "bib@lessay.test"},
        headers=await later.bearer(),
    )
    assert second.json()["status"] == "waiting"
    received = await delivered(smtp_server)
    assert "liste d'attente" in received[0].get_body().get_content()

    back = await client.post(
        f"/api/v1/loans/{out.number}/checkin",
        json={"lines": [{"item": tag, "data_wiped": True} for tag in fleet.tags[1:3]]},
        headers=staff,
    )
    assert back.status_code == 200, back.text
    messages = await delivered(smtp_server)
    offers = [m for m in messages if "s'est libéré" in m["Subject"]]
    assert [m["To"] for m in offers] == ["claire.lebrun@tessy.test"]  # first come, first served
    statuses = {r["id"]: r["status"] for r in await LoanRequest.select()}
    assert statuses == {first.json()["id"]: "pending", second.json()["id"]: "waiting"}
    approved = await client.post(
        f"/api/v1/loan-requests/{first.json()['id']}/decision",
        json={"decision": "approve"},
        headers=staff,
    )
    assert approved.status_code == 200 and approved.json()["status"] == "approved"


async def test_simultaneous_approvals_lend_each_device_once_and_each_request_once(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    """On PostgreSQL each approval has its own connection: the request's row and the booking
    guard decide; on SQLite the immediate transaction serialises them."""
    borrower = await fleet.world.borrower.bearer()
    ask = {**wednesday_workshop(), "types": {"tablet": 1}}
    ids = [
        (await client.post("/api/v1/loan-requests", json=ask, headers=borrower)).json()["id"]
        for _ in range(3)
    ]
    same_device = await asyncio.gather(
        *[
            loan_requests.decide(
                fleet.staff, i, loan_requests.DecisionIn(decision="approve", items=[fleet.tags[1]])
            )
            for i in ids
        ],
        return_exceptions=True,
    )
    won = [r for r in same_device if isinstance(r, loan_requests.LoanRequestView)]
    lost = [r for r in same_device if isinstance(r, DomainError)]
    assert len(won) == 1 and [e.code for e in lost] == ["unavailable", "unavailable"]
    waiting = [i for i in ids if i != won[0].id]
    twice = await asyncio.gather(
        *[
            loan_requests.decide(
                fleet.staff, waiting[0], loan_requests.DecisionIn(decision="approve", items=[tag])
            )
            for tag in (fleet.tags[2], fleet.tags[0])
        ],
        return_exceptions=True,
    )
    assert sum(isinstance(r, loan_requests.LoanRequestView) for r in twice) == 1, twice
    assert [r.code for r in twice if isinstance(r, DomainError)] == ["already_decided"]
    assert await Loan.count() == 2
    statuses = {r["id"]: r["status"] for r in await LoanRequest.select()}
    assert sorted(statuses.values()) == ["approved", "approved", "pending"]


async def test_a_cancelled_reservation_also_offers_the_waiting_request(
    client: AsyncTestClient, fleet: Fleet, smtp_server: SmtpServer
) -> None:
    taken = await fleet.reserve(
        fleet.tags[1:3], day(7), day(10), borrower_id=fleet.other_borrower_id
    )
    two = {**wednesday_workshop(), "types": {"tablet": 2}}
    asked = await client.post(
        "/api/v1/loan-requests", json=two, headers=await fleet.world.borrower.bearer()
    )
    assert asked.json()["status"] == "waiting"
    cancelled = await client.post(
        f"/api/v1/loans/{taken.number}/cancel", headers=await fleet.world.staff.bearer()
    )
    assert cancelled.status_code == 200
    messages = await delivered(smtp_server)
    assert any("s'est libéré" in m["Subject"] for m in messages)
    assert (await LoanRequest.select(LoanRequest.status).first())["status"] == "pending"


async def test_a_borrower_withdraws_its_request_before_the_answer_and_not_after(
    client: AsyncTestClient, fleet: Fleet
) -> None:
    borrower = await fleet.world.borrower.bearer()
    ask = {**wednesday_workshop(), "types": {"tablet": 1}}
    first, second = [
        (await client.post("/api/v1/loan-requests", json=ask, headers=borrower)).json()["id"]
        for _ in range(2)
    ]
    other = await make_person("bib@lessay-contact.test", fleet.other_borrower_id, Role.borrower)
    theirs = await client.post(
        f"/api/v1/loan-requests/{first}/cancel", headers=await other.bearer()
    )
    assert theirs.status_code == 404
    withdrawn = await client.post(f"/api/v1/loan-requests/{first}/cancel", headers=borrower)
    assert withdrawn.status_code == 200 and withdrawn.json()["status_label"] == "Annulée"
    await client.post(
        f"/api/v1/loan-requests/{second}/decision",
        json={"decision": "approve"},
        headers=await fleet.world.staff.bearer(),
    )
    late = await client.post(f"/api/v1/loan-requests/{second}/cancel", headers=borrower)
    assert late.status_code == 409 and late.json()["error"] == "already_decided"
    staff = await client.post(
        f"/api/v1/loan-requests/{first}/decision",
        json={"decision": "approve"},
        headers=await fleet.world.staff.bearer(),
    )
    assert staff.status_code == 409


async def test_fleet_staff_are_emailed_when_a_borrower_files_a_request(
    client: AsyncTestClient, fleet: Fleet, smtp_server: SmtpServer
) -> None:
    """Without ``PASSNUM_FLEET_EMAIL``, each active staff account is told; with it, only the
    fleet service's address(es) given there."""
    away = await make_person("parti@manche.test", fleet.world.operator_id, Role.staff)
    await BaseUser.update({BaseUser.active: False}).where(BaseUser.id == away.user_id)
    borrower = await fleet.world.borrower.bearer()
    asked = await client.post("/api/v1/loan-requests", json=wednesday_workshop(), headers=borrower)
    request_id = asked.json()["id"]
    [told] = await delivered(smtp_server, to=fleet.world.staff.email)
    assert told["To"] == fleet.world.staff.email
    assert (
        told["Subject"] == f"Nouvelle demande de matériel n° {request_id} : Mairie de Tessy-Bocage"
    )
    body = told.get_body().get_content()
    assert "8 × Tablette" in body and f"du {day(8):%d/%m/%Y} au {day(9):%d/%m/%Y}" in body
    assert "Claire Lebrun" in body and "Atelier tablettes du mercredi" in body
    assert "/equipment/demandes" in body

    smtp_server.messages.clear()
    with passnum_env(FLEET_EMAIL="parc@manche.test, Pret.Materiel@manche.test"):
        await client.post("/api/v1/loan-requests", json=wednesday_workshop(), headers=borrower)
        staff_told = [
            m["To"] for m in await delivered(smtp_server) if m["To"] != "claire.lebrun@tessy.test"
        ]
    assert sorted(staff_told) == ["parc@manche.test", "pret.materiel@manche.test"]
