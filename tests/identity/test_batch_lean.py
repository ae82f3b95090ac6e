"""The lean batch scorer (``batch.lean_score``: identical subjects scored once, pairs spread back
to every copy, pairs that can change no decision left out, numbered rows) must decide exactly
what Splink's own scorer (``matcher.score``: every pair of every subject, string ids) decides:
the same person, cluster, decision, probability, review pair, reason and explanation for every
subject, within a batch and against an index of stored profiles."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest

from joinedup.identity.batch import _variants, lean_score
from joinedup.identity.decide import Outcome
from joinedup.identity.eval_runs import synth_subjects
from joinedup.identity.frame import build_frame, comparable
from joinedup.identity.link import explanation, match
from joinedup.identity.matcher import score
from joinedup.identity.model import default_model
from joinedup.identity.standardise import StandardSubject
from joinedup.storage.identity_links_repo import PROFILE_FIELDS
from joinedup.synth import SynthConfig, synthesise


@pytest.fixture(scope="module")
def subjects(tmp_path_factory: pytest.TempPathFactory) -> list[StandardSubject]:
    out: Path = tmp_path_factory.mktemp("lean") / "synth"
    synthesise(SynthConfig(children=80, years=2, seed=5, start=date(2023, 6, 1)), out, workers=1)
    found, _, _ = synth_subjects(out)
    return found


def _everything(
    outcomes: dict[str, Outcome], explained: dict[tuple[str, str], dict[str, Any]]
) -> dict[str, tuple[Any, ...]]:
    seen = {}
    for uid, o in outcomes.items():
        pair = None
        if o.review_with:
            pair = explained.get((uid, o.review_with)) or explained.get((o.review_with, uid))
        seen[uid] = (
            o.person_id,
            o.cluster,
            o.decision,
            o.probability,
            o.review_with,
            o.review_probability,
            o.review_reason,
            explanation(pair),
        )
    return seen


def test_the_batch_repeats_subjects_so_the_lean_scorer_has_variants_to_share(
    subjects: list[StandardSubject],
) -> None:
    frame = build_frame([(f"s{s.record_subject_id}", comparable(s)) for s in subjects], {}, {}, len(subjects))
    group, firsts = _variants(frame)
    assert len(firsts) < len(subjects) * 0.8  # many subjects repeat a variant exactly
    assert int(group.max()) + 1 == len(firsts)
    # Rows of one group compare identically (unique ids aside).
    for g in (0, len(firsts) // 2, len(firsts) - 1):
        rows = frame[group == g].drop(columns=["unique_id"]).astype(str)
        assert (rows.nunique() <= 1).all()


def test_lean_scorer_decides_as_splinks_own_scorer_within_a_batch(subjects: list[StandardSubject]) -> None:
    model = default_model()
    plain = _everything(*match(subjects, [], model, {}, {}, 0, scorer=score))
    lean = _everything(*match(subjects, [], model, {}, {}, 0, scorer=lean_score))
    assert lean == plain
    decisions = {v[2] for v in lean.values()}
    assert {"auto_link", "new_person"} <= decisions  # the comparison covers real decisions


def test_lean_scorer_decides_as_splinks_own_scorer_against_stored_profiles(
    subjects: list[StandardSubject],
) -> None:
    model = default_model()
    half = len(subjects) // 2
    stored, pending = subjects[:half], subjects[half:]
    first, _ = match(stored, [], model, {}, {}, 0, scorer=lean_score)
    persons = {c: n for n, c in enumerate(sorted({o.cluster for o in first.values()}), start=1)}
    profiles = [
        {
            "id": s.record_subject_id,
            "person_id": persons[first[f"s{s.record_subject_id}"].cluster],
            **{k: comparable(s)[k] for k in PROFILE_FIELDS},
        }
        for s in stored
    ]
    given = {s.given: 0 for s in stored if s.given}
    family = {s.family: 0 for s in stored if s.family}
    for s in stored:
        if s.given:
            given[s.given] += 1
        if s.family:
            family[s.family] += 1
    plain = _everything(*match(pending, profiles, model, dict(given), dict(family), half, scorer=score))
    lean = _everything(*match(pending, profiles, model, dict(given), dict(family), half, scorer=lean_score))
    assert lean == plain
    assert any(v[0] is not None for v in lean.values())  # some linked to a stored person
