"""Protobuf ↔ domain for the patterns service: one function per message, no logic beyond
defaults and field names (errors name the request's fields as the proto spells them)."""

from __future__ import annotations

import numpy as np

from services.errors import InvalidArgument
from services.patterns import apply_edits
from services.patterns.cut_pieces import CutPiece
from services.patterns.exports import ExportFormat
from services.patterns.fabric import Fabric
from services.patterns.flatten_panels import FlatPiece
from services.patterns.job_state import PatternState
from services.patterns.layouts import LayoutResult
from services.patterns.mesh_store import MeshInfo
from services.patterns.pattern_jobs import SubmitOptions
from services.patterns.settings import PatternsSettings
from services.patterns.units import UnitSystem
from stitchsketch.v1 import common_pb2, patterns_pb2

UNITS = {
    common_pb2.LENGTH_UNIT_METRIC: UnitSystem.METRIC,
    common_pb2.LENGTH_UNIT_IMPERIAL: UnitSystem.IMPERIAL,
}
FORMATS = {
    patterns_pb2.PATTERN_FORMAT_SVG: ExportFormat.SVG,
    patterns_pb2.PATTERN_FORMAT_DXF: ExportFormat.DXF,
    patterns_pb2.PATTERN_FORMAT_PDF_TILED: ExportFormat.PDF_TILED,
    patterns_pb2.PATTERN_FORMAT_PDF_MARKER: ExportFormat.PDF_MARKER,
    patterns_pb2.PATTERN_FORMAT_PDF_QUOTE: ExportFormat.PDF_QUOTE,
    patterns_pb2.PATTERN_FORMAT_GLB_PANELS: ExportFormat.GLB_PANELS,
    patterns_pb2.PATTERN_FORMAT_PLY_PANELS: ExportFormat.PLY_PANELS,
    patterns_pb2.PATTERN_FORMAT_JSON: ExportFormat.JSON,
}


def units(value: int, default: UnitSystem) -> UnitSystem:
    return UNITS.get(value, default)


def export_format(value: int) -> ExportFormat:
    if value not in FORMATS:
        raise InvalidArgument("choose an export format", field="format")
    return FORMATS[value]


def submit_options(request: patterns_pb2.SubmitPatternsRequest) -> SubmitOptions:
    return SubmitOptions(
        seam_allowance_m=request.seam_allowance_m,
        max_area_distortion=request.max_area_distortion,
        max_stretch_pct=request.max_stretch_pct,
        use_mesh_panels=request.use_mesh_panels,
        project_name=request.project_name,
        units=UNITS.get(request.unit),
    )


def fabric(spec: patterns_pb2.FabricSpec, settings: PatternsSettings) -> tuple[Fabric, str]:
    """The fabric (zeros: shop defaults) and the currency to show amounts in."""
    for name in ("width_m", "repeat_vertical_m", "repeat_horizontal_m", "spacing_m",
                 "price_per_yard"):
        value = getattr(spec, name)
        if value < 0 or not np.isfinite(value):
            raise InvalidArgument(f"{name} must not be negative", field=f"fabric.{name}")
    made = Fabric(
        width_m=spec.width_m or settings.fabric_width_m,
        repeat_v_m=spec.repeat_vertical_m,
        repeat_h_m=spec.repeat_horizontal_m,
        one_way=spec.one_way,
        railroaded=spec.railroaded,
        spacing_m=spec.spacing_m or settings.spacing_m,
        price_per_yard=spec.price_per_yard,
        auto_railroad=spec.auto_railroad if spec.HasField("auto_railroad") else True,
    )
    currency = "".join(c for c in spec.currency if c.isprintable())[:8]
    return made, currency or settings.currency


def edit(request: patterns_pb2.EditPanelsRequest) -> apply_edits.Edit:
    kind = request.WhichOneof("edit")
    if kind == "split":
        line = np.array([[p.x, p.y, p.z] for p in request.split.line], float).reshape(-1, 3)
        return apply_edits.Split(request.split.panel_id, line)
    if kind == "merge":
        return apply_edits.Merge(request.merge.panel_id, request.merge.other_panel_id)
    if kind == "rename":
        return apply_edits.Rename(request.rename.panel_id, request.rename.name.strip())
    if kind == "exclude":
        return apply_edits.Exclude(request.exclude.panel_id, request.exclude.excluded)
    if kind == "pair":
        return apply_edits.Pair(request.pair.panel_id, request.pair.other_panel_id)
    if kind == "count":
        return apply_edits.Count(request.count.panel_id, request.count.count)
    if kind == "seam_allowance":
        s = request.seam_allowance
        return apply_edits.SeamAllowance(s.panel_id, s.neighbour_panel_id, s.all_edges,
                                         s.seam_allowance_m, s.reset)
    raise InvalidArgument("name an edit: split, merge, rename, exclude, pair, count or "
                          "seam_allowance", field="edit")


def vec2(p: np.ndarray) -> common_pb2.Vec2:
    return common_pb2.Vec2(x=float(p[0]), y=float(p[1]))


def vec2s(points: np.ndarray) -> list[common_pb2.Vec2]:
    return [common_pb2.Vec2(x=float(x), y=float(y)) for x, y in np.asarray(points)]


def flat_piece(piece: CutPiece, flat: FlatPiece | None, allowances: dict[str, float],
               default_allowance: float, with_mesh: bool) -> patterns_pb2.FlatPiece:
    size = np.ptp(piece.cut, axis=0)
    out = patterns_pb2.FlatPiece(
        sewing_line=vec2s(piece.sew),
        cutting_line=vec2s(piece.cut),
        notches=[patterns_pb2.Notch(outer=vec2(a), inner=vec2(b)) for a, b in piece.notches],
        grain_start=vec2(piece.grain[0]),
        grain_end=vec2(piece.grain[1]),
        label_at=vec2(piece.label_at),
        label_lines=piece.label,
        edges=[patterns_pb2.PieceEdge(neighbour_panel_id=n,
                                      seam_allowance_m=allowances.get(n, default_allowance))
               for n in piece.edge_neighbour],
        cut_area_m2=piece.cut_area_m2,
        width_m=float(size[0]),
        height_m=float(size[1]),
        mirrored=piece.mirrored,
    )
    if with_mesh and flat is not None:
        out.mesh.xy.extend(np.asarray(flat.uv, np.float32).ravel().tolist())
        out.mesh.triangles.extend(np.asarray(flat.faces, np.int32).ravel().tolist())
        out.mesh.stretch_pct.extend(np.asarray(flat.face_stretch_pct, np.float32).tolist())
    return out


def panels_response(job_id: str, state: PatternState,
                    request: patterns_pb2.GetPanelsRequest | None = None
                    ) -> patterns_pb2.GetPanelsResponse:
    request = request or patterns_pb2.GetPanelsRequest()
    wanted = set(request.panel_ids)
    known = {p.id for p in state.panels.panels}
    if unknown := wanted - known:
        raise InvalidArgument(f"no panel {sorted(unknown)[0]!r} in this job", field="panel_ids")
    ps = state.panels
    counts = np.bincount(ps.face_panel[ps.face_panel >= 0], minlength=len(ps.panels))
    default = state.options.seam_allowance_m
    out = patterns_pb2.GetPanelsResponse(job_id=job_id, revision=state.revision,
                                         seam_allowance_m=default)
    for i, p in enumerate(ps.panels):
        if wanted and p.id not in wanted:
            continue
        msg = patterns_pb2.Panel(
            id=p.id, name=p.name, area_m2=p.area_m2, flat_area_m2=p.flat_area_m2,
            area_distortion_pct=p.area_distortion_pct, max_stretch_pct=p.max_stretch_pct,
            flagged=p.flagged, suggestion=p.suggestion, count=p.count, mirror_of=p.mirror_of,
            excluded=p.excluded, color=p.color, face_count=int(counts[i]),
            seam_allowances=[patterns_pb2.SeamAllowanceOverride(neighbour_panel_id=k,
                                                                seam_allowance_m=v)
                             for k, v in sorted(p.seam_allowance_m.items())],
        )
        piece = state.piece(p.id)
        if piece is not None:
            msg.piece.CopyFrom(flat_piece(piece, state.flats.get(p.id), p.seam_allowance_m,
                                          default, request.with_flat_mesh))
        out.panels.append(msg)
    if request.with_face_panels:
        out.face_panel.extend(ps.face_panel.astype(np.int32).tolist())
    return out


def layout_response(result: LayoutResult, currency: str) -> patterns_pb2.LayoutPiecesResponse:
    lay, quote = result.layout, result.quote
    return patterns_pb2.LayoutPiecesResponse(
        placements=[patterns_pb2.Placement(panel_id=p.panel_id, copy=p.copy, x_m=p.x_m,
                                           y_m=p.y_m, rotation_deg=p.rotation_deg,
                                           mirrored=p.mirrored) for p in lay.placements],
        length_m=lay.length_m,
        yards=quote.yards,
        utilization=lay.utilization,
        fabric_cost=quote.fabric_cost,
        labour=quote.labour,
        total=quote.total,
        warnings=lay.warnings,
        width_m=lay.width_m,
        baseline_utilization=result.baseline.utilization if result.baseline else 0.0,
        baseline_yards=result.baseline_yards,
        currency=currency,
        price_per_yard=quote.price_per_yard,
        revision=result.revision,
    )


def upload_response(info: MeshInfo, duplicate: bool) -> patterns_pb2.UploadMeshResponse:
    w, d, h = info.dimensions_m
    return patterns_pb2.UploadMeshResponse(
        mesh_id=info.mesh_id, duplicate=duplicate, vertices=info.vertices,
        triangles=info.triangles,
        dimensions=common_pb2.Dimensions(width_m=w, depth_m=d, height_m=h),
        area_m2=info.area_m2, warnings=info.warnings)
