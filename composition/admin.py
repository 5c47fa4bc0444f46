"""The staff back-office for raw records: piccolo-admin, read-only, mounted at /admin/.

Read-only on purpose: every change goes through the services, which hold the rules and write the
audit trail; the admin is for looking at raw rows. Staff reach it with their passnum login: the
login also sets the session cookie piccolo-admin reads (same session table, path /admin/), and
staff accounts carry BaseUser.admin.
"""

from __future__ import annotations

from litestar import asgi
from litestar.types import Receive, Scope, Send
from piccolo.apps.user.tables import BaseUser
from piccolo.conf.apps import Finder
from piccolo_admin.endpoints import create_admin
from piccolo_api.session_auth.tables import SessionsBase

from passnum.auth import Role, roles
from passnum.settings import get_settings
from passnum.tables import LoginChallenge, RecoveryCode, TwoFactor

HIDDEN_TABLES = (SessionsBase, TwoFactor, RecoveryCode, LoginChallenge)

_admin_app = create_admin(
    # Never shown, even to staff: session tokens, authenticator secrets (whoever reads one can
    # compute that person's codes), pending logins.
    tables=[t for t in Finder().get_table_classes() if t not in HIDDEN_TABLES],
    auth_table=BaseUser,
    session_table=SessionsBase,
    read_only=True,
    site_name="passnum — données brutes",
    production=get_settings().https,
    default_language_code="fr",
)


@asgi("/admin", is_mount=True, copy_scope=True, opt=roles(Role.staff), include_in_schema=False)
async def admin(scope: Scope, receive: Receive, send: Send) -> None:
    # piccolo-admin is a Starlette app: Starlette's ASGI types and Litestar's are two spellings
    # of the same messages, which neither library declares compatible.
    await _admin_app(scope, receive, send)  # pyright: ignore[reportArgumentType]
