"""Measuring linkage against ground truth: pairwise precision, recall and F1, false merges,
missed links and twin merges.

Metrics are computed from clusterings, not pair lists, so a million subjects cost one pass:
the pairs two clusterings agree on are counted from the sizes of their intersections
(a cluster of n holds n(n-1)/2 pairs). The synthetic records are read straight from a
``records.jsonl`` into the rows ``standardise`` takes, so evaluation runs the very matching and
decision code the ingest path runs (``link.match``), with no database in between.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Hashable, Iterable, Iterator, Mapping
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

import orjson

from joinedup.records.models import Subject

# A subject's own fields as format v1 names them (the address is flattened below), read off the
# model so a field added to the format reaches the evaluation without a second list to keep.
SUBJECT_FIELDS = tuple(name for name in Subject.model_fields if name != "address")


@dataclass(frozen=True)
class LinkageScores:
    """How a predicted clustering compares with the true one."""

    subjects: int
    true_persons: int
    predicted_persons: int
    true_pairs: int
    predicted_pairs: int
    correct_pairs: int
    precision: float
    recall: float
    f1: float
    false_merges: int  # predicted persons holding two or more true people
    missed_links: int  # true people split over two or more predicted persons
    twin_merges: int  # predicted persons holding both of a pair of twins

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def _pairs(n: int) -> int:
    return n * (n - 1) // 2


def score_clusters(
    predicted: Mapping[Any, Hashable],
    truth: Mapping[Any, Hashable],
    twins: Iterable[tuple[Hashable, Hashable]] = (),
) -> LinkageScores:
    """Compare ``predicted`` (item -> predicted cluster) with ``truth`` (item -> true person),
    over the items both know. ``twins`` are pairs of true persons who are twins."""
    items = [i for i in truth if i in predicted]
    by_pred: dict[Hashable, Counter[Hashable]] = defaultdict(Counter)
    true_sizes: Counter[Hashable] = Counter()
    for item in items:
        by_pred[predicted[item]][truth[item]] += 1
        true_sizes[truth[item]] += 1
    predicted_pairs = sum(_pairs(sum(c.values())) for c in by_pred.values())
    true_pairs = sum(_pairs(n) for n in true_sizes.values())
    correct = sum(_pairs(n) for c in by_pred.values() for n in c.values())
    precision = correct / predicted_pairs if predicted_pairs else 1.0
    recall = correct / true_pairs if true_pairs else 1.0
    f1 = 2 * precision * recall / (precision + recall) if precision + recall else 0.0
    pieces: Counter[Hashable] = Counter(t for c in by_pred.values() for t in c)
    twin_pairs = {frozenset(p) for p in twins if p[0] != p[1]}
    twin_merges = sum(1 for c in by_pred.values() for pair in twin_pairs if pair <= c.keys()) if twin_pairs else 0
    return LinkageScores(
        subjects=len(items),
        true_persons=len(true_sizes),
        predicted_persons=len(by_pred),
        true_pairs=true_pairs,
        predicted_pairs=predicted_pairs,
        correct_pairs=correct,
        precision=precision,
        recall=recall,
        f1=f1,
        false_merges=sum(1 for c in by_pred.values() if len(c) > 1),
        missed_links=sum(1 for n in pieces.values() if n > 1),
        twin_merges=twin_merges,
    )


def read_jsonl(path: Path) -> Iterator[dict[str, Any]]:
    with path.open("rb") as handle:
        for line in handle:
            if line.strip():
                yield orjson.loads(line)


def subject_rows(records: Path) -> Iterator[tuple[tuple[str, str, int], dict[str, Any]]]:
    """``((agency, source_record_id, subject_index), row)`` for every subject of every record,
    the row shaped like a stored ``record_subjects`` row (ids numbered in file order)."""
    subject_id = 0
    for record_id, record in enumerate(read_jsonl(records), start=1):
        for index, subject in enumerate(record.get("subjects") or []):
            subject_id += 1
            address = subject.get("address") or {}
            row = {k: subject.get(k) for k in SUBJECT_FIELDS}
            row.update(
                id=subject_id,
                record_id=record_id,
                subject_index=index,
                address_line1=address.get("line1"),
                address_postcode=address.get("postcode"),
            )
            yield (str(record["agency"]), str(record["source_record_id"]), index), row


@dataclass(frozen=True)
class SynthTruth:
    """The synthetic truth: which true person each subject is, and who the twins are."""

    subjects: dict[tuple[str, str, int], str]
    twins: list[tuple[str, str]]


def read_truth(folder: Path) -> SynthTruth:
    """Read ``DIR/truth/subjects.jsonl`` and ``DIR/truth/persons.jsonl`` (``joinedup synth``)."""
    truth_dir = folder / "truth"
    subjects_file, persons_file = truth_dir / "subjects.jsonl", truth_dir / "persons.jsonl"
    for needed in (folder / "records.jsonl", subjects_file, persons_file):
        if not needed.is_file():
            raise FileNotFoundError(f"{needed} is missing; write a population with `joinedup synth --out {folder}`")
    subjects = {
        (r["agency"], r["source_record_id"], int(r["subject_index"])): r["person_id"] for r in read_jsonl(subjects_file)
    }
    twins = [(p["person_id"], p["twin_of"]) for p in read_jsonl(persons_file) if p.get("twin_of")]
    return SynthTruth(subjects=subjects, twins=twins)
