"""`passnum demo`: the demo territory, then each app's demo data built on it."""

from __future__ import annotations

import equipment.demo
import reimbursements.demo
import vouchers.demo
from organisations.demo import load_territory


async def load_demo() -> list[tuple[str, str, str]]:
    """Load everything the demo shows; returns (role, e-mail, password) of the demo accounts."""
    territory = await load_territory()
    await vouchers.demo.load_demo(territory)
    await reimbursements.demo.load_demo()  # after the redemptions it builds statements from
    await equipment.demo.load_demo(territory)
    return territory.accounts
