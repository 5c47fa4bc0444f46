"""The bank details a document names: the site's (statements) as in force on a day, IBAN masked.

The organisations app keeps bank details with their history and approval
(:mod:`organisations.bank_details`); this module only asks it and turns the answer into the plain
data ``printing`` draws. A site without approved details on that day gets None: its statement says
the details are not yet validated.
"""

from __future__ import annotations

from datetime import date

from organisations.bank_details import bank_details_in_force
from printing import BankDetails


async def bank_in_force(organisation_id: int, day: date) -> BankDetails | None:
    """The organisation's approved bank details in force on ``day`` (IBAN masked), or None."""
    found = await bank_record_in_force(organisation_id, day)
    return found[1] if found else None


async def bank_record_in_force(organisation_id: int, day: date) -> tuple[int, BankDetails] | None:
    """The same with the id of that version of the details (a statement keeps it: a payment
    run pays the very account the statement named)."""
    details = await bank_details_in_force(organisation_id, day)
    if details is None:
        return None
    holder = details.holder + (" (régie)" if details.regie else "")
    return details.id, BankDetails(holder, details.iban_masked, details.bic)
