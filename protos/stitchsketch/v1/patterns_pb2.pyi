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
    PATTERN_FORMAT_GLB_PANELS: _ClassVar[PatternFormat]
    PATTERN_FORMAT_PLY_PANELS: _ClassVar[PatternFormat]
    PATTERN_FORMAT_JSON: _ClassVar[PatternFormat]
PATTERN_FORMAT_UNSPECIFIED: PatternFormat
PATTERN_FORMAT_SVG: PatternFormat
PATTERN_FORMAT_DXF: PatternFormat
PATTERN_FORMAT_PDF_TILED: PatternFormat
PATTERN_FORMAT_PDF_MARKER: PatternFormat
PATTERN_FORMAT_PDF_QUOTE: PatternFormat
PATTERN_FORMAT_GLB_PANELS: PatternFormat
PATTERN_FORMAT_PLY_PANELS: PatternFormat
PATTERN_FORMAT_JSON: PatternFormat

class MeshMetadata(_message.Message):
    __slots__ = ("project_id", "filename", "size_bytes", "sha256")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    filename: str
    size_bytes: int
    sha256: str
    def __init__(self, project_id: _Optional[str] = ..., filename: _Optional[str] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ...) -> None: ...

class UploadMeshRequest(_message.Message):
    __slots__ = ("metadata", "chunk")
    METADATA_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    metadata: MeshMetadata
    chunk: _common_pb2.Chunk
    def __init__(self, metadata: _Optional[_Union[MeshMetadata, _Mapping]] = ..., chunk: _Optional[_Union[_common_pb2.Chunk, _Mapping]] = ...) -> None: ...

class UploadMeshResponse(_message.Message):
    __slots__ = ("mesh_id", "duplicate", "vertices", "triangles", "dimensions", "area_m2", "warnings")
    MESH_ID_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    VERTICES_FIELD_NUMBER: _ClassVar[int]
    TRIANGLES_FIELD_NUMBER: _ClassVar[int]
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    AREA_M2_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    mesh_id: str
    duplicate: bool
    vertices: int
    triangles: int
    dimensions: _common_pb2.Dimensions
    area_m2: float
    warnings: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, mesh_id: _Optional[str] = ..., duplicate: _Optional[bool] = ..., vertices: _Optional[int] = ..., triangles: _Optional[int] = ..., dimensions: _Optional[_Union[_common_pb2.Dimensions, _Mapping]] = ..., area_m2: _Optional[float] = ..., warnings: _Optional[_Iterable[str]] = ...) -> None: ...

class SubmitPatternsRequest(_message.Message):
    __slots__ = ("project_id", "reconstruction_job_id", "mesh_id", "seam_allowance_m", "max_area_distortion", "max_stretch_pct", "use_mesh_panels", "project_name", "unit")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    RECONSTRUCTION_JOB_ID_FIELD_NUMBER: _ClassVar[int]
    MESH_ID_FIELD_NUMBER: _ClassVar[int]
    SEAM_ALLOWANCE_M_FIELD_NUMBER: _ClassVar[int]
    MAX_AREA_DISTORTION_FIELD_NUMBER: _ClassVar[int]
    MAX_STRETCH_PCT_FIELD_NUMBER: _ClassVar[int]
    USE_MESH_PANELS_FIELD_NUMBER: _ClassVar[int]
    PROJECT_NAME_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    reconstruction_job_id: str
    mesh_id: str
    seam_allowance_m: float
    max_area_distortion: float
    max_stretch_pct: float
    use_mesh_panels: bool
    project_name: str
    unit: _common_pb2.LengthUnit
    def __init__(self, project_id: _Optional[str] = ..., reconstruction_job_id: _Optional[str] = ..., mesh_id: _Optional[str] = ..., seam_allowance_m: _Optional[float] = ..., max_area_distortion: _Optional[float] = ..., max_stretch_pct: _Optional[float] = ..., use_mesh_panels: _Optional[bool] = ..., project_name: _Optional[str] = ..., unit: _Optional[_Union[_common_pb2.LengthUnit, str]] = ...) -> None: ...

class SubmitPatternsResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _common_pb2.Job
    def __init__(self, job: _Optional[_Union[_common_pb2.Job, _Mapping]] = ...) -> None: ...

class SeamAllowanceOverride(_message.Message):
    __slots__ = ("neighbour_panel_id", "seam_allowance_m")
    NEIGHBOUR_PANEL_ID_FIELD_NUMBER: _ClassVar[int]
    SEAM_ALLOWANCE_M_FIELD_NUMBER: _ClassVar[int]
    neighbour_panel_id: str
    seam_allowance_m: float
    def __init__(self, neighbour_panel_id: _Optional[str] = ..., seam_allowance_m: _Optional[float] = ...) -> None: ...

class Notch(_message.Message):
    __slots__ = ("outer", "inner")
    OUTER_FIELD_NUMBER: _ClassVar[int]
    INNER_FIELD_NUMBER: _ClassVar[int]
    outer: _common_pb2.Vec2
    inner: _common_pb2.Vec2
    def __init__(self, outer: _Optional[_Union[_common_pb2.Vec2, _Mapping]] = ..., inner: _Optional[_Union[_common_pb2.Vec2, _Mapping]] = ...) -> None: ...

class PieceEdge(_message.Message):
    __slots__ = ("neighbour_panel_id", "seam_allowance_m")
    NEIGHBOUR_PANEL_ID_FIELD_NUMBER: _ClassVar[int]
    SEAM_ALLOWANCE_M_FIELD_NUMBER: _ClassVar[int]
    neighbour_panel_id: str
    seam_allowance_m: float
    def __init__(self, neighbour_panel_id: _Optional[str] = ..., seam_allowance_m: _Optional[float] = ...) -> None: ...

class FlatMesh(_message.Message):
    __slots__ = ("xy", "triangles", "stretch_pct")
    XY_FIELD_NUMBER: _ClassVar[int]
    TRIANGLES_FIELD_NUMBER: _ClassVar[int]
    STRETCH_PCT_FIELD_NUMBER: _ClassVar[int]
    xy: _containers.RepeatedScalarFieldContainer[float]
    triangles: _containers.RepeatedScalarFieldContainer[int]
    stretch_pct: _containers.RepeatedScalarFieldContainer[float]
    def __init__(self, xy: _Optional[_Iterable[float]] = ..., triangles: _Optional[_Iterable[int]] = ..., stretch_pct: _Optional[_Iterable[float]] = ...) -> None: ...

class FlatPiece(_message.Message):
    __slots__ = ("sewing_line", "cutting_line", "notches", "grain_start", "grain_end", "label_at", "label_lines", "edges", "cut_area_m2", "width_m", "height_m", "mirrored", "mesh")
    SEWING_LINE_FIELD_NUMBER: _ClassVar[int]
    CUTTING_LINE_FIELD_NUMBER: _ClassVar[int]
    NOTCHES_FIELD_NUMBER: _ClassVar[int]
    GRAIN_START_FIELD_NUMBER: _ClassVar[int]
    GRAIN_END_FIELD_NUMBER: _ClassVar[int]
    LABEL_AT_FIELD_NUMBER: _ClassVar[int]
    LABEL_LINES_FIELD_NUMBER: _ClassVar[int]
    EDGES_FIELD_NUMBER: _ClassVar[int]
    CUT_AREA_M2_FIELD_NUMBER: _ClassVar[int]
    WIDTH_M_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_M_FIELD_NUMBER: _ClassVar[int]
    MIRRORED_FIELD_NUMBER: _ClassVar[int]
    MESH_FIELD_NUMBER: _ClassVar[int]
    sewing_line: _containers.RepeatedCompositeFieldContainer[_common_pb2.Vec2]
    cutting_line: _containers.RepeatedCompositeFieldContainer[_common_pb2.Vec2]
    notches: _containers.RepeatedCompositeFieldContainer[Notch]
    grain_start: _common_pb2.Vec2
    grain_end: _common_pb2.Vec2
    label_at: _common_pb2.Vec2
    label_lines: _containers.RepeatedScalarFieldContainer[str]
    edges: _containers.RepeatedCompositeFieldContainer[PieceEdge]
    cut_area_m2: float
    width_m: float
    height_m: float
    mirrored: bool
    mesh: FlatMesh
    def __init__(self, sewing_line: _Optional[_Iterable[_Union[_common_pb2.Vec2, _Mapping]]] = ..., cutting_line: _Optional[_Iterable[_Union[_common_pb2.Vec2, _Mapping]]] = ..., notches: _Optional[_Iterable[_Union[Notch, _Mapping]]] = ..., grain_start: _Optional[_Union[_common_pb2.Vec2, _Mapping]] = ..., grain_end: _Optional[_Union[_common_pb2.Vec2, _Mapping]] = ..., label_at: _Optional[_Union[_common_pb2.Vec2, _Mapping]] = ..., label_lines: _Optional[_Iterable[str]] = ..., edges: _Optional[_Iterable[_Union[PieceEdge, _Mapping]]] = ..., cut_area_m2: _Optional[float] = ..., width_m: _Optional[float] = ..., height_m: _Optional[float] = ..., mirrored: _Optional[bool] = ..., mesh: _Optional[_Union[FlatMesh, _Mapping]] = ...) -> None: ...

class Panel(_message.Message):
    __slots__ = ("id", "name", "area_m2", "flat_area_m2", "area_distortion_pct", "max_stretch_pct", "flagged", "suggestion", "count", "mirror_of", "excluded", "color", "face_count", "seam_allowances", "piece")
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
    FACE_COUNT_FIELD_NUMBER: _ClassVar[int]
    SEAM_ALLOWANCES_FIELD_NUMBER: _ClassVar[int]
    PIECE_FIELD_NUMBER: _ClassVar[int]
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
    face_count: int
    seam_allowances: _containers.RepeatedCompositeFieldContainer[SeamAllowanceOverride]
    piece: FlatPiece
    def __init__(self, id: _Optional[str] = ..., name: _Optional[str] = ..., area_m2: _Optional[float] = ..., flat_area_m2: _Optional[float] = ..., area_distortion_pct: _Optional[float] = ..., max_stretch_pct: _Optional[float] = ..., flagged: _Optional[bool] = ..., suggestion: _Optional[str] = ..., count: _Optional[int] = ..., mirror_of: _Optional[str] = ..., excluded: _Optional[bool] = ..., color: _Optional[str] = ..., face_count: _Optional[int] = ..., seam_allowances: _Optional[_Iterable[_Union[SeamAllowanceOverride, _Mapping]]] = ..., piece: _Optional[_Union[FlatPiece, _Mapping]] = ...) -> None: ...

class GetPanelsRequest(_message.Message):
    __slots__ = ("job_id", "with_flat_mesh", "with_face_panels", "panel_ids")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    WITH_FLAT_MESH_FIELD_NUMBER: _ClassVar[int]
    WITH_FACE_PANELS_FIELD_NUMBER: _ClassVar[int]
    PANEL_IDS_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    with_flat_mesh: bool
    with_face_panels: bool
    panel_ids: _containers.RepeatedScalarFieldContainer[str]
    def __init__(self, job_id: _Optional[str] = ..., with_flat_mesh: _Optional[bool] = ..., with_face_panels: _Optional[bool] = ..., panel_ids: _Optional[_Iterable[str]] = ...) -> None: ...

class GetPanelsResponse(_message.Message):
    __slots__ = ("job_id", "panels", "revision", "face_panel", "seam_allowance_m")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    PANELS_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    FACE_PANEL_FIELD_NUMBER: _ClassVar[int]
    SEAM_ALLOWANCE_M_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    panels: _containers.RepeatedCompositeFieldContainer[Panel]
    revision: int
    face_panel: _containers.RepeatedScalarFieldContainer[int]
    seam_allowance_m: float
    def __init__(self, job_id: _Optional[str] = ..., panels: _Optional[_Iterable[_Union[Panel, _Mapping]]] = ..., revision: _Optional[int] = ..., face_panel: _Optional[_Iterable[int]] = ..., seam_allowance_m: _Optional[float] = ...) -> None: ...

class EditPanelsRequest(_message.Message):
    __slots__ = ("job_id", "split", "merge", "rename", "exclude", "pair", "count", "seam_allowance", "expected_revision")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    SPLIT_FIELD_NUMBER: _ClassVar[int]
    MERGE_FIELD_NUMBER: _ClassVar[int]
    RENAME_FIELD_NUMBER: _ClassVar[int]
    EXCLUDE_FIELD_NUMBER: _ClassVar[int]
    PAIR_FIELD_NUMBER: _ClassVar[int]
    COUNT_FIELD_NUMBER: _ClassVar[int]
    SEAM_ALLOWANCE_FIELD_NUMBER: _ClassVar[int]
    EXPECTED_REVISION_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    split: SplitPanel
    merge: MergePanels
    rename: RenamePanel
    exclude: ExcludePanel
    pair: PairPanels
    count: SetPanelCount
    seam_allowance: SetSeamAllowance
    expected_revision: int
    def __init__(self, job_id: _Optional[str] = ..., split: _Optional[_Union[SplitPanel, _Mapping]] = ..., merge: _Optional[_Union[MergePanels, _Mapping]] = ..., rename: _Optional[_Union[RenamePanel, _Mapping]] = ..., exclude: _Optional[_Union[ExcludePanel, _Mapping]] = ..., pair: _Optional[_Union[PairPanels, _Mapping]] = ..., count: _Optional[_Union[SetPanelCount, _Mapping]] = ..., seam_allowance: _Optional[_Union[SetSeamAllowance, _Mapping]] = ..., expected_revision: _Optional[int] = ...) -> None: ...

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

class SetSeamAllowance(_message.Message):
    __slots__ = ("panel_id", "neighbour_panel_id", "all_edges", "seam_allowance_m", "reset")
    PANEL_ID_FIELD_NUMBER: _ClassVar[int]
    NEIGHBOUR_PANEL_ID_FIELD_NUMBER: _ClassVar[int]
    ALL_EDGES_FIELD_NUMBER: _ClassVar[int]
    SEAM_ALLOWANCE_M_FIELD_NUMBER: _ClassVar[int]
    RESET_FIELD_NUMBER: _ClassVar[int]
    panel_id: str
    neighbour_panel_id: str
    all_edges: bool
    seam_allowance_m: float
    reset: bool
    def __init__(self, panel_id: _Optional[str] = ..., neighbour_panel_id: _Optional[str] = ..., all_edges: _Optional[bool] = ..., seam_allowance_m: _Optional[float] = ..., reset: _Optional[bool] = ...) -> None: ...

class FabricSpec(_message.Message):
    __slots__ = ("width_m", "repeat_vertical_m", "repeat_horizontal_m", "one_way", "railroaded", "spacing_m", "price_per_yard", "currency", "auto_railroad")
    WIDTH_M_FIELD_NUMBER: _ClassVar[int]
    REPEAT_VERTICAL_M_FIELD_NUMBER: _ClassVar[int]
    REPEAT_HORIZONTAL_M_FIELD_NUMBER: _ClassVar[int]
    ONE_WAY_FIELD_NUMBER: _ClassVar[int]
    RAILROADED_FIELD_NUMBER: _ClassVar[int]
    SPACING_M_FIELD_NUMBER: _ClassVar[int]
    PRICE_PER_YARD_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    AUTO_RAILROAD_FIELD_NUMBER: _ClassVar[int]
    width_m: float
    repeat_vertical_m: float
    repeat_horizontal_m: float
    one_way: bool
    railroaded: bool
    spacing_m: float
    price_per_yard: float
    currency: str
    auto_railroad: bool
    def __init__(self, width_m: _Optional[float] = ..., repeat_vertical_m: _Optional[float] = ..., repeat_horizontal_m: _Optional[float] = ..., one_way: _Optional[bool] = ..., railroaded: _Optional[bool] = ..., spacing_m: _Optional[float] = ..., price_per_yard: _Optional[float] = ..., currency: _Optional[str] = ..., auto_railroad: _Optional[bool] = ...) -> None: ...

class LayoutPiecesRequest(_message.Message):
    __slots__ = ("job_id", "fabric", "labour", "nest_seconds")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    FABRIC_FIELD_NUMBER: _ClassVar[int]
    LABOUR_FIELD_NUMBER: _ClassVar[int]
    NEST_SECONDS_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    fabric: FabricSpec
    labour: float
    nest_seconds: float
    def __init__(self, job_id: _Optional[str] = ..., fabric: _Optional[_Union[FabricSpec, _Mapping]] = ..., labour: _Optional[float] = ..., nest_seconds: _Optional[float] = ...) -> None: ...

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
    __slots__ = ("placements", "length_m", "yards", "utilization", "fabric_cost", "labour", "total", "warnings", "width_m", "baseline_utilization", "baseline_yards", "currency", "price_per_yard", "revision")
    PLACEMENTS_FIELD_NUMBER: _ClassVar[int]
    LENGTH_M_FIELD_NUMBER: _ClassVar[int]
    YARDS_FIELD_NUMBER: _ClassVar[int]
    UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    FABRIC_COST_FIELD_NUMBER: _ClassVar[int]
    LABOUR_FIELD_NUMBER: _ClassVar[int]
    TOTAL_FIELD_NUMBER: _ClassVar[int]
    WARNINGS_FIELD_NUMBER: _ClassVar[int]
    WIDTH_M_FIELD_NUMBER: _ClassVar[int]
    BASELINE_UTILIZATION_FIELD_NUMBER: _ClassVar[int]
    BASELINE_YARDS_FIELD_NUMBER: _ClassVar[int]
    CURRENCY_FIELD_NUMBER: _ClassVar[int]
    PRICE_PER_YARD_FIELD_NUMBER: _ClassVar[int]
    REVISION_FIELD_NUMBER: _ClassVar[int]
    placements: _containers.RepeatedCompositeFieldContainer[Placement]
    length_m: float
    yards: float
    utilization: float
    fabric_cost: float
    labour: float
    total: float
    warnings: _containers.RepeatedScalarFieldContainer[str]
    width_m: float
    baseline_utilization: float
    baseline_yards: float
    currency: str
    price_per_yard: float
    revision: int
    def __init__(self, placements: _Optional[_Iterable[_Union[Placement, _Mapping]]] = ..., length_m: _Optional[float] = ..., yards: _Optional[float] = ..., utilization: _Optional[float] = ..., fabric_cost: _Optional[float] = ..., labour: _Optional[float] = ..., total: _Optional[float] = ..., warnings: _Optional[_Iterable[str]] = ..., width_m: _Optional[float] = ..., baseline_utilization: _Optional[float] = ..., baseline_yards: _Optional[float] = ..., currency: _Optional[str] = ..., price_per_yard: _Optional[float] = ..., revision: _Optional[int] = ...) -> None: ...

class ExportPatternsRequest(_message.Message):
    __slots__ = ("job_id", "format", "fabric", "unit", "paper", "labour", "project_name")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    FABRIC_FIELD_NUMBER: _ClassVar[int]
    UNIT_FIELD_NUMBER: _ClassVar[int]
    PAPER_FIELD_NUMBER: _ClassVar[int]
    LABOUR_FIELD_NUMBER: _ClassVar[int]
    PROJECT_NAME_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    format: PatternFormat
    fabric: FabricSpec
    unit: _common_pb2.LengthUnit
    paper: str
    labour: float
    project_name: str
    def __init__(self, job_id: _Optional[str] = ..., format: _Optional[_Union[PatternFormat, str]] = ..., fabric: _Optional[_Union[FabricSpec, _Mapping]] = ..., unit: _Optional[_Union[_common_pb2.LengthUnit, str]] = ..., paper: _Optional[str] = ..., labour: _Optional[float] = ..., project_name: _Optional[str] = ...) -> None: ...
