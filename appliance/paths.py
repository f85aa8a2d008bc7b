"""Where the box keeps its data, and the one way we write files (atomically)."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

#: Data root on an installed box (systemd's StateDirectory=stitchsketch).
BOX_DATA_DIR = Path("/var/lib/stitchsketch")


def default_data_dir() -> Path:
    """The data root: $STITCHSKETCH_DATA_DIR, else the box's, else ./var in a checkout."""
    env = os.environ.get("STITCHSKETCH_DATA_DIR") or os.environ.get("STATE_DIRECTORY")
    if env:
        return Path(env.split(":")[0])
    if BOX_DATA_DIR.is_dir() and os.access(BOX_DATA_DIR, os.W_OK):
        return BOX_DATA_DIR
    return Path(__file__).resolve().parent.parent / "var"


def atomic_write(path: Path, data: bytes, mode: int = 0o644) -> None:
    """Write `data` so that `path` holds either the old or the whole new content.

    Temp file in the same directory, fsync, rename, fsync the directory: a kill or a
    power cut at any point never leaves a half-written file under the final name.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(fd, mode)  # mkstemp makes 0600; the service's UMask still applies above
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    fsync_dir(path.parent)


def atomic_write_text(path: Path, text: str) -> None:
    """`atomic_write` for UTF-8 text."""
    atomic_write(path, text.encode("utf-8"))


def fsync_dir(directory: Path) -> None:
    """Make a rename in `directory` durable."""
    fd = os.open(directory, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
