"""A small synthetic authority shared by the fairness tests, built once per test process."""

from __future__ import annotations

from datetime import date
from pathlib import Path

import pytest

from joinedup.synth import SynthConfig, synthesise
from web.conftest import app_for, make_user, page  # noqa: F401  (the page fixtures, for the fairness page)


@pytest.fixture(scope="session")
def authority(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("fair")
    synthesise(SynthConfig(children=300, years=2, seed=13, start=date(2023, 6, 1)), out, workers=1)
    return out


@pytest.fixture(autouse=True)
def latest_run_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Where `eval fairness` saves its latest run in a test: never the real home folder."""
    path = tmp_path / "fairness-latest.json"
    monkeypatch.setenv("JOINEDUP_FAIRNESS_RESULTS", str(path))
    return path
