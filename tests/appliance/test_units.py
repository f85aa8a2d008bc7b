"""The systemd units: what systemd itself says of them, and what the services rely on."""

from __future__ import annotations

import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from appliance.endpoints import SERVICES, parse_static

REPO = Path(__file__).resolve().parents[2]
UNIT_DIR = REPO / "appliance" / "systemd"
KIOSK_DIR = REPO / "appliance" / "kiosk"
UNITS = [f"stitchsketch-{name}.service" for name in (*SERVICES, "ui")]
#: Highest `systemd-analyze security` exposure accepted for a service (0 best, 10 worst).
MAX_EXPOSURE = 2.0

needs_analyze = pytest.mark.skipif(
    shutil.which("systemd-analyze") is None, reason="systemd-analyze not installed"
)


def parse_unit(path: Path) -> dict[str, list[str]]:
    """`Key` -> every value it is given (units repeat keys), across sections."""
    values: dict[str, list[str]] = {}
    for line in path.read_text().splitlines():
        line = line.strip()
        if line and not line.startswith(("#", ";", "[")):
            key, _, value = line.partition("=")
            values.setdefault(key, []).append(value)
    return values


def environment(unit: dict[str, list[str]]) -> dict[str, str]:
    pairs = (item.split("=", 1) for line in unit["Environment"] for item in line.split())
    return dict(pairs)  # type: ignore[arg-type]


@pytest.fixture(scope="module")
def staged(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The units with /opt/stitchsketch pointed at a tree that exists on this machine.

    `systemd-analyze verify` rejects an ExecStart binary that does not exist; this
    tree's .venv/bin/python is the interpreter running the tests.
    """
    root = tmp_path_factory.mktemp("units")
    prefix = root / "opt"
    (prefix / ".venv" / "bin").mkdir(parents=True)
    (prefix / ".venv" / "bin" / "python").symlink_to(sys.executable)
    (prefix / "appliance" / "kiosk").mkdir(parents=True)
    shutil.copy2(KIOSK_DIR / "kiosk-browser", prefix / "appliance" / "kiosk")
    cage = shutil.which("cage") or "/bin/sh"  # the kiosk's compositor, rarely on a CI host
    for path in [*UNIT_DIR.iterdir(), KIOSK_DIR / "stitchsketch-kiosk@.service"]:
        text = path.read_text().replace("/opt/stitchsketch", str(prefix))
        (root / path.name).write_text(text.replace("/usr/bin/cage", cage))
    return root


def verify(paths: list[Path]) -> None:
    result = subprocess.run(
        ["systemd-analyze", "verify", *map(str, paths)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    # Unknown keys and bad values are only warnings (exit 0): any line about our
    # files is a failure. Lines about the host's own units are not ours to fix.
    ours = [line for line in result.stderr.splitlines() if "stitchsketch" in line]
    assert result.returncode == 0 and not ours, result.stderr


@needs_analyze
def test_units_verify(staged: Path) -> None:
    verify([staged / name for name in UNITS] + [staged / "stitchsketch.target"])


@needs_analyze
def test_kiosk_unit_verifies(staged: Path) -> None:
    verify([staged / "stitchsketch-kiosk@tty1.service"])  # an instance of the template


@needs_analyze
@pytest.mark.parametrize("name", UNITS)
def test_exposure_is_low(staged: Path, name: str) -> None:
    result = subprocess.run(
        ["systemd-analyze", "security", "--offline=yes", str(staged / name)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    match = re.search(r"Overall exposure level for \S+: (\d+\.\d+)", result.stdout)
    if match is None and "--offline" in result.stderr:
        pytest.skip("this systemd-analyze has no --offline (needs systemd 250 or newer)")
    assert match, result.stdout + result.stderr
    assert float(match.group(1)) <= MAX_EXPOSURE, result.stdout


@pytest.mark.parametrize("name", UNITS)
def test_service_contract(name: str) -> None:
    """What the runtime counts on: notify, watchdog, restart budget, state dir, module."""
    unit = parse_unit(UNIT_DIR / name)
    expected = {
        "Type": ["notify"],
        "NotifyAccess": ["main"],
        "WatchdogSec": ["30"],
        "Restart": ["on-failure"],
        "StateDirectory": ["stitchsketch"],
        "User": ["stitchsketch"],
        "ProtectSystem": ["strict"],
        "NoNewPrivileges": ["yes"],
        "RestrictAddressFamilies": ["AF_UNIX AF_INET AF_INET6 AF_NETLINK"],
        "PartOf": ["stitchsketch.target"],
        "WantedBy": ["stitchsketch.target"],
    }
    for key, value in expected.items():
        assert unit.get(key) == value, key
    assert int(unit["StartLimitBurst"][0]) > 1 and int(unit["StartLimitIntervalSec"][0]) > 0
    service = name.removeprefix("stitchsketch-").removesuffix(".service")
    module = "ui" if service == "ui" else f"services.{service}"
    assert unit["ExecStart"] == [f"/opt/stitchsketch/.venv/bin/python -m {module}"]
    env = environment(unit)
    assert env["STITCHSKETCH_DATA_DIR"] == "/var/lib/stitchsketch"
    assert unit["LoadCredential"] == ["signing.key:/etc/stitchsketch/signing.key"]


def test_common_part_is_the_same_everywhere() -> None:
    """Hardening and environment are copied into each unit; a drift is a mistake."""

    def common(name: str) -> str:
        text = (UNIT_DIR / name).read_text()
        return text[text.index("# --- common") : text.index("# --- end of common part")]

    first = common(UNITS[0])
    assert all(common(name) == first for name in UNITS)


def test_static_fallback_matches_the_ports() -> None:
    """The box's built-in static list points at the ports the units give each service."""
    ports = {}
    for name in SERVICES:
        env = environment(parse_unit(UNIT_DIR / f"stitchsketch-{name}.service"))
        ports[name] = f"127.0.0.1:{env['STITCHSKETCH_PORT']}"
    static = environment(parse_unit(UNIT_DIR / UNITS[0]))["STITCHSKETCH_STATIC_SERVICES"]
    assert parse_static(static) == ports
    assert len(set(ports.values())) == len(ports)
