"""A pass numérique scene on the World: an active batch, stock, one handed-out booklet."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

import pytest

from organisations.actors import load_actor
from passnum import clock
from passnum.auth.actor import Actor
from tests.factories import Person, World
from vouchers import schemas
from vouchers import services as svc
from vouchers.tables import Booklet, Cheque


async def actor_of(person: Person) -> Actor:
    actor = await load_actor(person.user_id)
    assert actor is not None
    return actor


async def make_batch(world: World, count: int = 4, active: bool = True, **extra) -> schemas.Batch:
    values = {
        "funder_id": world.operator_id,
        "label": "Département 2026",
        "booklet_count": count,
        "valid_from": clock.today() - timedelta(days=30),
        "valid_until": clock.today() + timedelta(days=300),
        **extra,
    }
    staff = await actor_of(world.staff)
    batch = await svc.create_batch(staff, schemas.BatchIn(**values))
    if active:
        paid = svc.full_payment(batch, "Titre 2026-001", clock.today())
        batch = await svc.activate_batch(staff, batch.id, paid)
    return batch


async def allocate(world: World, batch: schemas.Batch, organisation_id: int, count: int) -> None:
    staff = await actor_of(world.staff)
    await svc.move_booklets(
        staff,
        schemas.StockMoveIn(to_organisation_id=organisation_id, batch_id=batch.id, count=count),
    )


BENEFICIARY = schemas.BeneficiaryIn(
    consent=True,
    insee_code="50147",
    age_band="70_plus",
    social_status="retired",
    needs=["admin", "email"],
    reference="Dossier CMS 2026-0042",
)


async def hand_out(person: Person, number: str) -> schemas.HandOut:
    return await svc.hand_out_booklet(
        await actor_of(person), schemas.HandOutIn(booklet_number=number, beneficiary=BENEFICIARY)
    )


async def codes_of(number: str) -> list[str]:
    rows = (
        await Cheque.select(Cheque.code)
        .where(Cheque.booklet.number == number)
        .order_by(Cheque.position)
    )
    return [r["code"] for r in rows]


async def numbers_of(batch: schemas.Batch) -> list[str]:
    rows = (
        await Booklet.select(Booklet.number)
        .where(Booklet.batch == batch.id)
        .order_by(Booklet.serial)
    )
    return [r["number"] for r in rows]


@dataclass
class Scene:
    world: World
    batch: schemas.Batch
    issued: str  # handed out by world.prescriber
    allocated: str  # in world.prescriber's stock
    in_stock: str  # still at the Département
    codes: list[str]  # cheques of the issued booklet


@pytest.fixture
async def scene(world: World) -> Scene:
    batch = await make_batch(world, count=4)
    numbers = await numbers_of(batch)
    await allocate(world, batch, world.prescriber_org_id, 2)
    await hand_out(world.prescriber, numbers[0])
    return Scene(world, batch, numbers[0], numbers[1], numbers[3], await codes_of(numbers[0]))
