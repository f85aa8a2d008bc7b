from stitchsketch.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class PatternFormat(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PATTERN_FORMAT_UNSPECIFIED: _ClassVar[PatternFormat]
    PATTERN_FORMAT_SVG: _ClassVar[PatternFormat]
    PATTERN_FORMAT_DXF: _ClassVar[PatternFormat]
    PATTERN_FORMAT_PDF_TILED: _ClassVar[PatternFormat]
    PATTERN_FORMAT_PDF_MARKER: _ClassVar[PatternFormat]
    PATTERN_FORMAT_PDF_QUOTE: _ClassVar[PatternFormat]
PATTERN_FORMAT_UNSPECIFIED: PatternFormat
PATTERN_FORMAT_SVG: PatternFormat
PATTERN_FORMAT_DXF: PatternFormat
PATTERN_FORMAT_PDF_TILED: PatternFormat
PATTERN_FORMAT_PDF_MARKER: PatternFormat
PATTERN_FORMAT_PDF_QUOTE: PatternFormat

class SubmitPatternsRequest(_message.Message):
    __slots__ = ("project_id", "reconstruction_job_id", "seam_allowance_m", "max_area_distortion")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    RECONSTRUCTION_JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SEAM_ALLOWANCE_M_FIELD_NUMBER: _ClassVar[int]
    MAX_AREA_DISTORTION_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    reconstruction_job_id: str
    seam_allowance_m: float
    max_area_distortion: float
    def __init__(self, project_id: _Optional[str] = ..., reconstruction_job_id: _Optional[str] = ..., seam_allowance_m: _Optional[float] = ..., max_area_distortion: _Optional[float] = ...) -> None: ...

class SubmitPatternsResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _common_pb2.Job
    def __init__(self, job: _Optional[_Union[_common_pb2.Job, _Mapping]] = ...) -> None: ...

class Panel(_message.Message):
    __slots__ = ("id", "name", "area_m2", "flat_area_m2", "area_distortion_pct", "max_stretch_pct", "flagged", "suggestion", "count", "mirror_of", "excluded", "color")
    ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    AREA_M2_FIELD_NUMBER: _ClassVar[int]
    FLAT_AREA_M2_FIELD_NUMBER: _ClassVar[int]
    AREA_DISTORTION_PCT_FIELD_NUMBER: _ClassVar[int]
    MAX_STRETCH_PCT_FIELD_NUMBER: _ClassVar[int]
    FLAGGED_FIELD_NUMBER: _ClassVar[int]
    SUGGESTION_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    MIRROR_OF_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_FIELD_NUMBER: _ClassVar[int]
    COLOR_FIELD_NUMBER: _ClassVar[int]
    id: str
    name: str
    area_m2: float
    flat_area_m2: float
    area_distortion_pct: float
    max_stretch_pct: float
    flagged: bool
    suggestion: str
    count: int
    mirror_of: str
    excluded: bool
    color: str
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., area_m2: _Optional[float] = ..., flat_area_m2: _Optional[float] = ..., area_distortion_pct: _Optional[float] = ..., max_stretch_pct: _Optional[float] = ..., flagged: _Optional[bool] = ..., suggestion: _Optional[str] = ..., count: _Optional[int] = ..., mirror_of: _Optional[str] = ..., excluded: _Optional[bool] = ..., color: _Optional[str] = ...) -> None: ...

class GetPanelsRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class GetPanelsResponse(_message.Message):
    __slots__ = ("job_id", "panels")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    PANELS_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    panels: _containers.RepeatedCompositeFieldContainer[Panel]
    def __init__(self, job_id: _Optional[str] = ..., panels: _Optional[_Iterable[_Union[Panel, _Mapping]]] = ...) -> None: ...

class EditPanelsRequest(_message.Message):
    __slots__ = ("job_id", "split", "merge", "rename", "exclude", "pair", "count")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SPLIT_FIELD_NUMBER: _ClassVar[int]
    MERGE_FIELD_NUMBER: _ClassVar[int]
    RENAME_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_FIELD_NUMBER: _ClassVar[int]
    PAIR_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    split: SplitPanel
    merge: MergePanels
    rename: RenamePanel
    exclude: ExcludePanel
    pair: PairPanels
    count: SetPanelCount
    def __init__(self, job_id: _Optional[str] = ..., split: _Optional[_Union[SplitPanel, _Mapping]] = ..., merge: _Optional[_Union[MergePanels, _Mapping]] = ..., rename: _Optional[_Union[RenamePanel, _Mapping]] = ..., exclude: _Optional[_Union[ExcludePanel, _Mapping]] = ..., pair: _Optional[_Union[PairPanels, _Mapping]] = ..., count: _Optional[_Union[SetPanelCount, _Mapping]] = ...) -> None: ...

class SplitPanel(_message.Message):
    __slots__ = ("panel_id", "line")
    PANEL_ID_FIELD_NUMBER: _ClassVar[int]
    LINE_FIELD_NUMBER: _ClassVar[int]
    panel_id: str
    line: _containers.RepeatedCompositeFieldContainer[_common_pb2.Vec3]
    def __init__(self, panel_id: _Optional[str] = ..., line: _Optional[_Iterable[_Union[_common_pb2.Vec3, _Mapping]]] = ...) -> None: ...

class MergePanels(_message.Message):
    __slots__ = ("panel_id", "other_panel_id")
    PANEL_ID_FIELD_NUMBER: _ClassVar[int]
    OTHER_PANEL_ID_FIELD_NUMBER: _ClassVar[int]
    panel_id: str
    other_panel_id: str
    def __init__(self, panel_id: _Optional[str] = ..., other_panel_id: _Optional[str] = ...) -> None: ...

class RenamePanel(_message.Message):
    __slots__ = ("panel_id", "name")
    PANEL_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    panel_id: str
    name: str
    def __init__(self, panel_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class ExcludePanel(_message.Message):
    __slots__ = ("panel_id", "excluded")
    PANEL_ID_FIELD_NUMBER: _ClassVar[int]
    EXCLUDED_FIELD_NUMBER: _ClassVar[int]
    panel_id: str
    excluded: bool
    def __init__(self, panel_id: _Optional[str] = ..., excluded: _Optional[bool] = ...) -> None: ...

class PairPanels(_message.Message):
    __slots__ = ("panel_id", "other_panel_id")
    PANEL_ID_FIELD_NUMBER: _ClassVar[int]
    OTHER_PANEL_ID_FIELD_NUMBER: _ClassVar[int]
    panel_id: str
    other_panel_id: str
    def __init__(self, panel_id: _Optional[str] = ..., other_panel_id: _Optional[str] = ...) -> None: ...

class SetPanelCount(_message.Message):
    __slots__ = ("panel_id", "count")
    PANEL_ID_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    panel_id: str
    count: int
    def __init__(self, panel_id: _Optional[str] = ..., count: _Optional[int] = ...) -> None: ...

class FabricSpec(_message.Message):
    __slots__ = ("width_m", "repeat_vertical_m", "repeat_horizontal_m", "one_way", "railroaded", "spacing_m", "price_per_yard")
    WIDTH_M_FIELD_NUMBER: _ClassVar[int]
    REPEAT_VERTICAL_M_FIELD_NUMBER: _ClassVar[int]
    REPEAT_HORIZONTAL_M_FIELD_NUMBER: _ClassVar[int]
    ONE_WAY_FIELD_NUMBER: _ClassVar[int]
    RAILROADED_FIELD_NUMBER: _ClassVar[int]
    SPACING_M_FIELD_NUMBER: _ClassVar[int]
    PRICE_PER_YARD_FIELD_NUMBER: _ClassVar[int]
    width_m: float
    repeat_vertical_m: float
    repeat_horizontal_m: float
    one_way: bool
    railroaded: bool
    spacing_m: float
    price_per_yard: float
    def __init__(self, width_m: _Optional[float] = ..., repeat_vertical_m: _Optional[float] = ..., repeat_horizontal_m: _Optional[float] = ..., one_way: _Optional[bool] = ..., railroaded: _Optional[bool] = ..., spacing_m: _Optional[float] = ..., price_per_yard: _Optional[float] = ...) -> None: ...

class LayoutPiecesRequest(_message.Message):
    __slots__ = ("job_id", "fabric", "labour")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    FABRIC_FIELD_NUMBER: _ClassVar[int]
    LABOUR_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    fabric: FabricSpec
    labour: float
    def __init__(self, job_id: _Optional[str] = ..., fabric: _Optional[_Union[FabricSpec, _Mapping]] = ..., labour: _Optional[float] = ...) -> None: ...

class Placement(_message.Message):
    __slots__ = ("panel_id", "copy", "x_m", "y_m", "rotation_deg", "mirrored")
    PANEL_ID_FIELD_NUMBER: _ClassVar[int]
    COPY_FIELD_NUMBER: _ClassVar[int]
    X_M_FIELD_NUMBER: _ClassVar[int]
    Y_M_FIELD_NUMBER: _ClassVar[int]
    ROTATION_DEG_FIELD_NUMBER: _ClassVar[int]
    MIRRORED_FIELD_NUMBER: _ClassVar[int]
    panel_id: str
    copy: int
    x_m: float
    y_m: float
    rotation_deg: float
    mirrored: bool
    def __init__(self, panel_id: _Optional[str] = ..., copy: _Optional[int] = ..., x_m: _Optional[float] = ..., y_m: _Optional[float] = ..., rotation_deg: _Optional[float] = ..., mirrored: _Optional[bool] = ...) -> None: ...

class LayoutPiecesResponse(_message.Message):
    __slots__ = ("placements", "length_m", "yards", "utilization", "fabric_cost", "labour", "total")
    PLACEMENTS_FIELD_NUMBER: _ClassVar[int]
    LENGTH_M_FIELD_NUMBER: _ClassVar[int]
    YARDS_FIELD_NUMBER: _ClassVar[int]
    UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    FABRIC_COST_FIELD_NUMBER: _ClassVar[int]
    LABOUR_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    placements: _containers.RepeatedCompositeFieldContainer[Placement]
    length_m: float
    yards: float
    utilization: float
    fabric_cost: float
    labour: float
    total: float
    def __init__(self, placements: _Optional[_Iterable[_Union[Placement, _Mapping]]] = ..., length_m: _Optional[float] = ..., yards: _Optional[float] = ..., utilization: _Optional[float] = ..., fabric_cost: _Optional[float] = ..., labour: _Optional[float] = ..., total: _Optional[float] = ...) -> None: ...

class ExportPatternsRequest(_message.Message):
    __slots__ = ("job_id", "format", "fabric", "unit", "paper", "labour")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    FABRIC_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    PAPER_FIELD_NUMBER: _ClassVar[int]
    LABOUR_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    format: PatternFormat
    fabric: FabricSpec
    unit: _common_pb2.LengthUnit
    paper: str
    labour: float
    def __init__(self, job_id: _Optional[str] = ..., format: _Optional[_Union[PatternFormat, str]] = ..., fabric: _Optional[_Union[FabricSpec, _Mapping]] = ..., unit: _Optional[_Union[_common_pb2.LengthUnit, str]] = ..., paper: _Optional[str] = ..., labour: _Optional[float] = ...) -> None: ...
