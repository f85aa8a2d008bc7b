"""Finding photos in a folder and telling finished files from ones still being written.

Polling, not inotify: it works the same on SD cards, USB readers and network mounts,
where change events are missing or late. A file is ready when its size and mtime have
not changed for `settle_s` (seen on two scans that far apart) and, where the format
lets us tell cheaply, its bytes look complete. A file that looks truncated waits for
`incomplete_grace_s` more before it is sent anyway and the box judges it.
"""

from __future__ import annotations

import logging
import os
import struct
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)

PHOTO_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".heic", ".heif"})
#: Folders that hold other tools' caches, not photos (thumbnails, trash, OS metadata).
SKIP_DIRS = frozenset({"$recycle.bin", "system volume information", "lost+found"})
_DIR_PREFIXES = (".", "@", "#")  # .thumbnails, .Trashes, Synology @eaDir, #recycle
_FILE_PREFIXES = (".", "~")  # hidden, AppleDouble ._x, rsync/syncthing temps, Office ~$


def is_photo_name(name: str) -> bool:
    """True for a photo file name we send (by suffix), False for hidden or temporary ones."""
    if name.startswith(_FILE_PREFIXES):
        return False
    return os.path.splitext(name)[1].lower() in PHOTO_SUFFIXES


def iter_photos(folder: Path) -> Iterator[Path]:
    """Every photo under `folder`, recursively, skipping hidden and tool folders."""

    def skip(error: OSError) -> None:  # a card pulled mid-walk: try again next scan
        log.debug("cannot list %s: %s", error.filename, error.strerror)

    for root, dirs, files in os.walk(folder, onerror=skip):
        dirs[:] = sorted(
            d for d in dirs if not d.startswith(_DIR_PREFIXES) and d.lower() not in SKIP_DIRS
        )
        for name in sorted(files):
            if is_photo_name(name):
                yield Path(root, name)


def looks_complete(path: Path) -> bool:
    """False when the file's end shows it is cut short (JPEG without EOI, PNG without IEND,
    HEIC whose boxes run past the end). True when complete or when we cannot tell."""
    try:
        with path.open("rb") as f:
            head = f.read(16)
            size = f.seek(0, os.SEEK_END)
            f.seek(max(0, size - 64 * 1024))
            tail = f.read()
    except OSError:
        return False
    if head.startswith(b"\xff\xd8"):
        # Trailing padding is common; a long trailer (motion photo video) is not
        # detected here, so such files wait out the grace period instead.
        return tail.rstrip(b"\x00\xff\r\n").endswith(b"\xff\xd9")
    if head.startswith(b"\x89PNG\r\n\x1a\n"):
        return tail.endswith(b"IEND\xaeB`\x82")
    if head[4:8] == b"ftyp":
        return _bmff_complete(path, size)
    return True  # not a format we know: the box will say what is wrong with it


def _bmff_complete(path: Path, size: int) -> bool:
    """ISO base media (HEIC): the top-level boxes must tile the file exactly."""
    offset = 0
    with path.open("rb") as f:
        while offset < size:
            f.seek(offset)
            header = f.read(16)
            if len(header) < 8:
                return False
            length = struct.unpack(">I", header[:4])[0]
            if length == 1:
                if len(header) < 16:
                    return False
                length = struct.unpack(">Q", header[8:16])[0]
            elif length == 0:  # box runs to the end of the file
                return True
            if length < 8:
                return True  # malformed: let the box report it
            offset += length
    return offset == size


@dataclass(frozen=True)
class FileVersion:
    """A photo file as last seen: a change of size or mtime makes a new version."""

    path: Path
    size: int
    mtime_ns: int


@dataclass
class _Watch:
    version: FileVersion
    stable_since: float
    complete: bool | None = None


class Scanner:
    """Tracks the files of a folder and hands out each file version once it is ready."""

    def __init__(
        self,
        folder: Path,
        *,
        settle_s: float = 2.0,
        incomplete_grace_s: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.folder = folder
        self.settle_s = settle_s
        self.incomplete_grace_s = incomplete_grace_s
        self._clock = clock
        self._watching: dict[Path, _Watch] = {}
        self._handed_out: dict[Path, FileVersion] = {}

    def scan(self) -> tuple[list[FileVersion], int]:
        """(versions ready to send, oldest first; how many photo files are still settling)."""
        now = self._clock()
        seen: set[Path] = set()
        ready: list[FileVersion] = []
        for path in iter_photos(self.folder):
            seen.add(path)
            try:
                st = path.stat()
            except OSError:  # deleted or unreadable between listing and stat
                continue
            version = FileVersion(path, st.st_size, st.st_mtime_ns)
            if self._handed_out.get(path) == version:
                continue
            watch = self._watching.get(path)
            if watch is None or watch.version != version:
                self._watching[path] = _Watch(version, now)
                continue
            if version.size == 0 or now - watch.stable_since < self.settle_s:
                continue
            if not watch.complete:  # re-checked each scan until the end looks right
                watch.complete = looks_complete(path)
            if not watch.complete and now - watch.stable_since < self.incomplete_grace_s:
                continue
            if not watch.complete:
                log.warning(
                    "%s looks cut short but has not changed for %.0f s; sending it anyway",
                    path,
                    now - watch.stable_since,
                )
            ready.append(version)
        for gone in set(self._watching) - seen:
            del self._watching[gone]
        for gone in set(self._handed_out) - seen:
            del self._handed_out[gone]
        ready.sort(key=lambda v: (v.mtime_ns, str(v.path)))
        ready_paths = {v.path for v in ready}
        settling = sum(
            1 for p, w in self._watching.items() if p not in ready_paths and w.version.size > 0
        )
        return ready, settling

    def done(self, version: FileVersion) -> None:
        """Stop offering this version (sent, skipped or rejected); a changed file reappears.

        A version not marked done is offered again on every scan (e.g. its upload failed).
        """
        self._handed_out[version.path] = version
        self._watching.pop(version.path, None)
