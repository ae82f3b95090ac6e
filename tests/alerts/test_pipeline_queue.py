"""The pipeline queue: a stored record is queued in the transaction that stores it, linked and
judged from the queue, and taken off it only once judged; a crash in between heals."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Engine, func, select

from joinedup.identity.link import link_pending
from joinedup.ingest import ingest_payloads
from joinedup.pipeline import process_pending
from joinedup.storage import alerts_repo
from joinedup.storage.tables_alerts import RuleEvaluatedRecord
from joinedup.storage.tables_identity import SubjectLink
from joinedup.storage.tables_records import PipelineQueue

CHILD = {
    "role": "child",
    "given_name": "Queenie",
    "family_name": "Quayle",
    "date_of_birth": "2016-04-09",
    "sex": "F",
    "address": {"line1": "3 Quay Row", "town": "Northtown", "postcode": "NT1 4QQ"},
}


def _record(source_record_id: str, event_type: str, day: str, narrative: str = "Synthetic.") -> dict[str, Any]:
    return {
        "agency": "school",
        "organisation": "Northtown Primary",
        "local_authority": "Northtown",
        "source_record_id": source_record_id,
        "occurred_at": day,
        "event_type": event_type,
        "narrative": narrative,
        "subjects": [CHILD],
    }


def _store(engine: Engine, *records: dict[str, Any], pipeline: bool) -> list[int]:
    report = ingest_payloads(engine, list(records), source="test", submitted_by="test", run_pipeline=pipeline)
    return report.stored_record_ids


def _count(engine: Engine, table: Any) -> int:
    with engine.connect() as conn:
        return int(conn.execute(select(func.count()).select_from(table)).scalar_one())


def test_a_record_stored_but_not_processed_stays_queued_and_the_next_run_finishes_it(engine: Engine) -> None:
    """What a crash between storing and linking leaves: the record on the queue, unlinked."""
    stored = _store(engine, _record("Q-1", "hunger_food_seeking", "2024-03-01"), pipeline=False)
    with engine.connect() as conn:
        assert list(conn.execute(select(PipelineQueue.record_id)).scalars()) == stored
    assert _count(engine, SubjectLink) == 0
    report = process_pending(engine)
    assert report.processed == {"identity": 1, "rules": 1}
    assert _count(engine, SubjectLink) == 1
    assert _count(engine, PipelineQueue) == 0
    with engine.connect() as conn:
        assert list(conn.execute(select(RuleEvaluatedRecord.record_id)).scalars()) == stored


def test_ingest_returns_with_its_records_linked_judged_and_alerted(engine: Engine) -> None:
    _store(engine, _record("Q-1", "hunger_food_seeking", "2024-03-01"), pipeline=True)
    _store(engine, _record("Q-2", "weight_faltering", "2024-03-21"), pipeline=True)
    assert _count(engine, PipelineQueue) == 0
    with engine.connect() as conn:
        alerts = alerts_repo.list_alerts(conn, rule_id="neglect_signs")
    assert len(alerts) == 1 and alerts[0].first_fired_at.isoformat() == "2024-03-21"


def test_link_pending_heals_the_backlog_and_the_rules_then_judge_it(engine: Engine) -> None:
    """``joinedup link pending`` (every unlinked subject held) still works beside the queue."""
    _store(engine, _record("Q-1", "hunger_food_seeking", "2024-03-01"), pipeline=False)
    assert link_pending(engine) == 1
    assert _count(engine, PipelineQueue) == 1, "linked but not yet judged: still queued"
    assert process_pending(engine).processed == {"identity": 0, "rules": 1}
    assert _count(engine, PipelineQueue) == 0


def test_a_superseded_version_leaves_the_queue_and_only_the_current_one_is_judged(engine: Engine) -> None:
    (first,) = _store(engine, _record("Q-1", "hunger_food_seeking", "2024-03-01"), pipeline=False)
    (second,) = _store(engine, _record("Q-1", "hunger_food_seeking", "2024-03-01", "Corrected."), pipeline=False)
    assert second != first
    process_pending(engine)
    assert _count(engine, PipelineQueue) == 0
    with engine.connect() as conn:
        assert list(conn.execute(select(RuleEvaluatedRecord.record_id)).scalars()) == [second]
