"""The renderable world: every flat surface of room, mat and piece with its texture.

A surface is an axis-aligned rectangle with a texture mapped by its two in-plane axes,
so a hit point's texel is a scale and an offset away: no UVs, no meshes. Texel sizes
follow the ground sample distance of the shoot, so small test renders build small
textures and big renders get detail down to the pixel.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

import cv2
import numpy as np

from scripts.sample_data import textures
from scripts.sample_data.scenes import FACE_KEYS, Scene

log = logging.getLogger(__name__)

#: Index of the first surface of the piece: room faces come first (in FACE_KEYS order,
#: seen from inside), then the mat.
ROOM_SURFACES = 6
MAT_SURFACE = 6
FIRST_BOX_SURFACE = 7


@dataclass
class Surface:
    """Texture mapping of one plane: col = su*(P[u]-u0)/texel, row = sv*(P[v]-v0)/texel."""

    name: str
    normal: np.ndarray
    u_axis: int
    v_axis: int
    u0: float
    v0: float
    su: float
    sv: float
    texel: float
    texture: np.ndarray  # uint8 (rows, cols, 3)


@dataclass
class World:
    """Surfaces in renderer order plus the analytic parts (boxes, marker bits)."""

    scene: Scene
    surfaces: list[Surface]
    box_lo: np.ndarray  # (B, 3)
    box_hi: np.ndarray  # (B, 3)
    room_lo: np.ndarray
    room_hi: np.ndarray
    bbox_lo: np.ndarray  # the whole piece, for culling rays
    bbox_hi: np.ndarray
    marker_bits: np.ndarray  # (M, 6, 6) bool, True = white; row 0 is the marker's top (+y)


def _mapping(key: str, lo: np.ndarray, hi: np.ndarray, outward: bool
             ) -> tuple[int, int, float, float, float, float]:
    """(u_axis, v_axis, u0, v0, su, sv) so the texture reads upright seen from the normal side.

    `outward` is True for box faces (seen from outside) and False for the room (inside).
    """
    axis, positive = "xyz".index(key[1]), key[0] == "+"
    looks_positive = positive != outward  # direction a viewer of this face looks along
    if axis == 2:  # horizontal: rows run towards -y, columns towards +x
        return 0, 1, float(lo[0]), float(hi[1]), 1.0, -1.0
    other = 1 - axis
    # Looking along +x, image-right is -y; along -x it is +y; along +y right is +x; along -y, -x.
    right_positive = (axis == 1) == looks_positive
    u0 = float(lo[other]) if right_positive else float(hi[other])
    return other, 2, u0, float(hi[2]), 1.0 if right_positive else -1.0, -1.0


def _extent(lo: np.ndarray, hi: np.ndarray, u: int, v: int, texel: float) -> tuple[int, int]:
    return int(np.ceil((hi[v] - lo[v]) / texel)) + 2, int(np.ceil((hi[u] - lo[u]) / texel)) + 2


def _mat_texture(scene: Scene, rng: np.random.Generator, texel: float) -> np.ndarray:
    """Paper with a printed border, id labels, a scale bar and a title."""
    mat = scene.mat
    n = int(np.ceil(mat.size / texel)) + 2
    img = textures.paper(rng, (n, n), texel)
    ink = (40, 40, 40)
    half = mat.size / 2

    def px(x: float, y: float) -> tuple[int, int]:
        return round((x + half) / texel), round((half - y) / texel)

    thick = max(1, round(0.0015 / texel))
    cv2.rectangle(img, px(-half + 0.01, half - 0.01), px(half - 0.01, -half + 0.01), ink, thick)
    scale = 0.018 / texel / 22.0  # Hershey simplex glyphs are ~22 px tall at scale 1
    for marker_id, (cx, cy) in enumerate(mat.centres):
        r = float(np.hypot(cx, cy)) or 1.0
        lx, ly = cx - cx / r * 0.095, cy - cy / r * 0.095
        org = px(lx - 0.012, ly - 0.009)
        cv2.putText(img, str(marker_id), org, cv2.FONT_HERSHEY_SIMPLEX, scale, ink,
                    max(1, int(2 * scale)), cv2.LINE_AA)
    title = (f"StitchSketch calibration mat  {mat.dictionary}  "
             f"markers {mat.marker_length * 1000:.0f} mm")
    cv2.putText(img, title, px(-half + 0.03, -half + 0.018), cv2.FONT_HERSHEY_SIMPLEX,
                scale * 0.6, ink, max(1, int(1.2 * scale)), cv2.LINE_AA)
    bar0, bar1 = px(half - 0.13, -half + 0.03), px(half - 0.03, -half + 0.025)
    cv2.rectangle(img, bar0, bar1, ink, -1)
    return img


def build_world(scene: Scene, gsd: float, seed: int = 0) -> World:
    """Textures for `scene` at texel sizes suited to a ground sample distance `gsd` (m/px)."""
    tex_piece = float(np.clip(0.7 * gsd, 0.4e-3, 4e-3))
    tex_mat = float(np.clip(0.8 * gsd, 0.5e-3, 3e-3))
    tex_floor = float(np.clip(1.5 * gsd, 1.5e-3, 8e-3))
    tex_wall = float(np.clip(4.0 * gsd, 4e-3, 15e-3))
    half, height = scene.room_half_size, scene.room_height
    room_lo, room_hi = np.array([-half, -half, 0.0]), np.array([half, half, height])
    surfaces: list[Surface] = []

    def rng(i: int) -> np.random.Generator:
        return np.random.default_rng([seed, i, 101])

    for i, key in enumerate(FACE_KEYS):
        u, v, u0, v0, su, sv = _mapping(key, room_lo, room_hi, outward=False)
        axis = "xyz".index(key[1])
        normal = np.zeros(3, np.float32)
        normal[axis] = -1.0 if key[0] == "+" else 1.0
        if key == "-z":
            texel = tex_floor
            tex = textures.plank_floor(rng(i), _extent(room_lo, room_hi, u, v, texel), texel)
        elif key == "+z":
            texel = 2 * tex_wall
            tex = textures.paper(rng(i), _extent(room_lo, room_hi, u, v, texel), texel)
        else:
            texel = tex_wall
            tex = textures.plaster_wall(rng(i), _extent(room_lo, room_hi, u, v, texel), texel)
        surfaces.append(Surface(f"room{key}", normal, u, v, u0, v0, su, sv, texel, tex))

    m = scene.mat.size / 2
    surfaces.append(Surface("mat", np.array([0, 0, 1], np.float32), 0, 1, -m, m, 1.0, -1.0,
                            tex_mat, _mat_texture(scene, rng(6), tex_mat)))

    for b, box in enumerate(scene.boxes):
        lo, hi = np.array(box.lo), np.array(box.hi)
        for f, key in enumerate(FACE_KEYS):
            u, v, u0, v0, su, sv = _mapping(key, lo, hi, outward=True)
            axis = "xyz".index(key[1])
            normal = np.zeros(3, np.float32)
            normal[axis] = 1.0 if key[0] == "+" else -1.0
            panel = box.faces.get(key)
            material = scene.panel(panel).material if panel else "wood"
            shape = _extent(lo, hi, u, v, tex_piece)
            r = rng(FIRST_BOX_SURFACE + 6 * b + f)
            if material == "fabric":
                tex = textures.fabric(r, shape, tex_piece, scene.fabric_rgb)
            elif material == "dustcover":
                tex = textures.dust_cover(r, shape, tex_piece)
            else:
                tex = textures.wood(r, shape, tex_piece)
            surfaces.append(Surface(f"{box.name}{key}", normal, u, v, u0, v0, su, sv,
                                    tex_piece, tex))

    aruco = cv2.aruco.getPredefinedDictionary(getattr(cv2.aruco, scene.mat.dictionary))
    bits = np.stack([cv2.aruco.generateImageMarker(aruco, i, 6, borderBits=1) > 127
                     for i in range(len(scene.mat.centres))])
    log.debug("world %s: texels piece %.2f mm, floor %.2f mm, %.1f M texels", scene.name,
              tex_piece * 1e3, tex_floor * 1e3,
              sum(s.texture.shape[0] * s.texture.shape[1] for s in surfaces) / 1e6)
    lo, hi = scene.bbox
    return World(scene, surfaces,
                 np.array([b.lo for b in scene.boxes], np.float32),
                 np.array([b.hi for b in scene.boxes], np.float32),
                 room_lo.astype(np.float32), room_hi.astype(np.float32),
                 np.array(lo, np.float32), np.array(hi, np.float32), bits)
