"""A small fleet on top of the shared world: a staff actor, a borrower, a few devices."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta

import pytest

from equipment import schemas
from equipment.inventory import create_item
from equipment.loans import create_loan
from organisations.actors import load_actor
from passnum import clock
from passnum.auth.actor import Actor
from tests.factories import World, make_organisation

TODAY = clock.today()  # the operator's day (Paris), as the services read it


def day(offset: int) -> date:
    return TODAY + timedelta(days=offset)


@dataclass
class Fleet:
    world: World
    staff: Actor
    borrower_id: int
    other_borrower_id: int
    tags: list[str] = field(default_factory=list)

    async def reserve(
        self, tags: list[str], start: date, due: date, borrower_id: int | None = None, **extra
    ) -> schemas.LoanView:
        return await create_loan(
            self.staff,
            schemas.LoanCreate(
                borrower_id=borrower_id or self.borrower_id,
                contact_name="Claire Lebrun",
                contact_email="claire.lebrun@tessy.test",
                start_date=start,
                due_date=due,
                purpose="Atelier tablettes",
                items=tags,
                **extra,
            ),
        )


@pytest.fixture
async def fleet(world: World) -> Fleet:
    staff = await load_actor(world.staff.user_id)
    other = await make_organisation("Bibliothèque de Lessay", "borrower", email="bib@lessay.test")
    f = Fleet(world, staff, world.borrower_id, other)
    for n, (kind, model) in enumerate(
        [
            ("laptop", "ThinkPad E14"),
            ("tablet", "Galaxy Tab A8"),
            ("tablet", "Galaxy Tab A8"),
            ("hotspot", "Huawei E5783"),
        ]
    ):
        item = await create_item(
            staff,
            schemas.ItemIn(
                item_type=kind,
                serial=f"SN-{n:04d}",
                brand="Lenovo" if kind == "laptop" else "Samsung",
                model=model,
                declared_value_cents=49_900,
                accessories=["chargeur"],
            ),
        )
        f.tags.append(item.asset_tag)
    return f
