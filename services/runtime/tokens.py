"""Signed tokens, roles and scopes: who may do what on the box.

People get short-lived tokens from the UI after a PIN or password login; cameras get
long-lived device tokens by pairing. Every service verifies with the box signing key.
Plain Python (PyJWT, HS256), no gRPC, so the UI and tests use it directly.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import tempfile
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import jwt

from services.errors import PermissionDenied, Unauthenticated

ALGORITHM = "HS256"
#: Lifetime of a person's token; the UI renews it while the person is active.
PERSON_TOKEN_TTL_S = 3600.0
#: Device tokens do not expire by time; pairing again or revoking replaces them.
DEVICE_TOKEN_TTL_S = 10 * 365 * 24 * 3600.0

# Scopes: the verbs a token may use. Each RPC names the scope it needs.
PHOTOS_UPLOAD = "photos:upload"
PHOTOS_READ = "photos:read"
PHOTOS_WRITE = "photos:write"
DEVICES_PAIR = "devices:pair"
DEVICES_ADMIN = "devices:admin"
JOBS_READ = "jobs:read"
JOBS_RUN = "jobs:run"
USERS_ADMIN = "users:admin"

ROLES: dict[str, frozenset[str]] = {
    "viewer": frozenset({PHOTOS_READ, JOBS_READ}),
    "staff": frozenset(
        {PHOTOS_READ, JOBS_READ, PHOTOS_UPLOAD, PHOTOS_WRITE, DEVICES_PAIR, JOBS_RUN}
    ),
    "owner": frozenset(
        {
            PHOTOS_READ,
            JOBS_READ,
            PHOTOS_UPLOAD,
            PHOTOS_WRITE,
            DEVICES_PAIR,
            JOBS_RUN,
            DEVICES_ADMIN,
            USERS_ADMIN,
        }
    ),
    "device": frozenset({PHOTOS_UPLOAD}),
}

KEY_FILE = "signing.key"


@dataclass(frozen=True)
class Principal:
    """Who is calling: a person (with a role) or a paired device."""

    subject: str
    kind: str  # "person" or "device"
    role: str
    scopes: frozenset[str] = field(default_factory=frozenset)
    name: str = ""

    def require(self, scope: str) -> None:
        """Raise PermissionDenied unless this principal holds `scope`."""
        if scope not in self.scopes:
            who = f"{self.kind} {self.name or self.subject} ({self.role})"
            raise PermissionDenied(f"{who} may not do this: needs '{scope}'")


class TokenSigner:
    """Issues and verifies tokens with the box signing key."""

    def __init__(self, key: bytes, box_id: str):
        self._key = key
        self.box_id = box_id

    def issue(
        self,
        subject: str,
        role: str,
        *,
        kind: str = "person",
        name: str = "",
        ttl_s: float | None = None,
    ) -> str:
        if role not in ROLES:
            raise ValueError(f"unknown role {role!r}")
        now = time.time()
        ttl = (
            ttl_s
            if ttl_s is not None
            else (DEVICE_TOKEN_TTL_S if kind == "device" else PERSON_TOKEN_TTL_S)
        )
        claims = {
            "iss": self.box_id,
            "sub": subject,
            "kind": kind,
            "role": role,
            "name": name,
            "iat": int(now),
            "exp": int(now + ttl),
            "jti": uuid.uuid4().hex,
        }
        return jwt.encode(claims, self._key, algorithm=ALGORITHM)

    def verify(self, token: str) -> Principal:
        """The principal behind `token`, or Unauthenticated saying what is wrong with it."""
        try:
            claims = jwt.decode(
                token,
                self._key,
                algorithms=[ALGORITHM],
                issuer=self.box_id,
                options={"require": ["exp", "sub", "iss"]},
            )
        except jwt.ExpiredSignatureError as exc:
            raise Unauthenticated("token expired: log in again") from exc
        except jwt.InvalidIssuerError as exc:
            raise Unauthenticated("token was issued by another box") from exc
        except jwt.InvalidTokenError as exc:
            raise Unauthenticated(f"invalid token: {exc}") from exc
        role = claims.get("role", "")
        if role not in ROLES:
            raise Unauthenticated(f"token has unknown role {role!r}")
        return Principal(
            subject=claims["sub"],
            kind=claims.get("kind", "person"),
            role=role,
            scopes=ROLES[role],
            name=claims.get("name", ""),
        )


def load_or_create_key(data_dir: Path) -> bytes:
    """The box signing key: systemd credential if given, else made once under data_dir.

    Created with O_EXCL so that services starting together agree on one key.
    """
    creds = os.environ.get("CREDENTIALS_DIRECTORY")
    if creds and (Path(creds) / KEY_FILE).exists():
        return (Path(creds) / KEY_FILE).read_bytes().strip()
    path = data_dir / "secrets" / KEY_FILE
    return _read_or_create(path, lambda: secrets.token_hex(32).encode())


def load_or_create_box_id(data_dir: Path) -> str:
    """A short stable id for this box, made on first start."""
    path = data_dir / "box-id"
    return _read_or_create(path, lambda: secrets.token_hex(4).encode()).decode()


def _read_or_create(path: Path, make: Callable[[], bytes]) -> bytes:
    """Read `path`, creating it first if missing; the first of racing processes wins.

    The content is written to a private temp file and hard-linked into place, which
    fails if another process got there first, so everyone reads the same bytes.
    """
    if not path.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as f:
                f.write(make())
                f.flush()
                os.fsync(f.fileno())
            with contextlib.suppress(FileExistsError):
                os.link(tmp, path)
        finally:
            os.unlink(tmp)
    return path.read_bytes().strip()
