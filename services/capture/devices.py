"""Camera pairing and the registry of paired devices.

The kiosk shows a six-digit code; a camera sends it once and gets a device token
(role "device": it may only upload). Codes live in memory for a few minutes and work
once. Guessing is bounded: after `max_failures` wrong codes every live code is
burned and the kiosk must make a new one, so an attacker gets a handful of tries at
a million codes. The registry (who paired, when, revoked or not) is a JSON file.
"""

from __future__ import annotations

import json
import logging
import secrets
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

from appliance.paths import atomic_write_text
from services.capture.uploads import clean_label
from services.errors import InvalidArgument, NotFound, ResourceExhausted, Unauthenticated
from services.runtime.tokens import Principal, TokenSigner

log = logging.getLogger(__name__)

#: How stale a device's last-seen time may get before it is written to disk again.
_SEEN_PERSIST_S = 60.0


@dataclass
class Device:
    """A paired camera or tablet agent."""

    id: str
    name: str
    paired_at: float
    last_seen_at: float = 0.0
    revoked: bool = False


class DeviceRegistry:
    """Pairing codes (in memory) and paired devices (persisted); thread-safe."""

    def __init__(
        self,
        path: Path,
        signer: TokenSigner,
        *,
        code_ttl_s: float = 300.0,
        max_failures: int = 5,
        clock: Callable[[], float] = time.time,
    ):
        self._path = path
        self._signer = signer
        self._ttl = code_ttl_s
        self._max_failures = max_failures
        self._clock = clock
        self._lock = threading.Lock()
        self._codes: dict[str, float] = {}  # code → expiry
        self._failures = 0
        self._devices: dict[str, Device] = self._load()
        self._persisted_seen: dict[str, float] = {}

    @property
    def box_id(self) -> str:
        return self._signer.box_id

    def create_code(self) -> tuple[str, float]:
        """A fresh single-use code and when it expires (Unix seconds)."""
        now = self._clock()
        with self._lock:
            self._drop_expired(now)
            code = f"{secrets.randbelow(1_000_000):06d}"
            while code in self._codes:
                code = f"{secrets.randbelow(1_000_000):06d}"
            self._codes[code] = now + self._ttl
            self._failures = 0
            return code, now + self._ttl

    def pair(self, code: str, device_name: str) -> tuple[Device, str]:
        """Trade a code for (device, device token); each code works once."""
        code = code.strip().replace(" ", "")
        if not (len(code) == 6 and code.isdigit()):
            raise InvalidArgument(
                "the pairing code is the 6 digits shown on the kiosk", field="code"
            )
        name = clean_label(device_name, 64) or "camera"
        now = self._clock()
        with self._lock:
            self._drop_expired(now)
            if self._failures >= self._max_failures:
                raise ResourceExhausted(
                    "too many wrong pairing codes: make a new code on the kiosk"
                )
            if self._codes.pop(code, None) is None:
                self._failures += 1
                if self._failures >= self._max_failures:
                    self._codes.clear()
                raise Unauthenticated(
                    "that pairing code is wrong or has expired: check it, or make a new one "
                    "on the kiosk"
                )
            device = Device(id=f"dev-{uuid.uuid4().hex[:12]}", name=name, paired_at=now)
            self._devices[device.id] = device
            self._save_locked()
        token = self._signer.issue(device.id, "device", kind="device", name=name)
        log.info("paired device %s (%s)", device.id, name)
        return device, token

    def list(self) -> list[Device]:
        """Paired devices, newest first."""
        with self._lock:
            return sorted(
                (Device(**asdict(d)) for d in self._devices.values()),
                key=lambda d: d.paired_at,
                reverse=True,
            )

    def revoke(self, device_id: str) -> Device:
        """Refuse this device's token from now on; it must pair again."""
        with self._lock:
            device = self._devices.get(device_id)
            if device is None:
                raise NotFound(f"no paired device {device_id!r}")
            device.revoked = True
            self._save_locked()
            log.info("revoked device %s (%s)", device.id, device.name)
            return Device(**asdict(device))

    def is_revoked(self, who: Principal) -> bool:
        """For the auth interceptor: a device token is good only while its device is
        registered and not revoked."""
        if who.kind != "device":
            return False
        device = self._devices.get(who.subject)
        return device is None or device.revoked

    def seen(self, device_id: str) -> None:
        """Note that a device just uploaded; written to disk at most once a minute."""
        now = self._clock()
        with self._lock:
            device = self._devices.get(device_id)
            if device is None:
                return
            device.last_seen_at = now
            if now - self._persisted_seen.get(device_id, 0.0) >= _SEEN_PERSIST_S:
                self._persisted_seen[device_id] = now
                try:
                    self._save_locked()
                except OSError:  # e.g. disk full: a last-seen time must not fail the upload
                    log.warning("could not save device last-seen times", exc_info=True)

    def flush(self) -> None:
        """Write last-seen times kept in memory (at shutdown; a full disk only logs)."""
        with self._lock:
            try:
                self._save_locked()
            except OSError:
                log.warning("could not save device last-seen times", exc_info=True)

    def _drop_expired(self, now: float) -> None:
        for code, expires in list(self._codes.items()):
            if expires <= now:
                del self._codes[code]

    def _load(self) -> dict[str, Device]:
        try:
            raw = json.loads(self._path.read_text())
        except FileNotFoundError:
            return {}
        devices = [Device(**d) for d in raw.get("devices", [])]
        return {d.id: d for d in devices}

    def _save_locked(self) -> None:
        payload = {"devices": [asdict(d) for d in self._devices.values()]}
        atomic_write_text(self._path, json.dumps(payload, indent=1))
