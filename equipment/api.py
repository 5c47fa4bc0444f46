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
    ical_feed,
]
