"""contrib/storybot.service: systemd accepts it, and it keeps the hardening the README promises."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

UNIT = Path(__file__).resolve().parents[2] / "contrib" / "storybot.service"
HARDENING = ["NoNewPrivileges=yes", "ProtectSystem=strict", "ProtectHome=yes", "PrivateTmp=yes", "PrivateDevices=yes",
             "CapabilityBoundingSet=\n", "SystemCallFilter=@system-service", "MemoryDenyWriteExecute=yes",
             "RestrictAddressFamilies=AF_INET AF_INET6 AF_UNIX", "ReadWritePaths=/var/lib/storybot",
             "EnvironmentFile=/etc/storybot.env", "Restart=on-failure", "TimeoutStopSec="]


def test_the_unit_is_hardened() -> None:
    text = UNIT.read_text()
    assert [line for line in HARDENING if line not in text] == []


def test_systemd_accepts_the_unit(tmp_path: Path) -> None:
    if shutil.which("systemd-analyze") is None:
        pytest.skip("systemd-analyze is not installed")
    unit = tmp_path / "storybot.service"  # the same unit, with a command that exists here
    unit.write_text(UNIT.read_text().replace("/opt/storybot/.venv/bin/storybot run", "/bin/true"))
    result = subprocess.run(["systemd-analyze", "verify", str(unit)], capture_output=True, text=True, timeout=60)
    assert result.returncode == 0, result.stderr
    assert "storybot.service" not in result.stderr, result.stderr  # no warning about the unit itself
