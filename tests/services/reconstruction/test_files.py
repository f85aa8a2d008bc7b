"""File formats we write ourselves: COLMAP depth/normal maps and GLB."""

from __future__ import annotations

import json
import struct
from pathlib import Path

import numpy as np
import pytest

from services.reconstruction import colmap_maps, glb


def test_depth_map_round_trip_and_pycolmap_reads_it(tmp_path: Path) -> None:
    pycolmap = pytest.importorskip("pycolmap")
    depth = np.random.default_rng(0).uniform(1, 3, (5, 7)).astype(np.float32)
    depth[2, 3] = np.nan
    path = tmp_path / "a.geometric.bin"
    colmap_maps.write_depth(path, depth)
    back = colmap_maps.read_map(path)
    assert back[2, 3] == 0  # unknown is COLMAP's zero
    np.testing.assert_array_equal(back[np.isfinite(depth)], depth[np.isfinite(depth)])
    theirs = pycolmap.DepthMap()
    theirs.read(str(path))
    np.testing.assert_array_equal(np.asarray(theirs.to_array()), back)


def test_normal_map_is_channel_planar(tmp_path: Path) -> None:
    """The layout COLMAP expects (and pycolmap's from_array gets wrong, NOTES.md)."""
    n = np.random.default_rng(1).normal(size=(4, 6, 3)).astype(np.float32)
    path = tmp_path / "n.bin"
    colmap_maps.write_normals(path, n)
    raw = path.read_bytes()
    header = b"6&4&3&"
    assert raw.startswith(header)
    planes = np.frombuffer(raw[len(header):], np.float32).reshape(3, 4, 6)
    np.testing.assert_array_equal(planes[1], n[..., 1])
    np.testing.assert_array_equal(colmap_maps.read_map(path), n)


def test_glb_is_valid_and_y_up() -> None:
    v = np.array([[0, 0, 0], [1, 0, 0], [0, 1, 0], [0, 0, 2]], float)
    f = np.array([[0, 1, 2], [0, 1, 3]])
    c = np.full((4, 3), 0.5)
    data = glb.encode(v, f, np.tile([0, 0, 1.0], (4, 1)), c)
    magic, version, length = struct.unpack_from("<4sII", data)
    assert (magic, version, length) == (b"glTF", 2, len(data))
    jlen, kind = struct.unpack_from("<I4s", data, 12)
    assert kind == b"JSON" and jlen % 4 == 0
    doc = json.loads(data[20:20 + jlen])
    pos = doc["accessors"][0]
    assert pos["max"] == [1, 2, 0] and pos["min"] == [0, 0, -1]  # z-up → y-up
    attrs = doc["meshes"][0]["primitives"][0]["attributes"]
    assert set(attrs) == {"POSITION", "NORMAL", "COLOR_0"}
    np.testing.assert_allclose(glb.decode_positions(data), v, atol=1e-6)
