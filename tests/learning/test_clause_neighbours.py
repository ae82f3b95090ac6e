"""The clause neighbours: their training data (the clauses readers marked as each theme's
evidence) is well formed and never touches a test review, the shipped neighbours are the ones
that data gives, and marking a clause teaches the tagger that wording."""

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


def test_the_shipped_clause_neighbours_were_made_from_the_shipped_data() -> None:
    neighbours = tagger.shipped_clause_neighbours()
    marked = tagger.clause_evidence()
    assert neighbours.vectors.shape[1] == 384 and neighbours.labels.shape[1] == len(taxonomy.theme_ids())
    assert len(neighbours.vectors) == len(neighbours.labels) >= sum(len(c) for c in marked.values())
    assert int((neighbours.labels == 1).sum()) == sum(len(t) for c in marked.values() for t in c.values())
    settings = tagger.TaggerSettings.load()
    assert settings.clause_weight > 0, "the shipped calibrator must use the clause neighbours"


def test_neighbours_saved_from_other_data_are_refused(tmp_path: Path) -> None:
    import numpy as np

    neighbours = tagger.shipped_clause_neighbours()
    stale = tmp_path / "clause_neighbours.npz"
    np.savez(stale, vectors=neighbours.vectors, labels=neighbours.labels, key=np.asarray("0000000000000000"))
    with pytest.raises(ModelUnavailable, match=r"python -m joinedup\.learning\.evaluate"):
        tagger.load_clause_neighbours(stale)
    fresh = tmp_path / "fresh.npz"
    tagger.write_clause_neighbours(neighbours, fresh)
    again = tagger.load_clause_neighbours(fresh)
    assert np.array_equal(again.labels, neighbours.labels)
    assert np.allclose(again.vectors, neighbours.vectors, atol=1e-3)


def test_marking_a_clause_teaches_the_neighbours_that_wording() -> None:
    """An implied finding the definitions do not teach scores higher once readers mark it, and
    a clause of a review that holds the theme without being marked casts no vote."""
    import numpy as np

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
    unmarked_only = tagger.clause_labels(units, themes, {})
    probe = embedding.encode(["Two older siblings had been taken into care in another area years before."])
    before = float(tagger.clause_neighbours([]).scores(probe)[0, again])
    after = float(tagger.clause_neighbours([(vectors, labels)]).scores(probe)[0, again])
    no_vote = float(tagger.clause_neighbours([(vectors, unmarked_only)]).scores(probe)[0, again])
    assert after > before == no_vote
    taught = tagger.clause_neighbours([(vectors, labels)])
    many = np.concatenate([vectors, probe, vectors])
    assert np.array_equal(taught.scores(many, block=4), taught.scores(many)), "scoring in blocks changes nothing"
    absent = tagger.clause_labels(units, frozenset({"neglect"}), {u: frozenset({"neglect"}) for u in marked})
    assert float(tagger.clause_neighbours([(vectors, absent)]).scores(probe)[0, again]) < before


def test_cross_fitted_scores_do_not_come_from_a_classifier_trained_on_the_same_review() -> None:
    """A review's own marked clauses score higher against neighbours that include them than
    cross-fitted: the calibrator is fitted on the cross-fitted ones, which look like a new
    review's."""
    import numpy as np

    reviews = ev.fictional_set()[:24]
    scores = ev.sentence_scores(reviews)
    in_sample = [sc.with_clause_neighbours(ev.clause_neighbours_for(reviews, scores)) for sc in scores]
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
