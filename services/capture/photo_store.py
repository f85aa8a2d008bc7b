"""Photos on disk, one folder per project, written so that a kill at any point leaves
either no photo or a complete one.

    <root>/projects/<project_id>/<sha256>.<ext>        the bytes as uploaded
    <root>/projects/<project_id>/<sha256>.thumb.jpg    320 px upright thumbnail
    <root>/projects/<project_id>/<sha256>.json         metadata: the commit point
    <root>/active_capture.json                         which project cameras upload into

A photo exists exactly when its sidecar exists. Adding writes and fsyncs all three
under temp names, renames the original and thumbnail into place, makes that durable,
and only then renames the sidecar in. Deleting removes the sidecar first. `recover()`
at start removes whatever a kill left behind (temp files, files with no sidecar).
"""

from __future__ import annotations

import errno
import json
import logging
import os
import re
import secrets
import threading
from pathlib import Path

from appliance.paths import atomic_write_text, fsync_dir
from services.capture.records import PhotoRecord
from services.errors import InvalidArgument, NotFound, ResourceExhausted

log = logging.getLogger(__name__)

_PROJECT_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_PHOTO_ID = re.compile(r"^[0-9a-f]{64}$")
THUMB_SUFFIX = ".thumb.jpg"
ACTIVE_FILE = "active_capture.json"
_DISK_FULL = (errno.ENOSPC, errno.EDQUOT)


def check_project_id(project_id: str, field: str = "project_id") -> str:
    """`project_id` if it is a valid opaque id ([A-Za-z0-9_-]{1,64}), else InvalidArgument."""
    if not _PROJECT_ID.match(project_id):
        raise InvalidArgument(
            f"project id {project_id[:80]!r} is not valid: use 1-64 letters, digits, '_' or '-'",
            field=field,
        )
    return project_id


def check_photo_id(photo_id: str, field: str = "photo_id") -> str:
    if not _PHOTO_ID.match(photo_id):
        raise InvalidArgument("photo id must be the photo's 64-digit hex SHA-256", field=field)
    return photo_id


def disk_full() -> ResourceExhausted:
    return ResourceExhausted("the box's disk is full: delete old projects or photos, then retry")


class PhotoStore:
    """Per-project photo sets under `root`; thread-safe (writes run in worker threads)."""

    def __init__(self, root: Path):
        self.root = root
        self._projects = root / "projects"
        self._projects.mkdir(parents=True, exist_ok=True)
        self._lock = threading.Lock()  # guards _index and _commit_locks
        self._index: dict[str, dict[str, PhotoRecord]] = {}
        self._commit_locks: dict[str, threading.Lock] = {}
        self._active = self._read_active()

    # ---- start-up -------------------------------------------------------------------

    def recover(self) -> int:
        """Remove what an interrupted add or delete left behind; returns files removed."""
        removed = 0
        for project in self._projects.iterdir() if self._projects.is_dir() else ():
            if not project.is_dir():
                continue
            names = {p.name for p in project.iterdir()}
            before = removed
            committed = {n[: -len(".json")] for n in names if n.endswith(".json")}
            for name in names:
                photo_id = name.split(".", 1)[0]
                orphan = name.startswith(".") or (
                    not name.endswith(".json") and photo_id not in committed
                )
                if orphan:
                    (project / name).unlink(missing_ok=True)
                    removed += 1
            if removed > before:
                fsync_dir(project)
        if removed:
            log.warning("removed %d leftover files of interrupted uploads", removed)
        return removed

    # ---- reading ----------------------------------------------------------------------

    def list(self, project_id: str) -> list[PhotoRecord]:
        """The project's photos, oldest first."""
        return list(self._photos(project_id).values())

    def find(self, project_id: str, photo_id: str) -> PhotoRecord | None:
        check_project_id(project_id)
        with self._lock:
            return self._photos_locked(project_id).get(photo_id)

    def get(self, project_id: str, photo_id: str) -> PhotoRecord:
        found = self.find(project_id, check_photo_id(photo_id))
        if found is None:
            raise NotFound(f"photo {photo_id[:12]}… is not in project {project_id}")
        return found

    def hashes(self, project_id: str) -> list[tuple[str, int]]:
        """(photo id, perceptual hash) of the project's photos, for near-duplicate checks."""
        check_project_id(project_id)
        with self._lock:
            return [(p.id, p.phash) for p in self._photos_locked(project_id).values()]

    def original_path(self, record: PhotoRecord) -> Path:
        return self._dir(record.project_id) / f"{record.id}.{record.extension}"

    def thumbnail_path(self, record: PhotoRecord) -> Path:
        return self._dir(record.project_id) / f"{record.id}{THUMB_SUFFIX}"

    # ---- writing ----------------------------------------------------------------------

    def add(self, record: PhotoRecord, data: bytes, thumbnail: bytes) -> tuple[PhotoRecord, bool]:
        """Store a photo; (stored record, duplicate) — the same bytes twice store nothing new."""
        folder = self._dir(record.project_id)
        existing = self.find(record.project_id, record.id)
        if existing is not None:
            return existing, True
        folder.mkdir(parents=True, exist_ok=True)
        tag = secrets.token_hex(4)
        final = [self.original_path(record), self.thumbnail_path(record)]
        sidecar = folder / f"{record.id}.json"
        temps = [folder / f".{p.name}.{tag}.tmp" for p in [*final, sidecar]]
        try:
            for tmp, payload in zip(
                temps, (data, thumbnail, record.to_json().encode()), strict=True
            ):
                _write_synced(tmp, payload)
            with self._commit_lock(record.project_id):
                existing = self.find(record.project_id, record.id)
                if existing is not None:  # a concurrent upload of the same bytes won
                    return existing, True
                for tmp, path in zip(temps[:2], final, strict=True):
                    os.replace(tmp, path)
                fsync_dir(folder)  # the files are durable before the sidecar commits them
                os.replace(temps[2], sidecar)
                fsync_dir(folder)
                with self._lock:
                    self._photos_locked(record.project_id)[record.id] = record
            return record, False
        except OSError as exc:
            if exc.errno in _DISK_FULL:
                raise disk_full() from exc
            raise
        finally:
            for tmp in temps:
                _unlink_quietly(tmp)

    def delete(self, project_id: str, photo_id: str) -> PhotoRecord:
        """Remove a photo; the sidecar goes first so a kill never leaves half a photo listed."""
        record = self.get(project_id, photo_id)
        folder = self._dir(project_id)
        with self._commit_lock(project_id):
            (folder / f"{record.id}.json").unlink(missing_ok=True)
            fsync_dir(folder)
            with self._lock:
                self._photos_locked(project_id).pop(record.id, None)
            self.original_path(record).unlink(missing_ok=True)
            self.thumbnail_path(record).unlink(missing_ok=True)
        return record

    # ---- active capture ---------------------------------------------------------------

    def active_project(self) -> str:
        """The project paired cameras upload into; empty when none."""
        return self._active

    def set_active_project(self, project_id: str) -> str:
        """Choose (or with "" clear) the active capture project; persisted."""
        if project_id:
            check_project_id(project_id)
        try:
            atomic_write_text(self.root / ACTIVE_FILE, json.dumps({"project_id": project_id}))
        except OSError as exc:
            if exc.errno in _DISK_FULL:
                raise disk_full() from exc
            raise
        self._active = project_id
        return project_id

    # ---- internals --------------------------------------------------------------------

    def _dir(self, project_id: str) -> Path:
        return self._projects / check_project_id(project_id)

    def _commit_lock(self, project_id: str) -> threading.Lock:
        with self._lock:
            return self._commit_locks.setdefault(project_id, threading.Lock())

    def _photos(self, project_id: str) -> dict[str, PhotoRecord]:
        check_project_id(project_id)
        with self._lock:
            return dict(self._photos_locked(project_id))

    def _photos_locked(self, project_id: str) -> dict[str, PhotoRecord]:
        photos = self._index.get(project_id)
        if photos is None:
            photos = self._index[project_id] = self._load(project_id)
        return photos

    def _load(self, project_id: str) -> dict[str, PhotoRecord]:
        folder = self._projects / project_id
        records: list[PhotoRecord] = []
        for sidecar in folder.glob("[0-9a-f]*.json") if folder.is_dir() else ():
            try:
                record = PhotoRecord.from_json(sidecar.read_text())
            except (OSError, ValueError, KeyError, TypeError):
                log.exception("unreadable photo metadata %s skipped", sidecar)
                continue
            if not self.original_path(record).exists():
                log.error("photo %s has metadata but no file; skipped", sidecar)
                continue
            records.append(record)
        records.sort(key=lambda r: (r.received_time, r.id))
        return {r.id: r for r in records}

    def _read_active(self) -> str:
        path = self.root / ACTIVE_FILE
        try:
            found = str(json.loads(path.read_text()).get("project_id", ""))
        except FileNotFoundError:
            return ""
        except (OSError, ValueError, AttributeError):
            log.exception("unreadable %s; no project is capturing", path)
            return ""
        return found if _PROJECT_ID.match(found) else ""


def _write_synced(path: Path, data: bytes) -> None:
    with open(path, "xb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())


def _unlink_quietly(path: Path) -> None:
    try:
        path.unlink()
    except FileNotFoundError:
        pass
    except OSError:
        log.warning("could not remove temp file %s", path, exc_info=True)
