import os

from piccolo.conf.apps import AppConfig, table_finder

CURRENT_DIRECTORY = os.path.dirname(os.path.abspath(__file__))

APP_CONFIG = AppConfig(
    app_name="organisations",
    migrations_folder_path=os.path.join(CURRENT_DIRECTORY, "piccolo_migrations"),
    table_classes=table_finder(modules=["organisations.tables"], exclude_imported=True),
    # The kernel's first migration created these tables; its hand-over must run before ours.
    migration_dependencies=["passnum.piccolo_app"],
    commands=[],
)
