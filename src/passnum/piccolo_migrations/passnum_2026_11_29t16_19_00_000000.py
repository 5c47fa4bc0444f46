"""Hand the organisation, opening_slot and membership tables over to the organisations app.

State only: Piccolo's schema snapshot of the passnum app forgets the three tables, and the
database is left exactly as it is (no DROP, in either direction). The organisations app's first
migration adopts them the same way, so rows, ids and foreign keys pointing at them are kept.
"""

from piccolo.apps.migrations.auto.migration_manager import MigrationManager

ID = "2026-11-29T16:19:00:000000"
VERSION = "1.38.0"
DESCRIPTION = "organisation, opening_slot and membership move to the organisations app"


class StateOnlyMigrationManager(MigrationManager):
    """Changes Piccolo's view of an app's tables, never the database.

    ``fake=True`` makes ``piccolo migrations forwards`` record it without running it; ``run`` is
    a no-op too because ``backwards`` ignores ``fake`` and would otherwise DROP the tables.
    """

    async def run(self, backwards: bool = False) -> None:
        print(f"  - {self.migration_id} [state only, database unchanged]... ", end="")


async def forwards() -> MigrationManager:
    manager = StateOnlyMigrationManager(
        migration_id=ID, app_name="passnum", description=DESCRIPTION, fake=True
    )
    manager.drop_table(class_name="Membership", tablename="membership", schema=None)
    manager.drop_table(class_name="OpeningSlot", tablename="opening_slot", schema=None)
    manager.drop_table(class_name="Organisation", tablename="organisation", schema=None)
    return manager
