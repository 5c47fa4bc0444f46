"""Every JSON API handler of the fleet, for ``equipment.controllers``."""

from equipment.api_inventory import (
    AvailabilityApi,
    FleetApi,
    InventoryFilesApi,
    ItemApi,
    KitApi,
    MaintenanceApi,
    ical_feed,
)
from equipment.api_loans import LoanApi

API_HANDLERS = [
    ItemApi,
    InventoryFilesApi,
    KitApi,
    MaintenanceApi,
    AvailabilityApi,
    FleetApi,
    LoanApi,
    ical_feed,
]
