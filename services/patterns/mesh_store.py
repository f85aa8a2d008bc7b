"""Uploaded meshes: streamed to disk as they arrive, checked, stored by content hash.

    <service_dir>/meshes/<mesh_id>/mesh.<ext>    the bytes as sent
    <service_dir>/meshes/<mesh_id>/meta.json     project, file name, size, figures

The id is the start of the bytes' SHA-256, so a client that retries an upload gets the
same id back and nothing is stored twice. A stream that breaks leaves only a temp file
in `.incoming/`, removed on the next start.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import os
import re
import shutil
import tempfile
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import numpy as np

from appliance.paths import atomic_write_text, fsync_dir
from services.errors import InvalidArgument, NotFound, ResourceExhausted
from services.patterns.mesh import TriMesh, load_mesh
from services.patterns.mesh_glb import read_glb

log = logging.getLogger(__name__)

FORMATS = (".ply", ".obj", ".glb")
_SHA256 = re.compile(r"^[0-9a-f]{64}$")
_MESH_ID = re.compile(r"^[0-9a-f]{16}$")
#: Project and job ids are opaque: the same rule as the capture service's.
OPAQUE_ID = re.compile(r"^[A-Za-z0-9_-]{1,64}$")
_SNIFF = 16


@dataclass(frozen=True)
class MeshInfo:
    """What meta.json holds about a stored mesh."""

    mesh_id: str
    project_id: str
    filename: str
    extension: str
    size_bytes: int
    sha256: str
    vertices: int
    triangles: int
    dimensions_m: tuple[float, float, float]
    area_m2: float
    warnings: list[str] = field(default_factory=list)
    created_at: float = 0.0


def check_project_id(project_id: str, name: str = "project_id") -> str:
    if not OPAQUE_ID.match(project_id or ""):
        raise InvalidArgument(f"project id {project_id[:80]!r} is not valid: use 1-64 "
                              "letters, digits, '_' or '-'", field=name)
    return project_id


def read_mesh(path: Path) -> TriMesh:
    """A mesh file by its extension: GLB here, PLY and OBJ through `load_mesh`."""
    if path.suffix.lower() == ".glb":
        return read_glb(path.read_bytes())
    return load_mesh(path)


def describe(mesh: TriMesh) -> tuple[tuple[float, float, float], float, list[str]]:
    """Size, area and warnings a person should see (a model in mm, a tiny model)."""
    size = np.ptp(mesh.vertices, axis=0)
    warnings = []
    if size.max() > 10:
        warnings.append(f"the model is {size.max():.0f} m across: is it in millimetres? "
                        "Patterns expect metres")
    elif size.max() < 0.05:
        warnings.append(f"the model is only {100 * size.max():.1f} cm across: "
                        "is it scaled to metres?")
    dims = (float(size[0]), float(size[1]), float(size[2]))
    return dims, float(mesh.face_areas().sum()), warnings


class MeshUpload:
    """One upload in progress: rules of the stream, bytes to a temp file, running hash."""

    def __init__(self, store: MeshStore):
        self._store = store
        self._file: BinaryIO | None = None
        self._tmp: Path | None = None
        self._hash = hashlib.sha256()
        self._head = b""
        self.received = 0
        self.project_id = ""
        self.filename = ""
        self.extension = ""
        self.size_bytes = 0
        self.sha256 = ""

    def add_metadata(self, project_id: str, filename: str, size_bytes: int, sha256: str) -> None:
        if self._tmp is not None:
            raise InvalidArgument("metadata was sent twice: send it once, first", field="metadata")
        self.project_id = check_project_id(project_id.strip(), "metadata.project_id")
        name = PurePosixPath(filename.replace("\\", "/")).name
        self.filename = "".join(c for c in name if c.isprintable())[:255]
        self.extension = PurePosixPath(self.filename).suffix.lower()
        if self.extension not in FORMATS:
            raise InvalidArgument(f"send a mesh as {', '.join(FORMATS)} (the file name's "
                                  "extension says which)", field="metadata.filename")
        if size_bytes < 0:
            raise InvalidArgument("size_bytes cannot be negative", field="metadata.size_bytes")
        if size_bytes > self._store.max_bytes:
            raise self._too_big(size_bytes, announced=True)
        sha = sha256.strip().lower()
        if sha and not _SHA256.match(sha):
            raise InvalidArgument("sha256 must be 64 hex digits", field="metadata.sha256")
        self.size_bytes, self.sha256 = size_bytes, sha
        incoming = self._store.root / ".incoming"
        incoming.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix="up-", suffix=self.extension, dir=incoming)
        self._tmp, self._file = Path(tmp), os.fdopen(fd, "wb")

    def add_chunk(self, offset: int, data: bytes) -> None:
        if self._file is None:
            raise InvalidArgument("the first message of an upload must be its metadata",
                                  field="metadata")
        if offset != self.received:
            raise InvalidArgument(f"chunk at offset {offset} but {self.received} bytes have "
                                  "arrived: send chunks in order, without gaps or repeats",
                                  field="chunk.offset")
        self.received += len(data)
        if self.received > self._store.max_bytes:
            raise self._too_big(self.received)
        if self.size_bytes and self.received > self.size_bytes:
            raise InvalidArgument(f"more bytes arrived than the announced {self.size_bytes}",
                                  field="metadata.size_bytes")
        self._file.write(data)
        self._hash.update(data)
        if len(self._head) < _SNIFF:
            self._head += data[: _SNIFF - len(self._head)]
            if len(self._head) >= _SNIFF:
                sniff(self._head, self.extension)

    def finish(self) -> tuple[MeshInfo, bool]:
        """Check and store the mesh (parses it: call off the event loop)."""
        if self._file is None or self._tmp is None:
            raise InvalidArgument("empty upload: send metadata, then the mesh", field="metadata")
        self._file.flush()
        os.fsync(self._file.fileno())
        self._file.close()
        if not self.received:
            raise InvalidArgument("the upload has no mesh bytes", field="chunk")
        if self.size_bytes and self.received != self.size_bytes:
            raise InvalidArgument(f"upload ended after {self.received} of the announced "
                                  f"{self.size_bytes} bytes: send it again",
                                  field="metadata.size_bytes")
        sniff(self._head, self.extension)
        digest = self._hash.hexdigest()
        if self.sha256 and digest != self.sha256:
            raise InvalidArgument("the mesh's bytes do not match the announced sha256: it was "
                                  "damaged on the way, send it again", field="metadata.sha256")
        return self._store.add(self, self._tmp, digest)

    def discard(self) -> None:
        """Remove the temp file (always call when the upload ends, stored or not)."""
        if self._file is not None and not self._file.closed:
            self._file.close()
        if self._tmp is not None:
            self._tmp.unlink(missing_ok=True)

    def _too_big(self, n: int, announced: bool = False) -> ResourceExhausted:
        how = "announced" if announced else "so far"
        return ResourceExhausted(f"the mesh is over the {self._store.max_bytes / 2**20:.1f} MiB "
                                 f"allowed ({n} bytes {how}): decimate it first")


def sniff(head: bytes, extension: str) -> None:
    """Refuse bytes that cannot be the named format, before the rest arrives."""
    ok = {
        ".ply": head.startswith(b"ply"),
        ".glb": head.startswith(b"glTF"),
        # OBJ is text: printable ASCII and whitespace, usually "#", "v ", "o ", "mtllib".
        ".obj": all(32 <= b < 127 or b in (9, 10, 13) for b in head),
    }[extension]
    if not ok:
        raise InvalidArgument(f"the bytes are not a {extension[1:].upper()} mesh",
                              field="metadata.filename")


class MeshStore:
    """Meshes uploaded for patterns jobs, one folder per content hash."""

    def __init__(self, root: Path, max_bytes: int, max_triangles: int):
        self.root = root
        self.max_bytes = max_bytes
        self.max_triangles = max_triangles

    def recover(self) -> None:
        """Drop uploads that a crash or a broken stream left half-written."""
        shutil.rmtree(self.root / ".incoming", ignore_errors=True)
        self.root.mkdir(parents=True, exist_ok=True)

    def begin(self) -> MeshUpload:
        return MeshUpload(self)

    def add(self, upload: MeshUpload, tmp: Path, digest: str) -> tuple[MeshInfo, bool]:
        mesh_id = digest[:16]
        if (self.root / mesh_id / "meta.json").exists():
            return self.get(mesh_id), True
        try:
            mesh = read_mesh(tmp)
        except InvalidArgument as exc:
            raise InvalidArgument(exc.message, field="chunk") from exc
        except Exception as exc:  # hostile bytes can break a parser in any way
            log.info("upload %s did not parse: %r", upload.filename, exc)
            raise InvalidArgument(f"{upload.filename} is not a readable mesh: {exc}",
                                  field="chunk") from exc
        if not np.isfinite(mesh.vertices).all():
            raise InvalidArgument("the mesh has vertices at infinity or NaN", field="chunk")
        if len(mesh.faces) > self.max_triangles:
            raise ResourceExhausted(f"the mesh has {len(mesh.faces)} triangles, over the "
                                    f"{self.max_triangles} allowed: decimate it first")
        dims, area, warnings = describe(mesh)
        info = MeshInfo(mesh_id, upload.project_id, upload.filename, upload.extension,
                        upload.received, digest, len(mesh.vertices), len(mesh.faces), dims,
                        area, warnings, time.time())
        final = self.root / mesh_id
        staging = Path(tempfile.mkdtemp(prefix=f".{mesh_id}.", dir=self.root))
        try:
            os.replace(tmp, staging / f"mesh{upload.extension}")
            atomic_write_text(staging / "meta.json", json.dumps(asdict(info), indent=1))
            try:
                os.rename(staging, final)
            except OSError:  # a concurrent upload of the same bytes got there first
                return self.get(mesh_id), True
            fsync_dir(self.root)
        finally:
            with contextlib.suppress(OSError):
                shutil.rmtree(staging)
        log.info("stored mesh %s (%s, %d triangles) for %s", mesh_id, upload.filename,
                 len(mesh.faces), upload.project_id)
        return info, False

    def get(self, mesh_id: str) -> MeshInfo:
        if not _MESH_ID.match(mesh_id or ""):
            raise InvalidArgument("mesh_id is 16 hex digits, as UploadMesh returned",
                                  field="mesh_id")
        path = self.root / mesh_id / "meta.json"
        try:
            data = json.loads(path.read_text())
        except FileNotFoundError:
            raise NotFound(f"no mesh {mesh_id!r}: upload it first", field="mesh_id") from None
        data["dimensions_m"] = tuple(data["dimensions_m"])
        return MeshInfo(**data)

    def path(self, info: MeshInfo) -> Path:
        return self.root / info.mesh_id / f"mesh{info.extension}"
