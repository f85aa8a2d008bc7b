"""Triangle meshes: loading (PLY with per-face labels, or anything libigl reads) and the
topology helpers every stage needs (face normals, areas, edge-face adjacency)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from services.errors import InvalidArgument

log = logging.getLogger(__name__)

_PLY_TYPES = {
    "char": "i1", "int8": "i1", "uchar": "u1", "uint8": "u1", "short": "i2", "int16": "i2",
    "ushort": "u2", "uint16": "u2", "int": "i4", "int32": "i4", "uint": "u4", "uint32": "u4",
    "float": "f4", "float32": "f4", "double": "f8", "float64": "f8",
}


@dataclass
class TriMesh:
    """Vertices (n, 3) in metres, triangles (m, 3), and optional per-face integer labels."""

    vertices: np.ndarray
    faces: np.ndarray
    face_labels: np.ndarray | None = None
    _edges: tuple[np.ndarray, np.ndarray] | None = field(default=None, repr=False)

    def face_normals(self) -> np.ndarray:
        """Unit normals, oriented by the winding (outward for a well-made model)."""
        v = self.vertices[self.faces]
        n = np.cross(v[:, 1] - v[:, 0], v[:, 2] - v[:, 0])
        return n / np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-30)

    def face_areas(self) -> np.ndarray:
        """True 3D triangle areas, m²."""
        v = self.vertices[self.faces]
        return 0.5 * np.linalg.norm(np.cross(v[:, 1] - v[:, 0], v[:, 2] - v[:, 0]), axis=1)

    def face_centroids(self) -> np.ndarray:
        return self.vertices[self.faces].mean(axis=1)

    def edges(self) -> tuple[np.ndarray, np.ndarray]:
        """Unique undirected edges (e, 2) and, per edge, its two faces (-1 on a border).

        Non-manifold edges (three or more faces) keep only the first two faces.
        """
        if self._edges is None:
            f = self.faces
            m = len(f)
            half = np.concatenate([f[:, [0, 1]], f[:, [1, 2]], f[:, [2, 0]]])
            owner = np.tile(np.arange(m), 3)
            key = np.sort(half, axis=1)
            uniq, inv = np.unique(key, axis=0, return_inverse=True)
            inv = inv.ravel()
            ef = np.full((len(uniq), 2), -1, dtype=np.int64)
            order = np.argsort(inv, kind="stable")
            inv_s, own_s = inv[order], owner[order]
            first = np.ones(len(inv_s), dtype=bool)
            first[1:] = inv_s[1:] != inv_s[:-1]
            ef[inv_s[first], 0] = own_s[first]
            second = ~first
            second_idx = np.flatnonzero(second)
            # only the first extra face per edge becomes the neighbour
            extra = inv_s[second_idx]
            keep = second_idx[np.concatenate([[True], extra[1:] != extra[:-1]])] \
                if len(second_idx) else second_idx
            ef[inv_s[keep], 1] = own_s[keep]
            self._edges = (uniq, ef)
        return self._edges

    def submesh(self, face_ids: np.ndarray) -> tuple[TriMesh, np.ndarray]:
        """The faces `face_ids` as their own mesh, and the old vertex index of each new one."""
        f = self.faces[face_ids]
        used, inv = np.unique(f, return_inverse=True)
        return TriMesh(self.vertices[used], inv.reshape(-1, 3).astype(np.int64)), used


def dihedral_angles(mesh: TriMesh) -> np.ndarray:
    """Angle between the normals of each edge's two faces, radians (0 on borders)."""
    _, ef = mesh.edges()
    n = mesh.face_normals()
    inner = ef[:, 1] >= 0
    ang = np.zeros(len(ef))
    cosang = np.einsum("ij,ij->i", n[ef[inner, 0]], n[ef[inner, 1]])
    ang[inner] = np.arccos(np.clip(cosang, -1.0, 1.0))
    return ang


def weld(mesh: TriMesh, tol: float = 1e-6) -> TriMesh:
    """Merge vertices closer than `tol` (meshes exported per part arrive unwelded)."""
    q = np.round(mesh.vertices / tol).astype(np.int64)
    _, first, inv = np.unique(q, axis=0, return_index=True, return_inverse=True)
    faces = inv.ravel()[mesh.faces]
    f0, f1, f2 = faces[:, 0], faces[:, 1], faces[:, 2]
    keep = (f0 != f1) & (f1 != f2) & (f0 != f2)
    labels = None if mesh.face_labels is None else mesh.face_labels[keep]
    return TriMesh(mesh.vertices[first], faces[keep], labels)


def load_mesh(path: Path) -> TriMesh:
    """Read a mesh in metres. PLY keeps a per-face `panel_id` (or `label`) property."""
    path = Path(path)
    if not path.is_file():
        raise InvalidArgument(f"mesh file not found: {path}", field="mesh")
    if path.suffix.lower() == ".ply":
        mesh = _read_ply(path)
    else:
        import igl

        try:
            v, f = igl.read_triangle_mesh(str(path))
        except Exception as exc:  # libigl raises plain RuntimeError on bad files
            raise InvalidArgument(f"cannot read mesh {path.name}: {exc}", field="mesh") from exc
        mesh = TriMesh(np.asarray(v, float), np.asarray(f, np.int64))
    if len(mesh.faces) == 0:
        raise InvalidArgument(f"{path.name} has no triangles", field="mesh")
    welded = weld(mesh)
    log.info("loaded %s: %d vertices, %d triangles", path.name, len(welded.vertices),
             len(welded.faces))
    return welded


def _read_ply(path: Path) -> TriMesh:
    data = path.read_bytes()
    end = data.find(b"end_header")
    if not data.startswith(b"ply") or end < 0:
        raise InvalidArgument(f"{path.name} is not a PLY file", field="mesh")
    header = data[:end].decode("ascii", "replace").splitlines()
    body = data[data.index(b"\n", end) + 1:]
    fmt = "ascii"
    elements: list[tuple[str, int, list[tuple]]] = []
    for line in header:
        parts = line.split()
        if not parts:
            continue
        if parts[0] == "format":
            fmt = parts[1]
        elif parts[0] == "element":
            elements.append((parts[1], int(parts[2]), []))
        elif parts[0] == "property" and elements:
            if parts[1] == "list":
                elements[-1][2].append(("list", parts[4], _PLY_TYPES[parts[2]],
                                        _PLY_TYPES[parts[3]]))
            else:
                elements[-1][2].append(("scalar", parts[2], _PLY_TYPES[parts[1]]))
    if fmt == "ascii":
        return _ply_ascii(body.decode("ascii").split(), elements)
    endian = "<" if fmt == "binary_little_endian" else ">"
    return _ply_binary(body, elements, endian)


def _ply_binary(body: bytes, elements: list, endian: str) -> TriMesh:
    off = 0
    verts = faces = labels = None
    for name, count, props in elements:
        if all(p[0] == "scalar" for p in props):
            dt = np.dtype([(p[1], endian + p[2]) for p in props])
            arr = np.frombuffer(body, dt, count, off)
            off += dt.itemsize * count
            if name == "vertex":
                verts = np.stack([arr["x"], arr["y"], arr["z"]], axis=1).astype(float)
            continue
        # faces: a count-prefixed list plus scalars; fast path when every face is a triangle
        scalars = [p for p in props if p[0] == "scalar"]
        fields = []
        for p in props:
            if p[0] == "list":
                fields += [("n", endian + p[2]), ("idx", endian + p[3], (3,))]
            else:
                fields.append((p[1], endian + p[2]))
        dt = np.dtype(fields)
        arr = np.frombuffer(body, dt, count, off)
        if not np.all(arr["n"] == 3):
            raise InvalidArgument("PLY faces must be triangles", field="mesh")
        off += dt.itemsize * count
        if name == "face":
            faces = arr["idx"].astype(np.int64)
            for p in scalars:
                if p[1] in ("panel_id", "label", "segment"):
                    labels = arr[p[1]].astype(np.int64)
    if verts is None or faces is None:
        raise InvalidArgument("PLY lacks vertices or faces", field="mesh")
    return TriMesh(verts, faces, labels)


def _ply_ascii(tokens: list[str], elements: list) -> TriMesh:
    pos = 0
    verts, faces, labels = [], [], []
    for name, count, props in elements:
        for _ in range(count):
            row: dict[str, object] = {}
            for p in props:
                if p[0] == "list":
                    n = int(tokens[pos])
                    row[p[1]] = [int(t) for t in tokens[pos + 1:pos + 1 + n]]
                    pos += 1 + n
                else:
                    row[p[1]] = float(tokens[pos])
                    pos += 1
            if name == "vertex":
                verts.append((row["x"], row["y"], row["z"]))
            elif name == "face":
                idx = next(v for v in row.values() if isinstance(v, list))
                lab = next((row[k] for k in ("panel_id", "label", "segment") if k in row), None)
                for k in range(1, len(idx) - 1):
                    faces.append((idx[0], idx[k], idx[k + 1]))
                    labels.append(lab)
    lab_arr = None if not labels or labels[0] is None else np.asarray(labels, np.int64)
    return TriMesh(np.asarray(verts, float), np.asarray(faces, np.int64), lab_arr)


def ply_bytes(mesh: TriMesh) -> bytes:
    """Binary PLY bytes (with face labels when present); the caller writes atomically."""
    nv, nf = len(mesh.vertices), len(mesh.faces)
    lines = ["ply", "format binary_little_endian 1.0", f"element vertex {nv}",
             "property float x", "property float y", "property float z",
             f"element face {nf}", "property list uchar int vertex_indices"]
    fields = [("n", "u1"), ("idx", "<i4", (3,))]
    if mesh.face_labels is not None:
        lines.append("property int panel_id")
        fields.append(("panel_id", "<i4"))
    lines.append("end_header")
    fa = np.zeros(nf, np.dtype(fields))
    fa["n"] = 3
    fa["idx"] = mesh.faces
    if mesh.face_labels is not None:
        fa["panel_id"] = mesh.face_labels
    head = ("\n".join(lines) + "\n").encode()
    return head + mesh.vertices.astype("<f4").tobytes() + fa.tobytes()
