"""Every HTML page of the vouchers app, collected for :mod:`vouchers.controllers`."""

from litestar.types import ControllerRouterHandler

from vouchers.pages_jobs import JOB_PAGE_HANDLERS
from vouchers.pages_offline import OFFLINE_PAGE_HANDLERS
from vouchers.pages_prescriber import PRESCRIBER_PAGE_HANDLERS
from vouchers.pages_site import SITE_PAGE_HANDLERS
from vouchers.pages_staff import STAFF_PAGE_HANDLERS

PAGE_HANDLERS: list[ControllerRouterHandler] = [
    *SITE_PAGE_HANDLERS,
    *OFFLINE_PAGE_HANDLERS,
    *PRESCRIBER_PAGE_HANDLERS,
    *STAFF_PAGE_HANDLERS,
    *JOB_PAGE_HANDLERS,
]
