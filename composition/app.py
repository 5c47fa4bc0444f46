"""The Litestar application: every app's routes, auth, CSRF, templates and errors wired once."""

from __future__ import annotations

import gc
from pathlib import Path
from types import ModuleType

from litestar import Litestar, Router
from litestar.config.csrf import CSRFConfig
from litestar.datastructures import State
from litestar.middleware.base import DefineMiddleware
from litestar.openapi import OpenAPIConfig
from litestar.openapi.plugins import JsonRenderPlugin
from litestar.openapi.spec import Components, SecurityScheme
from litestar.plugins.jinja import JinjaTemplateEngine
from litestar.static_files import create_static_files_router
from litestar.template import TemplateConfig

import composition
import equipment
import organisations
import passnum
import reimbursements
import reporting
import vouchers
import vouchers.settlement
from composition.openapi_errors import document_error_codes
from composition.routes import route_handlers
from composition.tasks import task_app
from equipment.errors import UNIQUE_REFUSALS as EQUIPMENT_UNIQUE
from organisations.actors import ACTOR_LOADERS
from organisations.errors import UNIQUE_REFUSALS as ORGANISATIONS_UNIQUE
from passnum import tasks, templating
from passnum.auth import PUBLIC, access_guard
from passnum.auth.actor import ACTORS_STATE
from passnum.auth.middleware import (
    PassnumAuthenticationMiddleware,
    read_session_when_no_route_matched,
)
from passnum.db import close_database, engine, open_database
from passnum.errors import (
    EXCEPTION_HANDLERS,
    PassnumRequest,
    integrity_handlers,
    static_path_not_found,
)
from passnum.logs import RequestLogMiddleware, logging_config
from passnum.openapi import document_times_in
from passnum.security import add_security_headers, rate_limit_middleware, rate_limit_store
from passnum.settings import get_settings
from reimbursements.settled import SETTLEMENT
from vouchers.errors import UNIQUE_REFUSALS as VOUCHERS_UNIQUE


def _package_dir(package: ModuleType) -> Path:
    return Path(package.__file__ or "").resolve().parent


KERNEL_DIR = _package_dir(passnum)
# Each room's templates/, named by the room (passnum/base.html, vouchers/batch.html…).
TEMPLATE_DIRS = [
    _package_dir(package) / "templates"
    for package in (
        passnum,
        composition,
        organisations,
        vouchers,
        equipment,
        reimbursements,
        reporting,
    )
]


async def _open_database() -> None:
    await open_database(engine(), get_settings().db_pool_size)


async def _close_database() -> None:
    await close_database(engine())


def _freeze_long_lived_objects() -> None:
    """Put what start-up built (app, routes, templates, tables: ~190,000 objects) out of the
    garbage collector's reach. None of it is ever garbage, yet each full collection walked it
    all: a 107 ms pause of the worker, and of every request it was serving (bench/README.md)."""
    gc.collect()
    gc.freeze()


def create_served_app() -> Litestar:
    """The app as ``passnum serve`` runs it in each worker process (uvicorn factory).

    Not in :func:`create_app`: the tests start an app per test in one process, where freezing
    would keep every earlier test's objects alive.
    """
    app = create_app()
    app.on_startup.append(_freeze_long_lived_objects)
    if get_settings().tasks_in_process:
        # SQLite (one machine): each server process also runs the queued tasks.
        app.on_startup.append(tasks.start_in_process)
        app.on_shutdown.insert(0, tasks.stop_in_process)
    return app


def create_app() -> Litestar:
    settings = get_settings()
    vouchers.settlement.install(SETTLEMENT)  # reimbursements answers vouchers' reversals
    task_app()  # every app's tasks on the queue, so that pages can defer them
    app = Litestar(
        route_handlers=[
            *route_handlers(),
            create_static_files_router(
                path="/static",
                directories=[KERNEL_DIR / "static"],
                opt=PUBLIC,
                exception_handlers={ValueError: static_path_not_found},
            ),
        ],
        guards=[access_guard],
        middleware=[
            # First: its request id and duration cover every other layer.
            RequestLogMiddleware(log=settings.log_format == "json"),
            DefineMiddleware(
                PassnumAuthenticationMiddleware,
                actors=ACTOR_LOADERS,  # memberships live in the organisations app
                exclude=["^/static/", "^/schema"],
            ),
            *rate_limit_middleware(settings),
        ],
        stores={"rate_limit": rate_limit_store(settings)},
        # The login's second step asks whether a person is staff before their session exists.
        state=State({ACTORS_STATE: ACTOR_LOADERS}),
        logging_config=logging_config(settings.log_format),
        before_send=[add_security_headers],
        # A page no route answers: its error page still knows who is logged in.
        after_exception=[read_session_when_no_route_matched],
        csrf_config=CSRFConfig(
            secret=settings.secret_key,
            cookie_name="passnum_csrf",
            cookie_secure=settings.https,
            cookie_samesite="lax",
            exclude=["/api/", "/admin"],  # the API uses bearer tokens; the admin has its own CSRF
        ),
        template_config=TemplateConfig(
            directory=[d for d in TEMPLATE_DIRS if d.exists()],
            engine=JinjaTemplateEngine,
            engine_callback=templating.install,  # label(), day(), moment(), euros()…
        ),
        openapi_config=OpenAPIConfig(
            title="passnum API",
            version="1",
            description="Pass numériques et parc de matériel mutualisé. "
            "Authentification : `Authorization: Bearer <jeton>` (voir `passnum token create`).",
            # JSON only: the browsable UIs load their scripts from CDNs.
            render_plugins=[JsonRenderPlugin()],
            openapi_router=Router(
                path="/schema", route_handlers=[], opt=PUBLIC, include_in_schema=False
            ),
            components=Components(
                security_schemes={"bearer": SecurityScheme(type="http", scheme="bearer")}
            ),
            security=[{"bearer": []}],
        ),
        exception_handlers={
            **EXCEPTION_HANDLERS,
            # A lost race on a unique value: each app's rule answers 409 (never 500).
            **integrity_handlers({**ORGANISATIONS_UNIQUE, **EQUIPMENT_UNIQUE, **VOUCHERS_UNIQUE}),
        },
        request_class=PassnumRequest,
        on_startup=[_open_database],
        on_shutdown=[tasks.close, _close_database],
        request_max_body_size=10 * 1024 * 1024,
    )
    document_times_in(app.openapi_schema)
    document_error_codes(app)  # each operation's error codes, read from the code
    return app
