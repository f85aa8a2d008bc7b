"""Numbered migrations applied at start, each once, each in its own transaction.

Files in `migrations/` are named NNN_what.sql (a SQL script) or NNN_what.py (a module
with `migrate(con)` for changes SQL cannot express). `schema_version` records which
ran, so a box updated across several releases catches up in order.
"""

from __future__ import annotations

import importlib.util
import logging
import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from ui.store.db import Database

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
_NAME = re.compile(r"^(\d{3})_([a-z0-9_]+)\.(sql|py)$")


@dataclass(frozen=True)
class Migration:
    version: int
    name: str
    path: Path


def discover(directory: Path = MIGRATIONS_DIR) -> list[Migration]:
    """The migrations in `directory`, in order; two with one number is a packaging bug."""
    found: dict[int, Migration] = {}
    for path in sorted(directory.iterdir()):
        match = _NAME.match(path.name)
        if not match:
            continue
        version = int(match.group(1))
        if version in found:
            raise RuntimeError(
                f"two migrations numbered {version:03d}: {found[version].path.name} and {path.name}"
            )
        found[version] = Migration(version, match.group(2), path)
    return [found[v] for v in sorted(found)]


def current_version(db: Database) -> int:
    """The highest migration applied, 0 for a new database."""
    db.execute(
        "CREATE TABLE IF NOT EXISTS schema_version ("
        " version INTEGER PRIMARY KEY, name VARCHAR NOT NULL, applied_at TIMESTAMP NOT NULL)"
    )
    row = db.fetchone("SELECT coalesce(max(version), 0) FROM schema_version")
    return int(row[0]) if row else 0


def apply_migrations(db: Database, directory: Path = MIGRATIONS_DIR) -> list[int]:
    """Apply every migration newer than the database; returns the versions applied."""
    done = current_version(db)
    applied: list[int] = []
    for migration in discover(directory):
        if migration.version <= done:
            continue
        log.info("applying UI database migration %03d_%s", migration.version, migration.name)
        with db.transaction() as con:
            if migration.path.suffix == ".sql":
                con.execute(migration.path.read_text())
            else:
                _load(migration.path).migrate(con)
            con.execute(
                "INSERT INTO schema_version VALUES (?, ?, ?)",
                [migration.version, migration.name, datetime.now(UTC).replace(tzinfo=None)],
            )
        applied.append(migration.version)
    return applied


def _load(path: Path):
    spec = importlib.util.spec_from_file_location(f"ui_migration_{path.stem}", path)
    if spec is None or spec.loader is None:
        raise RuntimeError(f"cannot load migration {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module
