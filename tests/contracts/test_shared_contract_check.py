"""The team's shared contract checker, run against this checkout's installed command."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).parents[2]
CHECK = ROOT.parent / "shared" / "tools" / "contract-check"


@pytest.mark.slow
def test_contract_check_finds_nothing_broken() -> None:
    if not CHECK.exists():
        pytest.skip(f"{CHECK} is not beside this checkout")
    if not (ROOT / ".venv" / "bin" / "joinedup").exists():
        pytest.skip("no .venv/bin/joinedup: run `make setup` first")
    result = subprocess.run([str(CHECK)], cwd=ROOT, capture_output=True, text=True, timeout=600)
    print(result.stdout)
    assert result.returncode == 0 and "BROKEN" not in result.stdout, result.stdout + result.stderr
