"""The neutral sentences: invented routine lines that evidence no theme, taught to the long-text
prototype classifier and clause neighbours as negatives for every theme, so that a long
review's routine chronology is not read as findings, while a summary is scored as before. The
routine lines tested here are invented and are in neither the data file nor the padding
checks of research/long_reviews.py."""

from __future__ import annotations

import numpy as np

from joinedup.learning import tagger, taxonomy, text_model

ROUTINE = [
    "On 4 April the optician tested the child's eyes and found her vision was normal.",
    "The family's tenancy was renewed for a further twelve months in the autumn.",
    "The midwife discharged the mother and baby to the health visitor at ten days, as planned.",
    "This part of the report describes the services each agency provided to the family.",
    "The child took part in the nativity play at nursery in December.",
]
FINDING = "Nobody asked who the new man living in the home was or checked his background."


def test_the_data_file_holds_distinct_sentences_that_are_not_theme_texts() -> None:
    neutral = tagger.neutral_sentences()
    assert len(neutral) >= 500 and len(set(neutral)) == len(neutral)
    assert all(5 <= len(s.split()) <= 40 for s in neutral)
    themes = {t for theme in taxonomy.themes() for t in (theme.definition, *theme.exemplars)}
    assert not themes & set(neutral)
    assert not set(ROUTINE) & set(neutral)
    texts, owners = tagger._prototype_texts(neutral=True)
    assert owners.count(tagger.NEUTRAL) == len(neutral)
    assert [t for t, o in zip(texts, owners, strict=True) if o == tagger.NEUTRAL] == list(neutral)
    assert tagger.NEUTRAL not in tagger._prototype_texts()[1], "summaries are scored without them"


def test_the_long_text_classifier_reads_routine_lines_lower_and_findings_still_as_findings() -> None:
    routine = tagger.prototype_vectors(ROUTINE)
    before = tagger.probabilities(routine, *tagger._classifier()).max(axis=1)
    after = tagger.probabilities(routine, *tagger._classifier(neutral=True)).max(axis=1)
    assert after.mean() < before.mean() - 0.1, (before, after)
    finding = tagger.prototype_vectors([FINDING])
    unknown = taxonomy.theme_ids().index("unknown_adult_males")
    assert tagger.probabilities(finding, *tagger._classifier(neutral=True))[0, unknown] > 0.5


def test_the_long_text_neighbours_are_the_shipped_ones_with_the_neutral_clauses_voting_no() -> None:
    short = tagger.shipped_clause_neighbours()
    long = tagger.shipped_long_clause_neighbours()
    vectors, labels = tagger.neutral_clauses()
    n = len(vectors)
    assert n >= len(tagger.neutral_sentences()) and (labels == 0).all()
    assert len(long.vectors) == len(short.vectors) + n
    assert np.array_equal(long.labels[:-n], short.labels) and (long.labels[-n:] == 0).all()
    routine = tagger.prototype_vectors(ROUTINE)
    assert long.scores(routine).max(axis=1).mean() < short.scores(routine).max(axis=1).mean()


def test_a_long_review_is_scored_by_the_long_text_parts_and_a_summary_by_the_others() -> None:
    summary = [FINDING]
    long = summary + [" ".join(ROUTINE)] * 4
    assert text_model.reads(summary) and not text_model.reads(long)
    short_scores = tagger.sentence_scores(summary)
    long_scores = tagger.sentence_scores(long)
    assert np.allclose(
        short_scores.similarity, tagger.probabilities(short_scores.sentence_vectors, *tagger._classifier())
    )
    assert np.allclose(
        long_scores.similarity, tagger.probabilities(long_scores.sentence_vectors, *tagger._classifier(neutral=True))
    )
    assert long_scores.clause is not None and short_scores.clause is not None
    assert np.allclose(long_scores.clause, tagger.shipped_long_clause_neighbours().scores(long_scores.sentence_vectors))
    assert np.allclose(short_scores.clause, tagger.shipped_clause_neighbours().scores(short_scores.sentence_vectors))
    assert np.array_equal(long_scores.for_long_text().similarity, long_scores.similarity)
