"""The clause classifier: its training data (the clauses readers marked as each theme's
evidence) is well formed and never touches a test review, the shipped weights are the ones that
data gives, and marking a clause teaches the classifier that wording."""

from __future__ import annotations

from pathlib import Path

import pytest

from joinedup.learning import evaluate as ev
from joinedup.learning import tagger, taxonomy
from joinedup.learning.clean import clean_pages
from joinedup.learning.errors import ModelUnavailable
from joinedup.learning.passages import split_passages


def _clauses(text: str) -> list[str]:
    passages = [p.text for p in split_passages(clean_pages([text]), paged=False)]
    return tagger._units(passages)[0]


def test_marked_clauses_belong_to_dev_or_fictional_reviews_and_to_their_themes() -> None:
    marked = tagger.clause_evidence()
    training = {r.id: r for r in ev.labelled_set() if r.split == "dev"} | {r.id: r for r in ev.fictional_set()}
    test_ids = {r.id for r in ev.labelled_set() if r.split == "test"}
    assert not set(marked) & test_ids, "a test review's clauses would leak into the shipped classifier"
    assert set(marked) == set(training), "every training review has its clauses marked"
    known = set(taxonomy.theme_ids())
    for review_id, clauses in marked.items():
        review = training[review_id]
        units = set(_clauses(review.text))
        for text, themes in clauses.items():
            # the splitter cutting clauses differently would silently drop the marks
            assert text in units, f"{review_id}: marked clause is no longer a clause: {text[:60]!r}"
            assert themes and themes <= review.themes <= known, review_id
        covered = {t for themes in clauses.values() for t in themes}
        assert covered == review.themes, f"{review_id}: themes with no marked clause {review.themes - covered}"


def test_clause_labels_mark_evidence_leave_out_unmarked_clauses_of_held_themes_and_refuse_absent_ones() -> None:
    ids = taxonomy.theme_ids()
    units = ("The older children had been removed elsewhere.", "The family moved twice.")
    labels = tagger.clause_labels(
        units,
        frozenset({"start_again_syndrome", "transient_families"}),
        {units[0]: frozenset({"start_again_syndrome"}), units[1]: frozenset({"transient_families"})},
    )
    again, moved, neglect = ids.index("start_again_syndrome"), ids.index("transient_families"), ids.index("neglect")
    assert labels[0, again] == 1 and labels[1, again] == -1  # held theme, clause not marked: left out
    assert labels[1, moved] == 1 and labels[0, moved] == -1
    assert (labels[:, neglect] == 0).all()  # the review does not hold neglect: both are negatives


def test_the_shipped_clause_classifier_was_fitted_from_the_shipped_data() -> None:
    weights, biases = tagger.shipped_clause_classifier()
    assert weights.shape == (len(taxonomy.theme_ids()), 384) and biases.shape == (len(taxonomy.theme_ids()),)
    settings = tagger.TaggerSettings.load()
    assert settings.clause_weight > 0, "the shipped calibrator must use the clause classifier"


def test_a_classifier_saved_from_other_data_is_refused(tmp_path: Path) -> None:
    import numpy as np

    weights, biases = tagger.shipped_clause_classifier()
    stale = tmp_path / "clause_classifier.npz"
    np.savez(stale, weights=weights, biases=biases, key=np.asarray("0000000000000000"))
    with pytest.raises(ModelUnavailable, match=r"python -m joinedup\.learning\.evaluate"):
        tagger.load_clause_classifier(stale)
    fresh = tmp_path / "fresh.npz"
    tagger.write_clause_classifier(weights, biases, fresh)
    assert np.array_equal(tagger.load_clause_classifier(fresh)[0], weights)


def test_marking_a_clause_teaches_the_classifier_that_wording() -> None:
    """An implied finding the definitions do not teach scores higher once readers mark it."""
    from joinedup.learning import embedding

    ids = taxonomy.theme_ids()
    again = ids.index("start_again_syndrome")
    marked = [
        "Her three older children had been removed by another council before she moved here.",
        "The midwife recorded no social history although two siblings were in care elsewhere.",
        "Nobody asked the previous authority why the older brothers were adopted.",
    ]
    plain = ["The family moved into a two-bedroom flat near the school.", "The baby was weighed at clinic."]
    units = tuple(marked + plain)
    vectors = embedding.encode(list(units))
    themes = frozenset({"start_again_syndrome"})
    labels = tagger.clause_labels(units, themes, {u: themes for u in marked})
    without = tagger.fit_clause_classifier([])
    taught = tagger.fit_clause_classifier([(vectors, labels)])
    probe = embedding.encode(["Two older siblings had been taken into care in another area years before."])
    before = float(tagger.probabilities(probe, *without)[0, again])
    after = float(tagger.probabilities(probe, *taught)[0, again])
    assert after > before
    assert float(tagger.probabilities(vectors[3:4], *taught)[0, again]) < after


def test_cross_fitted_scores_do_not_come_from_a_classifier_trained_on_the_same_review() -> None:
    """A review's own marked clauses score higher in-sample than cross-fitted: the calibrator
    is fitted on the cross-fitted ones, which look like a new review's."""
    import numpy as np

    reviews = ev.fictional_set()[:24]
    scores = ev.sentence_scores(reviews)
    in_sample = [sc.with_clause_classifier(*ev.clause_classifier_for(reviews, scores)) for sc in scores]
    crossed = ev.cross_fitted(reviews, scores)
    marked = tagger.clause_evidence()
    ids = taxonomy.theme_ids()

    def mean_marked(found: list[tagger.SentenceScores]) -> float:
        values = []
        for review, sc in zip(reviews, found, strict=True):
            labels = tagger.clause_labels(sc.units, review.themes, marked[review.id])
            assert sc.clause is not None
            values.extend(sc.clause[labels == 1].tolist())
        return float(np.mean(values))

    assert len(crossed) == len(reviews) and all(sc.clause is not None for sc in crossed)
    assert mean_marked(in_sample) > mean_marked(crossed)
    assert crossed[0].clause is not None and crossed[0].clause.shape == (len(crossed[0].units), len(ids))
