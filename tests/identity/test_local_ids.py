"""Agency-local person ids (``other_ids``) in identity: standardised, compared by the model,
blocked on, and weighed by the guards, through the real ingest on both backends."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
import pytest
from sqlalchemy import Engine
from typer.testing import CliRunner, Result

from joinedup.cli.main import app
from joinedup.identity.decide import local_ids_agree
from joinedup.identity.frame import build_frame, comparable
from joinedup.identity.matcher import splink_score
from joinedup.identity.model import default_model
from joinedup.identity.quickscore import quick_score
from joinedup.identity.standardise import standard_other_id, standard_other_ids, standardise
from joinedup.ingest import ingest_payloads

KAI = {
    "role": "child",
    "given_name": "Kai",
    "family_name": "Brook",
    "date_of_birth": "2016-04-09",
    "sex": "M",
    "address": {"line1": "12 Mill Lane", "postcode": "NT1 4AB"},
}


def _record(agency: str, source_id: str, *subjects: dict[str, Any]) -> dict[str, Any]:
    return {
        "agency": agency,
        "source_record_id": source_id,
        "occurred_at": "2024-01-15",
        "event_type": "referral_to_social_care",
        "subjects": list(subjects),
    }


def _lcs(value: str) -> list[dict[str, str]]:
    return [{"scheme": "lcs_330", "value": value}]


def _ingest(engine: Engine, *records: dict[str, Any]) -> None:
    report = ingest_payloads(engine, list(records), source="test", submitted_by="test")
    assert not report.rejected


@pytest.fixture
def links(read_links: Any) -> Any:
    return read_links


def test_ids_are_standardised_by_scheme_and_value() -> None:
    assert standard_other_id(" Mosaic ", "12-345 a") == "mosaic:12345A"
    assert standard_other_id("pnc", "19/123456X") == "pnc:19123456X"
    assert standard_other_id("pnc", "--") is None and standard_other_id("", "1") is None
    assert standard_other_ids([{"scheme": "A", "value": "1"}, {"scheme": "a", "value": " 1"}, "junk"]) == ["a:1"]
    subject = standardise({"id": 1, "record_id": 1, "subject_index": 0, "other_ids": _lcs("98 76")})
    assert (subject.local_id, subject.local_scheme) == ("lcs_330:9876", "lcs_330")


def test_local_ids_agree_only_without_a_conflict_in_a_shared_scheme() -> None:
    assert local_ids_agree({"lcs:1"}, {"lcs:1", "niche:NI9"})
    assert not local_ids_agree({"lcs:1"}, {"lcs:2"})
    assert not local_ids_agree({"lcs:1", "lcs:2"}, {"lcs:1"})  # a mistyped number beside the right one
    assert not local_ids_agree({"lcs:1", "lcs:2"}, {"lcs:2", "lcs:1"})  # both twins' numbers mistyped once
    assert not local_ids_agree(set(), {"lcs:1"})


def test_an_agreeing_local_id_links_a_child_whose_given_name_changed(engine: Engine, links: Any) -> None:
    # A service that has no date of birth records the child under another given name: without
    # ids the name guard keeps "Kai" and "Malachi" apart (they could be brothers) ...
    no_dob = {**KAI, "date_of_birth": None}
    _ingest(engine, _record("childrens_social_care", "C-1", KAI))
    _ingest(engine, _record("early_help", "E-1", {**no_dob, "given_name": "Malachi"}))
    got = links(engine)
    assert got[("C-1", 0)][0] != got[("E-1", 0)][0]
    # ... the same case-system number on both says one child.
    _ingest(engine, _record("childrens_social_care", "C-2", {**KAI, "given_name": "Tom", "other_ids": _lcs("4711")}))
    _ingest(engine, _record("early_help", "E-2", {**no_dob, "given_name": "Luca", "other_ids": _lcs("47-11")}))
    got = links(engine)
    assert got[("E-2", 0)][0] == got[("C-2", 0)][0]
    assert got[("E-2", 0)][1] == "auto_link"


def test_an_agreeing_local_id_does_not_override_the_twins_signature(engine: Engine, links: Any) -> None:
    # One birthday, two given names: even one number on both is not enough (it may be keyed onto
    # the wrong twin), so the name guard holds.
    _ingest(engine, _record("childrens_social_care", "C-1", {**KAI, "other_ids": _lcs("4711")}))
    _ingest(engine, _record("early_help", "E-1", {**KAI, "given_name": "Leo", "other_ids": _lcs("4711")}))
    got = links(engine)
    assert got[("C-1", 0)][0] != got[("E-1", 0)][0]


def test_an_agreeing_local_id_links_across_a_date_of_birth_years_out(engine: Engine, links: Any) -> None:
    _ingest(
        engine,
        _record("police", "P-1", {**KAI, "other_ids": [{"scheme": "niche", "value": "NI100"}]}),
        _record(
            "police",
            "P-2",
            {**KAI, "date_of_birth": "2012-04-09", "other_ids": [{"scheme": "niche", "value": "ni 100"}]},
        ),
        _record("police", "P-3", {**KAI, "given_name": "Leo", "date_of_birth": "2012-04-09"}),
    )
    got = links(engine)
    assert got[("P-1", 0)][0] == got[("P-2", 0)][0]
    assert got[("P-3", 0)][0] != got[("P-1", 0)][0]  # no id: the age gap and the name still guard


def test_twins_with_their_own_local_ids_never_merge_even_with_a_mistyped_id(engine: Engine, links: Any) -> None:
    twin_a = {**KAI, "other_ids": _lcs("100001")}
    twin_b = {**KAI, "given_name": "Leo", "other_ids": _lcs("100002")}
    _ingest(engine, _record("childrens_social_care", "C-A", twin_a), _record("childrens_social_care", "C-B", twin_b))
    # A clerk keys Kai's number onto Leo's early help record, and the next file has both again.
    _ingest(engine, _record("early_help", "E-B", {**twin_b, "other_ids": _lcs("100001")}))
    _ingest(engine, _record("early_help", "E-A", twin_a), _record("early_help", "E-B2", twin_b))
    got = links(engine)
    kai, leo = got[("C-A", 0)][0], got[("C-B", 0)][0]
    assert kai != leo
    assert got[("E-B", 0)][0] != kai  # the mistyped number did not carry Leo into Kai's file
    assert got[("E-A", 0)][0] == kai and got[("E-B2", 0)][0] == leo


def test_twins_mistyped_in_one_batch_never_merge(engine: Engine, links: Any) -> None:
    twin_a = {**KAI, "other_ids": _lcs("100001")}
    twin_b = {**KAI, "given_name": "Leo", "other_ids": _lcs("100002")}
    _ingest(
        engine,
        _record("childrens_social_care", "C-A", twin_a),
        _record("childrens_social_care", "C-B", twin_b),
        _record("early_help", "E-B", {**twin_b, "other_ids": _lcs("100001")}),
        _record("early_help", "E-A", {**twin_a, "other_ids": _lcs("100002")}),
    )
    got = links(engine)
    kai = {got[("C-A", 0)][0], got[("E-A", 0)][0]}
    leo = {got[("C-B", 0)][0], got[("E-B", 0)][0]}
    assert kai.isdisjoint(leo)


def test_python_scores_equal_splinks_with_local_ids_and_swapped_names() -> None:
    rows = []
    number = 0
    for family, given, dob, ids in [
        ("brook", "kai", "2016-04-09", _lcs("4711")),
        ("brook", "kai", "2016-04-09", _lcs("4712")),
        ("brook", "leo", "2016-04-09", _lcs("4711")),
        ("brook", "kai", "2016-04-09", [{"scheme": "niche", "value": "4711"}]),
        ("kai", "brook", "2016-04-09", _lcs("4711")),
        ("brook", "kai", "2016-04-09", None),
        ("smith", "ann", "1990-01-01", _lcs("4711")),
        ("smith", "ann", "1990-01-01", _lcs("9999")),
        ("brook", "kai", "2016-04-09", _lcs("4711")),
    ]:
        for copy in range(2):
            number += 1
            rows.append(
                {
                    "id": number,
                    "record_id": number,
                    "subject_index": 0,
                    "given_name": given,
                    "family_name": family,
                    "date_of_birth": dob,
                    "address_postcode": "NT1 4AB" if copy else None,
                    "other_ids": ids,
                }
            )
    subjects = [standardise(r) for r in rows]
    fields = {f"s{s.record_subject_id}": comparable(s) for s in subjects}
    given = Counter(s.given for s in subjects if s.given)
    family = Counter(s.family for s in subjects if s.family)
    frame = build_frame(fields.items(), given, family, len(subjects))
    pending, index = frame.iloc[:9].reset_index(drop=True), frame.iloc[9:].reset_index(drop=True)
    splink = splink_score(pending, index, default_model(), explain=False)
    python = quick_score(pending, index, default_model(), 0.001)

    def keyed(df: Any) -> dict[frozenset[str], float]:
        return {
            frozenset((str(a), str(b))): p
            for a, b, p in zip(df["unique_id_l"], df["unique_id_r"], df["match_probability"], strict=True)
        }

    ours, theirs = keyed(python), keyed(splink)
    assert len(theirs) > 30
    assert ours.keys() == theirs.keys()
    worst = max(ours, key=lambda k: abs(ours[k] - theirs[k]))
    assert abs(ours[worst] - theirs[worst]) < 1e-9, (sorted(worst), ours[worst], theirs[worst])

    # The comparison does something: the same id beats one keystroke apart, which beats none;
    # an id of another scheme is no evidence either way.
    def p(a: int, b: int) -> float:
        return ours[frozenset((f"s{a}", f"s{b}"))]

    assert p(2, 18) > p(2, 4) > p(2, 12)
    assert p(2, 8) == pytest.approx(p(2, 12))


@pytest.fixture
def cli(db_url: str) -> Callable[..., Result]:
    runner = CliRunner()

    def run(*args: str) -> Result:
        return runner.invoke(app, [*args, "--db", db_url], catch_exceptions=False, env={"JOINEDUP_DB": None})

    return run


def test_ingest_and_export_link_by_local_id_end_to_end(cli: Any, tmp_path: Path) -> None:
    file = tmp_path / "records.jsonl"
    records = [
        _record("childrens_social_care", "C-1", {**KAI, "other_ids": _lcs("4711")}),
        _record(
            "early_help", "E-1", {**KAI, "given_name": "Malachi", "date_of_birth": None, "other_ids": _lcs("4711")}
        ),
        _record("early_help", "E-2", {**KAI, "given_name": "Leo", "other_ids": _lcs("4712")}),
    ]
    file.write_bytes(b"".join(orjson.dumps(r) + b"\n" for r in records))
    ingested = cli("ingest", str(file), "--format", "json")
    assert ingested.exit_code == 0, ingested.output
    assert orjson.loads(ingested.stdout)["accepted"] == 3
    exported = cli("link", "export", "--format", "jsonl")
    assert exported.exit_code == 0, exported.output
    person = {r["source_record_id"]: r["person_id"] for r in map(orjson.loads, exported.stdout.splitlines())}
    assert person["C-1"] == person["E-1"]
    assert person["E-2"] != person["C-1"]
