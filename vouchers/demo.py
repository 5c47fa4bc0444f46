"""Demo pass numériques: an active Département batch allocated to the demo prescribers, some
booklets handed out and partly used at demo sites, plus a draft batch for a funder. Idempotent."""

from __future__ import annotations

import random
from datetime import date, datetime, time, timedelta

from organisations.actors import load_actor
from organisations.demo import DemoTerritory
from organisations.tables import Membership, Organisation
from passnum import clock
from passnum.auth import Role
from passnum.auth.actor import Actor, MembershipInfo
from passnum.fr import format_date
from vouchers import schemas
from vouchers import services as svc
from vouchers.tables import Batch, Booklet, Cheque

DEMO_LABEL = "Pass numériques Département — démonstration"
PER_PRESCRIBER = 10
HANDED_OUT = 4
FUNDER_BOOKLETS = 12
NEEDS = ["admin", "email", "rights", "health", "employment", "banking", "device", "security"]
AGE_BANDS = ["18_24", "25_39", "40_59", "60_69", "70_plus", "70_plus"]
STATUSES = ["job_seeker", "retired", "employed", "retired", "unknown"]
COMMUNES = ["50502", "50147", "50564", "50394", "50129", "50025"]


async def _staff() -> Actor:
    row = (
        await Membership.select(Membership.user).where(Membership.role == Role.staff.value).first()
    )
    actor = await load_actor(row["user"]) if row else None
    if actor is None:
        raise RuntimeError("Le territoire de démonstration n'a pas de compte du Département.")
    return actor


async def _acting(organisation_id: int, role: Role, fallback: Actor) -> Actor:
    """A real account of that organisation with that role, or the staff user acting for it."""
    row = (
        await Membership.select(Membership.user)
        .where((Membership.organisation == organisation_id) & (Membership.role == role.value))
        .first()
    )
    if row and (actor := await load_actor(row["user"])):
        return actor
    name = await Organisation.select(Organisation.name).where(Organisation.id == organisation_id)
    membership = MembershipInfo(organisation_id, name[0]["name"], role)
    return Actor(fallback.user_id, fallback.email, fallback.display_name, (membership,))


async def load_demo(territory: DemoTerritory) -> None:
    """Add the demo batches, stock, hand-outs and redemptions once (safe to run again)."""
    if await Batch.exists().where(Batch.label == DEMO_LABEL):
        return
    staff = await _staff()
    rng = random.Random(2026)  # noqa: S311 - reproducible demo data, not security
    year = clock.today().year
    batch = await svc.create_batch(
        staff,
        schemas.BatchIn(
            funder_id=territory.operator_id,
            label=DEMO_LABEL,
            booklet_count=PER_PRESCRIBER * len(territory.prescriber_ids) + 20,
            valid_from=date(year, 1, 1),
            valid_until=date(year, 12, 31),
        ),
    )
    await svc.activate_batch(
        staff, batch.id, svc.full_payment(batch, f"Titre {year}-001", date(year, 1, 1))
    )
    for org_id in territory.prescriber_ids:
        await svc.move_booklets(
            staff,
            schemas.StockMoveIn(to_organisation_id=org_id, batch_id=batch.id, count=PER_PRESCRIBER),
        )
    for org_id in territory.prescriber_ids:
        for i, number in enumerate(await _hand_out(batch.id, org_id, HANDED_OUT, staff, rng)):
            await _use(number, i, territory, staff, rng)
    if len(territory.funder_ids) > 1:
        await _funder_runs(territory, staff, rng)
        await svc.create_batch(
            staff,
            schemas.BatchIn(
                funder_id=territory.funder_ids[1],
                label="CAF — ateliers numériques (en attente de paiement)",
                booklet_count=20,
                valid_from=date(year + 1, 1, 1),
                valid_until=date(year + 1, 12, 31),
            ),
        )


async def _hand_out(
    batch_id: int, org_id: int, count: int, staff: Actor, rng: random.Random
) -> list[str]:
    """Hand out ``count`` booklets of the organisation's stock of that batch, 61 to 90 days ago."""
    prescriber = await _acting(org_id, Role.prescriber, staff)
    numbers = (
        await Booklet.select(Booklet.number)
        .where((Booklet.holder == org_id) & (Booklet.batch == batch_id))
        .order_by(Booklet.serial)
        .limit(count)
    )
    for i, row in enumerate(numbers):
        beneficiary = schemas.BeneficiaryIn(
            consent=True,
            insee_code=rng.choice(COMMUNES),
            age_band=rng.choice(AGE_BANDS),
            social_status=rng.choice(STATUSES),
            needs=rng.sample(NEEDS, k=rng.randint(1, 3)),
            reference=f"Démo {org_id}-{i + 1}",
        )
        await svc.hand_out_booklet(
            prescriber, schemas.HandOutIn(booklet_number=row["number"], beneficiary=beneficiary)
        )
        issued = clock.stamp() - timedelta(days=rng.randint(61, 90))
        await Booklet.update(
            {Booklet.issued_at: issued, Booklet.allocated_at: issued - timedelta(days=7)}
        ).where(Booklet.number == row["number"])
    return [row["number"] for row in numbers]


async def _funder_run(
    staff: Actor, funder_id: int, label: str, valid_from: date, valid_until: date
) -> int:
    batch = await svc.create_batch(
        staff,
        schemas.BatchIn(
            funder_id=funder_id,
            label=label,
            booklet_count=FUNDER_BOOKLETS,
            valid_from=valid_from,
            valid_until=valid_until,
        ),
    )
    paid = svc.full_payment(batch, f"Mandat {label}", min(valid_from, clock.today()))
    await svc.activate_batch(staff, batch.id, paid)
    await svc.move_booklets(
        staff, schemas.StockMoveIn(to_organisation_id=funder_id, batch_id=batch.id, count=8)
    )
    return batch.id


async def _funder_runs(t: DemoTerritory, staff: Actor, rng: random.Random) -> None:
    """The demo funder (CAF, which also prescribes): a print run in use, with three cheques
    redeemed last month at Terre-et-Marais (the demo site agent's site, so it has last month's
    statement); one whose validity and grace period have ended (a credit note); and a draft."""
    caf, today = t.funder_ids[1], clock.today()
    year = today.year
    current = await _funder_run(
        staff, caf, f"CAF — pass numériques {year}", date(year, 1, 1), date(year, 12, 31)
    )
    last_month = (today.replace(day=1) - timedelta(days=1)).replace(day=1)
    numbers = await _hand_out(current, caf, 4, staff, rng)
    for i, number in enumerate(numbers):
        await _use(number, i, t, staff, rng)
    for day, code in zip((5, 12, 19), await _valid_codes(numbers[0]), strict=False):
        await _redeem_at(code, t.site_ids[-1], last_month.replace(day=day), staff, rng)
    ended_until = today - timedelta(days=90)  # grace period (31 days) over two months ago
    label = f"CAF — pass numériques jusqu'au {format_date(ended_until)}"
    ended = await _funder_run(staff, caf, label, today, today)
    for i, number in enumerate(await _hand_out(ended, caf, 4, staff, rng)):
        for code in (await _valid_codes(number))[: i + 1]:
            day = ended_until - timedelta(days=rng.randint(10, 150))
            await _redeem_at(code, rng.choice(t.site_ids), day, staff, rng)
        issued = ended_until - timedelta(days=200)
        await Booklet.update(
            {Booklet.issued_at: issued, Booklet.allocated_at: issued - timedelta(days=7)}
        ).where(Booklet.number == number)
    await Batch.update(
        {Batch.valid_from: ended_until - timedelta(days=364), Batch.valid_until: ended_until}
    ).where(Batch.id == ended)


async def _valid_codes(number: str) -> list[str]:
    rows = (
        await Cheque.select(Cheque.code)
        .where((Cheque.booklet.number == number) & (Cheque.status == "valid"))
        .order_by(Cheque.position)
    )
    return [r["code"] for r in rows]


async def _redeem_at(code: str, site: int, day: date, staff: Actor, rng: random.Random) -> None:
    """Redeem a cheque at ``site`` now, then date it ``day`` at 10:00 (the demo's history; the
    append-only scan ledger keeps the real time)."""
    agent = await _acting(site, Role.site_agent, staff)
    await svc.redeem_cheque(
        agent,
        schemas.RedemptionIn(
            code=code,
            activity=rng.choice(["individual", "workshop"]),
            place="site",
            themes=rng.sample(NEEDS, k=1),
            duration_minutes=60,
            site_id=site,
        ),
    )
    at = datetime.combine(day, time(10))
    await Cheque.update({Cheque.redeemed_at: at}).where(Cheque.code == code)


async def _use(number: str, i: int, t: DemoTerritory, staff: Actor, rng: random.Random) -> None:
    """Redeem the first ``i`` cheques (0 to 3, and all 5 for some) at demo sites, spread in time."""
    used = 5 if i == 3 and rng.random() < 0.5 else i
    codes = (
        await Cheque.select(Cheque.code)
        .where(Cheque.booklet.number == number)
        .order_by(Cheque.position)
    )
    favourites = (
        t.site_ids[-1:] + t.site_ids[:10]
    )  # Terre-et-Marais first: a demo agent works there
    for position, row in enumerate(codes[:used]):
        site = rng.choice(favourites)
        agent = await _acting(site, Role.site_agent, staff)
        await svc.redeem_cheque(
            agent,
            schemas.RedemptionIn(
                code=row["code"],
                activity=rng.choice(["individual", "individual", "workshop"]),
                place=rng.choice(["site", "site", "site", "home"]),
                themes=rng.sample(NEEDS, k=1),
                duration_minutes=rng.choice([45, 60, 90, 120]),
                site_id=site,
            ),
        )
        if position < used - 1 or site != t.site_ids[-1]:
            day = clock.today() - timedelta(days=rng.randint(2, 60))
            # A session in the day, whatever the hour the demo is loaded.
            hour = time(rng.choice([9, 10, 11, 14, 15, 16]), rng.choice([0, 15, 30, 45]))
            await Cheque.update({Cheque.redeemed_at: datetime.combine(day, hour)}).where(
                Cheque.code == row["code"]
            )
