"""Every JSON API handler of the fleet, for ``equipment.controllers``."""

from equipment.api_inventory import (
    AvailabilityApi,
    FleetApi,
    InventoryFilesApi,
    ItemApi,
    KitApi,
    LastSeenApi,
    MaintenanceApi,
    StockTakeApi,
    ical_feed,
)
from equipment.api_loans import LoanApi, SlipApi
from equipment.api_photos import CataloguePhotoApi, photo_file
from equipment.api_requests import BorrowerLoanApi, CatalogueApi, LoanRequestApi

API_HANDLERS = [
    ItemApi,
    InventoryFilesApi,
    KitApi,
    StockTakeApi,
    LastSeenApi,
    MaintenanceApi,
    AvailabilityApi,
    FleetApi,
    LoanApi,
    SlipApi,
    CatalogueApi,
    CataloguePhotoApi,
    photo_file,
    LoanRequestApi,
    BorrowerLoanApi,
    ical_feed,
]
