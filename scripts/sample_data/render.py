"""Exact ray casting of the world: analytic ray-box and ray-plane hits, vectorised in numpy.

Every pixel (or sub-pixel, for anti-aliasing) gets one ray; the nearest hit among the
room (seen from inside), the mat plane and the piece's boxes picks a surface, whose
texture is sampled bilinearly (cv2.remap) and shaded by Lambert's law with a key light
that casts shadows, a fill light and ambient. Lighting is view-independent, as for a
matte fabric, so photo-consistency holds exactly across views.

Rays are kept as structure-of-arrays (3, N) float32: per-axis 1-D operations are several
times faster in numpy than reductions over (N, 3) rows.
"""

from __future__ import annotations

import cv2
import numpy as np

from scripts.sample_data.cameras import Camera
from scripts.sample_data.world import FIRST_BOX_SURFACE, MAT_SURFACE, World

KEY_LIGHT = np.array([-0.35, -0.45, 0.82]) / np.linalg.norm([-0.35, -0.45, 0.82])
FILL_LIGHT = np.array([0.55, 0.6, 0.35]) / np.linalg.norm([0.55, 0.6, 0.35])
AMBIENT, KEY, FILL = 0.36, 0.72, 0.22
#: Camera exposure: the lit white mat lands near 220 of 255, leaving headroom for gain.
EXPOSURE = 0.92
WALL_LIGHT = 0.6
#: Share of the key light that still reaches a shadow (a big soft light, not the sun), and
#: the light's angular radius: soft, light shadows keep markers on the mat detectable.
SHADOW_KEEP = 0.35
KEY_LIGHT_RADIUS_DEG = 4.0
#: Rays per chunk: big enough to amortise numpy overhead, small enough for the cache.
CHUNK = 1 << 17
_REMAP_COLS = 4096  # cv2.remap wants both dimensions below SHRT_MAX


def _slab(o: np.ndarray, inv: np.ndarray, lo: np.ndarray, hi: np.ndarray
          ) -> tuple[np.ndarray, np.ndarray, list[np.ndarray]]:
    """Entry distance, exit distance and per-axis entry distances of rays against a box.

    `o` is (3,) or (3, N), `inv` (3, N) holds 1/direction. A ray hits when near <= far.
    """
    t_in: list[np.ndarray] = []
    far = None
    with np.errstate(invalid="ignore"):
        for a in range(3):
            oa = o[a]
            t1 = (lo[a] - oa) * inv[a]
            t2 = (hi[a] - oa) * inv[a]
            t_in.append(np.minimum(t1, t2))
            t_out = np.maximum(t1, t2)
            far = t_out if far is None else np.minimum(far, t_out)
    near = np.maximum(np.maximum(t_in[0], t_in[1]), t_in[2])
    return near, far, t_in


def _inverse(d: np.ndarray) -> np.ndarray:
    with np.errstate(divide="ignore"):
        return 1.0 / d


def trace(world: World, o: np.ndarray, d: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Nearest hit of rays `o + t d` (o (3,), d (3, N)): distance t (N,) and surface id (N,)."""
    inv = _inverse(d)
    # Leaving the room (the camera is inside): the exit plane of each axis, the nearest wins.
    forward = inv[0] > 0  # not d > 0: 1/-0.0 is -inf
    t = np.where(forward, world.room_hi[0] - o[0], world.room_lo[0] - o[0]) * inv[0]
    sid = forward.astype(np.int16)
    for a in (1, 2):
        forward = inv[a] > 0
        ta = np.where(forward, world.room_hi[a] - o[a], world.room_lo[a] - o[a]) * inv[a]
        closer = ta < t
        t = np.where(closer, ta, t)
        sid = np.where(closer, 2 * a + forward, sid).astype(np.int16)

    mat = world.scene.mat
    tm = (mat.z - o[2]) * inv[2]
    on_mat = (tm > 0) & (tm < t)
    on_mat &= np.abs(o[0] + tm * d[0]) <= mat.size / 2
    on_mat &= np.abs(o[1] + tm * d[1]) <= mat.size / 2
    t = np.where(on_mat, tm, t)
    sid[on_mat] = MAT_SURFACE

    # Only rays that meet the piece's bounding box are tested against its boxes.
    near, far, _ = _slab(o, inv, world.bbox_lo, world.bbox_hi)
    cand = np.flatnonzero((near <= far) & (far > 0) & (near < t))
    if len(cand):
        dc, ic, tc = d[:, cand], inv[:, cand], t[cand]
        sc = sid[cand]
        for b in range(len(world.box_lo)):
            near, far, t_in = _slab(o, ic, world.box_lo[b], world.box_hi[b])
            hit = np.flatnonzero((near <= far) & (near > 1e-6) & (near < tc))
            if len(hit) == 0:
                continue
            nh = near[hit]
            ax = np.where(t_in[0][hit] == nh, 0, np.where(t_in[1][hit] == nh, 1, 2))
            backwards = dc[ax, hit] < 0  # entering through the high side: the "+" face
            tc[hit] = nh
            sc[hit] = FIRST_BOX_SURFACE + 6 * b + 2 * ax + backwards
        t[cand], sid[cand] = tc, sc
    return t, sid


def key_directions(ss: int) -> np.ndarray:
    """(ss*ss, 3) directions over a square key light, one per sub-pixel sample.

    Each pixel's sub-samples see the light from different points, so the box filter that
    anti-aliases also integrates over the light: soft shadows at no extra cost.
    """
    side = np.cross(KEY_LIGHT, [0.0, 0.0, 1.0])
    side /= np.linalg.norm(side)
    up = np.cross(side, KEY_LIGHT)
    spread = np.tan(np.radians(KEY_LIGHT_RADIUS_DEG))
    steps = ((np.arange(ss) + 0.5) / ss - 0.5) * 2 * spread if ss > 1 else np.zeros(1)
    dirs = [KEY_LIGHT + a * side + b * up for b in steps for a in steps]
    return np.array([v / np.linalg.norm(v) for v in dirs])


def key_visibility(world: World, points: np.ndarray, inv: np.ndarray) -> np.ndarray:
    """1 where the key light reaches `points` (3, N) along directions with inverse `inv`."""
    seen = np.ones(points.shape[1], np.float32)
    near, far, _ = _slab(points, inv, world.bbox_lo, world.bbox_hi)
    cand = np.flatnonzero((near <= far) & (far > 0))
    if len(cand) == 0:
        return seen
    pc, ic = points[:, cand], inv[:, cand]
    hit = np.zeros(len(cand), bool)
    for b in range(len(world.box_lo)):
        near, far, _ = _slab(pc, ic, world.box_lo[b], world.box_hi[b])
        hit |= (near <= far) & (far > 0)
    seen[cand] = ~hit
    return seen




def _sample(texture: np.ndarray, cols: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """Bilinear texture lookup at many points (cv2.remap on a padded 2-D layout)."""
    n = len(cols)
    m = -(-n // _REMAP_COLS)
    mx = np.zeros(m * _REMAP_COLS, np.float32)
    my = np.zeros(m * _REMAP_COLS, np.float32)
    mx[:n], my[:n] = cols, rows
    out = cv2.remap(texture, mx.reshape(m, _REMAP_COLS), my.reshape(m, _REMAP_COLS),
                    cv2.INTER_LINEAR, borderMode=cv2.BORDER_REPLICATE)
    return out.reshape(-1, 3)[:n]


def _markers(world: World, x: np.ndarray, y: np.ndarray) -> np.ndarray:
    """Ink factor (1 on paper, dark on black cells) of mat points: exact cell edges."""
    mat = world.scene.mat
    half, cell = mat.marker_length / 2, mat.marker_length / 6
    ink = np.ones(len(x), np.float32)
    for marker_id, (cx, cy) in enumerate(mat.centres):
        dx, dy = x - cx, y - cy
        inside = np.flatnonzero((np.abs(dx) < half) & (np.abs(dy) < half))
        if len(inside) == 0:
            continue
        col = np.clip(((dx[inside] + half) / cell).astype(np.int64), 0, 5)
        row = np.clip(((half - dy[inside]) / cell).astype(np.int64), 0, 5)
        black = ~world.marker_bits[marker_id, row, col]
        ink[inside[black]] = 0.08
    return ink


def shade(world: World, o: np.ndarray, d: np.ndarray, light_inv: np.ndarray,
          light_idx: np.ndarray | None = None) -> np.ndarray:
    """Linear RGB radiance (N, 3) float32 seen along rays `o + t d`, d (3, N).

    The shadow test of ray i looks towards the key-light point whose inverse direction is
    `light_inv[:, light_idx[i]]` (`light_inv` (3, S), see `key_directions`; index 0 for all
    rays when `light_idx` is None).
    """
    t, sid = trace(world, o, d)
    p = o[:, None] + t[None, :] * d
    n = d.shape[1]
    albedo = np.empty((n, 3), np.float32)
    light = np.empty(n, np.float32)
    order = np.argsort(sid, kind="stable")
    counts = np.bincount(sid, minlength=len(world.surfaces))
    start = 0
    for s, count in enumerate(counts):
        if count == 0:
            continue
        idx = order[start:start + count]
        start += count
        surf = world.surfaces[s]
        ps = p[:, idx]
        cols = (surf.su / surf.texel) * (ps[surf.u_axis] - surf.u0) - 0.5
        rows = (surf.sv / surf.texel) * (ps[surf.v_axis] - surf.v0) - 0.5
        rgb = _sample(surf.texture, cols, rows).astype(np.float32)
        key = float(surf.normal @ KEY_LIGHT)
        lit = np.full(count, max(key, 0.0), np.float32)
        if key > 0 and (s >= MAT_SURFACE or surf.name == "room-z"):
            inv = light_inv[:, light_idx[idx]] if light_idx is not None else light_inv[:, :1]
            vis = key_visibility(world, ps + 1e-4 * surf.normal[:, None], inv)
            lit *= SHADOW_KEEP + (1.0 - SHADOW_KEEP) * vis
        if s < MAT_SURFACE and surf.name != "room-z":
            lit = WALL_LIGHT + (1.0 - WALL_LIGHT) * lit  # walls and ceiling: bounce-lit
        light[idx] = AMBIENT + FILL * max(float(surf.normal @ FILL_LIGHT), 0.0) + KEY * lit
        if s == MAT_SURFACE:
            rgb *= _markers(world, ps[0], ps[1])[:, None]
        albedo[idx] = rgb
    # Soft contact darkening: the floor near the piece, the piece near the floor.
    gx = np.maximum(np.maximum(world.bbox_lo[0] - p[0], p[0] - world.bbox_hi[0]), 0.0)
    gy = np.maximum(np.maximum(world.bbox_lo[1] - p[1], p[1] - world.bbox_hi[1]), 0.0)
    near_floor = np.where(sid >= FIRST_BOX_SURFACE, p[2], np.sqrt(gx * gx + gy * gy))
    light *= 1.0 - 0.35 * np.exp(-near_floor * 25.0)
    albedo *= (light * (EXPOSURE / 255.0))[:, None]
    return albedo


def render(world: World, cam: Camera, supersample: int = 2, noise_sigma: float = 1.2,
           seed: int = 0) -> np.ndarray:
    """RGB uint8 image (height, width, 3) of `world` through `cam`.

    `supersample` x `supersample` rays per pixel are box-filtered (exact for this integer
    factor, and centred: pixel centres stay at integer coordinates); `noise_sigma` is
    sensor noise in 8-bit levels, seeded by `seed`.
    """
    ss = max(1, int(supersample))
    w, h = cam.width * ss, cam.height * ss
    fx, fy, cx, cy = cam.K[0, 0], cam.K[1, 1], cam.K[0, 2], cam.K[1, 2]
    xs = (((np.arange(w) + 0.5) / ss - 0.5 - cx) / fx).astype(np.float32)
    ys = (((np.arange(h) + 0.5) / ss - 0.5 - cy) / fy).astype(np.float32)
    R = cam.R.astype(np.float32)
    o = cam.center.astype(np.float32)
    img = np.empty((h, w, 3), np.float32)
    # Sub-sample (i, j) of every pixel tests its shadow towards light point (i, j).
    light_inv = np.ascontiguousarray((1.0 / key_directions(ss)).T, np.float32)
    sub = ((np.arange(h)[:, None] % ss) * ss + (np.arange(w)[None, :] % ss)).astype(np.int16)
    rows_per_chunk = max(1, CHUNK // w)
    for r0 in range(0, h, rows_per_chunk):
        r1 = min(h, r0 + rows_per_chunk)
        # World direction = R.T @ (x, y, 1): one outer sum per axis, no (N, 3) matmul.
        d = np.empty((3, r1 - r0, w), np.float32)
        for k in range(3):
            d[k] = R[0, k] * xs[None, :] + (R[1, k] * ys[r0:r1, None] + R[2, k])
        rgb = shade(world, o, d.reshape(3, -1), light_inv, sub[r0:r1].ravel())
        img[r0:r1] = rgb.reshape(r1 - r0, w, 3)
    if ss > 1:
        img = cv2.resize(img, (cam.width, cam.height), interpolation=cv2.INTER_AREA)
    img *= 255.0
    if noise_sigma > 0:
        rng = np.random.default_rng([seed, 31])
        img += rng.standard_normal(img.shape, np.float32) * np.float32(noise_sigma)
    return np.clip(img + 0.5, 0, 255).astype(np.uint8)
