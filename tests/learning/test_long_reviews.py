"""Long reviews: the labelled invented ones the long-review settings are chosen on, the spread
of a theme over passages, and what the tagger does to a review of many pages.

A summary of 120 words and a review of 60 pages are different texts to the tagger: the
long-text calibrator alone suggested about 21 of the 30 themes for an invented long review that
carries 7 or 8. Two calibrators fitted on long reviews fixed that and broke short padded
summaries, so neither ships (thirteenth session); a cap on a review of 1,000 words or more,
with a ranker that reads the spread choosing which themes it keeps, fixed it without that harm
and ships (docs/learning.md, fourteenth session)."""

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
    assert len({r.id for r in reviews}) == len(reviews) >= 75
    ids = set(taxonomy.theme_ids())
    for r in reviews:
        assert r.themes and r.themes <= ids, r.id
        assert sum(len(p.split()) for p in r.passages) >= 1800, r.id
        assert not any("Page 2 of" in p for p in r.passages), "page footers are cleaned away"
        writer, number = (int(x) for x in r.id.split("-")[1:3])
        expected = "confirm" if writer >= 13 else "judge" if writer <= 6 and (writer + number) % 2 else "fit"
        assert r.split == expected, r.id
    judged = [r for r in reviews if r.split == "judge"]
    assert len(judged) == 15 and all(r.second_themes for r in judged)
    # Written after the fourteenth session's settings were fixed: they measure, never fit or judge.
    assert len([r for r in reviews if r.split == "confirm"]) == 15


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
    # Tagged through the CLI, a long review gets the long-review settings: at most their cap.
    assert cli("reviews", "tag", str(review_id)).exit_code == 0
    shown = cli("reviews", "show", str(review_id), "--format", "json")
    assert shown.exit_code == 0, shown.output
    themes = json.loads(shown.stdout)["themes"]
    settings = tagger.TaggerSettings.load()
    assert settings.long_review is not None and 0 < len(themes) <= settings.long_review.max_themes
    expected = tagger.decide(tagger.sentence_scores(list(stored)), settings, len(stored))
    assert {t["id"] for t in themes} == {s.theme_id for s in expected}


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
    # A long_review calibrator given, it decides long reviews and nothing shorter.
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
    assert shipped.long_text is not None and shipped.long_review is not None
    assert shipped.for_scores(brief_scores) is shipped.long_text
    assert shipped.for_scores(report_scores) is shipped.long_review
    # As shipped, the long-review settings are the long-text calibrator with a cap and a ranker
    # that reads the spread, nothing else: which themes pass is the long-text calibrator's call.
    capped = shipped.long_review.as_json()
    assert capped.pop("max_themes") == shipped.long_review.max_themes in evaluate.MAX_THEMES_GRID
    assert shipped.long_review.ranker is not None and shipped.long_review.ranker.passage_weight > 0
    capped.pop("ranker")
    assert capped == shipped.long_text.as_json()


def test_the_cap_keeps_the_strongest_themes_and_nothing_else_changes() -> None:
    strengths = [0.95, 0.9, 0.85, 0.8, 0.75, 0.7]
    scores = _scores([0], [strengths])
    uncapped = tagger.TaggerSettings(threshold=0.5, clause_weight=1.0, evidence_weight=0.0)
    capped = dataclasses.replace(uncapped, max_themes=4)
    every = tagger.decide(scores, uncapped, 1)
    assert [s.theme_id for s in every] == list(taxonomy.theme_ids()[: len(strengths)])
    assert tagger.decide(scores, capped, 1) == every[:4], "the four strongest, with the same confidence and evidence"
    assert tagger.decide(scores, dataclasses.replace(uncapped, max_themes=10), 1) == every, "under the cap: all"
    assert tagger.TaggerSettings.from_json(json.loads(json.dumps(capped.as_json()))).max_themes == 4
    assert "max_themes" not in uncapped.as_json(), "settings without a cap are written as before"


def test_a_ranker_chooses_which_themes_the_cap_keeps_but_decides_none() -> None:
    # Theme 0 is strongest in one passage only; themes 1-3 are a little weaker but found in three.
    scores = _scores(
        [0, 1, 2, 3],
        [[0.95, 0.9, 0.88, 0.86], [0.1, 0.85, 0.8, 0.7], [0.1, 0.85, 0.8, 0.7], [0.1, 0.1, 0.1, 0.1]],
    )
    threshold = tagger.TaggerSettings(threshold=0.5, clause_weight=1.0, evidence_weight=0.0, max_themes=2)
    ranker = tagger.TaggerSettings(clause_weight=0.0, evidence_weight=0.0, passage_weight=1.0)
    ranked = dataclasses.replace(threshold, ranker=ranker)
    ids = taxonomy.theme_ids()
    plain = tagger.decide(scores, threshold, 4)
    assert [s.theme_id for s in plain] == [ids[0], ids[1]], "by its own confidence: the strongest clause"
    kept = tagger.decide(scores, ranked, 4)
    assert {s.theme_id for s in kept} == {ids[1], ids[2]}, "by the ranker: the widest spread"
    uncapped = {s.theme_id: s for s in tagger.decide(scores, dataclasses.replace(threshold, max_themes=0), 4)}
    assert all(s == uncapped[s.theme_id] for s in kept), "the confidence shown is the calibrator's, not the ranker's"
    # The ranker passes nothing: a theme under the threshold stays out however it ranks.
    strict = dataclasses.replace(ranked, threshold=0.92)
    assert [s.theme_id for s in tagger.decide(scores, strict, 4)] == [ids[0]]
    again = tagger.TaggerSettings.from_json(json.loads(json.dumps(ranked.as_json())))
    assert again.ranker is not None and again.ranker.passage_weight == 1.0 and again == ranked


@pytest.mark.slow
@pytest.mark.timeout(1800)  # the 45 fit reviews embedded: about 3 CPU minutes
def test_the_shipped_cap_and_ranker_are_what_the_fit_half_gives() -> None:
    shipped = evaluate.shipped_tagger()
    long_text, long_review = shipped.settings.long_text, shipped.settings.long_review
    assert long_text is not None and long_review is not None and long_review.ranker is not None
    fit = [r for r in evaluate.long_review_set() if r.split == "fit"]
    made = evaluate.rank_long_text(fit, shipped.long_neighbours, long_text)
    assert made.max_themes == long_review.max_themes
    assert made.ranker is not None
    for name in ("evidence_weight", "clause_weight", "prior_weight", "passage_weight", "bias", "cue_bonus"):
        assert getattr(made.ranker, name) == pytest.approx(getattr(long_review.ranker, name), abs=2e-3), name
    # On those reviews the cap with its ranker beats the long-text calibrator uncapped.
    scores = evaluate.long_scores(fit, shipped.long_neighbours)
    gold = [r.themes for r in fit]
    capped = evaluate.score(gold, evaluate.predict(scores, shipped.settings)).micro_f1
    uncapped = evaluate.score(gold, evaluate.predict(scores, long_text)).micro_f1
    assert capped > uncapped


@pytest.mark.parametrize("split", ["judge", "confirm"])
def test_the_long_review_figure_is_measured_on_a_held_out_half_only(split: str) -> None:
    shipped = evaluate.shipped_tagger()
    report = evaluate.long_review_report(shipped, split)
    assert report["split"] == split and report["reviews"] == 15 and report["fit_reviews"] >= 45
    judged = [r for r in evaluate.long_review_set() if r.split == split]
    labelled = sum(len(r.themes) for r in judged) / len(judged)
    assert report["labelled_per_review"] == pytest.approx(labelled, abs=0.05)
    assert 0.0 < report["micro_precision"] <= 1.0 and 0.0 < report["micro_recall"] <= 1.0
    p, r = report["micro_precision"], report["micro_recall"]
    assert report["micro_f1"] == pytest.approx(2 * p * r / (p + r), abs=0.002)
    # The figure is the shipped tagger's, cap included: recomputed here through decide.
    settings = shipped.settings
    assert settings.long_review is not None
    predicted = evaluate.predict(evaluate.long_scores(judged, shipped.long_neighbours), settings)
    assert max(len(p) for p in predicted) <= settings.long_review.max_themes
    assert report["themes_per_review"] == pytest.approx(sum(len(p) for p in predicted) / len(predicted), abs=0.01)
    assert report["micro_f1"] == pytest.approx(
        evaluate.score([r.themes for r in judged], predicted).micro_f1, abs=0.0005
    ), "the report rounds to three places"
