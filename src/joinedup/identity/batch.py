"""Re-link everything (``joinedup link run``): score every stored subject against every other
as one vectorised Splink batch, cluster with the same decisions and guards as ingest, and write
back only what changed.

Why a batch re-link exists beside the incremental path: after a new model is trained, or a
threshold changed, earlier decisions were made with older evidence. Re-linking keeps what a
person decided: subjects a clerk placed (``manual``, from merges and review decisions) stay
with their person and act as fixed anchors, and the clustering cannot join two such persons.
Person ids stay stable where they can: a cluster keeps the id most of its subjects already had,
so alerts, caseloads and chronologies that name a person keep naming the same child.
"""

from __future__ import annotations

import logging
import shutil
import tempfile
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import Engine

from joinedup.identity.decide import Outcome, collection_paused
from joinedup.identity.frame import comparable, signature
from joinedup.identity.link import Scorer, explanation, match
from joinedup.identity.matcher import SCORE_FLOOR, quick_enough
from joinedup.identity.model import TrainedModel
from joinedup.identity.models_store import active_model
from joinedup.identity.standardise import StandardSubject, standardise
from joinedup.storage import identity_links_repo as repo

PINNED = frozenset({"manual"})
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class RelinkReport:
    subjects: int
    persons: int
    changed: int  # links whose person or decision changed
    new_links: int  # subjects that had no link before
    review_items: int
    model_version: str


def _noop(stage: str, done: int, total: int) -> None:
    return None


ENGINES = ("duckdb", "spark")


# DuckDB's own memory for a batch; beyond it, its joins spill to a temporary folder.
DUCKDB_MEMORY = "2GB"


def lean_score(
    pending: pd.DataFrame, index: pd.DataFrame | None, model: TrainedModel, *, explain: bool = False
) -> pd.DataFrame:
    """``matcher.score`` for a big batch, lean on memory: the same Splink model on DuckDB and the
    same pairs and probabilities, but DuckDB is capped (``DUCKDB_MEMORY``, spilling to a private
    temporary folder), records are numbered for Splink instead of carrying string ids, and only
    the three columns decisions read come back, as arrays whose ids point at the frame's own
    strings: a million subjects score tens of millions of pairs, and a Python string for each
    end of each pair cost gigabytes."""
    import duckdb
    from splink import DuckDBAPI, Linker

    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.WARNING)
    settings: dict[str, Any] = model.for_dialect("duckdb")
    settings["retain_intermediate_calculation_columns"] = False
    settings["retain_matching_columns"] = False
    frames = [pending] if index is None else [pending, index]
    uids = np.concatenate([f["unique_id"].to_numpy(dtype=object) for f in frames])
    tf_columns = [c for c in pending.columns if c.startswith("tf_")]
    lookups = {}
    for tf_column in tf_columns:
        both = pd.concat([f[[tf_column[3:], tf_column]] for f in frames], ignore_index=True)
        lookups[tf_column] = both.dropna().drop_duplicates(subset=[tf_column[3:]])
    numbered = pending.drop(columns=tf_columns).assign(unique_id=np.arange(len(pending), dtype=np.int64))
    spill = tempfile.mkdtemp(prefix="joinedup-duckdb-")
    conn = duckdb.connect(
        config={"memory_limit": DUCKDB_MEMORY, "temp_directory": spill, "preserve_insertion_order": False}
    )
    parts: list[dict[str, np.ndarray[Any, Any]]] = []
    try:
        db_api = DuckDBAPI(connection=conn)
        new = db_api.register(numbered, dataset_display_name="pending")
        linker = Linker(new, settings, log_level=None)
        for tf_column, table in lookups.items():
            linker.table_management.register_term_frequency_lookup(db_api.register(table), tf_column[3:])
        predictions = []
        if len(pending) > 1:
            predictions.append(
                linker.inference.predict_within(new, threshold_match_probability=SCORE_FLOOR, warning_mode="never")
            )
        if index is not None and len(index):
            offset = np.arange(len(pending), len(pending) + len(index), dtype=np.int64)
            held = db_api.register(
                index.drop(columns=tf_columns).assign(unique_id=offset), dataset_display_name="index"
            )
            predictions.append(
                linker.inference.predict_between(
                    new, held, threshold_match_probability=SCORE_FLOOR, warning_mode="never"
                )
            )
        for predicted in predictions:
            relation = predicted.as_duckdbpyrelation()
            parts.append(relation.project("unique_id_l, unique_id_r, match_probability").fetchnumpy())
            predicted.drop_table_from_database_and_remove_from_cache()
    finally:
        conn.close()
        shutil.rmtree(spill, ignore_errors=True)
    if not parts:
        return pd.DataFrame(columns=["unique_id_l", "unique_id_r", "match_probability"])

    def joined(name: str) -> np.ndarray[Any, Any]:
        return np.concatenate([np.asarray(part[name]) for part in parts])

    left, right = uids[joined("unique_id_l").astype(np.int64)], uids[joined("unique_id_r").astype(np.int64)]
    # Each pair the way round Splink gives it with string ids (the smaller id on the left), so
    # the decisions name their clusters exactly as matcher.score's pairs would have them named.
    swap = left > right
    left[swap], right[swap] = right[swap], left[swap]
    return pd.DataFrame(
        {
            "unique_id_l": left,
            "unique_id_r": right,
            "match_probability": joined("match_probability").astype(np.float64),
        }
    )


def _scorer(name: str, pending: int = 0, index: int = 0) -> Scorer | None:
    if name == "duckdb":
        # A handful: the same model in Python (matcher.score); a batch: Splink on DuckDB, lean.
        return None if quick_enough(pending, index) else lean_score
    if name == "spark":
        from joinedup.identity.spark import spark_score  # pyspark is imported only now

        return spark_score
    raise ValueError(f"unknown engine {name!r}; choose from {', '.join(ENGINES)}")


@collection_paused()  # millions of live objects: see decide.collection_paused
def relink_all(engine: Engine, *, scoring_engine: str = "duckdb", on_progress: Progress | None = None) -> RelinkReport:
    """Re-link every stored subject, scoring with Splink on ``scoring_engine`` (``duckdb`` or
    ``spark``); returns what happened. Decisions and clustering are the same code either way."""
    _scorer(scoring_engine)  # an unknown engine fails before any work
    progress = on_progress or _noop
    with engine.connect() as conn:
        rows = repo.all_subjects_with_links(conn)
        model = active_model(conn)
    total = len(rows)
    progress("standardise", 0, total)
    subjects: list[StandardSubject] = []
    for i, row in enumerate(rows, start=1):
        subjects.append(standardise(row))
        if i % 20_000 == 0:
            progress("standardise", i, total)
    progress("standardise", total, total)
    before = {row["id"]: row for row in rows}
    pinned = [s for s in subjects if before[s.record_subject_id]["linked_decision"] in PINNED]
    free = [s for s in subjects if before[s.record_subject_id]["linked_decision"] not in PINNED]
    anchors = [
        {"id": s.record_subject_id, "person_id": before[s.record_subject_id]["linked_person_id"], **comparable(s)}
        for s in pinned
    ]
    given_counts = Counter(s.given for s in pinned if s.given)
    family_counts = Counter(s.family for s in pinned if s.family)
    progress("match", 0, total)
    scorer = _scorer(scoring_engine, len(free), len(anchors))
    outcomes, explained = match(
        free, anchors, model, dict(given_counts), dict(family_counts), len(pinned), scorer=scorer
    )
    progress("match", total, total)
    with engine.begin() as conn:
        report = _write(conn, free, pinned, before, outcomes, explained, model.version)
    progress("write", total, total)
    return report


def _assign_persons(
    free: list[StandardSubject], before: dict[int, dict[str, Any]], outcomes: dict[str, Outcome], taken: set[int]
) -> dict[str, int | None]:
    """Each new cluster keeps the person id most of its subjects had, largest clusters first;
    ``None`` where a new person is needed."""
    votes: dict[str, Counter[int]] = {}
    for s in free:
        outcome = outcomes[f"s{s.record_subject_id}"]
        if outcome.person_id is not None:
            continue
        old = before[s.record_subject_id]["linked_person_id"]
        votes.setdefault(outcome.cluster, Counter())
        if old is not None:
            votes[outcome.cluster][old] += 1
    chosen: dict[str, int | None] = {}
    for cluster, counter in sorted(votes.items(), key=lambda kv: (-sum(kv[1].values()), kv[0])):
        chosen[cluster] = next((pid for pid, _ in counter.most_common() if pid not in taken), None)
        if chosen[cluster] is not None:
            taken.add(chosen[cluster])  # type: ignore[arg-type]
    return chosen


def _write(
    conn: Any,
    free: list[StandardSubject],
    pinned: list[StandardSubject],
    before: dict[int, dict[str, Any]],
    outcomes: dict[str, Outcome],
    explained: dict[tuple[str, str], dict[str, Any]],
    model_version: str,
) -> RelinkReport:
    # A person who holds pinned subjects may still be the one a cluster keeps: after a merge
    # only the moved links are ``manual``; the person's own subjects stay free and come back.
    kept = _assign_persons(free, before, outcomes, set())
    missing = sorted(c for c, pid in kept.items() if pid is None)
    for cluster, pid in zip(missing, repo.create_persons(conn, len(missing)), strict=True):
        kept[cluster] = pid

    def person_of(outcome: Outcome) -> int:
        if outcome.person_id is not None:
            return outcome.person_id
        pid = kept[outcome.cluster]
        assert pid is not None
        return pid

    updates, inserts, profiles, reviews = [], [], [], []
    for s in free:
        outcome = outcomes[f"s{s.record_subject_id}"]
        person_id = person_of(outcome)
        link = {
            "record_subject_id": s.record_subject_id,
            "record_id": s.record_id,
            "subject_index": s.subject_index,
            "person_id": person_id,
            "decision": outcome.decision,
            "match_probability": outcome.probability,
            "model_version": model_version,
        }
        old = before[s.record_subject_id]
        if old["linked_person_id"] is None:
            inserts.append(link)
        elif (old["linked_person_id"], old["linked_decision"]) != (person_id, outcome.decision) or not _same(
            old["linked_probability"], outcome.probability
        ):
            updates.append(link)
        if outcome.decision == "review" and outcome.review_with:
            other = outcome.review_with
            candidate = (
                person_of(outcomes[other])
                if other in outcomes
                else before[int(other[1:])]["linked_person_id"]  # an anchor: "p<subject id>"
            )
            if candidate is not None and candidate != person_id:
                pair = explained.get((outcome.uid, other)) or explained.get((other, outcome.uid))
                reviews.append(
                    {
                        "record_subject_id": s.record_subject_id,
                        "provisional_person_id": person_id,
                        "candidate_person_id": candidate,
                        "match_probability": float(outcome.review_probability or 0.0),
                        "match_weight": float(pair["match_weight"]) if pair else 0.0,
                        "comparison": explanation(pair),
                        "reason": outcome.review_reason,
                    }
                )
        profiles.append(_profile(s, person_id))
    for s in pinned:
        profiles.append(_profile(s, int(before[s.record_subject_id]["linked_person_id"])))
    repo.update_links(conn, updates)
    repo.insert_links(conn, inserts)
    repo.replace_all_profiles(conn, profiles)
    repo.drop_open_review_items(conn)
    repo.insert_review_items(conn, reviews)
    persons = {p["person_id"] for p in profiles}
    return RelinkReport(
        subjects=len(free) + len(pinned),
        persons=len(persons),
        changed=len(updates),
        new_links=len(inserts),
        review_items=len(reviews),
        model_version=model_version,
    )


def _same(a: float | None, b: float | None) -> bool:
    """Probabilities equal but for floating-point rounding (engines sum weights in other orders)."""
    if a is None or b is None:
        return a is b
    return abs(float(a) - float(b)) <= 1e-9


def _profile(subject: StandardSubject, person_id: int) -> dict[str, Any]:
    fields = comparable(subject)
    return {
        "person_id": person_id,
        "signature": signature(fields),
        **fields,
        "roles": [subject.role] if subject.role else [],
    }
