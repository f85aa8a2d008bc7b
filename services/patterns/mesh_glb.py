"""Binary glTF in and out: read any triangle GLB (Y up) as a Z-up mesh, and write the
panel-coloured model the UI shows, one node per panel so a tap names the panel.

Small and explicit on purpose: the axis convention is the part that goes wrong. glTF is
+Y up with the front facing +Z; our meshes are +Z up with the front facing -y, so a
glTF point (X, Y, Z) is (X, -Z, Y) here, and (x, y, z) here is (x, z, -y) in glTF.
"""

from __future__ import annotations

import json
import struct

import numpy as np

from services.errors import InvalidArgument
from services.patterns.mesh import TriMesh, weld
from services.patterns.panels import PanelSet

_MAGIC, _JSON, _BIN = 0x46546C67, 0x4E4F534A, 0x004E4942
_DTYPES = {5120: "i1", 5121: "u1", 5122: "<i2", 5123: "<u2", 5125: "<u4", 5126: "<f4"}
_WIDTH = {"SCALAR": 1, "VEC2": 2, "VEC3": 3, "VEC4": 4, "MAT4": 16}
_TRIANGLES = 4


def _bad(why: str) -> InvalidArgument:
    return InvalidArgument(f"not a usable GLB file: {why}", field="mesh")


def _chunks(data: bytes) -> tuple[dict, bytes]:
    if len(data) < 20:
        raise _bad("too short")
    magic, version, length = struct.unpack_from("<III", data, 0)
    if magic != _MAGIC or version != 2:
        raise _bad("no glTF 2.0 header")
    doc, binary, off = None, b"", 12
    while off + 8 <= min(length, len(data)):
        size, kind = struct.unpack_from("<II", data, off)
        body = data[off + 8 : off + 8 + size]
        if kind == _JSON:
            try:
                doc = json.loads(body)
            except ValueError as exc:
                raise _bad("its JSON chunk does not parse") from exc
        elif kind == _BIN and not binary:
            binary = body
        off += 8 + size + (-size % 4)
    if not isinstance(doc, dict):
        raise _bad("no JSON chunk")
    return doc, binary


def _accessor(doc: dict, binary: bytes, index: int) -> np.ndarray:
    try:
        acc = doc["accessors"][index]
        view = doc["bufferViews"][acc["bufferView"]]
        if view.get("buffer", 0) != 0 or "uri" in doc["buffers"][0]:
            raise _bad("only the embedded binary buffer is supported")
        dtype = np.dtype(_DTYPES[acc["componentType"]])
        width = _WIDTH[acc["type"]]
        count = int(acc["count"])
        start = int(view.get("byteOffset", 0)) + int(acc.get("byteOffset", 0))
        stride = int(view.get("byteStride", 0)) or dtype.itemsize * width
        if start + stride * (count - 1) + dtype.itemsize * width > len(binary):
            raise _bad("an accessor runs past the end of the buffer")
        rows = np.ndarray((count, width), dtype, binary, start, (stride, dtype.itemsize))
        return np.array(rows)
    except (KeyError, IndexError, TypeError) as exc:
        raise _bad(f"accessor {index} is incomplete") from exc


def _node_matrix(node: dict) -> np.ndarray:
    if "matrix" in node:
        return np.asarray(node["matrix"], float).reshape(4, 4).T  # column-major
    t = np.asarray(node.get("translation", [0, 0, 0]), float)
    x, y, z, w = np.asarray(node.get("rotation", [0, 0, 0, 1]), float)
    s = np.asarray(node.get("scale", [1, 1, 1]), float)
    r = np.array([
        [1 - 2 * (y * y + z * z), 2 * (x * y - z * w), 2 * (x * z + y * w)],
        [2 * (x * y + z * w), 1 - 2 * (x * x + z * z), 2 * (y * z - x * w)],
        [2 * (x * z - y * w), 2 * (y * z + x * w), 1 - 2 * (x * x + y * y)],
    ])
    m = np.eye(4)
    m[:3, :3] = r * s
    m[:3, 3] = t
    return m


def read_glb(data: bytes) -> TriMesh:
    """Every triangle primitive of the default scene, node transforms applied, Z up."""
    doc, binary = _chunks(data)
    nodes = doc.get("nodes", [])
    scenes = doc.get("scenes") or [{"nodes": list(range(len(nodes)))}]
    roots = scenes[int(doc.get("scene", 0))].get("nodes", [])
    verts: list[np.ndarray] = []
    faces: list[np.ndarray] = []
    offset = 0
    stack = [(int(i), np.eye(4)) for i in roots]
    seen = 0
    while stack:
        i, parent = stack.pop()
        seen += 1
        if seen > 100_000 or i >= len(nodes):
            raise _bad("its node tree is malformed")
        node = nodes[i]
        m = parent @ _node_matrix(node)
        stack += [(int(c), m) for c in node.get("children", [])]
        if "mesh" not in node:
            continue
        for prim in doc["meshes"][node["mesh"]].get("primitives", []):
            if prim.get("mode", _TRIANGLES) != _TRIANGLES or "POSITION" not in prim.get(
                "attributes", {}
            ):
                continue
            p = _accessor(doc, binary, prim["attributes"]["POSITION"]).astype(float)
            p = p @ m[:3, :3].T + m[:3, 3]
            if "indices" in prim:
                idx = _accessor(doc, binary, prim["indices"]).astype(np.int64).reshape(-1, 3)
            else:
                idx = np.arange(len(p) - len(p) % 3, dtype=np.int64).reshape(-1, 3)
            if len(idx) and (idx.min() < 0 or idx.max() >= len(p)):
                raise _bad("a triangle points past its vertices")
            if np.linalg.det(m[:3, :3]) < 0:
                idx = idx[:, ::-1]  # a mirroring transform flips the winding
            verts.append(p)
            faces.append(idx + offset)
            offset += len(p)
    if not faces:
        raise _bad("it holds no triangles")
    v = np.concatenate(verts)
    z_up = np.stack([v[:, 0], -v[:, 2], v[:, 1]], axis=1)
    return weld(TriMesh(z_up, np.concatenate(faces)))


def panels_glb(ps: PanelSet) -> bytes:
    """The model as GLB, one node and material per panel (named by panel id, the panel's
    colour; excluded panels greyed), plus a grey "unassigned" node for faces of no panel."""
    groups: list[tuple[str, str, str, np.ndarray]] = []
    for i, p in enumerate(ps.panels):
        color = "#9e9e9e" if p.excluded else p.color
        groups.append((p.id, p.name, color, np.flatnonzero(ps.face_panel == i)))
    rest = np.flatnonzero(ps.face_panel < 0)
    if len(rest):
        groups.append(("unassigned", "unassigned", "#606060", rest))
    blob = bytearray()
    views: list[dict] = []
    accessors: list[dict] = []
    doc_nodes, meshes, materials = [], [], []

    def add(array: np.ndarray, target: int, kind: str, component: int) -> int:
        data = array.tobytes()
        views.append({"buffer": 0, "byteOffset": len(blob), "byteLength": len(data),
                      "target": target})
        blob.extend(data + b"\0" * (-len(data) % 4))
        acc = {"bufferView": len(views) - 1, "componentType": component,
               "count": len(array) if kind != "SCALAR" else array.size, "type": kind}
        if kind == "VEC3":
            acc["min"], acc["max"] = array.min(0).tolist(), array.max(0).tolist()
        accessors.append(acc)
        return len(accessors) - 1

    for pid, name, color, faces in groups:
        if not len(faces):
            continue
        sub, _ = ps.mesh.submesh(faces)
        v = sub.vertices
        pos = np.stack([v[:, 0], v[:, 2], -v[:, 1]], axis=1).astype(np.float32)
        p_acc = add(pos, 34962, "VEC3", 5126)
        i_acc = add(sub.faces.astype(np.uint32).ravel(), 34963, "SCALAR", 5125)
        rgb = [int(color[k : k + 2], 16) / 255 for k in (1, 3, 5)]
        materials.append({"name": pid, "doubleSided": True,
                          "pbrMetallicRoughness": {"baseColorFactor": [*rgb, 1.0],
                                                   "metallicFactor": 0.0,
                                                   "roughnessFactor": 0.9}})
        meshes.append({"name": pid, "primitives": [{"attributes": {"POSITION": p_acc},
                                                    "indices": i_acc,
                                                    "material": len(materials) - 1}]})
        doc_nodes.append({"name": pid, "mesh": len(meshes) - 1,
                          "extras": {"panel_id": pid if pid != "unassigned" else "",
                                     "panel_name": name}})
    doc = {"asset": {"version": "2.0", "generator": "StitchSketch patterns"},
           "scene": 0, "scenes": [{"nodes": list(range(len(doc_nodes)))}],
           "nodes": doc_nodes, "meshes": meshes, "materials": materials,
           "accessors": accessors, "bufferViews": views,
           "buffers": [{"byteLength": len(blob)}]}
    js = json.dumps(doc, separators=(",", ":")).encode()
    js += b" " * (-len(js) % 4)
    total = 12 + 8 + len(js) + 8 + len(blob)
    return b"".join([struct.pack("<III", _MAGIC, 2, total),
                     struct.pack("<II", len(js), _JSON), js,
                     struct.pack("<II", len(blob), _BIN), bytes(blob)])
