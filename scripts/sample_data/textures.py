"""Seeded procedural textures: fabric, wood, plaster, paper.

Feature matching and multi-view stereo need detail that never repeats, at every scale
from a pixel to a panel, so every texture is a sum of seeded value-noise octaves (plus
weave, grain or planks on top) and every face gets its own seed. Albedo is float32 RGB
in [0, 1]; textures are returned as uint8 to keep lookups cheap.
"""

from __future__ import annotations

import cv2
import numpy as np

Rng = np.random.Generator


def value_noise(rng: Rng, shape: tuple[int, int], cell: tuple[float, float],
                channels: int = 1) -> np.ndarray:
    """Smooth random field of unit-ish std with feature size `cell` = (rows, cols) texels."""
    h, w = shape
    cy, cx = max(cell[0], 1.0), max(cell[1], 1.0)
    gh, gw = int(h / cy) + 4, int(w / cx) + 4
    grid = rng.standard_normal((gh, gw, channels)).astype(np.float32)
    if cy <= 1.0 and cx <= 1.0:
        out = grid[:h, :w]
    else:
        big_w, big_h = int(gw * cx), int(gh * cy)
        out = cv2.resize(grid, (big_w, big_h), interpolation=cv2.INTER_CUBIC)
        out = out.reshape(big_h, big_w, channels)
        oy = int(rng.integers(0, max(1, big_h - h)))
        ox = int(rng.integers(0, max(1, big_w - w)))
        out = out[oy:oy + h, ox:ox + w]
    return out if channels > 1 else out[..., 0]


def fbm(rng: Rng, shape: tuple[int, int], cells: list[float], gain: float = 0.55,
        aspect: float = 1.0) -> np.ndarray:
    """Multi-scale noise (fractal sum), normalised to unit std; `aspect` stretches along x."""
    out = np.zeros(shape, np.float32)
    amp = 1.0
    for c in sorted(cells, reverse=True):
        out += amp * value_noise(rng, shape, (c, c * aspect))
        amp *= gain
    return out / max(float(out.std()), 1e-6)


def _speckles(rng: Rng, shape: tuple[int, int], density: float, radius: float) -> np.ndarray:
    """Sparse blobs (+1 bright / -1 dark): the neps of a fabric, good SIFT keypoints."""
    h, w = shape
    n = int(density * h * w)
    img = np.zeros(shape, np.float32)
    if n == 0:
        return img
    ys, xs = rng.integers(0, h, n), rng.integers(0, w, n)
    img[ys, xs] = rng.choice([-1.0, 1.0], n) * rng.uniform(0.5, 1.0, n)
    k = max(3, int(radius * 4) | 1)
    return cv2.GaussianBlur(img, (k, k), radius) * (2 * np.pi * radius * radius)


def to_uint8(albedo: np.ndarray) -> np.ndarray:
    """[0, 1] float to uint8, saturating (cv2 is several times faster than numpy here)."""
    np.maximum(albedo, 0.0, out=albedo)
    return cv2.convertScaleAbs(albedo, alpha=255.0)


def fabric(rng: Rng, shape: tuple[int, int], texel_m: float,
           rgb: tuple[float, float, float]) -> np.ndarray:
    """Heathered woven upholstery fabric with slubs, neps and a stitched seam at the border."""
    h, w = shape
    mm = 1e-3 / texel_m  # texels per millimetre
    heather = fbm(rng, shape, [c * mm for c in (1.5, 3, 6, 12, 24) if c * mm >= 1.0], gain=0.9)
    tone = fbm(rng, shape, [c * mm for c in (60, 150)], gain=0.6)
    fine = value_noise(rng, shape, (1.0, 1.0))
    # Thread weave with a wobbling phase, so that it never tiles exactly.
    pitch = max(3.0, 2.5 * mm)
    yy, xx = np.mgrid[0:h, 0:w].astype(np.float32)
    wob = value_noise(rng, shape, (20 * mm, 20 * mm)) * 1.5
    weave = np.sin(2 * np.pi * xx / pitch + wob) * np.sin(2 * np.pi * yy / pitch - wob)
    slubs = value_noise(rng, shape, (0.7 * mm, 12 * mm))
    slubs = np.clip(np.abs(slubs) - 1.6, 0, None) * np.sign(slubs)
    neps = _speckles(rng, shape, 0.0025 / (mm * mm) * 4, max(0.7, 0.8 * mm))
    lum = 1.0 + 0.13 * heather + 0.05 * tone + 0.05 * fine + 0.05 * weave
    lum += 0.35 * slubs + 0.35 * neps
    chroma = value_noise(rng, shape, (25 * mm, 25 * mm), 3) * 0.05
    albedo = np.asarray(rgb, np.float32) * (lum[..., None] + chroma)
    # A dark welt along the edge of the panel (a sewn seam).
    seam = max(1, round(2.5 * mm))
    edge = np.ones(shape, np.float32)
    edge[:seam], edge[-seam:], edge[:, :seam], edge[:, -seam:] = 0.7, 0.7, 0.7, 0.7
    return to_uint8(albedo * edge[..., None])


def wood(rng: Rng, shape: tuple[int, int], texel_m: float,
         rgb: tuple[float, float, float] = (0.33, 0.21, 0.13)) -> np.ndarray:
    """Walnut-like grain running along the texture's columns (x)."""
    mm = 1e-3 / texel_m
    grain = fbm(rng, shape, [c * mm for c in (1.5, 4, 10) if c * mm >= 1.0], aspect=12.0)
    tone = fbm(rng, shape, [c * mm for c in (30, 90) if c * mm >= 1.0])
    lum = 1.0 + 0.18 * grain + 0.10 * tone
    return to_uint8(np.asarray(rgb, np.float32) * lum[..., None])


def dust_cover(rng: Rng, shape: tuple[int, int], texel_m: float) -> np.ndarray:
    """Black non-woven cambric under the piece."""
    mm = 1e-3 / texel_m
    n = fbm(rng, shape, [c * mm for c in (1, 3, 9) if c * mm >= 1.0])
    return to_uint8(np.full(3, 0.07, np.float32) * (1.0 + 0.3 * n[..., None]))


def plank_floor(rng: Rng, shape: tuple[int, int], texel_m: float) -> np.ndarray:
    """Light oak planks along x: per-plank tone, streaky grain, dark joints, a few knots."""
    h, w = shape
    plank_w = 0.14 / texel_m
    albedo = np.empty((h, w, 3), np.float32)
    grain = fbm(rng, shape, [c * 1e-3 / texel_m for c in (2, 6, 20, 60)
                             if c * 1e-3 / texel_m >= 1.0], aspect=10.0)
    figure = fbm(rng, shape, [c * 1e-3 / texel_m for c in (80, 250)])
    base = np.array([0.74, 0.56, 0.38], np.float32)
    xs = np.arange(w, dtype=np.float32)
    for r0 in np.arange(0, h, plank_w):
        rows = slice(int(r0), min(h, int(r0 + plank_w)))
        ends = np.cumsum(rng.uniform(0.7, 1.6, int(w * texel_m / 0.7) + 3) / texel_m)
        ends -= rng.uniform(0, ends[0])
        plank = np.searchsorted(ends, xs)
        tones = rng.uniform(0.82, 1.12, (len(ends) + 1, 1)) * base
        tones[:, 0] *= rng.uniform(0.97, 1.04, len(ends) + 1)
        albedo[rows] = tones[plank][None, :, :]
        joints = np.abs(xs[:, None] - ends[None, :]).min(axis=1) < 0.0012 / texel_m
        albedo[rows, joints] *= 0.45
        albedo[int(r0):int(r0) + max(1, int(0.0012 / texel_m))] *= 0.45
    albedo *= (1.0 + 0.12 * grain + 0.08 * figure)[..., None]
    for _ in range(int(h * w * texel_m * texel_m / 0.6)):  # a knot every ~0.6 m²
        cy, cx = int(rng.integers(0, h)), int(rng.integers(0, w))
        ax = (int(0.012 / texel_m) + 1, int(0.006 / texel_m) + 1)
        cv2.ellipse(albedo, (cx, cy), ax, 0, 0, 360, (0.30, 0.20, 0.12), -1, cv2.LINE_AA)
    return to_uint8(albedo)


def plaster_wall(rng: Rng, shape: tuple[int, int], texel_m: float,
                 rgb: tuple[float, float, float] = (0.80, 0.78, 0.73)) -> np.ndarray:
    """Off-white wall with mottling, a skirting board and a few framed prints.

    Row 0 is the top of the wall; the wall is `shape[0] * texel_m` metres high.
    """
    h, w = shape
    mm = 1e-3 / texel_m
    mottle = fbm(rng, shape, [c * mm for c in (5, 20, 80, 300) if c * mm >= 1.0])
    albedo = np.asarray(rgb, np.float32) * (1.0 + 0.05 * mottle)[..., None]
    skirt = int(0.10 / texel_m)
    albedo[h - skirt:] = np.array([0.88, 0.87, 0.84], np.float32)
    albedo[h - skirt:h - skirt + max(1, int(0.004 / texel_m))] *= 0.6
    for _ in range(max(1, int(w * texel_m / 1.6))):  # framed prints, roughly one per 1.6 m
        pw, ph = int(rng.uniform(0.3, 0.7) / texel_m), int(rng.uniform(0.3, 0.6) / texel_m)
        x0 = int(rng.integers(0, max(1, w - pw)))
        y0 = int(rng.uniform(0.8, 1.3) / texel_m)
        frame = max(2, int(0.02 / texel_m))
        print_rgb = rng.uniform(0.2, 0.8, 3).astype(np.float32)
        art = value_noise(rng, (ph, pw), (ph / 8, pw / 8), 3) * 0.15 + print_rgb
        albedo[y0:y0 + ph, x0:x0 + pw] = 0.12
        albedo[y0 + frame:y0 + ph - frame, x0 + frame:x0 + pw - frame] = art[
            frame:ph - frame, frame:pw - frame]
    return to_uint8(albedo)


def paper(rng: Rng, shape: tuple[int, int], texel_m: float) -> np.ndarray:
    """White matte print paper (the marker mat's background)."""
    mm = 1e-3 / texel_m
    n = fbm(rng, shape, [c * mm for c in (1, 4, 30) if c * mm >= 1.0])
    return to_uint8(np.full(3, 0.90, np.float32) * (1.0 + 0.015 * n[..., None]))
