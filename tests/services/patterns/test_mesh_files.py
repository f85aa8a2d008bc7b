"""Meshes in: GLB (Y up → Z up), OBJ and PLY read alike; the panel GLB reads back; the
upload store is idempotent by content and refuses what is not a mesh."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from services.errors import InvalidArgument, ResourceExhausted
from services.patterns import sample_meshes
from services.patterns.mesh import ply_bytes
from services.patterns.mesh_glb import panels_glb, read_glb
from services.patterns.mesh_store import MeshStore, read_mesh
from services.patterns.name_panels import name_all
from services.patterns.segment_panels import segment

CUSHION = sample_meshes.box_cushion(0.3, 0.25, 0.1)


def obj_text(mesh) -> bytes:
    lines = [f"v {x} {y} {z}" for x, y, z in mesh.vertices]
    lines += [f"f {a + 1} {b + 1} {c + 1}" for a, b, c in mesh.faces]
    return ("\n".join(lines) + "\n").encode()


def test_the_panel_glb_reads_back_z_up_with_one_node_per_panel():
    ps = segment(CUSHION)
    name_all(ps)
    data = panels_glb(ps)
    mesh = read_glb(data)
    assert len(mesh.faces) == len(CUSHION.faces)
    assert np.allclose(mesh.vertices.min(0), CUSHION.vertices.min(0), atol=1e-6)
    assert np.allclose(mesh.vertices.max(0), CUSHION.vertices.max(0), atol=1e-6)
    assert mesh.face_areas().sum() == pytest.approx(CUSHION.face_areas().sum(), rel=1e-5)
    assert all(p.id.encode() in data for p in ps.panels)
    # outward normals survive the axis change: the top still faces +z
    top = mesh.face_centroids()[:, 2] > 0.099
    assert (mesh.face_normals()[top, 2] > 0.99).all()


@pytest.mark.parametrize("ext", [".ply", ".obj", ".glb"])
def test_every_upload_format_gives_the_same_mesh(tmp_path, ext):
    ps = segment(CUSHION)
    data = {".ply": ply_bytes(CUSHION), ".obj": obj_text(CUSHION), ".glb": panels_glb(ps)}[ext]
    store = MeshStore(tmp_path, 10**8, 10**6)
    store.recover()
    up = store.begin()
    up.add_metadata("p1", f"dir\\cushion{ext}", len(data), hashlib.sha256(data).hexdigest())
    for off in range(0, len(data), 1000):
        up.add_chunk(off, data[off:off + 1000])
    info, duplicate = up.finish()
    up.discard()
    assert not duplicate and info.filename == f"cushion{ext}"
    assert info.triangles == len(CUSHION.faces)
    assert info.dimensions_m == pytest.approx((0.3, 0.25, 0.1))
    mesh = read_mesh(store.path(info))
    assert mesh.face_areas().sum() == pytest.approx(CUSHION.face_areas().sum(), rel=1e-5)
    assert not list((tmp_path / ".incoming").iterdir())


def test_the_stream_rules_name_the_field(tmp_path):
    store = MeshStore(tmp_path, 2000, 10**6)
    up = store.begin()
    with pytest.raises(InvalidArgument) as err:
        up.add_chunk(0, b"ply")
    assert err.value.field == "metadata"
    up.add_metadata("p1", "a.ply", 0, "")
    up.add_chunk(0, b"ply\nformat ")
    with pytest.raises(InvalidArgument) as err:
        up.add_chunk(3, b"again")
    assert err.value.field == "chunk.offset"
    with pytest.raises(ResourceExhausted):
        up.add_chunk(11, b"x" * 3000)
    up.discard()
    with pytest.raises(InvalidArgument) as err:
        store.begin().add_metadata("../etc", "a.ply", 0, "")
    assert err.value.field == "metadata.project_id"


def test_millimetres_are_pointed_out(tmp_path):
    mm = type(CUSHION)(CUSHION.vertices * 1000, CUSHION.faces)
    data = ply_bytes(mm)
    store = MeshStore(tmp_path, 10**8, 10**6)
    up = store.begin()
    up.add_metadata("p1", "mm.ply", 0, "")
    up.add_chunk(0, data)
    info, _ = up.finish()
    assert any("millimetres" in w for w in info.warnings)
