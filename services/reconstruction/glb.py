"""A minimal binary glTF 2.0 writer for one coloured triangle mesh.

Written by hand (~80 lines) because the browser view needs exactly one thing — positions,
normals, vertex colours, indices — and this way the axis convention is explicit: glTF is
+Y up, our models are +Z up, so (x, y, z) is stored as (x, z, −y).
"""

from __future__ import annotations

import json
import struct

import numpy as np

_FLOAT, _UBYTE, _UINT = 5126, 5121, 5125
_ARRAY_BUFFER, _ELEMENT_ARRAY_BUFFER = 34962, 34963


def z_up_to_y_up(v: np.ndarray) -> np.ndarray:
    return np.stack([v[:, 0], v[:, 2], -v[:, 1]], axis=1)


def encode(vertices: np.ndarray, triangles: np.ndarray, normals: np.ndarray | None = None,
           colours: np.ndarray | None = None) -> bytes:
    """GLB bytes. vertices (N, 3) metres Z-up, triangles (M, 3), normals (N, 3),
    colours (N, 3) in 0..1."""
    pos = z_up_to_y_up(np.asarray(vertices, np.float64)).astype(np.float32)
    parts: list[tuple[bytes, int | None]] = [(pos.tobytes(), _ARRAY_BUFFER)]
    accessors = [{"bufferView": 0, "componentType": _FLOAT, "count": len(pos),
                  "type": "VEC3", "min": pos.min(0).tolist(), "max": pos.max(0).tolist()}]
    attributes = {"POSITION": 0}
    if normals is not None:
        n = z_up_to_y_up(np.asarray(normals, np.float64))
        n /= np.maximum(np.linalg.norm(n, axis=1, keepdims=True), 1e-12)
        parts.append((n.astype(np.float32).tobytes(), _ARRAY_BUFFER))
        accessors.append({"bufferView": len(parts) - 1, "componentType": _FLOAT,
                          "count": len(n), "type": "VEC3"})
        attributes["NORMAL"] = len(accessors) - 1
    if colours is not None:
        rgba = np.ones((len(pos), 4))
        rgba[:, :3] = np.clip(colours, 0, 1)
        parts.append(((rgba * 255 + 0.5).astype(np.uint8).tobytes(), _ARRAY_BUFFER))
        accessors.append({"bufferView": len(parts) - 1, "componentType": _UBYTE,
                          "normalized": True, "count": len(pos), "type": "VEC4"})
        attributes["COLOR_0"] = len(accessors) - 1
    idx = np.asarray(triangles, np.uint32).reshape(-1)
    parts.append((idx.tobytes(), _ELEMENT_ARRAY_BUFFER))
    accessors.append({"bufferView": len(parts) - 1, "componentType": _UINT,
                      "count": len(idx), "type": "SCALAR"})
    views, blob, offset = [], b"", 0
    for data, target in parts:
        pad = (-len(data)) % 4
        views.append({"buffer": 0, "byteOffset": offset, "byteLength": len(data),
                      "target": target})
        blob += data + b"\0" * pad
        offset += len(data) + pad
    doc = {
        "asset": {"version": "2.0", "generator": "StitchSketch"},
        "scene": 0,
        "scenes": [{"nodes": [0]}],
        "nodes": [{"mesh": 0, "name": "piece"}],
        "meshes": [{"primitives": [{"attributes": attributes, "indices": len(accessors) - 1,
                                    "material": 0}]}],
        "materials": [{"pbrMetallicRoughness": {"baseColorFactor": [1, 1, 1, 1],
                                                "metallicFactor": 0.0,
                                                "roughnessFactor": 0.9},
                       "doubleSided": True}],
        "accessors": accessors,
        "bufferViews": views,
        "buffers": [{"byteLength": len(blob)}],
    }
    js = json.dumps(doc, separators=(",", ":")).encode()
    js += b" " * ((-len(js)) % 4)
    total = 12 + 8 + len(js) + 8 + len(blob)
    return (struct.pack("<4sII", b"glTF", 2, total)
            + struct.pack("<I4s", len(js), b"JSON") + js
            + struct.pack("<I4s", len(blob), b"BIN\0") + blob)


def decode_positions(data: bytes) -> np.ndarray:
    """Positions back out of a GLB written by `encode`, Z-up again (for checks)."""
    magic, _, _ = struct.unpack_from("<4sII", data, 0)
    if magic != b"glTF":
        raise ValueError("not a GLB file")
    jlen, _ = struct.unpack_from("<I4s", data, 12)
    doc = json.loads(data[20:20 + jlen])
    bin_start = 20 + jlen + 8
    acc = doc["accessors"][doc["meshes"][0]["primitives"][0]["attributes"]["POSITION"]]
    view = doc["bufferViews"][acc["bufferView"]]
    pos = np.frombuffer(data, np.float32, acc["count"] * 3,
                        bin_start + view["byteOffset"]).reshape(-1, 3)
    return np.stack([pos[:, 0], -pos[:, 2], pos[:, 1]], axis=1)
