"""The installer and the kiosk launcher: syntax, and what a dry run says it would do.

A real install needs a Debian machine to spare (apt, users, /etc, systemd as PID 1);
the dry run walks the same code path and prints each change instead of making it.
"""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
INSTALL = REPO / "appliance" / "install.sh"
KIOSK_BROWSER = REPO / "appliance" / "kiosk" / "kiosk-browser"


@pytest.mark.parametrize(("shell", "script"), [("bash", INSTALL), ("sh", KIOSK_BROWSER)])
def test_scripts_parse(shell: str, script: Path) -> None:
    result = subprocess.run([shell, "-n", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stderr
    assert script.stat().st_mode & 0o111, f"{script.name} must be executable"


@pytest.mark.skipif(shutil.which("shellcheck") is None, reason="shellcheck not installed")
@pytest.mark.parametrize("script", [INSTALL, KIOSK_BROWSER])
def test_shellcheck(script: Path) -> None:
    result = subprocess.run(["shellcheck", str(script)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout


def dry_run(tmp_path: Path, *args: str) -> str:
    prefix = tmp_path / "opt" / "stitchsketch"
    result = subprocess.run(
        ["bash", str(INSTALL), "--dry-run", "--prefix", str(prefix), *args],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert not prefix.exists(), "a dry run must change nothing"
    return result.stdout


def test_dry_run_installs_the_box(tmp_path: Path) -> None:
    etc_before = Path("/etc/stitchsketch").exists()
    out = dry_run(tmp_path)
    prefix = tmp_path / "opt" / "stitchsketch"
    steps = [
        "apt-get install",
        f"rsync -a --delete --exclude=/.venv --exclude=/var --exclude=__pycache__ "
        f"--exclude=.pytest_cache --exclude=.ruff_cache {REPO}/ {prefix}/",
        f"env -C {prefix} STITCHSKETCH_INSTALL=1 bash scripts/setup.sh",
        f"{prefix}/.venv/bin/python -m compileall",
        "install -d -m 0755 /etc/stitchsketch",
        "write /etc/systemd/system/stitchsketch.target",
        "systemd-analyze verify",
        "systemctl enable stitchsketch.target stitchsketch-capture.service",
    ]
    positions = [out.find(step) for step in steps]
    assert all(p >= 0 for p in positions), out
    assert positions == sorted(positions), "steps out of order:\n" + out
    for name in ("capture", "reconstruction", "patterns", "render", "ui"):
        assert f"write /etc/systemd/system/stitchsketch-{name}.service (mode 0644" in out
    assert "libsystemd-dev" in out and "pkg-config" in out  # systemd-python builds from source
    assert "cage" not in out and "kiosk" not in out
    assert Path("/etc/stitchsketch").exists() == etc_before


def test_dry_run_with_kiosk(tmp_path: Path) -> None:
    out = dry_run(tmp_path, "--kiosk")
    assert "cage chromium" in out
    assert "write /etc/systemd/system/stitchsketch-kiosk@.service" in out
    assert "write /etc/pam.d/stitchsketch-kiosk" in out
    assert "systemctl enable stitchsketch-kiosk@tty1.service" in out


def test_rejects_unknown_options() -> None:
    result = subprocess.run(["bash", str(INSTALL), "--frobnicate"], capture_output=True, text=True)
    assert result.returncode == 2
    assert "unknown option --frobnicate" in result.stderr
