"""A small rendered furniture shoot for the 3D model page tests, and its mat.

The rendered mat is not the printed StitchSketch one, so the UI is told its layout the
way a shop with a mat of its own would tell it: a JSON file (settings.mat_layout_file).
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from google.protobuf import json_format

from stitchsketch.v1 import common_pb2, reconstruction_pb2

pb = reconstruction_pb2
#: As in the service's own end-to-end test: the smallest shoot that keeps the sides.
PHOTOS, SIZE = 16, (800, 600)


def render(out: Path) -> Any:
    from scripts.sample_data.render_shoot import render_shoot

    return render_shoot(out, photos=PHOTOS, size=SIZE, seed=3, scene="ottoman")


def mat_layout(shoot: Any) -> pb.MatLayout:
    """The rendered shoot's mat, as the proto carries it."""
    m = json.loads(Path(shoot.ground_truth_json).read_text())["markers"]
    markers = [pb.MatMarker(id=k["id"], corners=[common_pb2.Vec3(x=x, y=y, z=z)
                                                 for x, y, z in k["corners"]])
               for k in m["markers"]]
    return pb.MatLayout(dictionary=m["dictionary"], marker_length_m=m["marker_length_m"],
                        sheets=[pb.MatSheet(name="mat", markers=markers)])


def write_mat_file(shoot: Any, path: Path) -> Path:
    """The mat layout file the UI reads (protobuf JSON of stitchsketch.v1.MatLayout)."""
    path.write_text(json_format.MessageToJson(mat_layout(shoot)))
    return path
