"""The UI's own data: users, projects, their service jobs and shop settings in one DuckDB file.

Plain Python, no NiceGUI: repositories are small classes over one `Database`
(one connection per process, serialised by a lock). The UI calls them through
`nicegui.run.io_bound` so a slow disk never blocks the event loop.
"""

from __future__ import annotations

from pathlib import Path

from ui.store.db import Database
from ui.store.jobs import SERVICES, ProjectJob, ProjectJobRepo
from ui.store.migrate import apply_migrations, current_version
from ui.store.projects import PIECE_TYPES, STATUSES, Project, ProjectRepo
from ui.store.shop import UNITS, ShopSettings, ShopSettingsRepo
from ui.store.users import ROLES, User, UserRepo, ensure_demo_owner

__all__ = [
    "PIECE_TYPES",
    "ROLES",
    "SERVICES",
    "STATUSES",
    "UNITS",
    "Database",
    "Project",
    "ProjectJob",
    "ProjectJobRepo",
    "ProjectRepo",
    "ShopSettings",
    "ShopSettingsRepo",
    "Store",
    "User",
    "UserRepo",
    "apply_migrations",
    "current_version",
    "ensure_demo_owner",
]


class Store:
    """The database and its repositories, opened and migrated together."""

    def __init__(self, path: Path, *, shop_defaults: ShopSettings | None = None):
        self.db = Database(path)
        try:
            apply_migrations(self.db)
        except BaseException:
            self.db.close()
            raise
        self.users = UserRepo(self.db)
        self.projects = ProjectRepo(self.db)
        self.jobs = ProjectJobRepo(self.db)
        self.shop = ShopSettingsRepo(self.db, shop_defaults or ShopSettings())

    def close(self) -> None:
        self.db.close()
