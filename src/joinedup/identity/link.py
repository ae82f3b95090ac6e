"""Link every stored subject that has no person yet: the incremental path run after each ingest.

The backlog is durable (subjects with no ``subject_links`` row), so a crash between storing and
linking heals on the next run. Pending subjects are matched as one vectorised batch, against
the index (``identity_profiles``, looked up by blocking key) and among themselves, so a
three-record file and a 200,000-record file take the same path.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Connection, Engine
from sqlalchemy.exc import IntegrityError

from joinedup.identity.decide import (
    Node,
    Outcome,
    PairColumns,
    Pairs,
    collected_after,
    collection_paused,
    decide_twice,
    node_from,
    thresholds,
)
from joinedup.identity.frame import build_frame, build_rows, comparable, family_block, signature
from joinedup.identity.matcher import SCORE_FLOOR, quick_enough, score
from joinedup.identity.model import BLOCKING_COLUMNS, TrainedModel
from joinedup.identity.models_store import active_model
from joinedup.identity.quickscore import quick_pairs, scorer_for
from joinedup.identity.standardise import StandardSubject, standardise
from joinedup.storage import identity_links_repo as repo

log = logging.getLogger(__name__)
BATCH = 50_000
# Scores a pending frame (among itself and against an index frame) into scored pairs: a frame
# of uids and probabilities, or (a batch scorer) positional ``PairColumns``.
Scorer = Callable[..., pd.DataFrame | PairColumns]
# Above this many pending subjects, reading the whole index beats keyed look-ups.
WHOLE_INDEX_ABOVE = 20_000


def link_pending(engine: Engine, *, on_progress: Callable[[int], None] | None = None) -> int:
    """Link every stored subject with no person yet; returns how many were linked."""
    linked = 0
    while True:
        with engine.connect() as conn:
            rows = repo.pending_subjects(conn, BATCH)
        if not rows:
            return linked
        for attempt in range(3):
            try:
                linked += link_subjects(engine, rows)
                break
            except IntegrityError:
                # Another process linked some of these first; read the backlog again.
                log.info("linking raced another process; retrying (attempt %d)", attempt + 1)
                with engine.connect() as conn:
                    rows = repo.pending_subjects(conn, BATCH)
                if not rows:
                    return linked
        else:
            raise RuntimeError("linking kept racing another process; run `joinedup link run` to catch up")
        if on_progress is not None:
            on_progress(len(rows))


def blocking_keys(subjects: list[StandardSubject]) -> dict[str, set[Any]]:
    keys: dict[str, set[Any]] = {k: set() for k in ("nhs", "upn", "dob", "postcode", "given_canon+family_block")}
    keys["given_canon+family"] = set()
    keys["local_id"] = set()
    keys["postcode+family_block"] = set()
    for s in subjects:
        keys["local_id"].add(s.local_id)
        keys["postcode+family_block"].add((s.postcode, family_block(s.family)))
        keys["nhs"].add(s.nhs)
        keys["upn"].add(s.upn)
        keys["dob"].add(s.dob)
        keys["postcode"].add(s.postcode)
        keys["given_canon+family_block"].add((s.given_canon, family_block(s.family)))
        keys["given_canon+family"].add((s.given_canon, s.family))
    return keys


# Up to this many pending subjects, the index is read block by block: one query naming exactly
# the blocking rules' keys, so a record reads its candidate blocks and nothing else.
FEW_SUBJECTS = 50


def block_keys(subjects: list[StandardSubject]) -> list[tuple[tuple[str, ...], tuple[Any, ...]]]:
    """Each subject's key under each of the model's blocking rules (rules with an unknown
    column bring no candidates)."""
    keys: dict[tuple[tuple[str, ...], tuple[Any, ...]], None] = {}
    for s in subjects:
        fields = comparable(s)
        for rule in BLOCKING_COLUMNS:
            # A family name implies its sound-alike key; naming both lets the database search
            # the (given_canon, family_block) index instead of every holder of the surname
            # (the same rows, found ten times faster at a million profiles).
            columns = (*rule, "family_block") if "family" in rule and "family_block" not in rule else rule
            values = tuple(fields[c] for c in columns)
            if all(v is not None for v in values):
                keys[(columns, values)] = None
    return list(keys)


def index_candidates(conn: Connection, subjects: list[StandardSubject]) -> list[dict[str, Any]]:
    """Stored profiles that share a blocking key with any of ``subjects``."""
    if len(subjects) > WHOLE_INDEX_ABOVE:
        return repo.all_profiles(conn)
    if len(subjects) <= FEW_SUBJECTS:
        return repo.profiles_in_blocks(conn, block_keys(subjects))
    return repo.candidate_profiles(conn, blocking_keys(subjects))


def link_subjects(engine: Engine, rows: list[dict[str, Any]]) -> int:
    """Link these stored subjects (rows of ``record_subjects``) as one batch: among themselves and
    against the index, in one transaction. Public so the pipeline can link exactly the queued
    records' subjects; a unique-link race surfaces as ``IntegrityError`` for the caller to heal
    with ``link_pending``. Returns how many were linked."""
    subjects = [standardise(row) for row in rows]
    with engine.connect() as conn:
        model = active_model(conn)
        profiles = index_candidates(conn, subjects)
        givens = {s.given for s in subjects if s.given}
        families = {s.family for s in subjects if s.family}
        given_counts, family_counts, total = repo.name_counts(conn, givens, families)
    outcomes, pairs_by_uid = match(subjects, profiles, model, given_counts, family_counts, total)
    with engine.begin() as conn:
        _write(conn, subjects, outcomes, pairs_by_uid, model)
    return len(subjects)


@collection_paused()
def match(
    subjects: list[StandardSubject],
    profiles: list[dict[str, Any]],
    model: TrainedModel,
    given_counts: dict[str, int],
    family_counts: dict[str, int],
    total: int,
    scorer: Scorer | None = None,
) -> tuple[dict[str, Outcome], dict[tuple[str, str], dict[str, Any]]]:
    """Score and decide, without touching the database (shared with evaluation). ``scorer``
    replaces the DuckDB scorer (``matcher.score``), e.g. by Spark's for ``--engine spark``.

    A little work (one record against its candidate blocks) is scored in Python on plain rows,
    with no DataFrame and no DuckDB; a batch goes to Splink as frames."""
    pending_nodes: list[Node] = []

    def fields_of() -> Iterator[tuple[str, dict[str, object]]]:
        """Each subject's compared fields, its node made on the way: made once and let go, as
        a million dictionaries held at once would cost a gigabyte."""
        for s in subjects:
            uid = f"s{s.record_subject_id}"
            compared = comparable(s)
            pending_nodes.append(node_from(uid, None, s.record_id, compared))
            yield uid, compared

    # Pending subjects count towards name frequencies too: a batch is part of the population.
    for s in subjects:
        if s.given:
            given_counts[s.given] = given_counts.get(s.given, 0) + 1
        if s.family:
            family_counts[s.family] = family_counts.get(s.family, 0) + 1
    total += len(subjects)
    index_rows = [(f"p{p['id']}", {k: p[k] for k in repo.PROFILE_FIELDS}) for p in profiles]
    rows_of: Callable[[set[str]], dict[str, dict[str, Any]]]
    found: list[dict[str, Any]] | None = None
    fields: list[tuple[str, dict[str, object]]] | None = None
    pairs: Pairs
    new: list[dict[str, Any]] = []
    held: list[dict[str, Any]] = []
    if scorer is None and quick_enough(len(subjects), len(index_rows)):
        fields = list(fields_of())
        new = build_rows(fields, given_counts, family_counts, total)
        held = build_rows(index_rows, given_counts, family_counts, total)
        try:
            found = quick_pairs(new, held, model, SCORE_FLOOR)
        except ValueError:  # a model of another shape: Splink scores it
            found = None
    if found is not None:
        pairs = [(f["unique_id_l"], f["unique_id_r"], f["match_probability"]) for f in found]
        by_uid = {str(r["unique_id"]): r for r in [*new, *held]}

        def rows_of(uids: set[str]) -> dict[str, dict[str, Any]]:
            return {uid: by_uid[uid] for uid in uids if uid in by_uid}
    else:
        pending_frame = build_frame(fields_of() if fields is None else fields, given_counts, family_counts, total)
        index_frame = build_frame(index_rows, given_counts, family_counts, total) if index_rows else None
        with collected_after():
            scored = (scorer or score)(pending_frame, index_frame, model, explain=False)
        if isinstance(scored, PairColumns):
            pairs = scored
        else:
            pairs = PairColumns(
                scored["unique_id_l"].to_numpy(dtype=object),
                scored["unique_id_r"].to_numpy(dtype=object),
                scored["match_probability"].to_numpy(dtype=np.float64),
            )
        del scored

        def rows_of(uids: set[str]) -> dict[str, dict[str, Any]]:
            return _frame_rows(uids, pending_frame, index_frame)

    profile_nodes = [node_from(f"p{p['id']}", p["person_id"], None, p) for p in profiles]
    # Decide, then again with household context from the first pass's clusters.
    outcomes = decide_twice(
        pending_nodes,
        profile_nodes,
        pairs,
        lambda first: household_boost(subjects, pairs, first),
        raised_at_most=HOUSEHOLD_RAISED_AT_MOST,
    )
    return outcomes, _explain_reviews(outcomes, rows_of, model)


def _frame_rows(uids: set[str], pending: pd.DataFrame, index: pd.DataFrame | None) -> dict[str, dict[str, Any]]:
    frames = [pending] if index is None else [pending, index]
    rows: dict[str, dict[str, Any]] = {}
    for frame in frames:
        chosen = frame[frame["unique_id"].isin(uids)]
        for row in chosen.astype(object).where(chosen.notna(), None).to_dict("records"):
            rows[str(row["unique_id"])] = row
    return rows


def _explain_reviews(
    outcomes: dict[str, Outcome], rows_of: Callable[[set[str]], dict[str, dict[str, Any]]], model: TrainedModel
) -> dict[tuple[str, str], dict[str, Any]]:
    """Per-comparison weights for the pairs a clerk will review, and only those: carrying them
    for every scored pair of a million-subject batch would cost gigabytes."""
    wanted = [(o.uid, o.review_with) for o in outcomes.values() if o.review_with]
    if not wanted:
        return {}
    try:
        scorer = scorer_for(model)
    except ValueError:
        return {}
    rows = rows_of({uid for pair in wanted for uid in pair})
    return {(a, b): scorer.score(rows[a], rows[b]) for a, b in wanted if a in rows and b in rows}


# Two subjects who each appear on a record beside one and the same person (a child's mother on
# two records about that child) are far likelier one person than their own fields say. The
# Bayes factor is deliberately modest (2^10): it lifts a plausible pair over the line, never an
# implausible one, and the guards (names, sex, ids) still apply to every boosted pair.
HOUSEHOLD_FLOOR = 0.2
HOUSEHOLD_BAYES_FACTOR = 2.0**10
HOUSEHOLD_CEILING = 0.999  # pairs this likely need no help
# Below this, a pair with no trusted id shared can change no decision: it is under the review
# band, and too unlikely for household context to raise. A batch scorer may leave such pairs out.
DECISION_FLOOR = min(HOUSEHOLD_FLOOR, thresholds().review)


def _boosted(p: float) -> float:
    odds = p / (1.0 - p) * HOUSEHOLD_BAYES_FACTOR
    return odds / (1.0 + odds)


# The most household context can raise a probability to (a pair just under the ceiling).
HOUSEHOLD_RAISED_AT_MOST = _boosted(HOUSEHOLD_CEILING)


def household_boost(subjects: list[StandardSubject], pairs: Pairs, outcomes: dict[str, Outcome]) -> Pairs:
    """``pairs`` with the probability of pairs sharing a co-subject raised; the same object when
    none does. Co-subjects are read from a first pass of decisions over the batch."""
    by_record: dict[int, list[str]] = {}
    for s in subjects:
        by_record.setdefault(s.record_id, []).append(f"s{s.record_subject_id}")
    if all(len(uids) == 1 for uids in by_record.values()):
        return pairs
    record_of = {f"s{s.record_subject_id}": s.record_id for s in subjects}
    uid_at = [f"s{s.record_subject_id}" for s in subjects]  # positional pairs: index rows are no subject

    def co_clusters(uid: str) -> set[str]:
        return {outcomes[v].cluster for v in by_record[record_of[uid]] if v != uid}

    def shares_household(a: str, b: str) -> bool:
        return (
            a in outcomes
            and b in outcomes
            and outcomes[a].cluster != outcomes[b].cluster
            and bool(co_clusters(a) & co_clusters(b))
        )

    boosted = _boosted

    if isinstance(pairs, PairColumns):
        probability = pairs.probability
        raised: np.ndarray[Any, Any] | None = None
        # Only pairs in the band can be raised; the test runs on those alone.
        for k in np.flatnonzero((probability >= HOUSEHOLD_FLOOR) & (probability < HOUSEHOLD_CEILING)).tolist():
            a, b = pairs.left[k], pairs.right[k]
            if pairs.positional:
                a, b = (uid_at[a] if a < len(uid_at) else ""), (uid_at[b] if b < len(uid_at) else "")
            if shares_household(a, b):
                if raised is None:
                    raised = probability.copy()
                raised[k] = boosted(float(probability[k]))
        return pairs if raised is None else PairColumns(pairs.left, pairs.right, raised, pairs.positional)
    listed = list(pairs)
    changed = False
    result = []
    for a, b, p in listed:
        if HOUSEHOLD_FLOOR <= p < HOUSEHOLD_CEILING and shares_household(a, b):
            result.append((a, b, boosted(p)))
            changed = True
        else:
            result.append((a, b, p))
    return result if changed else pairs


def explanation(pair: dict[str, Any] | None) -> dict[str, Any] | None:
    """Match weight (log2 Bayes factor) each comparison contributed, term frequency included."""
    if pair is None:
        return None
    weights: dict[str, Any] = {}
    for key, value in pair.items():
        if key.startswith("mw_") and not key.startswith("mw_tf_adj_") and value is not None:
            name = key[3:]
            adjustment = pair.get(f"mw_tf_adj_{name}") or 0.0
            weights[name] = {"match_weight": round(float(value) + float(adjustment), 3)}
    return weights


def _write(
    conn: Connection,
    subjects: list[StandardSubject],
    outcomes: dict[str, Outcome],
    explained: dict[tuple[str, str], dict[str, Any]],
    model: TrainedModel,
) -> None:
    new_clusters = sorted({o.cluster for o in outcomes.values() if o.person_id is None})
    person_ids = dict(zip(new_clusters, repo.create_persons(conn, len(new_clusters)), strict=True))

    def person_of(outcome: Outcome) -> int:
        return outcome.person_id if outcome.person_id is not None else person_ids[outcome.cluster]

    links = []
    profiles = []
    reviews = []
    for subject in subjects:
        outcome = outcomes[f"s{subject.record_subject_id}"]
        person_id = person_of(outcome)
        links.append(
            {
                "record_subject_id": subject.record_subject_id,
                "record_id": subject.record_id,
                "subject_index": subject.subject_index,
                "person_id": person_id,
                "decision": outcome.decision,
                "match_probability": outcome.probability,
                "model_version": model.version,
            }
        )
        fields = comparable(subject)
        profiles.append(
            {
                "person_id": person_id,
                "signature": signature(fields),
                **fields,
                "roles": [subject.role] if subject.role else [],
            }
        )
        if outcome.decision == "review" and outcome.review_with:
            other = outcome.review_with
            candidate = _person_of_uid(other, outcomes, person_of, conn)
            if candidate is not None and candidate != person_id:
                pair = explained.get((outcome.uid, other)) or explained.get((other, outcome.uid))
                reviews.append(
                    {
                        "record_subject_id": subject.record_subject_id,
                        "provisional_person_id": person_id,
                        "candidate_person_id": candidate,
                        "match_probability": float(outcome.review_probability or 0.0),
                        "match_weight": float(pair["match_weight"]) if pair else 0.0,
                        "comparison": explanation(pair),
                        "reason": outcome.review_reason,
                    }
                )
    repo.insert_links(conn, links)
    repo.add_profiles(conn, profiles)
    repo.insert_review_items(conn, reviews)


def _person_of_uid(
    uid: str, outcomes: dict[str, Outcome], person_of: Callable[[Outcome], int], conn: Connection
) -> int | None:
    if uid in outcomes:
        return person_of(outcomes[uid])
    return repo.person_of_profile(conn, int(uid[1:]))
