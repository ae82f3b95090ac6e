"""Synthetic authorities shared by the synth tests, built once per test process.

Start dates are fixed so every run sees the same population; ``tiny`` is small enough to push
through the real ingest command (which also runs identity and rules) in seconds.
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import Any

import orjson
import pytest

from joinedup.synth import SynthConfig, synthesise

START = date(2023, 6, 1)


Rows = list[dict[str, Any]]


def _read_jsonl(path: Path) -> Rows:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


@pytest.fixture(scope="session")
def read_jsonl() -> Callable[[Path], Rows]:
    """Every JSON Lines row of a file (a fixture: test modules here cannot import conftest)."""
    return _read_jsonl


@pytest.fixture(scope="session")
def joinedup_command() -> str:
    """The installed ``joinedup`` console script beside this interpreter."""
    found = Path(sys.executable).with_name("joinedup")
    return str(found) if found.exists() else (shutil.which("joinedup") or "joinedup")


@pytest.fixture(scope="session")
def synth_start() -> date:
    return START


@pytest.fixture(scope="session")
def tiny(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("tiny")
    synthesise(SynthConfig(children=30, years=2, seed=21, start=START), out, with_csv=True, workers=1)
    return out


@pytest.fixture(scope="session")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("small")
    synthesise(SynthConfig(children=400, years=3, seed=5, start=START), out, workers=1)
    return out


@pytest.fixture(scope="session")
def mid(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Large enough for every pattern, twins and loose statistics (about 40,000 records)."""
    out = tmp_path_factory.mktemp("mid")
    synthesise(SynthConfig(children=3000, years=3, seed=9, start=START), out)
    return out
