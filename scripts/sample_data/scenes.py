"""The synthetic furniture scenes: axis-aligned boxes, panels and a printed marker mat.

Conventions mirror the rendered shoots in ../shared/datasets (see their README): metres,
Z up, floor z = 0, origin at the centre of the footprint, the front of the piece faces -y,
`_L` panels at -x. Everything here is exact, so ground truth is computed, not measured.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from services.errors import InvalidArgument

#: Face keys of a box, in the order the renderer numbers them.
FACE_KEYS: tuple[str, ...] = ("-x", "+x", "-y", "+y", "-z", "+z")


@dataclass(frozen=True)
class Panel:
    """A named surface group: one piece of fabric (or wood, or dust cover) on the piece."""

    name: str
    material: str  # "fabric" | "wood" | "dustcover"
    component: str
    note: str = ""

    @property
    def upholstered(self) -> bool:
        return self.material == "fabric"


@dataclass(frozen=True)
class Box:
    """One axis-aligned block of the piece.

    `faces` maps a face key to its panel name, or None for a face that is no surface of
    the piece (a plinth's top under the body); `hidden_by` names boxes whose contact hides
    parts of this box's faces (frame parts pressed together). A loose cushion hides
    nothing and is hidden by nothing: its underside is real fabric.
    """

    name: str
    lo: tuple[float, float, float]
    hi: tuple[float, float, float]
    faces: dict[str, str | None]
    hidden_by: tuple[str, ...] = ()
    #: Boxes of one part share mesh vertices where they meet (one sewn cover over a frame);
    #: separate parts (a loose cushion, the plinth) stay separate components.
    part: str = ""


@dataclass(frozen=True)
class Mat:
    """A printed ArUco calibration mat lying on the floor, markers in a ring."""

    size: float
    z: float
    marker_length: float
    quiet_zone: float
    dictionary: str
    centres: tuple[tuple[float, float], ...]  # index = marker id

    def corners(self, marker_id: int) -> list[list[float]]:
        """Corners in OpenCV detection order (TL, TR, BR, BL; marker up = +y world)."""
        cx, cy = self.centres[marker_id]
        h = self.marker_length / 2
        return [
            [cx - h, cy + h, self.z],
            [cx + h, cy + h, self.z],
            [cx + h, cy - h, self.z],
            [cx - h, cy - h, self.z],
        ]


@dataclass(frozen=True)
class Scene:
    """Everything the renderer and the ground truth need about one piece in its room."""

    name: str
    description: str
    boxes: tuple[Box, ...]
    panels: tuple[Panel, ...]
    mat: Mat
    fabric_rgb: tuple[float, float, float]
    fabric_description: str
    design_parameters: dict[str, float | str | int] = field(default_factory=dict)
    room_half_size: float = 3.0
    room_height: float = 2.7

    def panel(self, name: str) -> Panel:
        for p in self.panels:
            if p.name == name:
                return p
        raise KeyError(name)

    @property
    def bbox(self) -> tuple[tuple[float, float, float], tuple[float, float, float]]:
        lo = tuple(min(b.lo[i] for b in self.boxes) for i in range(3))
        hi = tuple(max(b.hi[i] for b in self.boxes) for i in range(3))
        return lo, hi  # type: ignore[return-value]


def ring_mat(size: float, per_side: int, spacing: float = 0.25) -> Mat:
    """Markers on the border of a per_side x per_side grid, counter-clockwise from front-left."""
    half = spacing * (per_side - 1) / 2
    steps = [-half + i * spacing for i in range(per_side)]
    ring = [(x, -half) for x in steps]  # front row, -x to +x
    ring += [(half, y) for y in steps[1:]]  # right column, front to back
    ring += [(x, half) for x in reversed(steps[:-1])]  # back row, +x to -x
    ring += [(-half, y) for y in reversed(steps[1:-1])]  # left column, back to front
    return Mat(size, 0.001, 0.10, 0.02, "DICT_4X4_50", tuple(ring))


def _ottoman() -> Scene:
    body = Box(
        "body", (-0.30, -0.225, 0.05), (0.30, 0.225, 0.45),
        {"-x": "side_L", "+x": "side_R", "-y": "front", "+y": "back",
         "-z": "dust_cover", "+z": "top"},
    )
    plinth = Box(
        "plinth", (-0.28, -0.205, 0.0), (0.28, 0.205, 0.05),
        {"-x": "plinth", "+x": "plinth", "-y": "plinth", "+y": "plinth", "-z": None, "+z": None},
    )
    panels = (
        Panel("top", "fabric", "body", "visible from above"),
        Panel("front", "fabric", "body", "visible from the front"),
        Panel("back", "fabric", "body", "visible from behind"),
        Panel("side_L", "fabric", "body", "visible from the left"),
        Panel("side_R", "fabric", "body", "visible from the right"),
        Panel("dust_cover", "dustcover", "base", "hidden (underside)"),
        Panel("plinth", "wood", "base", "visible sides of the wooden plinth"),
    )
    return Scene(
        name="ottoman",
        description="Box footstool, 0.60 x 0.45 x 0.45 m, on a 5 cm walnut plinth inset 2 cm; "
        "rust-red heathered weave; oak plank floor; 1.2 x 1.2 m printed ArUco mat.",
        boxes=(body, plinth),
        panels=panels,
        mat=ring_mat(1.2, 5),
        fabric_rgb=(0.62, 0.28, 0.20),
        fabric_description="heathered rust weave: seeded multi-scale noise, thread weave, slubs, "
        "neps; every face has its own non-repeating texture",
        design_parameters={"body_underside_z": 0.05, "base": "plinth", "plinth_inset": 0.02},
        room_half_size=2.4,
    )


def _chair() -> Scene:
    arm_faces = {
        "-z": "dust_cover", "+y": "back_contact", "-y": "arm_front_{s}", "+z": "arm_top_{s}",
    }

    def arm(side: str, x0: float, x1: float) -> Box:
        outer, inner = ("-x", "+x") if side == "L" else ("+x", "-x")
        faces = {k: v.format(s=side) for k, v in arm_faces.items()}
        faces.update({outer: f"outside_arm_{side}", inner: f"inside_arm_{side}"})
        return Box(f"arm_{side}", (x0, -0.40, 0.05), (x1, 0.22, 0.62), faces,
                   ("back", "seat_base"), "frame")

    back = Box(
        "back", (-0.40, 0.22, 0.05), (0.40, 0.40, 0.80),
        {"-x": "back_side_L", "+x": "back_side_R", "-y": "inside_back", "+y": "outside_back",
         "-z": "dust_cover", "+z": "back_top"},
        ("arm_L", "arm_R", "seat_base"), "frame",
    )
    seat = Box(
        "seat_base", (-0.28, -0.40, 0.05), (0.28, 0.22, 0.33),
        {"-x": "hidden", "+x": "hidden", "-y": "front_border", "+y": "hidden",
         "-z": "dust_cover", "+z": "deck"},
        ("arm_L", "arm_R", "back"), "frame",
    )
    cushion = Box(
        "seat_cushion", (-0.28, -0.40, 0.33), (0.28, 0.22, 0.45),
        {"-x": "seat_cushion_boxing", "+x": "seat_cushion_boxing", "-y": "seat_cushion_boxing",
         "+y": "seat_cushion_boxing", "-z": "seat_cushion_bottom", "+z": "seat_cushion_top"},
    )
    plinth = Box(
        "plinth", (-0.38, -0.38, 0.0), (0.38, 0.38, 0.05),
        {"-x": "plinth", "+x": "plinth", "-y": "plinth", "+y": "plinth", "-z": None, "+z": None},
    )
    f = "fabric"
    panels = tuple(
        [Panel(f"{n}_{s}", f, f"arm_{s}", note)
         for s in ("R", "L")
         for n, note in (("outside_arm", "visible from the side"),
                         ("inside_arm", "visible above the cushion"),
                         ("arm_front", "visible from the front"),
                         ("arm_top", "visible from above"))]
        + [Panel("outside_back", f, "back", "visible from behind"),
           Panel("inside_back", f, "back", "visible above the cushion and arms"),
           Panel("back_top", f, "back", "visible from above"),
           Panel("back_side_R", f, "back", "visible from the side/behind"),
           Panel("back_side_L", f, "back", "visible from the side/behind"),
           Panel("front_border", f, "seat_base", "visible from the front, below the cushion"),
           Panel("deck", f, "seat_base", "hidden under the seat cushion"),
           Panel("seat_cushion_top", f, "seat_cushion", "fully visible"),
           Panel("seat_cushion_boxing", f, "seat_cushion", "front visible; sides/back hidden"),
           Panel("seat_cushion_bottom", f, "seat_cushion", "hidden (rests on deck)"),
           Panel("dust_cover", "dustcover", "base", "hidden (underside)"),
           Panel("plinth", "wood", "base", "visible sides of the wooden plinth")]
    )
    # Faces fully hidden by contact still need a name for texturing; they never reach the mesh.
    panels += (Panel("hidden", f, "seat_base", "contact faces (not in the mesh)"),
               Panel("back_contact", f, "back", "contact faces (not in the mesh)"))
    return Scene(
        name="chair",
        description="Box armchair, 0.80 x 0.80 x 0.80 m: square arms and back, one loose box "
        "seat cushion, on a 5 cm walnut plinth inset 2 cm; moss-green heathered weave; oak "
        "plank floor; 1.5 x 1.5 m printed ArUco mat.",
        boxes=(arm("L", -0.40, -0.28), arm("R", 0.28, 0.40), back, seat, cushion, plinth),
        panels=panels,
        mat=ring_mat(1.5, 6),
        fabric_rgb=(0.36, 0.46, 0.24),
        fabric_description="heathered moss-green weave: seeded multi-scale noise, thread weave, "
        "slubs, neps; every face has its own non-repeating texture",
        design_parameters={
            "arm_width": 0.12, "arm_height": 0.62, "back_thickness": 0.18, "back_height": 0.80,
            "deck_height": 0.33, "cushion_thickness": 0.12, "seat_height": 0.45,
            "inside_width_between_arms": 0.56, "body_underside_z": 0.05, "base": "plinth",
            "seat_cushions": 1,
        },
        room_half_size=2.8,
    )


SCENES = {"ottoman": _ottoman, "chair": _chair}


def build_scene(name: str) -> Scene:
    """The named scene (`ottoman` or `chair`)."""
    try:
        return SCENES[name]()
    except KeyError:
        raise InvalidArgument(
            f"unknown scene {name!r}; choose one of {sorted(SCENES)}", field="scene"
        ) from None
