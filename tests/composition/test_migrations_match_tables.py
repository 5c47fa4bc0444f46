"""Every table change comes with its migration: `piccolo migrations new APP --auto` finds nothing
to write for any of our apps, so the tables moved between apps left no spurious difference."""

from pathlib import Path

import pytest
from piccolo.apps.migrations.commands.new import AutoMigrationManager
from piccolo.conf.apps import Finder

ROOT = Path(__file__).resolve().parents[2]
# Every app of piccolo_conf.py whose migrations are ours (not Piccolo's user and session_auth).
APPS = [
    config.app_name
    for config in Finder().get_app_configs()
    if Path(config.migrations_folder_path).resolve().is_relative_to(ROOT)
    and ".venv" not in Path(config.migrations_folder_path).parts
]


def test_every_passnum_app_is_checked() -> None:
    assert {"passnum", "organisations", "vouchers", "equipment", "reimbursements"} <= set(APPS)


@pytest.mark.parametrize("app_name", APPS)
async def test_the_migrations_of_each_app_describe_its_tables_exactly(app_name: str) -> None:
    app_config = Finder().get_app_config(app_name)
    manager = AutoMigrationManager(auto_input="n")  # never guess a rename
    statements = await manager.get_alter_statements(app_config=app_config)
    assert [s for group in statements for s in group.statements] == []
