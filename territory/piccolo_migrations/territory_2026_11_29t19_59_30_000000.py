"""Load the shipped centres of the Manche's communes (territory/data/centres.csv).

The table is declared here as it stands at this migration; the reading of the file is
territory.official's, which ``passnum communes update`` uses too.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import DoublePrecision, Varchar
from piccolo.table import Table

ID = "2026-11-29T19:59:30:000000"
VERSION = "1.38.0"
DESCRIPTION = "Shipped commune centres"


class Commune(Table, tablename="territory_commune"):
    code = Varchar(length=5)
    latitude = DoublePrecision(null=True)
    longitude = DoublePrecision(null=True)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="territory", description=DESCRIPTION)

    async def run():
        from territory.official import load_centres

        await load_centres(Commune)

    async def run_backwards():
        await Commune.update({Commune.latitude: None, Commune.longitude: None}, force=True)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
