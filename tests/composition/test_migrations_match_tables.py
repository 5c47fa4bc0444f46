"""Every table change comes with its migration: `piccolo migrations new APP --auto` finds nothing
to write for any app, so the tables moved between apps left no spurious difference behind."""

import pytest
from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder

APPS = ["passnum", "organisations", "vouchers", "equipment", "reimbursements"]


@pytest.mark.parametrize("app_name", APPS)
async def test_the_migrations_of_each_app_describe_its_tables_exactly(app_name: str) -> None:
    app_config = Finder().get_app_config(app_name)
    manager = AutoMigrationManager(auto_input="n")  # never guess a rename
    statements = await manager.get_alter_statements(app_config=app_config)
    assert [s for group in statements for s in group.statements] == []
