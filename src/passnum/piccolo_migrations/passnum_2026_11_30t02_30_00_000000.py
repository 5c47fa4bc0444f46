"""The authenticator secrets kept in clear by the code before passnum.auth.secret_box are
encrypted, each under the key of the PASSNUM_SECRET_KEY of the process running the migration (the
server's own: run `passnum migrate` with the server's environment). Rows already encrypted are left
alone; in production, the default key is refused (nothing is changed)."""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Serial, Varchar
from piccolo.table import Table

from passnum.auth.secret_box import is_sealed, refuse_default_key_in_production, seal

ID = "2026-11-30T02:30:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "TOTP secrets encrypted at rest"


class TwoFactor(Table, tablename="two_factor"):
    """The columns this migration reads, as they are at this point of the history."""

    id: Serial
    user = Integer()
    secret = Varchar(length=255)


async def encrypt_clear_secrets() -> None:
    refuse_default_key_in_production()
    rows = await TwoFactor.select(TwoFactor.id, TwoFactor.user, TwoFactor.secret)
    for row in rows:
        if is_sealed(row["secret"]):
            continue
        await TwoFactor.update({TwoFactor.secret: seal(row["secret"], row["user"])}).where(
            TwoFactor.id == row["id"]
        )


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="passnum", description=DESCRIPTION)
    manager.add_raw(encrypt_clear_secrets)
    return manager
