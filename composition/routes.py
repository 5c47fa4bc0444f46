"""Every route handler of every app, in one list the app factory mounts."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

import equipment.controllers
import organisations.controllers
import reimbursements.controllers
import reporting.controllers
import territory.controllers
import vouchers.controllers
from composition.web import ROUTE_HANDLERS as CORE_HANDLERS
from passnum.auth.controllers import LoginController
from passnum.auth.two_factor_pages import TwoFactorPages
from passnum.staff_security import StaffSecurityPages
from passnum.tasks.pages import TaskPages


def route_handlers() -> list[ControllerRouterHandler]:
    return [
        LoginController,
        TwoFactorPages,
        StaffSecurityPages,
        TaskPages,
        *CORE_HANDLERS,
        *territory.controllers.ROUTE_HANDLERS,
        *organisations.controllers.ROUTE_HANDLERS,
        *vouchers.controllers.ROUTE_HANDLERS,
        *equipment.controllers.ROUTE_HANDLERS,
        *reimbursements.controllers.ROUTE_HANDLERS,
        *reporting.controllers.ROUTE_HANDLERS,
    ]
