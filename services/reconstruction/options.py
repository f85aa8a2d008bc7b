"""Run options: named presets over one typed default (hloc's `confs`, but typed).

The proto's ReconstructionOptions (quality, max_image_size, display_triangles) plus what
the domain also needs (crop box, marker layout file); everything else is derived from
the quality preset so that a run is described by a handful of numbers.
"""

from __future__ import annotations

import dataclasses
import json
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from services.errors import InvalidArgument


class Quality(StrEnum):
    PREVIEW = "preview"
    NORMAL = "normal"
    HIGH = "high"


@dataclass(frozen=True)
class Preset:
    """The knobs a quality level sets."""

    #: Longest side of the photos used for features and markers, pixels.
    sparse_size: int
    #: Most SIFT features per photo.
    max_features: int
    #: Longest side of the depth maps, pixels.
    dense_size: int
    #: Neighbour photos per depth map.
    neighbours: int
    #: Depth hypotheses of the coarse plane sweep.
    planes: int
    #: Deepest Poisson octree allowed (the mesh stage picks less for sparser clouds).
    poisson_depth: int


PRESETS: dict[Quality, Preset] = {
    Quality.PREVIEW: Preset(1024, 4096, 640, 3, 64, 9),
    Quality.NORMAL: Preset(1600, 8192, 960, 4, 96, 10),
    Quality.HIGH: Preset(2400, 8192, 1280, 5, 128, 11),
}

#: Photo sets up to this size are matched exhaustively; larger ones by sequence + retrieval.
EXHAUSTIVE_MAX_IMAGES = 40
#: Triangle budget of the display mesh when not given.
DEFAULT_DISPLAY_TRIANGLES = 200_000


@dataclass(frozen=True)
class CropBox:
    """Axis-aligned box in model coordinates (metres when scaled), z up."""

    min: tuple[float, float, float]
    max: tuple[float, float, float]

    def __post_init__(self) -> None:
        if len(self.min) != 3 or len(self.max) != 3:
            raise InvalidArgument("crop box corners need three coordinates", field="min")
        if any(hi <= lo for lo, hi in zip(self.min, self.max, strict=True)):
            raise InvalidArgument("crop box max must exceed min on every axis", field="max")


@dataclass(frozen=True)
class ReconstructionOptions:
    """How to reconstruct; the defaults are the shop's normal run."""

    quality: Quality = Quality.NORMAL
    #: Longest image side for features and markers; 0 uses the preset's.
    max_image_size: int = 0
    #: Triangle budget of the browser mesh; 0 means DEFAULT_DISPLAY_TRIANGLES.
    display_triangles: int = 0
    #: User's crop box; None lets `isolate` find the piece.
    crop_box: CropBox | None = None
    #: Calibration mat layout as JSON (see calibration_mat.MatLayout.to_json); None means
    #: the printed StitchSketch mat.
    mat_layout_json: str | None = None
    #: Use pycolmap's CUDA patch-match when available (ignored without CUDA).
    allow_cuda: bool = True
    #: Random seed for RANSAC and friends: same photos, same model.
    seed: int = 0
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(self, "quality", Quality(self.quality))
        if self.max_image_size and not 320 <= self.max_image_size <= 8000:
            raise InvalidArgument(
                "max image size must be 0 (automatic) or 320..8000 px", field="max_image_size"
            )
        if self.display_triangles < 0:
            raise InvalidArgument("display triangles must be ≥ 0", field="display_triangles")

    @property
    def preset(self) -> Preset:
        return PRESETS[self.quality]

    @property
    def sparse_size(self) -> int:
        return self.max_image_size or self.preset.sparse_size

    @property
    def dense_size(self) -> int:
        return min(self.preset.dense_size, self.sparse_size)

    @property
    def display_budget(self) -> int:
        return self.display_triangles or DEFAULT_DISPLAY_TRIANGLES

    def to_json(self) -> str:
        data = dataclasses.asdict(self)
        data["quality"] = self.quality.value
        return json.dumps(data, sort_keys=True)

    @classmethod
    def from_json(cls, text: str) -> ReconstructionOptions:
        data = json.loads(text)
        box = data.get("crop_box")
        if box:
            data["crop_box"] = CropBox(tuple(box["min"]), tuple(box["max"]))
        return cls(**data)
