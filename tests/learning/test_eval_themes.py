"""The labelled evaluation set and ``joinedup eval themes``: the set is well formed, scoring is
right on a worked example, and the command prints its JSON through the real CLI."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from joinedup.cli.main import app
from joinedup.learning import evaluate as ev
from joinedup.learning import tagger, taxonomy


def test_the_labelled_set_has_enough_reviews_with_known_themes_in_two_splits() -> None:
    reviews = ev.labelled_set()
    assert len(reviews) >= 25
    assert len({r.id for r in reviews}) == len(reviews)
    known = set(taxonomy.theme_ids())
    for review in reviews:
        assert review.themes and review.themes <= known, review.id
        assert review.split in ("dev", "test")
        assert len(review.text.split()) >= 50, f"{review.id} is too short to be a summary"
    assert {r.split for r in reviews} == {"dev", "test"}


def test_both_splits_are_big_enough_to_measure_on() -> None:
    """203 summaries: 137 dev (settings chosen there) and 66 held out. The held-out split was 14,
    then 22, then 36; a figure on so few reviews moves by several points when one theme flips.
    Dev grew from 52 to 99 and then 137 in the ninth session; in the tenth, 30 fresh real
    summaries (scored once before they joined) widened test beyond individual child deaths
    (docs/learning.md)."""
    splits = [r.split for r in ev.labelled_set()]
    assert len(splits) >= 203
    assert splits.count("test") >= 66 and splits.count("dev") >= 137


def test_micro_and_macro_f1_on_a_worked_example() -> None:
    gold = [frozenset({"neglect", "domestic_abuse"}), frozenset({"neglect"})]
    predicted = [{"neglect"}, {"neglect", "sexual_abuse"}]
    scores = ev.score(gold, predicted)
    # tp 2, fp 1, fn 1: precision = recall = 2/3
    assert scores.micro_f1 == pytest.approx(2 / 3)
    # neglect F1 1.0, domestic_abuse 0.0, sexual_abuse 0.0
    assert scores.macro_f1 == pytest.approx(1 / 3)
    assert scores.per_theme["neglect"] == (1.0, 1.0, 1.0, 2)


def test_the_keyword_baseline_is_scored_on_the_same_reviews() -> None:
    base = ev.baseline(ev.labelled_set())
    assert 0.0 < base.micro_f1 < 1.0


def test_every_review_has_two_further_blind_annotations_with_known_themes() -> None:
    others = ev.second_labels()
    known = set(taxonomy.theme_ids())
    assert len(others) >= 2
    for annotator, labels in others.items():
        assert set(labels) == {r.id for r in ev.labelled_set()}, annotator
        assert all(themes and themes <= known for themes in labels.values()), annotator


def test_the_fictional_reviews_are_well_formed_and_apart_from_the_evaluation_set() -> None:
    fictional = ev.fictional_set()
    known = set(taxonomy.theme_ids())
    assert len(fictional) >= 350 and len({r.id for r in fictional}) == len(fictional)
    assert not {r.id for r in fictional} & {r.id for r in ev.labelled_set()}
    titles = {r.title for r in ev.labelled_set()}
    for review in fictional:
        assert review.themes and review.themes <= known, review.id
        assert review.title not in titles and len(review.text.split()) >= 50, review.id
    every = [t for r in fictional for t in r.themes]
    assert all(every.count(theme_id) >= 4 for theme_id in known)


def test_majority_needs_more_than_half_of_the_annotators() -> None:
    votes = [frozenset({"neglect", "domestic_abuse"}), frozenset({"neglect"}), frozenset({"sexual_abuse"})]
    assert ev.majority(votes) == {"neglect"}
    assert ev.majority(votes[:2]) == {"neglect"}  # one of two is not a majority


def test_agreement_scores_each_pair_once_and_the_tagger_against_each() -> None:
    reviews = ev.labelled_set()[:6]
    others = ev.second_labels()
    perfect = [set(r.themes) for r in reviews]
    found = ev.agreement(reviews, perfect)
    names = found["annotators"]
    assert names[0] == "set" and len(names) == len(others) + 1
    assert len(found["pairs"]) == len(names) * (len(names) - 1) // 2
    assert found["tagger"]["set"]["micro_f1"] == 1.0
    for name in others:
        pair = next(p for p in found["pairs"] if p["annotators"] == ["set", name])
        # the tagger copying the set's labels agrees with another annotator exactly as the set does
        assert found["tagger"][name]["micro_f1"] == pair["micro_f1"]


@pytest.mark.slow
# 173 reviews and 30 long ones embedded, three nested CVs: 6-10 CPU minutes, far more on a
# shared machine (1800 s ran out once while other jobs shared the two cores).
@pytest.mark.timeout(3600)
def test_eval_themes_prints_tagger_and_baseline_figures_as_json() -> None:
    result = CliRunner().invoke(app, ["eval", "themes", "--format", "json"], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    report = json.loads(result.stdout)
    assert report["split"] == "test"
    from joinedup.learning import embedding

    assert report["encoder"] == {"name": embedding.MODEL_NAME}
    from joinedup.learning import text_model

    assert report["word_model"]["gate_words"] == text_model.GATE_WORDS and report["word_model"]["terms"] > 1000
    assert report["settings"]["text_weight"] > 0 and report["settings"]["long_text"]["text_weight"] == 0
    shipped_long_review = tagger.TaggerSettings.load().long_review
    assert shipped_long_review is not None, "the long-review settings ship (fourteenth session)"
    assert report["settings"]["long_review"]["max_themes"] == shipped_long_review.max_themes
    long_reviews = report["long_reviews"]
    assert long_reviews["split"] == "judge" and long_reviews["reviews"] == 15 and long_reviews["fit_reviews"] >= 45
    assert {"micro_f1", "macro_f1", "per_theme", "themes_per_review", "labelled_per_review"} <= set(long_reviews)
    confirm = report["long_reviews_confirm"]
    assert (
        confirm["split"] == "confirm"
        and confirm["reviews"] == 15
        and confirm["fit_reviews"] == long_reviews["fit_reviews"]
    )
    assert set(long_reviews) == set(confirm), "the same figures for both halves"
    assert shipped_long_review.max_themes >= confirm["themes_per_review"] > 0
    for key in ("model", "keyword_baseline", "cross_validated"):
        assert {"micro_f1", "macro_f1", "per_theme"} <= set(report[key])
        assert 0.0 <= report[key]["micro_f1"] <= 1.0
    assert report["model"]["micro_f1"] > report["keyword_baseline"]["micro_f1"]
    dev_cv = report["cross_validated_dev"]
    assert (
        dev_cv["reviews"]
        == sum(1 for r in ev.labelled_set() if r.split == "dev")
        < report["cross_validated"]["reviews"]
    )
    assert 0.0 <= dev_cv["micro_f1"] <= 1.0 and "per_theme" in dev_cv
    fic_cv = report["cross_validated_fictional"]
    assert fic_cv["reviews"] == len(ev.fictional_set()) and 0.0 <= fic_cv["micro_f1"] <= 1.0
    agree = report["annotator_agreement"]
    assert agree["reviews"] == report["reviews"] and agree["annotators"][0] == "set"
    assert {"set", "majority"} <= set(agree["tagger"])
    assert all(0.0 <= p["micro_f1"] <= 1.0 for p in agree["pairs"])
    assert set(report["model"]["per_theme"]["voice_of_the_child"]) == {"precision", "recall", "f1", "support"}


def test_the_text_report_names_the_long_review_cap_and_its_ranker() -> None:
    from joinedup.cli.eval_themes import settings_lines

    shipped = tagger.TaggerSettings.load()
    assert shipped.long_review is not None and shipped.long_review.ranker is not None
    raw = json.loads(json.dumps(shipped.as_json()))
    lines = settings_lines(raw, 200)
    capped = [line for line in lines if line.startswith("reviews of 1,000 words or more")]
    assert len(capped) == 1, lines
    assert f"at most {shipped.long_review.max_themes} of the themes" in capped[0]
    assert f"third-best passage weight {round(shipped.long_review.ranker.passage_weight, 4)}" in capped[0]
    older = {k: v for k, v in raw.items() if k != "long_review"}
    assert not any(line.startswith("reviews of 1,000") for line in settings_lines(older, 200)), "nothing to print"
    assert any(line.startswith("reviews over 200 words") for line in settings_lines(older, 200))
