"""What the agent remembers across restarts: its device token and every photo it has sent.

The ledger is a small SQLite database (WAL, synchronous=FULL: each recorded upload is
on disk before the next starts), keyed by content hash, path and box, so a restart,
a renamed copy or a re-mounted SD card never sends the same bytes to the same box twice.
The credentials file is written atomically with mode 0600: it holds a bearer token.
"""

from __future__ import annotations

import contextlib
import fcntl
import json
import logging
import os
import sqlite3
import time
from dataclasses import asdict, dataclass
from pathlib import Path

from appliance.paths import atomic_write_text
from services.errors import FailedPrecondition

log = logging.getLogger(__name__)

CREDENTIALS_FILE = "device.json"
LEDGER_FILE = "ledger.sqlite3"
LOCK_FILE = "agent.lock"

#: Ledger statuses. SENT: stored by this agent; DUPLICATE: the box already had the bytes;
#: REJECTED: the box refused the file as bad input (never resent unless it changes).
SENT, DUPLICATE, REJECTED = "sent", "duplicate", "rejected"
DONE_STATUSES = (SENT, DUPLICATE, REJECTED)


def default_state_dir() -> Path:
    """$STITCHSKETCH_CAMERA_STATE_DIR, else $XDG_STATE_HOME/stitchsketch-camera."""
    if env := os.environ.get("STITCHSKETCH_CAMERA_STATE_DIR"):
        return Path(env)
    base = os.environ.get("XDG_STATE_HOME") or Path.home() / ".local" / "state"
    return Path(base) / "stitchsketch-camera"


@dataclass(frozen=True)
class Credentials:
    """The device token pairing gave us, and which box it belongs to."""

    device_id: str
    device_token: str
    box_id: str
    name: str
    target: str = ""  # where the box answered when we paired (a hint, not authority)
    paired_at: float = 0.0


def load_credentials(state_dir: Path) -> Credentials | None:
    """The stored credentials, or None when this agent has not paired yet."""
    path = state_dir / CREDENTIALS_FILE
    try:
        data = json.loads(path.read_text())
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise FailedPrecondition(f"cannot read {path}: {exc}; pair again to replace it") from exc
    fields = Credentials.__dataclass_fields__
    return Credentials(**{k: v for k, v in data.items() if k in fields})


def save_credentials(state_dir: Path, creds: Credentials) -> Path:
    """Store the credentials atomically, readable by this user only."""
    ensure_state_dir(state_dir)
    path = state_dir / CREDENTIALS_FILE
    # NOTE: atomic_write uses mkstemp, which creates the temp file 0600 before the rename.
    atomic_write_text(path, json.dumps(asdict(creds), indent=2) + "\n")
    os.chmod(path, 0o600)
    return path


def ensure_state_dir(state_dir: Path) -> None:
    state_dir.mkdir(parents=True, exist_ok=True, mode=0o700)


@dataclass(frozen=True)
class Entry:
    """One ledger row."""

    sha256: str
    path: str
    box_id: str
    status: str
    size: int
    mtime_ns: int
    photo_id: str
    detail: str
    at: float


class Ledger:
    """The record of photos handled, one row per (sha256, path, box)."""

    def __init__(self, state_dir: Path):
        ensure_state_dir(state_dir)
        self.path = state_dir / LEDGER_FILE
        self._db = sqlite3.connect(self.path, isolation_level=None)
        self._db.execute("PRAGMA journal_mode=WAL")
        self._db.execute("PRAGMA synchronous=FULL")
        self._db.execute(
            """CREATE TABLE IF NOT EXISTS photos (
                sha256 TEXT NOT NULL, path TEXT NOT NULL, box_id TEXT NOT NULL,
                status TEXT NOT NULL, size INTEGER NOT NULL, mtime_ns INTEGER NOT NULL,
                photo_id TEXT NOT NULL DEFAULT '', detail TEXT NOT NULL DEFAULT '',
                at REAL NOT NULL, PRIMARY KEY (sha256, path, box_id))"""
        )
        self._db.execute("CREATE INDEX IF NOT EXISTS photos_path ON photos (path, box_id)")

    def close(self) -> None:
        self._db.close()

    def __enter__(self) -> Ledger:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def status_of(self, sha256: str, box_id: str) -> str | None:
        """How these bytes were handled for this box under any path (sent wins), or None."""
        rows = self._db.execute(
            "SELECT status FROM photos WHERE sha256 = ? AND box_id = ?", (sha256, box_id)
        ).fetchall()
        found = {r[0] for r in rows}
        return next((s for s in DONE_STATUSES if s in found), None)

    def known_file(self, path: str, size: int, mtime_ns: int, box_id: str) -> str | None:
        """The status of this exact file version, so unchanged files need no re-reading."""
        row = self._db.execute(
            "SELECT status FROM photos WHERE path = ? AND box_id = ? AND size = ? AND mtime_ns = ?"
            " ORDER BY at DESC LIMIT 1",
            (path, box_id, size, mtime_ns),
        ).fetchone()
        return row[0] if row else None

    def record(
        self,
        *,
        sha256: str,
        path: str,
        box_id: str,
        status: str,
        size: int,
        mtime_ns: int,
        photo_id: str = "",
        detail: str = "",
    ) -> None:
        """Remember one handled file; durable when this returns."""
        if status not in DONE_STATUSES:
            raise ValueError(f"unknown ledger status {status!r}")
        self._db.execute(
            "INSERT OR REPLACE INTO photos VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (sha256, path, box_id, status, size, mtime_ns, photo_id, detail, time.time()),
        )

    def entries(self, box_id: str | None = None) -> list[Entry]:
        """All rows (for one box), oldest first; for summaries and tests."""
        query = "SELECT * FROM photos"
        args: tuple[str, ...] = ()
        if box_id is not None:
            query, args = query + " WHERE box_id = ?", (box_id,)
        return [Entry(*row) for row in self._db.execute(query + " ORDER BY at", args)]


class StateLock:
    """One agent per state dir: two would race on the ledger and send photos twice."""

    def __init__(self, state_dir: Path):
        ensure_state_dir(state_dir)
        self._path = state_dir / LOCK_FILE
        self._fd: int | None = None

    def __enter__(self) -> StateLock:
        fd = os.open(self._path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError as exc:
            os.close(fd)
            raise FailedPrecondition(
                f"another camera agent is running with state dir {self._path.parent}; "
                "stop it or give this one its own --state-dir"
            ) from exc
        self._fd = fd
        return self

    def __exit__(self, *exc: object) -> None:
        if self._fd is not None:
            with contextlib.suppress(OSError):
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            os.close(self._fd)
            self._fd = None
