"""Whether a redemption is already settled by a statement: vouchers asks, reimbursements answers.

Reimbursements builds its statements from vouchers' cheques, so it imports vouchers and vouchers
may not import it back (docs/architecture.md). The reversal service asks through these two
functions; the composition root installs reimbursements' answer (``reimbursements.settled``)
when it builds the app. Without it a reversal fails loudly rather than reverse a settled cheque.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(frozen=True, slots=True)
class Settlement:
    # Inside the caller's write transaction: True when the redemption (site, time, cheque) is
    # settled, its statement submitted; locks what a concurrent submission would change.
    lock: Callable[[int, datetime, int], Awaitable[bool]]
    # Take the cheque off its draft statement, if it is on one, and recompute that draft.
    release: Callable[[int], Awaitable[None]]


_installed: list[Settlement] = []


def install(settlement: Settlement) -> None:
    _installed[:] = [settlement]


def settlement() -> Settlement:
    if not _installed:
        raise RuntimeError("No settlement installed: composition.app installs reimbursements'.")
    return _installed[0]
