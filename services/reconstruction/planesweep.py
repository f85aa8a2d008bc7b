"""Depth of one photo from its neighbours: plane sweep, then per-pixel refinement.

1. Coarse: at half resolution, fronto-parallel planes evenly spaced in inverse depth
   across the piece's box; each neighbour is warped onto the reference by the plane's
   homography and compared by NCC over a small window; per pixel, the best planes'
   scores of the better half of the neighbours are averaged (occlusion-robust).
2. Fine: at full resolution, each pixel's depth is varied around the coarse answer and
   every neighbour is resampled through the per-pixel depth map itself (so a window on
   a slanted surface follows the slant, which fronto-parallel planes cannot), with a
   parabola through the best three scores for sub-step precision.

Pure numpy + OpenCV; `check_stop` is called between hypotheses (each well under a
second), so a cancel takes effect quickly.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

NCC_WINDOW = 7
FINAL_WINDOW = 5
#: Upright plane families are turned this far either side of facing the camera.
SIDE_YAW_DEG = 50.0
#: Below this NCC a pixel has no reliable depth.
MIN_SCORE = 0.45
#: Reference windows flatter than this (grey levels 0..1, std) are skipped.
MIN_TEXTURE_STD = 0.004


@dataclass
class Camera:
    """Pinhole camera, integer pixel centres: x_cam = R X + t, pixel = K x_cam / z."""

    K: np.ndarray
    R: np.ndarray
    t: np.ndarray

    def scaled(self, s: float) -> Camera:
        K = self.K.copy()
        K[0, 0] *= s
        K[1, 1] *= s
        K[0, 2] = (K[0, 2] + 0.5) * s - 0.5
        K[1, 2] = (K[1, 2] + 0.5) * s - 0.5
        return Camera(K, self.R, self.t)

    def shifted(self, x0: int, y0: int) -> Camera:
        K = self.K.copy()
        K[0, 2] -= x0
        K[1, 2] -= y0
        return Camera(K, self.R, self.t)

    @property
    def center(self) -> np.ndarray:
        return -self.R.T @ self.t


def ray_box_depths(cam: Camera, shape: tuple[int, int], box_min: np.ndarray,
                   box_max: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Per pixel, the camera-z depths where its ray enters and leaves the box
    (near > far where it misses)."""
    h, w = shape
    u, v = np.meshgrid(np.arange(w, dtype=np.float64), np.arange(h, dtype=np.float64))
    Kinv = np.linalg.inv(cam.K)
    d_cam = np.stack([Kinv[0, 0] * u + Kinv[0, 2], Kinv[1, 1] * v + Kinv[1, 2],
                      np.ones_like(u)], -1)
    d = d_cam @ cam.R  # world direction per unit camera depth
    c = cam.center
    with np.errstate(divide="ignore", invalid="ignore"):
        t1 = (box_min - c) / d
        t2 = (box_max - c) / d
    tmin = np.nanmax(np.minimum(t1, t2), axis=-1)
    tmax = np.nanmin(np.maximum(t1, t2), axis=-1)
    return np.maximum(tmin, 1e-3).astype(np.float32), tmax.astype(np.float32)


class _RefStats:
    """Window means and deviations of the reference image, reused for every NCC."""

    def __init__(self, ref: np.ndarray, win: int):
        self.ref = ref
        self.win = (win, win)
        self.mu = cv2.boxFilter(ref, -1, self.win)
        var = cv2.boxFilter(ref * ref, -1, self.win) - self.mu**2
        self.std = np.sqrt(np.maximum(var, 0))

    def ncc(self, warped: np.ndarray, valid: np.ndarray) -> np.ndarray:
        mu_w = cv2.boxFilter(warped, -1, self.win)
        var_w = cv2.boxFilter(warped * warped, -1, self.win) - mu_w**2
        cross = cv2.boxFilter(self.ref * warped, -1, self.win) - self.mu * mu_w
        score = cross / (self.std * np.sqrt(np.maximum(var_w, 0)) + 1e-5)
        ok = cv2.boxFilter(valid, -1, self.win) > 0.999
        return np.where(ok, score, -1.0).astype(np.float32)


def _top_mean(scores: np.ndarray, keep: int) -> np.ndarray:
    """Mean of the `keep` best scores along axis 0."""
    if keep >= scores.shape[0]:
        return scores.mean(0)
    part = -np.partition(-scores, keep - 1, axis=0)[:keep]
    return part.mean(0)


def _relative(ref: Camera, nb: Camera) -> tuple[np.ndarray, np.ndarray]:
    R = nb.R @ ref.R.T
    return R, nb.t - R @ ref.t


@dataclass
class _Family:
    """Parallel planes n·X = d(p) in the reference camera's frame, p sampled evenly."""

    normal: np.ndarray
    params: np.ndarray
    fronto: bool

    def offset(self, p: float) -> float:
        return 1.0 / p if self.fronto else p


def _families(ref: Camera, inv_lo: float, inv_hi: float, box_min: np.ndarray,
              box_max: np.ndarray, planes: int) -> list[_Family]:
    """Fronto-parallel planes (even in inverse depth), and level planes (the world's
    horizontal: seats, arm tops, the floor-facing surfaces a fronto sweep misses)."""
    fams = [_Family(np.array([0.0, 0.0, 1.0]), np.linspace(inv_lo, inv_hi, planes), True)]
    up = ref.R @ np.array([0.0, 0.0, 1.0])
    if abs(up[2]) < 0.97:  # not already fronto-parallel
        # plane z_world = h  ⇔  up·X_cam = h + up·t
        hs = np.linspace(box_min[2], box_max[2], planes)
        fams.append(_Family(up, hs + up @ ref.t, False))
    # upright planes turned ±SIDE_YAW_DEG from facing the camera: the sides of a piece
    # seen at an angle, where a fronto-parallel window no longer looks alike across photos
    axis = ref.R[2]
    if np.hypot(axis[0], axis[1]) > 0.3:
        facing = np.arctan2(-axis[1], -axis[0])
        corners = np.array(np.meshgrid(*zip(box_min, box_max, strict=True))).reshape(3, -1).T
        for turn in (-SIDE_YAW_DEG, SIDE_YAW_DEG):
            a = facing + np.radians(turn)
            n_w = np.array([np.cos(a), np.sin(a), 0.0])
            proj = corners @ n_w
            n_c = ref.R @ n_w
            cs = np.linspace(proj.min(), proj.max(), planes)
            fams.append(_Family(n_c, cs + n_c @ ref.t, False))
    return fams


def coarse_sweep(ref_img: np.ndarray, ref: Camera, nbs: list[tuple[np.ndarray, Camera]],
                 near: np.ndarray, far: np.ndarray, planes: int,
                 check_stop: Callable[[], None], box_min: np.ndarray | None = None,
                 box_max: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray, float]:
    """Inverse depth and score per pixel from sweeps of plane families.
    Returns (inverse depth, score, inverse-depth step of the fronto sweep)."""
    h, w = ref_img.shape
    valid_px = far > near
    inv_lo = 1.0 / float(far[valid_px].max())
    inv_hi = 1.0 / float(near[valid_px].min())
    step = (inv_hi - inv_lo) / (planes - 1)
    fams = _families(ref, inv_lo, inv_hi, box_min, box_max, planes) \
        if box_min is not None and box_max is not None else \
        [_Family(np.array([0.0, 0.0, 1.0]), np.linspace(inv_lo, inv_hi, planes), True)]
    stats = _RefStats(ref_img, NCC_WINDOW)
    keep = max(1, (len(nbs) + 1) // 2)
    Kinv = np.linalg.inv(ref.K)
    u, v = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    a = np.stack([Kinv[0, 0] * u + Kinv[0, 2], Kinv[1, 1] * v + Kinv[1, 2],
                  np.ones_like(u)], -1)
    ones = np.ones_like(nbs[0][0])
    inv_near, inv_far = 1.0 / np.maximum(near, 1e-6), 1.0 / np.maximum(far, 1e-6)
    best = np.full((h, w), -1.0, np.float32)
    best_inv = np.zeros((h, w), np.float32)
    rel = [_relative(ref, cam) for _, cam in nbs]
    for fam in fams:
        na = (a @ fam.normal).astype(np.float32)  # inverse depth = na / offset
        n = len(fam.params)
        volume = np.empty((n, h, w), np.float32)
        for k, p in enumerate(fam.params):
            check_stop()
            d = fam.offset(float(p))
            per_nb = np.empty((len(nbs), h, w), np.float32)
            for j, (img, cam) in enumerate(nbs):
                Rr, tr = rel[j]
                H = cam.K @ (Rr + np.outer(tr, fam.normal) / d) @ Kinv
                flags = cv2.INTER_LINEAR | cv2.WARP_INVERSE_MAP
                warped = cv2.warpPerspective(img, H, (w, h), flags=flags, borderValue=0)
                valid = cv2.warpPerspective(ones, H, (w, h), flags=cv2.INTER_NEAREST
                                            | cv2.WARP_INVERSE_MAP, borderValue=0)
                per_nb[j] = stats.ncc(warped, valid)
            score = _top_mean(per_nb, keep)
            inv = na / d
            # hypotheses outside the box along this pixel's ray do not count
            score[(inv > inv_near + step) | (inv < inv_far - step) | (inv <= 0)] = -1.0
            volume[k] = score
        k_best = volume.argmax(0)
        s_0 = np.take_along_axis(volume, k_best[None], 0)[0]
        # parabola through the best plane and its neighbours: sub-plane position
        k0 = np.clip(k_best, 1, n - 2)
        s_m = np.take_along_axis(volume, (k0 - 1)[None], 0)[0]
        s_c = np.take_along_axis(volume, k0[None], 0)[0]
        s_p = np.take_along_axis(volume, (k0 + 1)[None], 0)[0]
        denom = s_m - 2 * s_c + s_p
        off = np.where(denom < -1e-6, 0.5 * (s_m - s_p) / np.where(denom < -1e-6, denom, -1),
                       0)
        off = np.where(k_best == k0, np.clip(off, -0.5, 0.5), 0)
        p_best = fam.params[0] + (k_best + off) * (fam.params[1] - fam.params[0])
        d_best = 1.0 / p_best if fam.fronto else p_best
        inv_best = na / d_best
        better = s_0 > best
        best[better] = s_0[better]
        best_inv[better] = inv_best[better]
    texture_ok = stats.std > MIN_TEXTURE_STD
    ok = valid_px & texture_ok & (best > MIN_SCORE) & (best_inv > 0)
    return np.where(ok, best_inv, np.nan).astype(np.float32), best, step


def refine(ref_img: np.ndarray, ref: Camera, nbs: list[tuple[np.ndarray, Camera]],
           inv_depth: np.ndarray, step: float, offsets: np.ndarray,
           check_stop: Callable[[], None], window: int = NCC_WINDOW
           ) -> tuple[np.ndarray, np.ndarray]:
    """Vary each pixel's inverse depth by `offsets`·step, resampling neighbours through
    the whole per-pixel map; keep the best with a parabola. NaNs stay NaN."""
    h, w = ref_img.shape
    stats = _RefStats(ref_img, window)
    keep = max(1, (len(nbs) + 1) // 2)
    u, v = np.meshgrid(np.arange(w, dtype=np.float32), np.arange(h, dtype=np.float32))
    Kinv = np.linalg.inv(ref.K).astype(np.float32)
    a = [Kinv[0, 0] * u + Kinv[0, 2], Kinv[1, 1] * v + Kinv[1, 2]]
    base = np.where(np.isfinite(inv_depth), inv_depth, 0).astype(np.float32)
    # fill holes so windows near them still sample something plausible
    have = np.isfinite(inv_depth)
    if have.any() and not have.all():
        filled = cv2.dilate(base, np.ones((5, 5), np.uint8), iterations=3)
        base = np.where(have, base, filled)
    scores = np.empty((len(offsets), h, w), np.float32)
    geo = []
    for _, cam in nbs:
        Rr, tr = _relative(ref, cam)
        b = [Rr[i, 0] * a[0] + Rr[i, 1] * a[1] + Rr[i, 2] for i in range(3)]
        geo.append((b, tr.astype(np.float32), cam.K.astype(np.float32)))
    for k, o in enumerate(offsets):
        check_stop()
        rho = np.maximum(base + np.float32(o * step), 1e-6)
        per_nb = np.empty((len(nbs), h, w), np.float32)
        for j, (img, _) in enumerate(nbs):
            b, tr, K = geo[j]
            x = b[0] + rho * tr[0]
            y = b[1] + rho * tr[1]
            z = b[2] + rho * tr[2]
            zi = 1.0 / np.where(z > 1e-6, z, np.inf)
            mx = (K[0, 0] * x * zi + K[0, 2]).astype(np.float32)
            my = (K[1, 1] * y * zi + K[1, 2]).astype(np.float32)
            warped = cv2.remap(img, mx, my, cv2.INTER_LINEAR, borderValue=0)
            ih, iw = img.shape
            valid = ((mx >= 0) & (mx <= iw - 1) & (my >= 0) & (my <= ih - 1)
                     & (z > 0)).astype(np.float32)
            per_nb[j] = stats.ncc(warped, valid)
        scores[k] = _top_mean(per_nb, keep)
    kbest = scores.argmax(0)
    k0 = np.clip(kbest, 1, len(offsets) - 2)
    s_m = np.take_along_axis(scores, (k0 - 1)[None], 0)[0]
    s_0 = np.take_along_axis(scores, k0[None], 0)[0]
    s_p = np.take_along_axis(scores, (k0 + 1)[None], 0)[0]
    denom = s_m - 2 * s_0 + s_p
    off = np.where(denom < -1e-6, 0.5 * (s_m - s_p) / np.where(denom < -1e-6, denom, -1), 0)
    off = np.clip(off, -0.5, 0.5)
    spacing = float(offsets[1] - offsets[0])
    o_best = offsets[k0] + off * spacing
    o_best = np.where(kbest == k0, o_best, offsets[kbest])
    out = base + (o_best * step).astype(np.float32)
    best = np.take_along_axis(scores, kbest[None], 0)[0]
    ok = have & (best > MIN_SCORE) & (stats.std > MIN_TEXTURE_STD)
    return np.where(ok, out, np.nan).astype(np.float32), best


def estimate_depth(ref_img: np.ndarray, ref: Camera, nbs: list[tuple[np.ndarray, Camera]],
                   box_min: np.ndarray, box_max: np.ndarray, planes: int,
                   check_stop: Callable[[], None]) -> tuple[np.ndarray, np.ndarray]:
    """Depth (camera z, NaN where unknown) and NCC score maps of `ref_img`.

    Images are float32 grey 0..1, all pinhole (undistorted)."""
    h, w = ref_img.shape
    near, far = ray_box_depths(ref, (h, w), box_min, box_max)
    inside = far > near
    depth = np.full((h, w), np.nan, np.float32)
    score = np.zeros((h, w), np.float32)
    if not inside.any():
        return depth, score
    ys, xs = np.nonzero(inside)
    pad = NCC_WINDOW
    y0, y1 = max(0, ys.min() - pad), min(h, ys.max() + pad + 1)
    x0, x1 = max(0, xs.min() - pad), min(w, xs.max() + pad + 1)
    roi_img = np.ascontiguousarray(ref_img[y0:y1, x0:x1])
    roi_cam = ref.shifted(x0, y0)
    # coarse pass at half resolution
    s = 0.5
    small = cv2.resize(roi_img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA)
    small_cam = roi_cam.scaled(s)
    small_nbs = [(cv2.resize(img, None, fx=s, fy=s, interpolation=cv2.INTER_AREA),
                  cam.scaled(s)) for img, cam in nbs]
    n_s, f_s = ray_box_depths(small_cam, small.shape, box_min, box_max)
    if not (f_s > n_s).any():
        return depth, score
    inv_c, _, step = coarse_sweep(small, small_cam, small_nbs, n_s, f_s, planes, check_stop,
                                  box_min, box_max)
    # upsample (nearest keeps NaN holes sharp), then refine twice at full resolution
    inv_full = cv2.resize(inv_c, (x1 - x0, y1 - y0), interpolation=cv2.INTER_NEAREST)
    inv_full = cv2.medianBlur(np.nan_to_num(inv_full, nan=0.0), 5)
    inv_full[inv_full <= 0] = np.nan
    inv_full, _ = refine(roi_img, roi_cam, nbs, inv_full, step, np.linspace(-1.5, 1.5, 7),
                         check_stop)
    # the last pass with a smaller window: a pixel just outside a silhouette, whose
    # window still sees the piece's texture, must not keep the piece's depth
    inv_full, sc = refine(roi_img, roi_cam, nbs, inv_full, step,
                          np.linspace(-0.5, 0.5, 5), check_stop, FINAL_WINDOW)
    n_r, f_r = near[y0:y1, x0:x1], far[y0:y1, x0:x1]
    d = 1.0 / inv_full
    d[~((d >= n_r * 0.98) & (d <= f_r * 1.02))] = np.nan
    depth[y0:y1, x0:x1] = d
    score[y0:y1, x0:x1] = sc
    return depth, score
