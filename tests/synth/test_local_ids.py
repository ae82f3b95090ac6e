"""Agency-local person ids in the synthetic authority: written by the agencies that keep them,
stable per person, with the gaps and slips real case systems have, and readable as CSV."""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from joinedup.ingest.readers import read_file
from joinedup.records.models import AgencyRecord
from joinedup.synth.local_ids import LOCAL_ID_AGENCIES, person_local_id

Rows = list[dict[str, Any]]


def test_local_ids_are_stable_per_person_with_gaps_and_slips(small: Path, read_jsonl: Callable[[Path], Rows]) -> None:
    records = read_jsonl(small / "records.jsonl")
    truth = {
        (t["agency"], t["source_record_id"], int(t["subject_index"])): t["person_id"]
        for t in read_jsonl(small / "truth" / "subjects.jsonl")
    }
    values: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    keeping, carrying = 0, 0
    for record in records:
        for index, subject in enumerate(record["subjects"]):
            ids = subject.get("other_ids") or []
            if record["agency"] not in LOCAL_ID_AGENCIES:
                assert not ids, record["agency"]
                continue
            keeping += 1
            if ids:
                carrying += 1
                [item] = ids
                person = truth[(record["agency"], record["source_record_id"], index)]
                values[(person, item["scheme"])][item["value"]] += 1
    assert keeping > 500
    assert 0.85 < carrying / keeping < 0.95  # about 10% left off
    # Each person's id is the one most of their records carry; about 1% carry a slip of it.
    slips = sum(sum(c.values()) - c.most_common(1)[0][1] for c in values.values())
    assert 0 < slips < 0.03 * carrying
    people = {person for person, _ in values}
    assert len({c.most_common(1)[0][0] for c in values.values()}) >= len(people)  # no two people share one


def test_a_person_has_one_number_per_scheme_and_different_people_different_numbers() -> None:
    numbers = {person_local_id("lcs", i) for i in range(50_000)}
    assert len(numbers) == 50_000
    assert person_local_id("niche", 7).startswith("NI") and person_local_id("niche", 7) == person_local_id("niche", 7)


def test_csv_form_carries_the_same_ids(tiny: Path, read_jsonl: Callable[[Path], Rows]) -> None:
    from_json = [AgencyRecord.model_validate(r) for r in read_jsonl(tiny / "records.jsonl")]
    from_csv = [AgencyRecord.model_validate(row.data) for row in read_file(tiny / "records.csv")]
    ids_json = sorted((r.source_record_id, s.other_ids[0].value) for r in from_json for s in r.subjects if s.other_ids)
    ids_csv = sorted((r.source_record_id, s.other_ids[0].value) for r in from_csv for s in r.subjects if s.other_ids)
    assert ids_json and ids_json == ids_csv
