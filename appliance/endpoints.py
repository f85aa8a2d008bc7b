"""Where a service answers, and the static address list for networks without multicast.

Plain data and parsing, no network: the settings layer validates
`STITCHSKETCH_STATIC_SERVICES` with `parse_static` without importing zeroconf.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

#: The gRPC API version a client and a service must share (TXT record `api=`).
API_VERSION = "v1"
#: The names services advertise under (the UI advertises nothing over gRPC).
SERVICES = ("capture", "reconstruction", "patterns", "render")
#: Service names and box ids: letters, digits, '-' and '_' (no dots: they end a DNS label).
NAME_PATTERN = re.compile(r"[A-Za-z0-9][A-Za-z0-9_-]{0,62}")


@dataclass(frozen=True)
class Endpoint:
    """Where one service of one box answers."""

    service: str
    host: str
    port: int
    box_id: str
    api_version: str
    source: str  # "mdns" or "static"

    @property
    def target(self) -> str:
        """A gRPC target: "host:port", IPv6 addresses bracketed."""
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"{host}:{self.port}"


def split_target(target: str) -> tuple[str, int]:
    """("host", port) from "host:port" or "[v6]:port"; ValueError says what is wrong."""
    match = re.fullmatch(r"\[([0-9A-Fa-f:.%\w]+)\]:(\d+)|([^:\[\]\s]+):(\d+)", target.strip())
    if not match:
        raise ValueError(f"{target!r} is not HOST:PORT (IPv6 as [ADDR]:PORT)")
    host = match.group(1) or match.group(3)
    port = int(match.group(2) or match.group(4))
    if not 0 < port < 65536:
        raise ValueError(f"port {port} in {target!r} is out of range")
    return host, port


def parse_static(spec: str) -> dict[str, str]:
    """{"capture": "10.0.0.5:50051", ...} from "capture=10.0.0.5:50051,ui=...".

    Raises ValueError naming the bad entry, so a settings validator can report it.
    """
    result: dict[str, str] = {}
    for part in spec.replace(";", ",").split(","):
        if not part.strip():
            continue
        service, sep, target = part.partition("=")
        service, target = service.strip(), target.strip()
        if not sep or not NAME_PATTERN.fullmatch(service):
            raise ValueError(f"static service entry {part.strip()!r} is not NAME=HOST:PORT")
        split_target(target)
        result[service] = target
    return result
