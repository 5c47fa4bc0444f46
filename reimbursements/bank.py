"""The bank details a document names: the site's (statements) as in force on a day, IBAN masked.

The organisations app keeps bank details with their history and validation (issue #15); this
module only asks it. Until it can answer, statements say the details are not yet validated.
"""

from __future__ import annotations

from datetime import date

from printing import BankDetails


async def bank_in_force(organisation_id: int, day: date) -> BankDetails | None:
    """The organisation's validated bank details in force on ``day`` (IBAN masked), or None."""
    return None
