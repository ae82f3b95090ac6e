"""Long reviews: the labelled invented ones the long-text calibrator is fitted on, the spread
of a theme over passages it reads, and what it does to a review of many pages.

A summary of 120 words and a review of 60 pages are different texts to the tagger: as shipped
it suggests about 21 of the 30 themes for an invented long review that carries 7 or 8. Two
calibrators fitted on long reviews fixed that and broke short padded summaries, so neither
ships (docs/learning.md, thirteenth session); the machinery is tested here."""

from __future__ import annotations

import dataclasses
import json
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest
from sqlalchemy import Engine
from typer.testing import Result

from joinedup.learning import evaluate, tagger, taxonomy
from joinedup.storage import learning_reviews as repo


def test_the_long_reviews_are_long_paged_labelled_and_split_as_fixed() -> None:
    reviews = evaluate.long_review_set()
    assert len({r.id for r in reviews}) == len(reviews) >= 60
    ids = set(taxonomy.theme_ids())
    for r in reviews:
        assert r.themes and r.themes <= ids, r.id
        assert sum(len(p.split()) for p in r.passages) >= 1800, r.id
        assert not any("Page 2 of" in p for p in r.passages), "page footers are cleaned away"
        writer, number = (int(x) for x in r.id.split("-")[1:3])
        expected = "judge" if writer <= 6 and (writer + number) % 2 else "fit"
        assert r.split == expected, r.id
    judged = [r for r in reviews if r.split == "judge"]
    assert len(judged) == 15 and all(r.second_themes for r in judged)


def test_a_long_review_is_cut_into_the_passages_reviews_add_stores(
    tmp_path: Path, cli: Callable[..., Result], engine: Engine
) -> None:
    raw = json.loads(
        (Path(evaluate.__file__).parent / "data" / "long_reviews.jsonl").read_text("utf-8").splitlines()[0]
    )
    file = tmp_path / "review.txt"
    file.write_text(raw["text"], "utf-8")
    added = cli("reviews", "add", str(file), "--format", "json")
    assert added.exit_code == 0, added.output
    review_id = json.loads(added.stdout)[0]["id"]
    with engine.connect() as conn:
        stored = tuple(p.text for p in repo.passages(conn, review_id))
    assert stored == evaluate.document_passages(raw["text"])
    header = raw["text"].split("\n", 1)[0]
    assert not any(header in p for p in stored), "the running header is furniture"


def _scores(owner: list[int], clause: list[list[float]]) -> tagger.SentenceScores:
    n = len(taxonomy.theme_ids())
    values = np.zeros((len(owner), n), dtype=np.float32)
    for i, row in enumerate(clause):
        values[i, : len(row)] = row
    return tagger.SentenceScores(
        owner=owner,
        similarity=np.zeros_like(values),
        cue=np.zeros_like(values),
        sentence_vectors=np.zeros((len(owner), 4), dtype=np.float32),
        clause=values,
    )


def test_the_passage_spread_is_the_theme_score_in_its_third_best_passage() -> None:
    # five passages; theme 0 strong in passages 0, 2 and 4 (best clause of each), theme 1 in one only
    scores = _scores(
        [0, 0, 1, 2, 3, 4],
        [[0.9, 0.95], [0.2, 0.1], [0.1, 0.0], [0.7, 0.05], [0.3, 0.0], [0.8, 0.1]],
    )
    spread = tagger.passage_evidence(scores, cue_bonus=0.5)
    assert spread[0] == pytest.approx(0.7)
    assert spread[1] == pytest.approx(0.05)
    assert tagger.evidence_scores(scores, 0.5, clause=True)[1] == pytest.approx(0.95), "the best clause alone"
    two = tagger.passage_evidence(_scores([0, 1], [[0.9], [0.4]]), cue_bonus=0.5)
    assert two[0] == pytest.approx(0.4), "fewer passages than the rank: the last one"


def test_the_spread_only_counts_where_the_calibrator_weighs_it() -> None:
    scores = _scores([0, 1, 2], [[0.9], [0.1], [0.1]])
    without = tagger.TaggerSettings(threshold=0.5, clause_weight=1.0, evidence_weight=0.0)
    spread = tagger.TaggerSettings(threshold=0.5, clause_weight=1.0, evidence_weight=0.0, passage_weight=2.0)
    theme = taxonomy.theme_ids()[0]
    assert theme in {s.theme_id for s in tagger.decide(scores, without, 3)}
    assert theme not in {s.theme_id for s in tagger.decide(scores, spread, 3)}, "one strong passage is not enough"
    assert tagger.TaggerSettings.from_json(spread.as_json()).passage_weight == 2.0
    assert "passage_weight" not in without.as_json(), "settings without it are written as before"


def test_a_review_of_a_thousand_words_or_more_is_decided_by_the_long_review_calibrator() -> None:
    # Not shipped (both variants failed their rules), but built and switched on by settings:
    # a long_review calibrator given, it decides long reviews and nothing shorter.
    long_text = tagger.TaggerSettings(threshold=0.35, clause_weight=1.0, evidence_weight=0.5)
    long_review = tagger.TaggerSettings(threshold=0.9, clause_weight=0.2, evidence_weight=0.1, bias=-1.0)
    settings = dataclasses.replace(tagger.TaggerSettings.load(), long_text=long_text, long_review=long_review)
    finding = "Nobody asked who the new man living in the home was or checked his background."
    routine = "In March the family was visited at home by the allocated worker and the plan was reviewed."
    brief = [finding, *[routine] * 20]  # about 320 words: over the word model's gate, under 1,000
    report = [finding, *[routine] * 70]  # about 1,100 words
    brief_scores, report_scores = tagger.sentence_scores(brief), tagger.sentence_scores(report)
    assert brief_scores.long and tagger.LONG_REVIEW_WORDS > brief_scores.words() > 200
    assert report_scores.words() >= tagger.LONG_REVIEW_WORDS
    assert settings.for_scores(brief_scores) is long_text
    assert settings.for_scores(report_scores) is long_review
    assert tagger.decide(report_scores, settings, len(report)) == tagger.decide(report_scores, long_review, len(report))
    assert tagger.TaggerSettings.from_json(settings.as_json()).as_json() == settings.as_json()
    shipped = tagger.TaggerSettings.load()
    assert shipped.long_review is None and "long_review" not in shipped.as_json()
    assert shipped.for_scores(report_scores) is shipped.long_text, "as shipped, long reviews as before"


def test_the_long_review_figure_is_measured_on_the_judge_half_only() -> None:
    shipped = evaluate.shipped_tagger()
    report = evaluate.long_review_report(shipped)
    assert report["split"] == "judge" and report["reviews"] == 15 and report["fit_reviews"] >= 45
    judged = [r for r in evaluate.long_review_set() if r.split == "judge"]
    labelled = sum(len(r.themes) for r in judged) / len(judged)
    assert report["labelled_per_review"] == pytest.approx(labelled, abs=0.05)
    assert 0.0 < report["micro_precision"] <= 1.0 and 0.0 < report["micro_recall"] <= 1.0
    p, r = report["micro_precision"], report["micro_recall"]
    assert report["micro_f1"] == pytest.approx(2 * p * r / (p + r), abs=0.002)
    # The shipped tagger's known weakness, recorded rather than hidden: it suggests far more
    # themes for a long review than its writer tagged (docs/learning.md, thirteenth session).
    assert report["themes_per_review"] > report["labelled_per_review"]
