"""Protobuf ↔ domain for the reconstruction service: one function per message, no logic
beyond defaults and field names (errors name the request's fields as the proto spells
them)."""

from __future__ import annotations

import math

import numpy as np

from services.errors import InvalidArgument, StitchError
from services.reconstruction.calibration_mat import Board, MatLayout, aruco_dictionary
from services.reconstruction.options import CropBox, Quality, ReconstructionOptions
from services.reconstruction.reconstruction_jobs import ModelInfo
from stitchsketch.v1 import common_pb2, reconstruction_pb2

pb = reconstruction_pb2

QUALITIES = {
    pb.RECONSTRUCTION_QUALITY_UNSPECIFIED: Quality.NORMAL,
    pb.RECONSTRUCTION_QUALITY_PREVIEW: Quality.PREVIEW,
    pb.RECONSTRUCTION_QUALITY_NORMAL: Quality.NORMAL,
    pb.RECONSTRUCTION_QUALITY_HIGH: Quality.HIGH,
}
PAPERS = {
    pb.PAPER_SIZE_UNSPECIFIED: "a4",
    pb.PAPER_SIZE_A4: "a4",
    pb.PAPER_SIZE_LETTER: "letter",
}


def _renamed(exc: StitchError, prefix: str) -> InvalidArgument:
    field = f"{prefix}.{exc.field}" if exc.field else prefix
    return InvalidArgument(exc.message, field=field)


def options(o: pb.ReconstructionOptions) -> ReconstructionOptions:
    if o.quality not in QUALITIES:
        raise InvalidArgument("unknown quality", field="options.quality")
    layout = mat_layout(o.mat_layout) if o.HasField("mat_layout") else None
    try:
        return ReconstructionOptions(
            quality=QUALITIES[o.quality],
            max_image_size=o.max_image_size,
            display_triangles=o.display_triangles,
            mat_layout_json=layout,
        )
    except InvalidArgument as exc:
        raise _renamed(exc, "options") from exc


def mat_layout(m: pb.MatLayout) -> str:
    """A custom mat as the domain's layout JSON, checked so that a bad layout is refused
    at submit rather than failing the job in scale_orient."""
    field = "options.mat_layout"
    try:
        aruco_dictionary(m.dictionary or "DICT_4X4_50")
    except InvalidArgument as exc:
        raise _renamed(exc, field) from exc
    if not (math.isfinite(m.marker_length_m) and 0.005 <= m.marker_length_m <= 2.0):
        raise InvalidArgument("marker_length_m must be 0.005..2 m",
                              field=f"{field}.marker_length_m")
    seen: set[int] = set()
    boards = []
    for k, sheet in enumerate(m.sheets):
        corners = {}
        for marker in sheet.markers:
            c = np.array([[p.x, p.y, p.z] for p in marker.corners], float)
            if c.shape != (4, 3) or not np.isfinite(c).all():
                raise InvalidArgument(f"marker {marker.id} needs four finite corners",
                                      field=f"{field}.sheets.markers.corners")
            if marker.id in seen or marker.id < 0:
                raise InvalidArgument(f"marker id {marker.id} is negative or used twice",
                                      field=f"{field}.sheets.markers.id")
            seen.add(marker.id)
            corners[marker.id] = c
        boards.append(Board(sheet.name or f"sheet {k + 1}", corners))
    if not any(len(b.corners) >= 3 for b in boards):
        raise InvalidArgument("a mat needs a sheet with at least three markers",
                              field=f"{field}.sheets")
    return MatLayout(m.dictionary or "DICT_4X4_50", m.marker_length_m, tuple(boards)).to_json()


def vec3(v: common_pb2.Vec3, field: str) -> tuple[float, float, float]:
    p = (v.x, v.y, v.z)
    if not all(math.isfinite(x) for x in p):
        raise InvalidArgument("coordinates must be finite numbers", field=field)
    return p


def crop_box(request: pb.SetCropBoxRequest) -> CropBox:
    if not (request.HasField("min") and request.HasField("max")):
        raise InvalidArgument("give both corners of the box", field="min")
    return CropBox(vec3(request.min, "min"), vec3(request.max, "max"))


def paper(value: int) -> str:
    if value not in PAPERS:
        raise InvalidArgument("paper is A4 or Letter", field="paper")
    return PAPERS[value]


def model_response(info: ModelInfo) -> pb.GetModelResponse:
    s = info.summary
    d = s["dimensions"]
    return pb.GetModelResponse(
        job_id=info.job_id,
        images=int(s["images"]),
        registered=int(s["registered"]),
        unregistered_filenames=list(s["unregistered_filenames"]),
        mean_reprojection_error_px=float(s["mean_reprojection_error_px"]),
        scaled=bool(s["scaled"]),
        scale_source=str(s["scale_source"]),
        scale_residual=float(s["scale_residual"]),
        dimensions=common_pb2.Dimensions(width_m=float(d["width_m"]),
                                         depth_m=float(d["depth_m"]),
                                         height_m=float(d["height_m"])),
        triangles=int(s["triangles"]),
        files=list(s["files"]),
        unregistered_photo_ids=info.unregistered_photo_ids,
        dense_method=info.dense_method,
    )
