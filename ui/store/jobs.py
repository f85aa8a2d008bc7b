"""Which service jobs belong to which project: reconstructions, patterns, renders.

Each service owns its jobs (state, results); a project only remembers their ids here,
newest first, with a label people recognise. The reconstruction, patterns and render
pages all use this one table.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime

from services.errors import InvalidArgument, NotFound
from ui.store.db import Database

#: The services whose jobs a project keeps.
SERVICES = ("reconstruction", "patterns", "render")
_TOKEN = re.compile(r"^[A-Za-z0-9_.:-]{1,64}$")
MAX_LABEL = 120
_COLUMNS = "project_id, service, kind, job_id, created_at, label"


@dataclass(frozen=True)
class ProjectJob:
    project_id: str
    service: str
    kind: str
    job_id: str
    created_at: datetime
    label: str


def _row(row: tuple) -> ProjectJob:
    return ProjectJob(*row[:4], created_at=row[4].replace(tzinfo=UTC), label=row[5])


class ProjectJobRepo:
    """The project_jobs table."""

    def __init__(self, db: Database):
        self._db = db

    def add(
        self, project_id: str, service: str, kind: str, job_id: str, label: str = ""
    ) -> ProjectJob:
        """Remember a job; adding the same job again keeps the first record."""
        if service not in SERVICES:
            raise InvalidArgument(f"service must be one of {', '.join(SERVICES)}", field="service")
        for name, value in (("project_id", project_id), ("kind", kind), ("job_id", job_id)):
            if not _TOKEN.match(value or ""):
                raise InvalidArgument(f"{name} {value!r} is not a valid id", field=name)
        label = " ".join((label or "").split())[:MAX_LABEL]
        now = datetime.now(UTC).replace(tzinfo=None)
        with self._db.transaction() as con:
            if not con.execute("SELECT 1 FROM projects WHERE id = ?", [project_id]).fetchone():
                raise NotFound(f"no project {project_id}")
            con.execute(
                f"INSERT INTO project_jobs ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?) "
                "ON CONFLICT DO NOTHING",
                [project_id, service, kind, job_id, now, label],
            )
        return self.get(service, job_id)

    def get(self, service: str, job_id: str) -> ProjectJob:
        row = self._db.fetchone(
            f"SELECT {_COLUMNS} FROM project_jobs WHERE service = ? AND job_id = ?",
            [service, job_id],
        )
        if row is None:
            raise NotFound(f"no {service} job {job_id}")
        return _row(row)

    def list(
        self, project_id: str, service: str | None = None, kind: str | None = None
    ) -> list[ProjectJob]:
        """The project's jobs, newest first, optionally of one service and kind."""
        where, params = ["project_id = ?"], [project_id]
        if service is not None:
            where.append("service = ?")
            params.append(service)
        if kind is not None:
            where.append("kind = ?")
            params.append(kind)
        rows = self._db.fetchall(
            f"SELECT {_COLUMNS} FROM project_jobs WHERE {' AND '.join(where)} "
            "ORDER BY created_at DESC, job_id DESC",
            params,
        )
        return [_row(r) for r in rows]

    def latest(self, project_id: str, service: str, kind: str | None = None) -> ProjectJob | None:
        jobs = self.list(project_id, service, kind)
        return jobs[0] if jobs else None

    def forget(self, service: str, job_id: str) -> None:
        """Drop a job the service no longer knows (its results are gone)."""
        self._db.execute(
            "DELETE FROM project_jobs WHERE service = ? AND job_id = ?", [service, job_id]
        )
