"""Litestar controllers (JSON API and pages) of this app, mounted by composition.routes."""

from __future__ import annotations

from organisations.api import MeController, OrganisationApiController, UserApiController
from organisations.api_applications import CharterApi, SiteApplicationApi
from organisations.api_bank_details import BankDetailsApi, pending_bank_details
from organisations.api_directory import open_data_csv, open_data_json
from organisations.api_positions import PositionApi
from organisations.pages_accounts import (
    ForgottenPasswordPages,
    MyAccountPages,
    accept_invitation,
    choose_organisation,
    invitation_page,
)
from organisations.pages_applications import (
    StaffApplicationPages,
    StaffCharterPages,
    application_form,
    send_application,
)
from organisations.pages_bank_details import BankDetailsPages, pending_bank_details_page
from organisations.pages_directory import OpeningSlotPages, directory_page
from organisations.pages_editing import OrganisationEditPages
from organisations.pages_organisations import StaffOrganisationPages
from organisations.pages_positions import PositionPages
from organisations.pages_users import StaffUserPages

ROUTE_HANDLERS = [
    MeController,
    OrganisationApiController,
    UserApiController,
    StaffOrganisationPages,
    directory_page,
    open_data_json,
    open_data_csv,
    OpeningSlotPages,
    invitation_page,
    accept_invitation,
    ForgottenPasswordPages,
    MyAccountPages,
    StaffUserPages,
    OrganisationEditPages,
    SiteApplicationApi,
    application_form,
    send_application,
    StaffApplicationPages,
    choose_organisation,
    BankDetailsApi,
    pending_bank_details,
    BankDetailsPages,
    pending_bank_details_page,
    PositionPages,
    PositionApi,
    CharterApi,
    StaffCharterPages,
]
