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

from joinedup.identity.decide import Outcome, PairColumns, collection_paused
from joinedup.identity.frame import comparable, signature
from joinedup.identity.link import DECISION_FLOOR, Scorer, explanation, match
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
# Names of the columns lean_score adds to the frame Splink reads (none is a model column).
_GROUP = "joinedup_group"


def _variants(frame: pd.DataFrame) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Which rows of ``frame`` compare identically (every column but ``unique_id`` equal, unknowns
    equal to unknowns): ``(group of each row, first row of each group)``, groups numbered in the
    order their first rows come. A child's records from one agency mostly carry the same details,
    so a batch holds far fewer distinct variants than subjects (a third, in our synth)."""
    codes = []
    for column in frame.columns:
        if column == "unique_id":
            continue
        values = frame[column]
        first = values.first_valid_index()
        if values.dtype == object and first is not None and isinstance(values[first], list | np.ndarray):
            values = pd.Series([tuple(v) if isinstance(v, list | np.ndarray) else v for v in values], dtype=object)
        codes.append(pd.factorize(values, use_na_sentinel=True)[0])
    if not codes:
        return np.zeros(len(frame), dtype=np.int64), np.zeros(min(len(frame), 1), dtype=np.int64)
    _, first, group = np.unique(np.stack(codes, axis=1), axis=0, return_index=True, return_inverse=True)
    group = np.asarray(group).reshape(-1)
    # Number groups by their first row, so representatives keep the frame's order.
    renumber = np.empty(len(first), dtype=np.int64)
    order = np.argsort(first, kind="stable")
    renumber[order] = np.arange(len(first))
    return renumber[group], np.sort(first)


def _members(group: np.ndarray[Any, Any], groups: int) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Rows by group: ``rows[start[g]:start[g + 1]]`` are group ``g``'s rows, in frame order."""
    rows = np.argsort(group, kind="stable")
    start = np.zeros(groups + 1, dtype=np.int64)
    np.cumsum(np.bincount(group, minlength=groups), out=start[1:])
    return rows, start


def _expand(
    gl: np.ndarray[Any, Any],
    gr: np.ndarray[Any, Any],
    rows: np.ndarray[Any, Any],
    start: np.ndarray[Any, Any],
    right_rows: np.ndarray[Any, Any] | None = None,
    right_start: np.ndarray[Any, Any] | None = None,
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Every pair of a member of group ``gl[k]`` with a member of group ``gr[k]``: ``(left row,
    right row, k)``. The right groups are ``right_rows``/``right_start``'s (the left's if none)."""
    right_rows = rows if right_rows is None else right_rows
    right_start = start if right_start is None else right_start
    m = start[gl + 1] - start[gl]
    n = right_start[gr + 1] - right_start[gr]
    counts = m * n
    k = np.repeat(np.arange(len(gl), dtype=np.int64), counts)
    within = np.arange(len(k), dtype=np.int64) - np.repeat(np.cumsum(counts) - counts, counts)
    width = n[k]
    left = rows[start[gl][k] + within // width]
    right = right_rows[right_start[gr][k] + within % width]
    return left, right, k


def _within(
    groups: np.ndarray[Any, Any], rows: np.ndarray[Any, Any], start: np.ndarray[Any, Any]
) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """Every pair of two members of one of ``groups``: ``(row, later row, k)``."""
    lefts, rights, ks = [], [], []
    sizes = start[groups + 1] - start[groups]
    for size in np.unique(sizes).tolist():
        if size < 2:
            continue
        chosen = np.flatnonzero(sizes == size)
        i, j = np.triu_indices(size, 1)
        base = start[groups[chosen]][:, None]
        lefts.append(rows[(base + i).reshape(-1)])
        rights.append(rows[(base + j).reshape(-1)])
        ks.append(np.repeat(chosen, len(i)))
    if not ks:
        empty = np.zeros(0, dtype=np.int64)
        return empty, empty, empty
    return np.concatenate(lefts), np.concatenate(rights), np.concatenate(ks)


def lean_score(
    pending: pd.DataFrame, index: pd.DataFrame | None, model: TrainedModel, *, explain: bool = False
) -> PairColumns:
    """``matcher.score`` for a big batch, lean on memory and time: the same Splink model on
    DuckDB and the same pairs and probabilities, with only the pairs that can change a decision
    kept (``link.DECISION_FLOOR``, or a trusted id shared), returned as positions in
    ``[*pending rows, *index rows]`` (``PairColumns.positional``).

    - Identical pending rows are scored once: Splink scores one row of each variant against the
      others and against the index, two copies of each repeated variant against each other
      (blocked by the same rules, so they pair exactly when two such rows would), and the pairs
      are then spread to every row of each variant. Splink computes a pair's probability from
      the two rows' values alone, so every pair carries the probability it would have had.
    - DuckDB is capped (``DUCKDB_MEMORY``, spilling to a private temporary folder), rows are
      numbered instead of carrying string ids, and only the three columns decisions read come
      back, as arrays."""
    import duckdb
    from splink import DuckDBAPI, Linker

    for name in ("splink", "splink.internals"):
        logging.getLogger(name).setLevel(logging.WARNING)
    settings: dict[str, Any] = model.for_dialect("duckdb")
    settings["retain_intermediate_calculation_columns"] = False
    settings["retain_matching_columns"] = False
    frames = [pending] if index is None else [pending, index]
    tf_columns = [c for c in pending.columns if c.startswith("tf_")]
    lookups = {}
    for tf_column in tf_columns:
        both = pd.concat([f[[tf_column[3:], tf_column]] for f in frames], ignore_index=True)
        lookups[tf_column] = both.dropna().drop_duplicates(subset=[tf_column[3:]])
    group, firsts = _variants(pending)
    rows, start = _members(group, len(firsts))
    sizes = start[1:] - start[:-1]
    reps = pending.iloc[firsts].drop(columns=tf_columns)
    reps = reps.assign(unique_id=np.arange(len(reps), dtype=np.int64))
    repeated = np.flatnonzero(sizes > 1)
    floor = DECISION_FLOOR
    nhs = _ids(pending, "nhs", index)
    upn = _ids(pending, "upn", index)
    spill = tempfile.mkdtemp(prefix="joinedup-duckdb-")
    conn = duckdb.connect(
        config={"memory_limit": DUCKDB_MEMORY, "temp_directory": spill, "preserve_insertion_order": False}
    )
    lefts, rights, probabilities = [], [], []

    def keep(left: np.ndarray[Any, Any], right: np.ndarray[Any, Any], p: np.ndarray[Any, Any]) -> None:
        """Keep the pairs (rows of [*pending, *index]) that can change a decision."""
        wanted = p >= floor
        for codes in (nhs, upn):
            wanted |= (codes[left] >= 0) & (codes[left] == codes[right])
        lefts.append(left[wanted])
        rights.append(right[wanted])
        probabilities.append(p[wanted])

    try:
        db_api = DuckDBAPI(connection=conn)
        new = db_api.register(reps, dataset_display_name="pending")
        linker = Linker(new, settings, log_level=None)
        for tf_column, table in lookups.items():
            linker.table_management.register_term_frequency_lookup(db_api.register(table), tf_column[3:])
        if len(reps) > 1:
            gl, gr, p = _fetch(
                linker.inference.predict_within(new, threshold_match_probability=SCORE_FLOOR, warning_mode="never")
            )
            left, right, k = _expand(gl, gr, rows, start)
            keep(left, right, p[k])
        if len(repeated):
            # Two copies of each repeated variant, blocked by the model's rules and their group.
            copies = reps.iloc[np.repeat(repeated, 2)].assign(
                unique_id=np.arange(2 * len(repeated), dtype=np.int64), **{_GROUP: np.repeat(repeated, 2)}
            )
            same = {k: v for k, v in settings.items() if k != "linker_uid"}  # its own tables
            same["blocking_rules_to_generate_predictions"] = [
                {**rule, "blocking_rule": f'({rule["blocking_rule"]}) AND l."{_GROUP}" = r."{_GROUP}"'}
                for rule in settings["blocking_rules_to_generate_predictions"]
            ]
            twice = db_api.register(copies, dataset_display_name="repeated")
            twin_linker = Linker(twice, same, log_level=None, validate_settings=False)  # checked just above
            for tf_column, table in lookups.items():
                twin_linker.table_management.register_term_frequency_lookup(db_api.register(table), tf_column[3:])
            cl, _, p = _fetch(
                twin_linker.inference.predict_within(
                    twice, threshold_match_probability=SCORE_FLOOR, warning_mode="never"
                )
            )
            left, right, k = _within(repeated[cl // 2], rows, start)
            keep(left, right, p[k])
        if index is not None and len(index):
            held = db_api.register(
                index.drop(columns=tf_columns).assign(unique_id=np.arange(len(index), dtype=np.int64)),
                dataset_display_name="index",
            )
            gl, x, p = _fetch(
                linker.inference.predict_between(
                    new, held, threshold_match_probability=SCORE_FLOOR, warning_mode="never"
                )
            )
            singles = np.arange(len(index) + 1, dtype=np.int64)
            left, right, k = _expand(gl, x, rows, start, singles + len(pending), singles)
            keep(left, right, p[k])
    finally:
        conn.close()
        shutil.rmtree(spill, ignore_errors=True)
    if not lefts:
        empty = np.zeros(0, dtype=np.int64)
        return PairColumns(empty, empty, np.zeros(0), positional=True)
    return PairColumns(np.concatenate(lefts), np.concatenate(rights), np.concatenate(probabilities), positional=True)


def _fetch(predicted: Any) -> tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]:
    """A Splink prediction's three columns as arrays, its table then dropped."""
    got = predicted.as_duckdbpyrelation().project("unique_id_l, unique_id_r, match_probability").fetchnumpy()
    predicted.drop_table_from_database_and_remove_from_cache()
    return (
        np.asarray(got["unique_id_l"]).astype(np.int64),
        np.asarray(got["unique_id_r"]).astype(np.int64),
        np.asarray(got["match_probability"]).astype(np.float64),
    )


def _ids(pending: pd.DataFrame, column: str, index: pd.DataFrame | None) -> np.ndarray[Any, Any]:
    """A trusted id of every row of [*pending, *index] as a code (-1 unknown), equal codes for
    equal ids."""
    values = pending[column] if index is None else pd.concat([pending[column], index[column]], ignore_index=True)
    codes: np.ndarray[Any, Any] = pd.factorize(values.where(values.notna() & (values != ""), None))[0]
    return codes


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
