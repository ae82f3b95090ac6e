"""Every shipped rule is blind to who a family is: nothing it could read names a protected or
proxy characteristic, and its alerts are the same child for child whatever the families'
attributes are.

The attributes (ethnicity, disability, deprivation, first language) live only in the synthetic
truth. The permutation test reshuffles them between families and replays every rule: if any
rule could see them, some child's alerts would change.
"""

from __future__ import annotations

import dataclasses
import random
import shutil
from pathlib import Path

import orjson
import yaml
from sqlalchemy import Engine

from joinedup.chronology.facts import ChildFacts, Event
from joinedup.fairness.run import measure
from joinedup.records.models import AgencyRecord, Subject
from joinedup.records.vocab import Agency, EventType
from joinedup.rules.evaluate import referenced_types
from joinedup.rules.loader import LIBRARY, PROTECTED, load_library

ATTRIBUTES = ("ethnicity", "disability_in_household", "deprivation_decile", "first_language")


def _strings(value: object) -> list[str]:
    if isinstance(value, dict):
        return [s for k, v in value.items() for s in (str(k), *_strings(v))]
    if isinstance(value, list):
        return [s for v in value for s in _strings(v)]
    return [str(value)] if isinstance(value, str) else []


def test_no_shipped_rule_condition_or_routing_names_a_protected_characteristic() -> None:
    files = sorted(LIBRARY.glob("*.yaml"))
    assert len(files) >= 10
    for path in files:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
        for part in ("condition", "routing"):
            named = [s for s in _strings(data.get(part)) if PROTECTED.search(s)]
            assert named == [], f"{path.name} {part} names {named}"


def test_rules_only_count_event_types_and_agencies_from_the_record_vocabularies() -> None:
    event_types = {e.value for e in EventType}
    for rule in load_library(include_disabled=True):
        assert referenced_types(rule.condition) <= event_types, rule.id


def test_nothing_a_rule_reads_can_carry_a_protected_characteristic() -> None:
    """The facts rules reason over, and the record format itself, have no field for one."""
    fields = [f.name for f in dataclasses.fields(Event)] + [f.name for f in dataclasses.fields(ChildFacts)]
    fields += list(AgencyRecord.model_fields) + list(Subject.model_fields)
    assert [f for f in fields if PROTECTED.search(f)] == []
    assert not any(PROTECTED.search(v) for v in [a.value for a in Agency] + [e.value for e in EventType])


def _permuted_copy(authority: Path, dest: Path, seed: int) -> Path:
    shutil.copytree(authority / "truth", dest / "truth")
    path = dest / "truth" / "families.jsonl"
    families = [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]
    shuffled = [{k: f[k] for k in ATTRIBUTES} for f in families]
    random.Random(seed).shuffle(shuffled)
    path.write_bytes(b"".join(orjson.dumps({**f, **s}) + b"\n" for f, s in zip(families, shuffled, strict=True)))
    return dest


def test_alerts_are_identical_child_for_child_when_attributes_are_permuted(
    engine: Engine, authority: Path, tmp_path: Path
) -> None:
    first = measure(engine, authority, oracle_links=True)
    permuted = measure(engine, _permuted_copy(authority, tmp_path, seed=4), oracle_links=True)
    assert sum(bool(o.hits) for o in first.outcomes.values()) > 0, "no alerts at all: the test proves nothing"
    assert first.groups != permuted.groups  # the attributes really moved
    assert {c: o.hits for c, o in first.outcomes.items()} == {c: o.hits for c, o in permuted.outcomes.items()}
