"""A generated territory of batches, booklets and redemptions, written straight to the tables
(the same facts the vouchers services record), with every fact kept in Python so tests can
recompute each total and rate independently of the SQL under test."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from vouchers.tables import Batch, Beneficiary, Booklet, Cheque

AGE_BANDS = ["18_24", "25_39", "60_69", "70_plus"]
STATUSES = ["job_seeker", "retired", "employed"]
NEEDS = ["admin", "email", "health"]


@dataclass
class ChequeFact:
    id: int
    booklet_id: int
    code: str
    redeemed_at: datetime | None = None
    site_id: int | None = None
    activity: str = ""
    place: str = ""


@dataclass
class BookletFact:
    id: int
    batch_id: int
    funder_id: int
    face_value_cents: int
    prescriber_id: int | None
    issued_at: datetime | None
    age_band: str = ""
    social_status: str = ""
    needs: list[str] = field(default_factory=list)
    insee: str = ""
    cheques: list[ChequeFact] = field(default_factory=list)


@dataclass
class Dataset:
    booklets: list[BookletFact] = field(default_factory=list)

    @property
    def cheques(self) -> list[ChequeFact]:
        return [c for b in self.booklets for c in b.cheques]


_serial = iter(range(1, 10**9))


async def make_batch(
    funder_id: int,
    *,
    face_value_cents: int = 1000,
    valid_from=date(2026, 1, 1),
    valid_until=date(2026, 12, 31),
    grace_days: int = 31,
    label="Tirage",
) -> int:
    batch = Batch(
        funder=funder_id,
        label=label,
        booklet_count=0,
        face_value_cents=face_value_cents,
        valid_from=valid_from,
        valid_until=valid_until,
        grace_days=grace_days,
        status="active",
    )
    await batch.save()
    return batch.id


async def make_booklet(
    data: Dataset,
    batch_id: int,
    funder_id: int,
    face_value_cents: int,
    prescriber_id: int | None,
    issued_at: datetime | None,
    rng: random.Random | None = None,
) -> BookletFact:
    rng = rng or random.Random(0)
    serial = next(_serial)
    beneficiary_id = None
    fact = BookletFact(0, batch_id, funder_id, face_value_cents, prescriber_id, issued_at)
    if issued_at is not None:
        fact.age_band, fact.social_status = rng.choice(AGE_BANDS), rng.choice(STATUSES)
        fact.needs, fact.insee = (
            rng.sample(NEEDS, rng.randint(1, 2)),
            rng.choice(["50147", "50502", "50129", "50564"]),
        )
        beneficiary = Beneficiary(
            prescriber=prescriber_id,
            insee_code=fact.insee,
            age_band=fact.age_band,
            social_status=fact.social_status,
            needs=fact.needs,
        )
        await beneficiary.save()
        beneficiary_id = beneficiary.id
    booklet = Booklet(
        number=f"{serial:08d}",
        serial=serial,
        batch=batch_id,
        status="issued" if issued_at else "allocated",
        holder=prescriber_id,
        issued_at=issued_at,
        beneficiary=beneficiary_id,
    )
    await booklet.save()
    fact.id = booklet.id
    for position in range(1, 6):
        code = f"T{serial:08d}{position:02d}XYZ"[:16]
        cheque = Cheque(booklet=booklet.id, position=position, code=code)
        await cheque.save()
        fact.cheques.append(ChequeFact(cheque.id, booklet.id, code))
    data.booklets.append(fact)
    return fact


async def redeem(
    cheque: ChequeFact, site_id: int, at: datetime, activity="individual", place="site"
) -> None:
    await Cheque.update(
        {
            Cheque.status: "redeemed",
            Cheque.redeemed_at: at,
            Cheque.site: site_id,
            Cheque.activity: activity,
            Cheque.place: place,
        }
    ).where(Cheque.id == cheque.id)
    await Booklet.update({Booklet.used_count: Booklet.used_count + 1}).where(
        Booklet.id == cheque.booklet_id
    )
    cheque.redeemed_at, cheque.site_id = at, site_id
    cheque.activity, cheque.place = activity, place


async def generate(world, *, booklets: int = 40, seed: int = 6) -> Dataset:
    """Two funders (face values 10 € and 15 €), two prescribers, two sites, 2026 redemptions."""
    rng = random.Random(seed)
    data = Dataset()
    funders = [(world.operator_id, 1000), (world.funder_id, 1500)]
    batches = [
        (await make_batch(f, face_value_cents=v, label=f"Tirage {f}"), f, v) for f, v in funders
    ]
    prescribers = [world.prescriber_org_id, world.other_prescriber_org_id]
    sites = [world.site_id, world.other_site_id]
    for _ in range(booklets):
        batch_id, funder_id, value = rng.choice(batches)
        issued = None
        if rng.random() < 0.85:
            issued = datetime(2026, rng.randint(1, 4), rng.randint(1, 28), 10, 0)
        fact = await make_booklet(
            data, batch_id, funder_id, value, rng.choice(prescribers), issued, rng
        )
        if issued is None or rng.random() < 0.3:
            continue
        for cheque in rng.sample(fact.cheques, rng.randint(1, 5)):
            at = issued + timedelta(days=rng.randint(0, 60), hours=rng.randint(0, 6))
            await redeem(
                cheque,
                rng.choice(sites),
                at,
                rng.choice(["individual", "workshop"]),
                rng.choice(["site", "home", "remote"]),
            )
    return data
