"""A small synthetic authority shared by the fairness tests, built once per test process."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from joinedup.synth import SynthConfig, synthesise


@pytest.fixture(scope="session")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fair")
    synthesise(SynthConfig(children=300, years=2, seed=13, start=date(2023, 6, 1)), out, workers=1)
    return out
