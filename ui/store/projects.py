"""Projects: one piece of furniture for one customer, from first photo to done.

A project's id is also the capture service's project id, so it is URL- and
path-safe and readable in logs ("smith-armchair-3f9a").
"""

from __future__ import annotations

import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from services.errors import InvalidArgument, NotFound
from ui.store.db import Database

PIECE_TYPES = (
    "armchair",
    "sofa",
    "loveseat",
    "ottoman",
    "dining chair",
    "headboard",
    "cushion",
    "other",
)
#: The life of a project, in order.
STATUSES = ("new", "capturing", "modelling", "patterns", "quoted", "in work", "done")
ID_PATTERN = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
MAX_TEXT = {"customer": 80, "contact": 120, "notes": 4000}

_COLUMNS = "id, customer, contact, piece_type, notes, status, created_at, updated_at"
_EDITABLE = ("customer", "contact", "piece_type", "notes", "status")


@dataclass(frozen=True)
class Project:
    id: str
    customer: str
    contact: str
    piece_type: str
    notes: str
    status: str
    created_at: datetime
    updated_at: datetime

    @property
    def title(self) -> str:
        """How people refer to it: "Smith — armchair"."""
        return f"{self.customer} — {self.piece_type}"


def _row(row: tuple) -> Project:
    return Project(
        *row[:6], created_at=row[6].replace(tzinfo=UTC), updated_at=row[7].replace(tzinfo=UTC)
    )


def _now() -> datetime:
    return datetime.now(UTC).replace(tzinfo=None)


def make_project_id(customer: str, piece_type: str) -> str:
    """A readable unique id: customer and piece slugs plus 4 random hex digits."""
    slug = re.sub(r"[^a-z0-9]+", "-", f"{customer} {piece_type}".lower()).strip("-")[:40]
    return f"{slug or 'project'}-{secrets.token_hex(2)}"


def check_fields(fields: dict[str, Any]) -> dict[str, Any]:
    """Normalised fields, or InvalidArgument naming the first bad one."""
    clean: dict[str, Any] = {}
    for key, value in fields.items():
        if key not in _EDITABLE:
            raise InvalidArgument(f"unknown project field {key!r}", field=key)
        value = (value or "").strip()
        if key in MAX_TEXT and len(value) > MAX_TEXT[key]:
            raise InvalidArgument(f"{key} is longer than {MAX_TEXT[key]} characters", field=key)
        if key == "customer" and not value:
            raise InvalidArgument("customer is empty", field="customer")
        if key == "piece_type" and value not in PIECE_TYPES:
            raise InvalidArgument(
                f"piece type must be one of {', '.join(PIECE_TYPES)}", field="piece_type"
            )
        if key == "status" and value not in STATUSES:
            raise InvalidArgument(f"status must be one of {', '.join(STATUSES)}", field="status")
        clean[key] = value
    return clean


class ProjectRepo:
    """Projects in the UI database."""

    def __init__(self, db: Database):
        self._db = db

    def create(
        self,
        customer: str,
        piece_type: str,
        *,
        contact: str = "",
        notes: str = "",
        status: str = "new",
        project_id: str | None = None,
    ) -> Project:
        fields = check_fields(
            {
                "customer": customer,
                "contact": contact,
                "piece_type": piece_type,
                "notes": notes,
                "status": status,
            }
        )
        if project_id is not None and not ID_PATTERN.match(project_id):
            raise InvalidArgument(
                "project id may hold only letters, digits, '-' and '_' (1-64)", field="id"
            )
        now = _now()
        with self._db.transaction() as con:
            new_id = project_id or make_project_id(fields["customer"], fields["piece_type"])
            while con.execute("SELECT 1 FROM projects WHERE id = ?", [new_id]).fetchone():
                if project_id is not None:
                    raise InvalidArgument(f"project {project_id} exists already", field="id")
                new_id = make_project_id(fields["customer"], fields["piece_type"])
            con.execute(
                f"INSERT INTO projects ({_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                [new_id, *(fields[k] for k in _EDITABLE), now, now],
            )
        return self.get(new_id)

    def get(self, project_id: str) -> Project:
        row = self._db.fetchone(f"SELECT {_COLUMNS} FROM projects WHERE id = ?", [project_id])
        if row is None:
            raise NotFound(f"no project {project_id}")
        return _row(row)

    def list(self, *, search: str = "", status: str | None = None) -> list[Project]:
        """Projects, most recently changed first, matching `search` and `status`."""
        where, params = [], []
        if search.strip():
            like = "ILIKE ? ESCAPE '\\'"
            columns = ("customer", "contact", "notes", "id", "piece_type")
            where.append("(" + " OR ".join(f"{c} {like}" for c in columns) + ")")
            pattern = f"%{_escape_like(search.strip())}%"
            params += [pattern] * 5
        if status:
            where.append("status = ?")
            params.append(status)
        clause = f" WHERE {' AND '.join(where)}" if where else ""
        rows = self._db.fetchall(
            f"SELECT {_COLUMNS} FROM projects{clause} ORDER BY updated_at DESC, id", params
        )
        return [_row(r) for r in rows]

    def counts_by_status(self) -> dict[str, int]:
        rows = self._db.fetchall("SELECT status, count(*) FROM projects GROUP BY status")
        return {status: int(n) for status, n in rows}

    def update(self, project_id: str, **fields: Any) -> Project:
        """Change some fields; unknown or bad values raise InvalidArgument."""
        clean = check_fields(fields)
        if clean:
            assignments = ", ".join(f"{k} = ?" for k in clean)
            with self._db.transaction() as con:
                row = con.execute(
                    f"UPDATE projects SET {assignments}, updated_at = ? WHERE id = ? RETURNING id",
                    [*clean.values(), _now(), project_id],
                ).fetchone()
                if row is None:
                    raise NotFound(f"no project {project_id}")
        return self.get(project_id)


def _escape_like(text: str) -> str:
    """Make LIKE wildcards in a search literal (paired with ESCAPE '\\')."""
    return text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
