from stitchsketch.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class ReconstructionQuality(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    RECONSTRUCTION_QUALITY_UNSPECIFIED: _ClassVar[ReconstructionQuality]
    RECONSTRUCTION_QUALITY_PREVIEW: _ClassVar[ReconstructionQuality]
    RECONSTRUCTION_QUALITY_NORMAL: _ClassVar[ReconstructionQuality]
    RECONSTRUCTION_QUALITY_HIGH: _ClassVar[ReconstructionQuality]

class PaperSize(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PAPER_SIZE_UNSPECIFIED: _ClassVar[PaperSize]
    PAPER_SIZE_A4: _ClassVar[PaperSize]
    PAPER_SIZE_LETTER: _ClassVar[PaperSize]
RECONSTRUCTION_QUALITY_UNSPECIFIED: ReconstructionQuality
RECONSTRUCTION_QUALITY_PREVIEW: ReconstructionQuality
RECONSTRUCTION_QUALITY_NORMAL: ReconstructionQuality
RECONSTRUCTION_QUALITY_HIGH: ReconstructionQuality
PAPER_SIZE_UNSPECIFIED: PaperSize
PAPER_SIZE_A4: PaperSize
PAPER_SIZE_LETTER: PaperSize

class ReconstructionOptions(_message.Message):
    __slots__ = ("quality", "max_image_size", "display_triangles", "mat_layout")
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    MAX_IMAGE_SIZE_FIELD_NUMBER: _ClassVar[int]
    DISPLAY_TRIANGLES_FIELD_NUMBER: _ClassVar[int]
    MAT_LAYOUT_FIELD_NUMBER: _ClassVar[int]
    quality: ReconstructionQuality
    max_image_size: int
    display_triangles: int
    mat_layout: MatLayout
    def __init__(self, quality: _Optional[_Union[ReconstructionQuality, str]] = ..., max_image_size: _Optional[int] = ..., display_triangles: _Optional[int] = ..., mat_layout: _Optional[_Union[MatLayout, _Mapping]] = ...) -> None: ...

class MatMarker(_message.Message):
    __slots__ = ("id", "corners")
    ID_FIELD_NUMBER: _ClassVar[int]
    CORNERS_FIELD_NUMBER: _ClassVar[int]
    id: int
    corners: _containers.RepeatedCompositeFieldContainer[_common_pb2.Vec3]
    def __init__(self, id: _Optional[int] = ..., corners: _Optional[_Iterable[_Union[_common_pb2.Vec3, _Mapping]]] = ...) -> None: ...

class MatSheet(_message.Message):
    __slots__ = ("name", "markers")
    NAME_FIELD_NUMBER: _ClassVar[int]
    MARKERS_FIELD_NUMBER: _ClassVar[int]
    name: str
    markers: _containers.RepeatedCompositeFieldContainer[MatMarker]
    def __init__(self, name: _Optional[str] = ..., markers: _Optional[_Iterable[_Union[MatMarker, _Mapping]]] = ...) -> None: ...

class MatLayout(_message.Message):
    __slots__ = ("dictionary", "marker_length_m", "sheets")
    DICTIONARY_FIELD_NUMBER: _ClassVar[int]
    MARKER_LENGTH_M_FIELD_NUMBER: _ClassVar[int]
    SHEETS_FIELD_NUMBER: _ClassVar[int]
    dictionary: str
    marker_length_m: float
    sheets: _containers.RepeatedCompositeFieldContainer[MatSheet]
    def __init__(self, dictionary: _Optional[str] = ..., marker_length_m: _Optional[float] = ..., sheets: _Optional[_Iterable[_Union[MatSheet, _Mapping]]] = ...) -> None: ...

class SubmitReconstructionRequest(_message.Message):
    __slots__ = ("project_id", "photo_ids", "options")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PHOTO_IDS_FIELD_NUMBER: _ClassVar[int]
    OPTIONS_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    photo_ids: _containers.RepeatedScalarFieldContainer[str]
    options: ReconstructionOptions
    def __init__(self, project_id: _Optional[str] = ..., photo_ids: _Optional[_Iterable[str]] = ..., options: _Optional[_Union[ReconstructionOptions, _Mapping]] = ...) -> None: ...

class SubmitReconstructionResponse(_message.Message):
    __slots__ = ("job",)
    JOB_FIELD_NUMBER: _ClassVar[int]
    job: _common_pb2.Job
    def __init__(self, job: _Optional[_Union[_common_pb2.Job, _Mapping]] = ...) -> None: ...

class GetModelRequest(_message.Message):
    __slots__ = ("job_id",)
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    def __init__(self, job_id: _Optional[str] = ...) -> None: ...

class GetModelResponse(_message.Message):
    __slots__ = ("job_id", "images", "registered", "unregistered_filenames", "mean_reprojection_error_px", "scaled", "scale_source", "scale_residual", "dimensions", "triangles", "files", "unregistered_photo_ids", "dense_method")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    IMAGES_FIELD_NUMBER: _ClassVar[int]
    REGISTERED_FIELD_NUMBER: _ClassVar[int]
    UNREGISTERED_FILENAMES_FIELD_NUMBER: _ClassVar[int]
    MEAN_REPROJECTION_ERROR_PX_FIELD_NUMBER: _ClassVar[int]
    SCALED_FIELD_NUMBER: _ClassVar[int]
    SCALE_SOURCE_FIELD_NUMBER: _ClassVar[int]
    SCALE_RESIDUAL_FIELD_NUMBER: _ClassVar[int]
    DIMENSIONS_FIELD_NUMBER: _ClassVar[int]
    TRIANGLES_FIELD_NUMBER: _ClassVar[int]
    FILES_FIELD_NUMBER: _ClassVar[int]
    UNREGISTERED_PHOTO_IDS_FIELD_NUMBER: _ClassVar[int]
    DENSE_METHOD_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    images: int
    registered: int
    unregistered_filenames: _containers.RepeatedScalarFieldContainer[str]
    mean_reprojection_error_px: float
    scaled: bool
    scale_source: str
    scale_residual: float
    dimensions: _common_pb2.Dimensions
    triangles: int
    files: _containers.RepeatedScalarFieldContainer[str]
    unregistered_photo_ids: _containers.RepeatedScalarFieldContainer[str]
    dense_method: str
    def __init__(self, job_id: _Optional[str] = ..., images: _Optional[int] = ..., registered: _Optional[int] = ..., unregistered_filenames: _Optional[_Iterable[str]] = ..., mean_reprojection_error_px: _Optional[float] = ..., scaled: _Optional[bool] = ..., scale_source: _Optional[str] = ..., scale_residual: _Optional[float] = ..., dimensions: _Optional[_Union[_common_pb2.Dimensions, _Mapping]] = ..., triangles: _Optional[int] = ..., files: _Optional[_Iterable[str]] = ..., unregistered_photo_ids: _Optional[_Iterable[str]] = ..., dense_method: _Optional[str] = ...) -> None: ...

class DownloadModelFileRequest(_message.Message):
    __slots__ = ("job_id", "name")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    NAME_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    name: str
    def __init__(self, job_id: _Optional[str] = ..., name: _Optional[str] = ...) -> None: ...

class SetKnownLengthRequest(_message.Message):
    __slots__ = ("job_id", "a", "b", "length_m")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    A_FIELD_NUMBER: _ClassVar[int]
    B_FIELD_NUMBER: _ClassVar[int]
    LENGTH_M_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    a: _common_pb2.Vec3
    b: _common_pb2.Vec3
    length_m: float
    def __init__(self, job_id: _Optional[str] = ..., a: _Optional[_Union[_common_pb2.Vec3, _Mapping]] = ..., b: _Optional[_Union[_common_pb2.Vec3, _Mapping]] = ..., length_m: _Optional[float] = ...) -> None: ...

class SetCropBoxRequest(_message.Message):
    __slots__ = ("job_id", "min", "max")
    JOB_ID_FIELD_NUMBER: _ClassVar[int]
    MIN_FIELD_NUMBER: _ClassVar[int]
    MAX_FIELD_NUMBER: _ClassVar[int]
    job_id: str
    min: _common_pb2.Vec3
    max: _common_pb2.Vec3
    def __init__(self, job_id: _Optional[str] = ..., min: _Optional[_Union[_common_pb2.Vec3, _Mapping]] = ..., max: _Optional[_Union[_common_pb2.Vec3, _Mapping]] = ...) -> None: ...

class GetCalibrationMatRequest(_message.Message):
    __slots__ = ("paper",)
    PAPER_FIELD_NUMBER: _ClassVar[int]
    paper: PaperSize
    def __init__(self, paper: _Optional[_Union[PaperSize, str]] = ...) -> None: ...
