"""The panel model: which faces of the mesh make each fabric panel, and how it is cut."""

from __future__ import annotations

import colorsys
from dataclasses import dataclass, field

import numpy as np

from services.errors import NotFound
from services.patterns.mesh import TriMesh

#: Standard upholstery piece names (a trailing _L/_R or _1, _2 ... is allowed on any).
STANDARD_NAMES = (
    "inside_back", "outside_back", "back_side", "back_top", "back_boxing",
    "inside_arm", "outside_arm", "arm_front", "arm_back", "arm_top", "arm_panel",
    "deck", "front_border", "skirt", "wing_inside", "wing_outside",
    "seat_cushion_top", "seat_cushion_bottom", "seat_cushion_boxing",
    "back_cushion_front", "back_cushion_back", "back_cushion_boxing",
    "bolster", "bolster_end", "pillow_front", "pillow_back",
    "ottoman_top", "ottoman_side", "dust_cover", "plinth", "panel",
)

#: Names that are never cut from the face fabric.
NOT_UPHOLSTERED = ("dust_cover", "plinth", "leg", "base")


@dataclass
class Panel:
    """One fabric panel. Mirrors `stitchsketch.v1.Panel` (metrics are filled by flattening)."""

    id: str
    name: str
    count: int = 1
    mirror_of: str = ""
    excluded: bool = False
    color: str = "#888888"
    area_m2: float = 0.0
    flat_area_m2: float = 0.0
    area_distortion_pct: float = 0.0
    max_stretch_pct: float = 0.0
    flagged: bool = False
    suggestion: str = ""
    #: Per-seam allowance overrides in metres, keyed by the neighbouring panel id
    #: ("" for edges on no seam); others use the job's default.
    seam_allowance_m: dict[str, float] = field(default_factory=dict)


@dataclass
class PanelSet:
    """A mesh and its division into panels: `face_panel[f]` indexes `panels` (-1: none)."""

    mesh: TriMesh
    face_panel: np.ndarray
    panels: list[Panel]
    next_id: int = 1

    def index(self, panel_id: str) -> int:
        for i, p in enumerate(self.panels):
            if p.id == panel_id:
                return i
        raise NotFound(f"no panel {panel_id!r}")

    def get(self, panel_id: str) -> Panel:
        return self.panels[self.index(panel_id)]

    def faces_of(self, panel_id: str) -> np.ndarray:
        return np.flatnonzero(self.face_panel == self.index(panel_id))

    def new_id(self) -> str:
        pid = f"p{self.next_id}"
        self.next_id += 1
        return pid

    def neighbours(self) -> dict[tuple[int, int], float]:
        """Seam length (m) between each pair of panel indices that share edges."""
        e, ef = self.mesh.edges()
        inner = ef[:, 1] >= 0
        a = self.face_panel[ef[inner, 0]]
        b = self.face_panel[ef[inner, 1]]
        cross = (a != b) & (a >= 0) & (b >= 0)
        lengths = np.linalg.norm(self.mesh.vertices[e[inner, 0]] - self.mesh.vertices[e[inner, 1]],
                                 axis=1)[cross]
        out: dict[tuple[int, int], float] = {}
        for x, y, ln in zip(a[cross], b[cross], lengths, strict=True):
            key = (int(min(x, y)), int(max(x, y)))
            out[key] = out.get(key, 0.0) + float(ln)
        return out

    def compact(self) -> None:
        """Drop panels that own no faces and renumber `face_panel` to match."""
        used = np.unique(self.face_panel[self.face_panel >= 0])
        remap = np.full(len(self.panels) + 1, -1)
        remap[used] = np.arange(len(used))
        self.face_panel = np.where(self.face_panel >= 0, remap[self.face_panel], -1)
        self.panels = [self.panels[i] for i in used]


def palette(i: int) -> str:
    """Distinct display colours (golden-ratio hue steps)."""
    r, g, b = colorsys.hsv_to_rgb((i * 0.618034) % 1.0, 0.55, 0.9)
    return f"#{int(r * 255):02x}{int(g * 255):02x}{int(b * 255):02x}"


def from_labels(mesh: TriMesh, labels: np.ndarray, names: list[str] | None = None) -> PanelSet:
    """A panel set from per-face integer labels (e.g. a PLY's panel_id)."""
    uniq = np.unique(labels[labels >= 0])
    face_panel = np.full(len(labels), -1)
    panels = []
    for i, lab in enumerate(uniq):
        face_panel[labels == lab] = i
        name = names[lab] if names is not None and lab < len(names) else f"panel_{lab}"
        panels.append(Panel(id=f"p{i + 1}", name=name, color=palette(i),
                            excluded=name.split("_")[0] in ("dust", "plinth", "leg", "base")))
    return PanelSet(mesh, face_panel, panels, next_id=len(uniq) + 1)
