"""How fit a photo is for reconstruction: figures, findings and a verdict staff can act on.

All figures come from the upright working-size image (longest side
`photo_checks.WORKING_SIZE`), so they compare across cameras and cost a few
milliseconds. The verdict is the worst finding; REJECT photos are kept (staff see
why) but reconstruction leaves them out.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import cv2
import numpy as np
from PIL import Image

OK, WARN, REJECT = "ok", "warn", "reject"
_RANK = {OK: 0, WARN: 1, REJECT: 2}

# Thresholds. Sharpness is the variance of the Laplacian of the 0..255 grey image at
# the working size; real in-focus photos (Strecha sets, renders) measure 150-2000.
SHARPNESS_REJECT = 20.0
SHARPNESS_WARN = 60.0
DARK_LEVEL, BRIGHT_LEVEL = 8, 247  # grey levels counted as clipped
DARK_WARN, DARK_REJECT = 0.15, 0.45  # fraction of pixels at black
BRIGHT_WARN, BRIGHT_REJECT = 0.05, 0.25  # fraction of pixels at white
MEAN_DARK_WARN, MEAN_DARK_REJECT = 0.22, 0.10
MEAN_BRIGHT_WARN, MEAN_BRIGHT_REJECT = 0.88, 0.96
MEGAPIXELS_WARN, MEGAPIXELS_REJECT = 1.5, 0.3  # reconstruction works at ~1.5k px
#: Perceptual hashes this many bits apart (of 64) or fewer count as near duplicates.
NEAR_DUPLICATE_BITS = 4


@dataclass(frozen=True)
class Reason:
    """One finding: a stable code, a sentence for staff, and its own severity."""

    code: str
    message: str
    severity: str


@dataclass
class QualityReport:
    """The measured figures and the verdict they lead to."""

    verdict: str = OK
    reasons: list[Reason] = field(default_factory=list)
    sharpness: float = 0.0
    dark_clipped_fraction: float = 0.0
    bright_clipped_fraction: float = 0.0
    mean_brightness: float = 0.0
    megapixels: float = 0.0
    near_duplicate_of: str = ""


def grey(working: Image.Image) -> np.ndarray:
    """The working image as a uint8 grey array."""
    return np.asarray(working.convert("L"))


def perceptual_hash(small: Image.Image) -> int:
    """64-bit difference hash: brighter-than-right-neighbour bits of a 9×8 thumbnail.

    Pass a small image (the 320 px thumbnail): area resampling from there is cheap.
    """
    grey_small = np.asarray(small.convert("L"))
    small = cv2.resize(grey_small, (9, 8), interpolation=cv2.INTER_AREA).astype(np.int16)
    bits = (small[:, 1:] > small[:, :-1]).flatten()
    return int(np.packbits(bits).view(">u8")[0])


def assess(
    grey_image: np.ndarray,
    width: int,
    height: int,
    phash: int,
    earlier: Iterable[tuple[str, int]] = (),
) -> QualityReport:
    """Measure the photo and judge it; `earlier` is (photo id, hash) of the project's photos."""
    # One-pass OpenCV statistics: several times faster than numpy's var and bincount.
    std = cv2.meanStdDev(cv2.Laplacian(grey_image, cv2.CV_16S))[1]
    sharpness = float(std[0, 0]) ** 2
    hist = cv2.calcHist([grey_image], [0], None, [256], [0, 256]).ravel()
    total = max(1, grey_image.size)
    dark = float(hist[: DARK_LEVEL + 1].sum() / total)
    bright = float(hist[BRIGHT_LEVEL:].sum() / total)
    mean = float((hist * np.arange(256)).sum() / total / 255.0)
    megapixels = width * height / 1e6
    twin = _nearest(phash, earlier)
    report = QualityReport(
        sharpness=round(sharpness, 2),
        dark_clipped_fraction=round(dark, 4),
        bright_clipped_fraction=round(bright, 4),
        mean_brightness=round(mean, 4),
        megapixels=round(megapixels, 2),
        near_duplicate_of=twin,
    )
    report.reasons = list(_findings(report))
    report.verdict = max((r.severity for r in report.reasons), key=_RANK.get, default=OK)
    return report


def _nearest(phash: int, earlier: Iterable[tuple[str, int]]) -> str:
    best, best_bits = "", NEAR_DUPLICATE_BITS + 1
    for photo_id, other in earlier:
        bits = (phash ^ other).bit_count()
        if bits < best_bits:
            best, best_bits = photo_id, bits
    return best


def _findings(q: QualityReport) -> Iterable[Reason]:
    if q.sharpness < SHARPNESS_WARN:
        yield Reason(
            "blurry",
            "Photo is blurry — hold the camera still, focus on the piece, or add light",
            REJECT if q.sharpness < SHARPNESS_REJECT else WARN,
        )
    if q.mean_brightness < MEAN_DARK_WARN or q.dark_clipped_fraction > DARK_WARN:
        severe = q.mean_brightness < MEAN_DARK_REJECT or q.dark_clipped_fraction > DARK_REJECT
        yield Reason(
            "underexposed",
            "Photo is too dark — add light or turn up the exposure",
            REJECT if severe else WARN,
        )
    if q.mean_brightness > MEAN_BRIGHT_WARN or q.bright_clipped_fraction > BRIGHT_WARN:
        severe = q.mean_brightness > MEAN_BRIGHT_REJECT or q.bright_clipped_fraction > BRIGHT_REJECT
        yield Reason(
            "overexposed",
            "Parts of the photo are washed out — avoid direct light or turn down the exposure",
            REJECT if severe else WARN,
        )
    if q.megapixels < MEGAPIXELS_WARN:
        yield Reason(
            "low_resolution",
            f"Photo is small ({q.megapixels:.1f} MP) — use the camera's full resolution",
            REJECT if q.megapixels < MEGAPIXELS_REJECT else WARN,
        )
    if q.near_duplicate_of:
        yield Reason(
            "near_duplicate",
            "Almost the same as an earlier photo — move a step around the piece before the "
            "next shot",
            WARN,
        )
