"""Load the official communes, old codes and EPCI from the files vendored in territory/data.

The tables are declared here as they stand at this migration (a later column must not break it);
the reading of the files is territory.official's, which ``passnum communes update`` uses too.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager
from piccolo.columns import Integer, Varchar
from piccolo.table import Table

ID = "2026-11-29T17:40:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "Official communes, old codes and EPCI"


class Epci(Table, tablename="territory_epci"):
    code = Varchar(length=9)
    name = Varchar(length=200)
    kind = Varchar(length=10)


class Commune(Table, tablename="territory_commune"):
    code = Varchar(length=5)
    name = Varchar(length=200)
    search_name = Varchar(length=200)
    postcodes = Varchar(length=200)
    epci_code = Varchar(length=9)
    department = Varchar(length=3)
    population = Integer()


class CommuneAlias(Table, tablename="territory_commune_alias"):
    old_code = Varchar(length=5)
    commune_code = Varchar(length=5)
    name = Varchar(length=200)
    search_name = Varchar(length=200)


async def forwards():
    manager = MigrationManager(migration_id=ID, app_name="territory", description=DESCRIPTION)

    async def run():
        from territory.official import replace_all

        await replace_all({"commune": Commune, "alias": CommuneAlias, "epci": Epci})

    async def run_backwards():
        for table in (Commune, CommuneAlias, Epci):
            await table.delete(force=True)

    manager.add_raw(run)
    manager.add_raw_backwards(run_backwards)
    return manager
