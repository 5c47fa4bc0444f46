"""Every route handler of every app, in one list the app factory mounts."""

from __future__ import annotations

from litestar.types import ControllerRouterHandler

import equipment.controllers
import reimbursements.controllers
import reporting.controllers
import vouchers.controllers
from passnum.auth.controllers import LoginController
from passnum.directory import ROUTE_HANDLERS as DIRECTORY_HANDLERS
from passnum.web import ROUTE_HANDLERS as CORE_HANDLERS


def route_handlers() -> list[ControllerRouterHandler]:
    return [
        LoginController,
        *CORE_HANDLERS,
        *vouchers.controllers.ROUTE_HANDLERS,
        *equipment.controllers.ROUTE_HANDLERS,
        *DIRECTORY_HANDLERS,
        *reimbursements.controllers.ROUTE_HANDLERS,
        *reporting.controllers.ROUTE_HANDLERS,
    ]
