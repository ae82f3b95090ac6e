"""The review-level word model: the shipped one is the one the shipped training data gives and
is used, a saved one from other data is refused, it learns a theme's vocabulary, the calibrator
learns from cross-fitted readings only, and a review longer than the gate is not read by it
but decided by the calibrator fitted without it. Texts here are invented."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path

import numpy as np
import pytest

from joinedup.learning import evaluate as ev
from joinedup.learning import tagger, taxonomy, text_model
from joinedup.learning.errors import ModelUnavailable

NEGLECT_WORDS = [
    "The home was dirty and the children were hungry, unwashed and infested with lice at school.",
    "Hunger, head lice and a filthy home went on for years; the children were unkempt and underweight.",
    "The school fed the hungry children breakfast; their clothes were dirty and the house smelt.",
    "The children were underweight, often hungry and came to nursery in soiled, dirty clothes.",
]
OTHER_WORDS = [
    "The father's criminal record was not checked when he moved into the household.",
    "Police attended a domestic abuse incident and the report did not reach the school.",
    "The social worker's caseload was high and supervision did not test the plan.",
    "The mother's depression was known to the GP but not to the health visitor.",
]


def _gold(texts: list[str], theme: str) -> list[frozenset[str]]:
    return [frozenset({theme}) if t in NEGLECT_WORDS else frozenset({"record_keeping"}) for t in texts]


def test_the_shipped_word_model_was_made_from_the_shipped_data_and_is_used() -> None:
    words = tagger.shipped_text_model()
    assert len(words.vocabulary) == len(words.idf) == words.weights.shape[1] > 1000
    assert words.weights.shape[0] == len(words.biases) == len(taxonomy.theme_ids())
    assert tagger.TaggerSettings.load().text_weight > 0, "the shipped calibrator must use the word model"
    scores = tagger.sentence_scores(["The children were hungry, dirty and infested with lice for years."])
    assert scores.text is not None and scores.text.shape == (len(taxonomy.theme_ids()),)


def test_a_word_model_saved_from_other_data_is_refused_and_one_saved_round_trips(tmp_path: Path) -> None:
    texts = NEGLECT_WORDS + OTHER_WORDS
    model = text_model.fit(texts, _gold(texts, "neglect"))
    saved = tmp_path / "text_model.npz"
    text_model.write(model, saved, "aaaaaaaaaaaaaaaa")
    again = text_model.load(saved, "aaaaaaaaaaaaaaaa")
    assert again.vocabulary == model.vocabulary
    assert np.allclose(again.probabilities(texts), model.probabilities(texts), atol=1e-5)
    with pytest.raises(ModelUnavailable, match=r"python -m joinedup\.learning\.evaluate"):
        text_model.load(saved, tagger.clause_neighbours_key())


def test_the_word_model_learns_a_themes_vocabulary() -> None:
    texts = NEGLECT_WORDS + OTHER_WORDS
    model = text_model.fit(texts, _gold(texts, "neglect"))
    neglect = taxonomy.theme_ids().index("neglect")
    found = model.probabilities(
        [
            "The children were hungry and dirty, with lice, in a filthy home.",
            "The health visitor was not told about the police report.",
        ]
    )
    assert found[0, neglect] > 0.5 > found[1, neglect]
    absent = taxonomy.theme_ids().index("safer_sleep_sudi")  # no training review holds it
    assert np.allclose(found[:, absent], text_model.ABSENT_PROBABILITY)


def test_too_few_reviews_to_keep_a_word_give_the_base_rates_not_a_crash() -> None:
    model = text_model.fit(["One review about hunger."], [frozenset({"neglect"})])
    assert model.vocabulary == ()
    found = model.probabilities(["Anything at all."])
    assert found[0, taxonomy.theme_ids().index("neglect")] == pytest.approx(1 - text_model.ABSENT_PROBABILITY)


def test_the_calibrator_learns_from_readings_of_reviews_the_word_model_did_not_see() -> None:
    """In-sample, a training review's own themes look far more certain than cross-fitted."""
    reviews = ev.fictional_set()[:80]
    texts = [ev.review_text(r) for r in reviews]
    gold = [r.themes for r in reviews]
    ids = taxonomy.theme_ids()
    held = np.asarray([[t in g for t in ids] for g in gold])
    in_sample = text_model.fit(texts, gold).probabilities(texts)
    crossed = text_model.cross_fitted(texts, gold, ev.CROSS_FIT_FOLDS)
    assert in_sample[held].mean() > crossed[held].mean() > crossed[~held].mean()


def test_the_gate_counts_the_words_of_every_passage() -> None:
    assert text_model.reads(["A short review.", "Two passages."])
    at_the_gate = ["word " * (text_model.GATE_WORDS // 2)] * 2
    assert text_model.reads(at_the_gate)
    assert not text_model.reads([*at_the_gate, "one more"])
    texts = NEGLECT_WORDS + OTHER_WORDS
    model = text_model.fit(texts, _gold(texts, "neglect"))
    read = model.read(NEGLECT_WORDS)
    assert read is not None and np.array_equal(read, model.probabilities(["\n\n".join(NEGLECT_WORDS)])[0])
    assert model.read([*OTHER_WORDS * 30, *NEGLECT_WORDS]) is None


def test_a_long_review_is_decided_without_the_word_model_by_its_own_calibrator() -> None:
    shipped = tagger.TaggerSettings.load()
    assert shipped.long_text is not None and shipped.long_text.long_text is None
    assert shipped.long_text.text_weight == pytest.approx(0.0, abs=1e-3)
    assert shipped.long_text.clause_weight > 0
    summary = ["The children were hungry, dirty and infested with lice for years; nobody acted."]
    long = summary + ["In March the family was visited at home and the plan was reviewed. " * 8] * 6
    assert not text_model.reads(long)
    short_scores = tagger.sentence_scores(summary)
    long_scores = tagger.sentence_scores(long)
    assert short_scores.text is not None and long_scores.text is None
    assert shipped.for_scores(short_scores) is shipped
    assert shipped.for_scores(short_scores.with_text(None)) is shipped, (
        "the calibrator follows the parts, not the reading"
    )
    assert long_scores.long and not short_scores.long
    assert shipped.for_scores(long_scores) is shipped.long_text
    assert tagger.decide(long_scores, shipped, len(long)) == tagger.decide(long_scores, shipped.long_text, len(long))
    assert tagger.TaggerSettings.from_json(shipped.as_json()).as_json() == shipped.as_json()


def test_settings_written_before_the_word_model_load_and_ignore_it() -> None:
    raw = json.loads(resources.files("joinedup.learning").joinpath("data", "tagger_settings.json").read_text("utf-8"))
    assert "text_weight" in raw
    older = tagger.TaggerSettings.from_json({k: v for k, v in raw.items() if k not in ("text_weight", "long_text")})
    assert older.text_weight == 0.0 and older.clause_weight == raw["clause_weight"] and older.long_text is None
    similarity = np.full((1, len(taxonomy.theme_ids())), 0.6, dtype=np.float32)
    scores = tagger.SentenceScores([0], similarity, np.zeros_like(similarity), np.zeros((1, 384), np.float32))
    read = scores.with_text(np.full(len(taxonomy.theme_ids()), 0.99))
    assert tagger.decide(scores, older, 1) == tagger.decide(read, older, 1)
    shipped = tagger.TaggerSettings.load()
    sure = tagger.decide(read, shipped, 1)
    unsure = tagger.decide(scores.with_text(np.full(len(taxonomy.theme_ids()), 0.01)), shipped, 1)
    assert len(sure) > len(unsure), "the shipped settings act on the word model's reading"
