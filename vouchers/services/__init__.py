"""The vouchers services: every rule of the pass numérique cycle, one verb per function.

Each takes the acting ``Actor`` explicitly (except the public cheque status), raises
``DomainError`` with a stable code from :mod:`vouchers.errors`, and returns the Structs of
:mod:`vouchers.schemas`.
"""

from vouchers.services.anonymise import anonymise_beneficiaries, statistics
from vouchers.services.batches import (
    activate_batch,
    count_batches,
    create_batch,
    delete_batch,
    full_payment,
    get_batch,
    list_batches,
)
from vouchers.services.handout import (
    cancel_booklet,
    clean_beneficiary,
    find_booklet,
    hand_out_booklet,
    handover_receipt,
)
from vouchers.services.idempotency import StoredResponse, run_idempotent
from vouchers.services.lookup import (
    cheque_status,
    prescriber_feedback,
    prescriber_feedback_count,
    search,
    site_redemptions,
)
from vouchers.services.offline import (
    decide_review,
    offline_kit,
    offline_reviews,
    site_offline_scans,
    sync_offline_scans,
)
from vouchers.services.printdata import (
    batch_booklet_count,
    batch_print_chunks,
    booklet_print_data,
)
from vouchers.services.redemption import redeem_cheque
from vouchers.services.reversal import reverse_redemption
from vouchers.services.stock import move_booklets, stock

__all__ = [
    "StoredResponse",
    "activate_batch",
    "anonymise_beneficiaries",
    "batch_booklet_count",
    "batch_print_chunks",
    "booklet_print_data",
    "cancel_booklet",
    "cheque_status",
    "clean_beneficiary",
    "count_batches",
    "create_batch",
    "decide_review",
    "delete_batch",
    "find_booklet",
    "full_payment",
    "get_batch",
    "hand_out_booklet",
    "handover_receipt",
    "list_batches",
    "move_booklets",
    "offline_kit",
    "offline_reviews",
    "prescriber_feedback",
    "prescriber_feedback_count",
    "redeem_cheque",
    "reverse_redemption",
    "run_idempotent",
    "search",
    "site_offline_scans",
    "site_redemptions",
    "statistics",
    "stock",
    "sync_offline_scans",
]
