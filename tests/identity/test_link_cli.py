"""``joinedup link run``, ``link train``, ``link models`` and the ``link export`` contract,
through the real command line on a fresh database of each backend."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from tests.identity.conftest import record
from typer.testing import CliRunner, Result

from joinedup.cli.main import app

EXPORT_KEYS = ["agency", "source_record_id", "subject_index", "role", "person_id", "decision", "match_probability"]
AMELIA = {
    "role": "child",
    "given_name": "Amelia",
    "family_name": "Brook",
    "date_of_birth": "2016-04-09",
    "sex": "F",
    "address": {"line1": "12 Mill Lane", "postcode": "NT1 4AB"},
}
TWIN = {**AMELIA, "given_name": "Olivia"}


@pytest.fixture
def cli(db_url: str) -> Callable[..., Result]:
    runner = CliRunner()

    def run(*args: str) -> Result:
        result = runner.invoke(app, [*args, "--db", db_url], catch_exceptions=False, env={"JOINEDUP_DB": None})
        return result

    return run


def _write(path: Path, *records: dict[str, Any]) -> Path:
    path.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    return path


def _export(cli: Callable[..., Result]) -> list[dict[str, Any]]:
    result = cli("link", "export", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    return [orjson.loads(line) for line in result.stdout.splitlines() if line.strip()]


def test_link_run_relinks_everything_and_keeps_what_a_person_decided(cli: Any, tmp_path: Path) -> None:
    file = _write(
        tmp_path / "records.jsonl",
        record("school", "S-1", AMELIA, {"role": "parent", "given_name": "Joanne", "family_name": "Brook"}),
        record("gp", "G-1", {**AMELIA, "given_name": "Amy"}),
        record("school", "S-2", TWIN),
        record("police", "P-1", {**AMELIA, "family_name": "Smith", "date_of_birth": "2015-01-01"}),
    )
    assert cli("ingest", str(file)).exit_code == 0
    before = _export(cli)
    # The contract's keys, in order; other stages may add fields after them (never rename).
    assert [list(row)[: len(EXPORT_KEYS)] for row in before] == [EXPORT_KEYS] * len(before)
    person = {(r["source_record_id"], r["subject_index"]): r["person_id"] for r in before}
    assert person[("S-1", 0)] == person[("G-1", 0)] != person[("S-2", 0)]
    # A clerk decides the police subject is Amelia after all.
    merged = cli("link", "merge", str(person[("P-1", 0)]), str(person[("S-1", 0)]), "--reason", "same child")
    assert merged.exit_code == 0, merged.output

    run = cli("link", "run", "--format", "json")
    assert run.exit_code == 0, run.output
    report = orjson.loads(run.stdout)
    assert report["subjects"] == 5
    assert report["model_version"] == "default-2"
    after = {(r["source_record_id"], r["subject_index"]): r for r in _export(cli)}
    # The same people, under the same person ids; the clerk's merge stands.
    assert {k: r["person_id"] for k, r in after.items()} == {**person, ("P-1", 0): person[("S-1", 0)]}
    assert after[("P-1", 0)]["decision"] == "manual"
    assert after[("S-2", 0)]["person_id"] != after[("S-1", 0)]["person_id"]  # twins stay apart

    again = orjson.loads(cli("link", "run", "--format", "json").stdout)
    assert again["changed"] == 0 and again["new_links"] == 0


def test_link_train_stores_a_versioned_model_that_link_run_then_uses(cli: Any, tmp_path: Path) -> None:
    tiny = _write(tmp_path / "tiny.jsonl", record("school", "S-1", AMELIA))
    assert cli("ingest", str(tiny)).exit_code == 0
    refused = cli("link", "train")
    assert refused.exit_code == 1
    assert "training needs at least 1000" in refused.output
    assert orjson.loads(cli("link", "models").stdout) == []

    synth = tmp_path / "synth"
    written = CliRunner().invoke(
        app, ["synth", "--children", "45", "--out", str(synth), "--seed", "5", "--workers", "1"]
    )
    assert written.exit_code == 0, written.output
    assert cli("ingest", str(synth / "records.jsonl")).exit_code == 0
    saved = tmp_path / "model.json"
    trained = cli("link", "train", "--format", "json", "--save-json", str(saved))
    assert trained.exit_code == 0, trained.output
    summary = orjson.loads(trained.stdout)
    assert summary["trained_on"] >= 1000 and summary["active"] is True
    assert 0 < summary["probability_two_random_records_match"] < 1
    stored = orjson.loads(saved.read_bytes())
    assert stored["joinedup_model_version"] == summary["version"]
    assert {c["output_column_name"] for c in stored["comparisons"]} >= {"given_name", "date_of_birth", "nhs"}
    models = orjson.loads(cli("link", "models").stdout)
    assert [(m["version"], m["active"]) for m in models] == [(summary["version"], True)]

    run = orjson.loads(cli("link", "run", "--format", "json").stdout)
    assert run["model_version"] == summary["version"]
    rows = _export(cli)
    assert len(rows) == run["subjects"]
    assert {r["decision"] for r in rows} <= {"trusted_id", "auto_link", "review", "new_person", "manual"}
