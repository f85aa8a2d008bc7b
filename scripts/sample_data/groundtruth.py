"""Exact ground truth of a scene: its triangle mesh, panel areas and what the photos see.

The mesh lives on one global grid per axis (every box bound plus even subdivisions), so
faces of neighbouring boxes share their vertices along common edges: the mesh is
conforming, and each panel is an exact union of rectangles. Contact faces between frame
parts are dropped; a loose cushion keeps its hidden underside, as real fabric does.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass

import numpy as np

from scripts.sample_data.cameras import Camera
from scripts.sample_data.render import trace
from scripts.sample_data.scenes import FACE_KEYS, Scene
from scripts.sample_data.world import FIRST_BOX_SURFACE, World


@dataclass
class Mesh:
    """Triangles in metres, outward-facing, with a panel index per face."""

    vertices: np.ndarray  # (V, 3) float64
    faces: np.ndarray  # (F, 3) int32
    panel: np.ndarray  # (F,) int32, index into panel_names
    panel_names: list[str]
    #: (F,) renderer surface id of each triangle, to tell visible from occluded.
    surface: np.ndarray

    def areas(self) -> np.ndarray:
        a, b, c = (self.vertices[self.faces[:, i]] for i in range(3))
        return 0.5 * np.linalg.norm(np.cross(b - a, c - a), axis=1)

    def centroids(self) -> np.ndarray:
        return self.vertices[self.faces].mean(axis=1)


def _axis_grid(values: list[float], max_edge: float) -> np.ndarray:
    """Sorted unique breakpoints, each gap split evenly into pieces <= max_edge."""
    cuts = np.unique(np.round(values, 9))
    out = [cuts[:1]]
    for a, b in itertools.pairwise(cuts):
        n = max(1, int(np.ceil((b - a) / max_edge - 1e-9)))
        out.append(np.linspace(a, b, n + 1)[1:])
    return np.concatenate(out)


def build_mesh(scene: Scene, max_edge: float = 0.02) -> Mesh:
    """The piece as a conforming triangle mesh (cells of <= max_edge metres)."""
    grids = [_axis_grid([v for b in scene.boxes for v in (b.lo[a], b.hi[a])], max_edge)
             for a in range(3)]
    boxes = {b.name: b for b in scene.boxes}
    names = [p.name for p in scene.panels if any(
        p.name in b.faces.values() for b in scene.boxes)]
    key_of: dict[tuple[int, int, int, str], int] = {}
    tris: list[tuple[int, int, int]] = []
    panel_of: list[int] = []
    surface_of: list[int] = []

    def vid(key: tuple[int, int, int, str]) -> int:
        return key_of.setdefault(key, len(key_of))

    for b, box in enumerate(scene.boxes):
        for f, key in enumerate(FACE_KEYS):
            panel = box.faces.get(key)
            if panel is None:
                continue
            a = "xyz".index(key[1])
            p, q = [i for i in range(3) if i != a]
            plane = box.hi[a] if key[0] == "+" else box.lo[a]
            ia = int(np.argmin(np.abs(grids[a] - plane)))
            gp = np.flatnonzero((grids[p] >= box.lo[p] - 1e-9) & (grids[p] <= box.hi[p] + 1e-9))
            gq = np.flatnonzero((grids[q] >= box.lo[q] - 1e-9) & (grids[q] <= box.hi[q] + 1e-9))
            for i0, i1 in itertools.pairwise(gp):
                for j0, j1 in itertools.pairwise(gq):
                    centre = np.empty(3)
                    centre[a] = plane
                    centre[p] = (grids[p][i0] + grids[p][i1]) / 2
                    centre[q] = (grids[q][j0] + grids[q][j1]) / 2
                    if any(np.all(centre >= np.array(boxes[h].lo) - 1e-9)
                           and np.all(centre <= np.array(boxes[h].hi) + 1e-9)
                           for h in box.hidden_by):
                        continue  # pressed against another frame part: no surface
                    corners = []
                    for ip, iq in ((i0, j0), (i1, j0), (i1, j1), (i0, j1)):
                        ijk = [0, 0, 0]
                        ijk[a], ijk[p], ijk[q] = ia, int(ip), int(iq)
                        corners.append(vid((ijk[0], ijk[1], ijk[2], box.part or box.name)))
                    # (p, q, a) is a right-handed frame when a follows q cyclically.
                    outward_ok = ((a - q) % 3 == 1) == (key[0] == "+")
                    quad = corners if outward_ok else corners[::-1]
                    tris += [(quad[0], quad[1], quad[2]), (quad[0], quad[2], quad[3])]
                    panel_of += [names.index(panel)] * 2
                    surface_of += [FIRST_BOX_SURFACE + 6 * b + f] * 2
    ijk = np.array([k[:3] for k in key_of], np.int64).reshape(-1, 3)
    vertices = np.stack([grids[a][ijk[:, a]] for a in range(3)], axis=1)
    # Panels whose faces are all hidden by contact have no triangles: drop their names.
    used = sorted(set(panel_of))
    new_index = np.full(len(names), -1, np.int32)
    new_index[used] = np.arange(len(used))
    return Mesh(vertices, np.array(tris, np.int32), new_index[np.array(panel_of, np.int32)],
                [names[i] for i in used], np.array(surface_of, np.int32))


def seen_counts(world: World, mesh: Mesh, cameras: list[Camera]) -> np.ndarray:
    """How many photos see each triangle's centroid (in frame, facing, unoccluded)."""
    pts = mesh.centroids()
    counts = np.zeros(len(pts), np.int32)
    for cam in cameras:
        uv, z = cam.project(pts)
        inside = (z > 0) & (uv[:, 0] >= -0.5) & (uv[:, 0] <= cam.width - 0.5)
        inside &= (uv[:, 1] >= -0.5) & (uv[:, 1] <= cam.height - 0.5)
        idx = np.flatnonzero(inside)
        if len(idx) == 0:
            continue
        o = cam.center.astype(np.float32)
        d = (pts[idx] - cam.center).T.astype(np.float32)
        t, sid = trace(world, o, d)
        counts[idx] += (sid == mesh.surface[idx]) & (np.abs(t - 1.0) < 1e-3)
    return counts


def ply_bytes(mesh: Mesh, comment: str, keep: np.ndarray | None = None) -> bytes:
    """Binary little-endian PLY (float xyz; face list + int panel_id), as the shared sets."""
    faces, panel = mesh.faces, mesh.panel
    if keep is not None:
        faces, panel = faces[keep], panel[keep]
    used = np.unique(faces)
    remap = np.full(len(mesh.vertices), -1, np.int64)
    remap[used] = np.arange(len(used))
    verts = mesh.vertices[used].astype("<f4")
    header = (
        "ply\nformat binary_little_endian 1.0\n"
        f"comment {comment}\n"
        "comment face property panel_id indexes ground_truth.json panel_ids\n"
        f"element vertex {len(verts)}\nproperty float x\nproperty float y\nproperty float z\n"
        f"element face {len(faces)}\nproperty list uchar int vertex_indices\n"
        "property int panel_id\nend_header\n"
    )
    rec = np.zeros(len(faces), dtype=[("n", "u1"), ("v", "<i4", (3,)), ("panel", "<i4")])
    rec["n"], rec["v"], rec["panel"] = 3, remap[faces], panel
    return header.encode("ascii") + verts.tobytes() + rec.tobytes()
