"""Every export of a revision as (file name, content type, bytes): the pattern drawings,
the marker and quote PDFs, the model with its panels, and the JSON document."""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Callable
from dataclasses import asdict, dataclass
from enum import StrEnum

from services.errors import InvalidArgument
from services.patterns.export_dxf import dxf_bytes
from services.patterns.export_pdf import marker_pdf_bytes, quote_pdf_bytes, tiled_pdf_bytes
from services.patterns.export_svg import svg_bytes
from services.patterns.fabric import Fabric
from services.patterns.job_state import PatternState, state_to_dict
from services.patterns.layouts import LayoutResult
from services.patterns.mesh import TriMesh, ply_bytes
from services.patterns.mesh_glb import panels_glb
from services.patterns.pipeline import cut_all
from services.patterns.units import UnitSystem

log = logging.getLogger(__name__)


class ExportFormat(StrEnum):
    SVG = "svg"
    DXF = "dxf"
    PDF_TILED = "pdf_tiled"
    PDF_MARKER = "pdf_marker"
    PDF_QUOTE = "pdf_quote"
    GLB_PANELS = "glb_panels"
    PLY_PANELS = "ply_panels"
    JSON = "json"


#: Formats that need a fabric and a layout.
NEEDS_LAYOUT = (ExportFormat.PDF_MARKER, ExportFormat.PDF_QUOTE)


@dataclass(frozen=True)
class Artifact:
    name: str
    content_type: str
    data: bytes


@dataclass(frozen=True)
class ExportOptions:
    """What the person chose for this export; project "" means the job's name."""

    units: UnitSystem
    paper: str
    project: str
    currency: str


def paper_for(paper: str, units: UnitSystem) -> str:
    paper = (paper or "").strip().lower()
    if not paper:
        return "letter" if units is UnitSystem.IMPERIAL else "a4"
    if paper not in ("letter", "a4"):
        raise InvalidArgument("paper is 'letter' or 'a4'", field="paper")
    return paper


def _slug(text: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "-", text).strip("-.")[:60] or "patterns"


def export(state: PatternState, fmt: ExportFormat, opt: ExportOptions,
           layout: Callable[[], tuple[Fabric, LayoutResult]] | None = None) -> Artifact:
    """Render one export; `layout` gives the fabric and layout for the marker and quote
    (and the JSON document, when given). CPU-bound: call it off the event loop."""
    project = opt.project or state.options.project_name
    stem = _slug(project)
    if fmt is ExportFormat.GLB_PANELS:
        return Artifact(f"{stem}-panels.glb", "model/gltf-binary", panels_glb(state.panels))
    if fmt is ExportFormat.PLY_PANELS:
        ps = state.panels
        mesh = TriMesh(ps.mesh.vertices, ps.mesh.faces, ps.face_panel)
        return Artifact(f"{stem}-panels.ply", "application/octet-stream", ply_bytes(mesh))
    # Labels carry the project name and units, so re-cut when they differ (cheap, and the
    # outlines come out the same).
    pieces = state.pieces
    if project != state.options.project_name or opt.units.value != state.options.units:
        popt = state.options.pattern_options(units=opt.units.value, project=project)
        pieces = cut_all(state.panels, state.flats, popt)
    if not pieces and fmt is not ExportFormat.JSON:
        raise InvalidArgument("every panel is excluded: there is nothing to export",
                              field="job_id")
    paper = paper_for(opt.paper, opt.units)
    if fmt is ExportFormat.SVG:
        return Artifact(f"{stem}-pieces.svg", "image/svg+xml", svg_bytes(pieces))
    if fmt is ExportFormat.DXF:
        return Artifact(f"{stem}-pieces.dxf", "image/vnd.dxf", dxf_bytes(pieces))
    if fmt is ExportFormat.PDF_TILED:
        return Artifact(f"{stem}-pieces-{paper}.pdf", "application/pdf",
                        tiled_pdf_bytes(pieces, paper, project))
    made = layout() if layout is not None else None
    if fmt is ExportFormat.JSON:
        doc = state_to_dict(state)
        if made is not None:
            fabric, result = made
            doc["fabric"] = asdict(fabric)
            doc["layout"] = {"width_m": result.layout.width_m,
                             "length_m": result.layout.length_m,
                             "utilization": result.layout.utilization,
                             "warnings": result.layout.warnings,
                             "placements": [asdict(p) for p in result.layout.placements]}
            doc["quote"] = asdict(result.quote)
        return Artifact(f"{stem}-patterns.json", "application/json",
                        json.dumps(doc, indent=1).encode())
    if made is None:
        raise InvalidArgument("the marker and the quote need a fabric", field="fabric")
    fabric, result = made
    if fmt is ExportFormat.PDF_MARKER:
        data = marker_pdf_bytes(pieces, result.layout, fabric, result.quote, opt.units, paper,
                                project)
        return Artifact(f"{stem}-marker.pdf", "application/pdf", data)
    data = quote_pdf_bytes(pieces, result.quote, fabric, opt.units, paper, project,
                           opt.currency)
    return Artifact(f"{stem}-quote.pdf", "application/pdf", data)
