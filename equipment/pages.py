"""Every staff page of the fleet, for ``equipment.controllers``."""

from equipment.pages_followup import FollowUpPages
from equipment.pages_handover import LoanRecordPages, SlipCheckPages
from equipment.pages_inventory import InventoryPages
from equipment.pages_item import ItemPages
from equipment.pages_loans import LoanPages
from equipment.pages_photos import CataloguePhotoPages
from equipment.pages_requests import BorrowerPages, RequestStaffPages
from equipment.pages_stocktake import StockTakePages

PAGE_HANDLERS = [
    InventoryPages,
    FollowUpPages,
    ItemPages,
    LoanPages,
    LoanRecordPages,
    SlipCheckPages,
    StockTakePages,
    BorrowerPages,
    RequestStaffPages,
    CataloguePhotoPages,
]
