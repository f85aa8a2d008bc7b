import datetime

from google.protobuf import timestamp_pb2 as _timestamp_pb2
from stitchsketch.v1 import common_pb2 as _common_pb2
from google.protobuf.internal import containers as _containers
from google.protobuf.internal import enum_type_wrapper as _enum_type_wrapper
from google.protobuf import descriptor as _descriptor
from google.protobuf import message as _message
from collections.abc import Iterable as _Iterable, Mapping as _Mapping
from typing import ClassVar as _ClassVar, Optional as _Optional, Union as _Union

DESCRIPTOR: _descriptor.FileDescriptor

class QualityVerdict(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    QUALITY_VERDICT_UNSPECIFIED: _ClassVar[QualityVerdict]
    QUALITY_VERDICT_OK: _ClassVar[QualityVerdict]
    QUALITY_VERDICT_WARN: _ClassVar[QualityVerdict]
    QUALITY_VERDICT_REJECT: _ClassVar[QualityVerdict]

class PhotoVariant(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PHOTO_VARIANT_UNSPECIFIED: _ClassVar[PhotoVariant]
    PHOTO_VARIANT_ORIGINAL: _ClassVar[PhotoVariant]
    PHOTO_VARIANT_THUMBNAIL: _ClassVar[PhotoVariant]

class PhotoEventType(int, metaclass=_enum_type_wrapper.EnumTypeWrapper):
    __slots__ = ()
    PHOTO_EVENT_TYPE_UNSPECIFIED: _ClassVar[PhotoEventType]
    PHOTO_EVENT_TYPE_ADDED: _ClassVar[PhotoEventType]
    PHOTO_EVENT_TYPE_DELETED: _ClassVar[PhotoEventType]
    PHOTO_EVENT_TYPE_ACTIVE_CAPTURE_CHANGED: _ClassVar[PhotoEventType]
QUALITY_VERDICT_UNSPECIFIED: QualityVerdict
QUALITY_VERDICT_OK: QualityVerdict
QUALITY_VERDICT_WARN: QualityVerdict
QUALITY_VERDICT_REJECT: QualityVerdict
PHOTO_VARIANT_UNSPECIFIED: PhotoVariant
PHOTO_VARIANT_ORIGINAL: PhotoVariant
PHOTO_VARIANT_THUMBNAIL: PhotoVariant
PHOTO_EVENT_TYPE_UNSPECIFIED: PhotoEventType
PHOTO_EVENT_TYPE_ADDED: PhotoEventType
PHOTO_EVENT_TYPE_DELETED: PhotoEventType
PHOTO_EVENT_TYPE_ACTIVE_CAPTURE_CHANGED: PhotoEventType

class PhotoMetadata(_message.Message):
    __slots__ = ("project_id", "filename", "camera_id", "capture_time", "size_bytes", "sha256")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CAMERA_ID_FIELD_NUMBER: _ClassVar[int]
    CAPTURE_TIME_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    SHA256_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    filename: str
    camera_id: str
    capture_time: _timestamp_pb2.Timestamp
    size_bytes: int
    sha256: str
    def __init__(self, project_id: _Optional[str] = ..., filename: _Optional[str] = ..., camera_id: _Optional[str] = ..., capture_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., size_bytes: _Optional[int] = ..., sha256: _Optional[str] = ...) -> None: ...

class UploadPhotoRequest(_message.Message):
    __slots__ = ("metadata", "chunk")
    METADATA_FIELD_NUMBER: _ClassVar[int]
    CHUNK_FIELD_NUMBER: _ClassVar[int]
    metadata: PhotoMetadata
    chunk: _common_pb2.Chunk
    def __init__(self, metadata: _Optional[_Union[PhotoMetadata, _Mapping]] = ..., chunk: _Optional[_Union[_common_pb2.Chunk, _Mapping]] = ...) -> None: ...

class UploadPhotoResponse(_message.Message):
    __slots__ = ("photo", "duplicate")
    PHOTO_FIELD_NUMBER: _ClassVar[int]
    DUPLICATE_FIELD_NUMBER: _ClassVar[int]
    photo: Photo
    duplicate: bool
    def __init__(self, photo: _Optional[_Union[Photo, _Mapping]] = ..., duplicate: _Optional[bool] = ...) -> None: ...

class QualityReason(_message.Message):
    __slots__ = ("code", "message", "severity")
    CODE_FIELD_NUMBER: _ClassVar[int]
    MESSAGE_FIELD_NUMBER: _ClassVar[int]
    SEVERITY_FIELD_NUMBER: _ClassVar[int]
    code: str
    message: str
    severity: QualityVerdict
    def __init__(self, code: _Optional[str] = ..., message: _Optional[str] = ..., severity: _Optional[_Union[QualityVerdict, str]] = ...) -> None: ...

class PhotoQuality(_message.Message):
    __slots__ = ("verdict", "reasons", "sharpness", "dark_clipped_fraction", "bright_clipped_fraction", "mean_brightness", "megapixels", "near_duplicate_of")
    VERDICT_FIELD_NUMBER: _ClassVar[int]
    REASONS_FIELD_NUMBER: _ClassVar[int]
    SHARPNESS_FIELD_NUMBER: _ClassVar[int]
    DARK_CLIPPED_FRACTION_FIELD_NUMBER: _ClassVar[int]
    BRIGHT_CLIPPED_FRACTION_FIELD_NUMBER: _ClassVar[int]
    MEAN_BRIGHTNESS_FIELD_NUMBER: _ClassVar[int]
    MEGAPIXELS_FIELD_NUMBER: _ClassVar[int]
    NEAR_DUPLICATE_OF_FIELD_NUMBER: _ClassVar[int]
    verdict: QualityVerdict
    reasons: _containers.RepeatedCompositeFieldContainer[QualityReason]
    sharpness: float
    dark_clipped_fraction: float
    bright_clipped_fraction: float
    mean_brightness: float
    megapixels: float
    near_duplicate_of: str
    def __init__(self, verdict: _Optional[_Union[QualityVerdict, str]] = ..., reasons: _Optional[_Iterable[_Union[QualityReason, _Mapping]]] = ..., sharpness: _Optional[float] = ..., dark_clipped_fraction: _Optional[float] = ..., bright_clipped_fraction: _Optional[float] = ..., mean_brightness: _Optional[float] = ..., megapixels: _Optional[float] = ..., near_duplicate_of: _Optional[str] = ...) -> None: ...

class PhotoExif(_message.Message):
    __slots__ = ("make", "model", "focal_length_mm", "focal_length_35mm", "focal_length_px", "orientation")
    MAKE_FIELD_NUMBER: _ClassVar[int]
    MODEL_FIELD_NUMBER: _ClassVar[int]
    FOCAL_LENGTH_MM_FIELD_NUMBER: _ClassVar[int]
    FOCAL_LENGTH_35MM_FIELD_NUMBER: _ClassVar[int]
    FOCAL_LENGTH_PX_FIELD_NUMBER: _ClassVar[int]
    ORIENTATION_FIELD_NUMBER: _ClassVar[int]
    make: str
    model: str
    focal_length_mm: float
    focal_length_35mm: float
    focal_length_px: float
    orientation: int
    def __init__(self, make: _Optional[str] = ..., model: _Optional[str] = ..., focal_length_mm: _Optional[float] = ..., focal_length_35mm: _Optional[float] = ..., focal_length_px: _Optional[float] = ..., orientation: _Optional[int] = ...) -> None: ...

class Photo(_message.Message):
    __slots__ = ("id", "project_id", "filename", "camera_id", "capture_time", "received_time", "format", "size_bytes", "width", "height", "exif", "quality")
    ID_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    FILENAME_FIELD_NUMBER: _ClassVar[int]
    CAMERA_ID_FIELD_NUMBER: _ClassVar[int]
    CAPTURE_TIME_FIELD_NUMBER: _ClassVar[int]
    RECEIVED_TIME_FIELD_NUMBER: _ClassVar[int]
    FORMAT_FIELD_NUMBER: _ClassVar[int]
    SIZE_BYTES_FIELD_NUMBER: _ClassVar[int]
    WIDTH_FIELD_NUMBER: _ClassVar[int]
    HEIGHT_FIELD_NUMBER: _ClassVar[int]
    EXIF_FIELD_NUMBER: _ClassVar[int]
    QUALITY_FIELD_NUMBER: _ClassVar[int]
    id: str
    project_id: str
    filename: str
    camera_id: str
    capture_time: _timestamp_pb2.Timestamp
    received_time: _timestamp_pb2.Timestamp
    format: str
    size_bytes: int
    width: int
    height: int
    exif: PhotoExif
    quality: PhotoQuality
    def __init__(self, id: _Optional[str] = ..., project_id: _Optional[str] = ..., filename: _Optional[str] = ..., camera_id: _Optional[str] = ..., capture_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., received_time: _Optional[_Union[datetime.datetime, _timestamp_pb2.Timestamp, _Mapping]] = ..., format: _Optional[str] = ..., size_bytes: _Optional[int] = ..., width: _Optional[int] = ..., height: _Optional[int] = ..., exif: _Optional[_Union[PhotoExif, _Mapping]] = ..., quality: _Optional[_Union[PhotoQuality, _Mapping]] = ...) -> None: ...

class ListPhotosRequest(_message.Message):
    __slots__ = ("project_id",)
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    def __init__(self, project_id: _Optional[str] = ...) -> None: ...

class ListPhotosResponse(_message.Message):
    __slots__ = ("photos",)
    PHOTOS_FIELD_NUMBER: _ClassVar[int]
    photos: _containers.RepeatedCompositeFieldContainer[Photo]
    def __init__(self, photos: _Optional[_Iterable[_Union[Photo, _Mapping]]] = ...) -> None: ...

class GetPhotoRequest(_message.Message):
    __slots__ = ("project_id", "photo_id", "variant")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PHOTO_ID_FIELD_NUMBER: _ClassVar[int]
    VARIANT_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    photo_id: str
    variant: PhotoVariant
    def __init__(self, project_id: _Optional[str] = ..., photo_id: _Optional[str] = ..., variant: _Optional[_Union[PhotoVariant, str]] = ...) -> None: ...

class DeletePhotoRequest(_message.Message):
    __slots__ = ("project_id", "photo_id")
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PHOTO_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    photo_id: str
    def __init__(self, project_id: _Optional[str] = ..., photo_id: _Optional[str] = ...) -> None: ...

class DeletePhotoResponse(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class WatchPhotosRequest(_message.Message):
    __slots__ = ("project_id",)
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    def __init__(self, project_id: _Optional[str] = ...) -> None: ...

class PhotoEvent(_message.Message):
    __slots__ = ("type", "project_id", "photo")
    TYPE_FIELD_NUMBER: _ClassVar[int]
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    PHOTO_FIELD_NUMBER: _ClassVar[int]
    type: PhotoEventType
    project_id: str
    photo: Photo
    def __init__(self, type: _Optional[_Union[PhotoEventType, str]] = ..., project_id: _Optional[str] = ..., photo: _Optional[_Union[Photo, _Mapping]] = ...) -> None: ...

class SetActiveCaptureRequest(_message.Message):
    __slots__ = ("project_id",)
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    def __init__(self, project_id: _Optional[str] = ...) -> None: ...

class SetActiveCaptureResponse(_message.Message):
    __slots__ = ("project_id",)
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    def __init__(self, project_id: _Optional[str] = ...) -> None: ...

class GetActiveCaptureRequest(_message.Message):
    __slots__ = ()
    def __init__(self) -> None: ...

class GetActiveCaptureResponse(_message.Message):
    __slots__ = ("project_id",)
    PROJECT_ID_FIELD_NUMBER: _ClassVar[int]
    project_id: str
    def __init__(self, project_id: _Optional[str] = ...) -> None: ...
