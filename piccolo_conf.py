"""Piccolo configuration: the engine comes from passnum's settings."""

from piccolo.conf.apps import AppRegistry

from passnum.db import make_engine
from passnum.settings import get_settings

_settings = get_settings()
DB = make_engine(_settings.database_url, _settings.sqlite_path)

APP_REGISTRY = AppRegistry(
    apps=[
        "piccolo.apps.user.piccolo_app",
        "piccolo_api.session_auth.piccolo_app",
        "passnum.piccolo_app",
        "territory.piccolo_app",
        "organisations.piccolo_app",
        "vouchers.piccolo_app",
        "equipment.piccolo_app",
        "reimbursements.piccolo_app",
    ]
)
