"""``joinedup link run --engine spark``: Splink on Spark local mode scores the same pairs with the
same probabilities as Splink on DuckDB, and the batch re-link then makes the same decisions.

Real Spark (local[2], Java 17), real Splink, the real command line on a fresh database of each
backend. One Spark session serves the whole module (starting a JVM costs seconds)."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import orjson
import pytest
from typer.testing import CliRunner, Result

from joinedup.cli.main import app
from joinedup.identity import matcher, spark
from joinedup.identity.eval_runs import synth_subjects
from joinedup.identity.frame import build_frame, comparable
from joinedup.identity.model import default_model

CHILDREN = 12  # about 330 subjects: enough that DuckDB scores with Splink, not the Python scorer


@pytest.fixture(scope="module", autouse=True)
def spark_session() -> Iterator[None]:
    yield
    spark.stop()


@pytest.fixture(scope="module")
def population(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("synth")
    written = CliRunner().invoke(
        app, ["synth", "--children", str(CHILDREN), "--out", str(folder), "--seed", "7", "--workers", "1"]
    )
    assert written.exit_code == 0, written.output
    return folder


@pytest.fixture
def cli(db_url: str) -> Callable[..., Result]:
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, [*args, "--db", db_url], catch_exceptions=False, env={"JOINEDUP_DB": None})

    return run


def _pairs(scored: Any) -> dict[tuple[str, str], float]:
    return {
        (min(a, b), max(a, b)): float(p)
        for a, b, p in zip(scored["unique_id_l"], scored["unique_id_r"], scored["match_probability"], strict=True)
    }


def test_spark_scores_the_same_pairs_as_duckdb(population: Path) -> None:
    subjects, _, _ = synth_subjects(population)
    frame = build_frame([(f"s{s.record_subject_id}", comparable(s)) for s in subjects], {}, {}, 0)
    half = len(frame) // 2
    pending, index = frame.iloc[:half].reset_index(drop=True), frame.iloc[half:].reset_index(drop=True)
    assert len(pending) * len(frame) > matcher.QUICK_LIMIT  # DuckDB scores with Splink here
    model = default_model()

    on_duckdb = _pairs(matcher.score(pending, index, model, explain=False))
    on_spark = _pairs(spark.spark_score(pending, index, model))

    assert len(on_duckdb) > len(subjects)  # blocking found plenty of pairs, within and between
    assert on_spark.keys() == on_duckdb.keys()
    assert max(abs(on_spark[k] - on_duckdb[k]) for k in on_duckdb) < 1e-9
    assert sum(p >= 0.995 for p in on_spark.values()) > 50  # plenty of auto-link strength pairs


def _export(cli: Callable[..., Result]) -> dict[tuple[str, int], dict[str, Any]]:
    result = cli("link", "export", "--format", "jsonl")
    assert result.exit_code == 0, result.output
    rows = [orjson.loads(line) for line in result.stdout.splitlines() if line.strip()]
    return {(r["source_record_id"], r["subject_index"]): r for r in rows}


def test_link_run_on_spark_makes_the_same_decisions_as_on_duckdb(cli: Any, population: Path) -> None:
    assert cli("ingest", str(population / "records.jsonl")).exit_code == 0
    duck = cli("link", "run", "--format", "json")
    assert duck.exit_code == 0, duck.output
    on_duckdb = orjson.loads(duck.stdout)
    assert on_duckdb["engine"] == "duckdb"
    before = _export(cli)

    run = cli("link", "run", "--engine", "spark", "--format", "json")
    assert run.exit_code == 0, run.output
    on_spark = orjson.loads(run.stdout)
    after = _export(cli)

    assert on_spark["engine"] == "spark"
    assert on_spark["subjects"] == on_duckdb["subjects"] == len(before) > 250
    assert (on_spark["persons"], on_spark["review_items"]) == (on_duckdb["persons"], on_duckdb["review_items"])
    assert (on_spark["changed"], on_spark["new_links"]) == (0, 0)  # nothing to write back
    assert after.keys() == before.keys()
    for key, row in before.items():
        assert (after[key]["person_id"], after[key]["decision"]) == (row["person_id"], row["decision"]), key
        if row["match_probability"] is None:
            assert after[key]["match_probability"] is None
        else:
            assert after[key]["match_probability"] == pytest.approx(row["match_probability"], abs=1e-9)
    decisions = [r["decision"] for r in after.values()]
    assert decisions.count("auto_link") + decisions.count("trusted_id") > 100  # people were linked
    assert on_spark["persons"] < on_spark["subjects"] / 2


def test_a_missing_java_is_a_clear_error(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("JAVA_HOME", str(tmp_path / "no-java-here"))
    monkeypatch.setenv("PATH", str(tmp_path))
    with pytest.raises(spark.SparkUnavailable, match="needs Java 17 or later"):
        spark.java_home()


def test_java_is_found_from_path_when_java_home_is_not_set(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("JAVA_HOME", raising=False)
    home = Path(spark.java_home())
    assert (home / "bin" / "java").exists()
