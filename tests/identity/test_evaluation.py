"""Linkage evaluation: the pairwise metrics on hand-made clusterings, and ``joinedup eval
linkage`` end to end on a small synthetic population and FEBRL1 (no database involved)."""

from __future__ import annotations

from pathlib import Path

import orjson
import pytest
from typer.testing import CliRunner

from joinedup.cli.main import app
from joinedup.identity.eval_runs import febrl_entity
from joinedup.identity.evaluation import score_clusters

SCORE_KEYS = {
    "subjects",
    "true_persons",
    "predicted_persons",
    "true_pairs",
    "predicted_pairs",
    "correct_pairs",
    "precision",
    "recall",
    "f1",
    "false_merges",
    "missed_links",
    "twin_merges",
    "seconds",
}


def test_pairwise_scores_count_pairs_merges_splits_and_twins() -> None:
    truth = {1: "A", 2: "A", 3: "A", 4: "B", 5: "C", 6: "D"}
    # A split in two (1,2 | 3); B and C (twins) merged; D alone and right.
    predicted = {1: "x", 2: "x", 3: "y", 4: "z", 5: "z", 6: "w"}
    scores = score_clusters(predicted, truth, twins=[("B", "C"), ("C", "B")])
    assert (scores.true_pairs, scores.predicted_pairs, scores.correct_pairs) == (3, 2, 1)
    assert scores.precision == pytest.approx(0.5)
    assert scores.recall == pytest.approx(1 / 3)
    assert scores.f1 == pytest.approx(0.4)
    assert (scores.false_merges, scores.missed_links, scores.twin_merges) == (1, 1, 1)
    perfect = score_clusters(truth, truth)
    assert (perfect.precision, perfect.recall, perfect.f1, perfect.false_merges) == (1.0, 1.0, 1.0, 0)


def test_eval_linkage_prints_ours_beside_plain_splink(tmp_path: Path) -> None:
    runner = CliRunner()
    synth = tmp_path / "synth"
    written = runner.invoke(app, ["synth", "--children", "60", "--out", str(synth), "--seed", "11", "--workers", "1"])
    assert written.exit_code == 0, written.output
    result = runner.invoke(app, ["eval", "linkage", "--truth", str(synth), "--febrl", "febrl1", "--format", "json"])
    assert result.exit_code == 0, result.output
    report = orjson.loads(result.stdout)
    assert report["model_version"] == "default-2"
    assert [d["dataset"] for d in report["datasets"]] == ["synth", "febrl1"]
    for dataset in report["datasets"]:
        assert set(dataset["ours"]) == SCORE_KEYS == set(dataset["plain_splink"])
        assert dataset["ours"]["subjects"] == dataset["plain_splink"]["subjects"] > 0
    synth_ours = report["datasets"][0]["ours"]
    assert synth_ours["precision"] >= 0.99
    assert synth_ours["twin_merges"] == 0
    febrl1 = report["datasets"][1]
    assert febrl1["ours"]["subjects"] == 1000 and febrl1["ours"]["true_pairs"] == 500
    # The FEBRL bar is Splink's own recipe over every FEBRL column; the same-fields baseline sees
    # only what our subjects hold, so it must do worse than that bar.
    assert set(febrl1["plain_splink_same_fields"]) == SCORE_KEYS
    assert febrl1["plain_splink"]["f1"] >= 0.99
    assert febrl1["plain_splink_same_fields"]["f1"] < febrl1["plain_splink"]["f1"]

    text = runner.invoke(app, ["eval", "linkage", "--truth", str(synth), "--febrl", "none"])
    assert text.exit_code == 0 and "plain Splink" in text.stdout


def test_febrl_record_ids_name_their_entity() -> None:
    assert febrl_entity("rec-12-org") == febrl_entity("rec-12-dup-3") == "12"
    assert febrl_entity("rec-0-dup-0") == "0"
    with pytest.raises(ValueError):
        febrl_entity("12-org")


def test_eval_linkage_refuses_what_it_cannot_evaluate(tmp_path: Path) -> None:
    runner = CliRunner()
    missing = runner.invoke(app, ["eval", "linkage", "--truth", str(tmp_path), "--febrl", "none"])
    assert missing.exit_code == 2 and "truth/subjects.jsonl" in missing.output
    unknown = runner.invoke(app, ["eval", "linkage", "--febrl", "febrl9"])
    assert unknown.exit_code == 2 and "febrl9" in unknown.output
    nothing = runner.invoke(app, ["eval", "linkage", "--febrl", "none"])
    assert nothing.exit_code == 2 and "nothing to evaluate" in nothing.output
