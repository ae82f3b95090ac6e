"""``joinedup retention apply --dry-run``: what the register's periods would remove, and what holds it."""

from __future__ import annotations

import orjson
from sqlalchemy import Engine, select
from typer.testing import CliRunner

from joinedup.cli.main import app
from joinedup.ingest import ingest_payloads
from joinedup.retention.plan import years_after
from joinedup.storage.tables_audit import AuditEntry
from support.records import record


def _load(engine: Engine) -> None:
    report = ingest_payloads(
        engine,
        [
            # absence: contact, kept 7 years (no narrative held for it)
            record("AB-1", event_type="absence", occurred_at="2016-03-01", narrative=None),
            record("AB-2", event_type="absence", occurred_at="2016-03-02", narrative=None),
            record("AB-3", event_type="absence", occurred_at="2024-03-02", narrative=None),
            # a concern: kept 25 years
            record("AC-1", event_type="attendance_concern", occurred_at="2016-03-01"),
        ],
        source="test",
        submitted_by="test",
    )
    assert report.accepted == 4, report.as_json()


def _cli(engine: Engine, *args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args, "--db", engine.url.render_as_string(hide_password=False)])
    return result.exit_code, result.stdout, result.stderr


def test_dry_run_lists_records_past_their_period_and_holds_contested_ones(engine: Engine) -> None:
    _load(engine)
    code, _, stderr = _cli(engine, "contests", "record", "school", "AB-2", "--reason", "this absence was authorised")
    assert code == 0, stderr
    code, stdout, stderr = _cli(engine, "retention", "apply", "--dry-run", "--as-of", "2026-01-10", "--format", "json")
    assert code == 0, stderr
    items = {i["source_record_id"]: i for i in orjson.loads(stdout)}
    assert set(items) == {"AB-1", "AB-2"}  # the 2024 absence and the concern are within their periods
    assert items["AB-1"]["held_by"] is None
    assert items["AB-1"]["due_on"] == "2023-03-01"
    assert items["AB-1"]["retention_years"] == 7
    assert items["AB-2"]["held_by"] == "under an open contest"
    with engine.connect() as conn:
        actions = conn.execute(select(AuditEntry.action)).scalars().all()
    assert "retention_review" in actions  # the review itself is on the record


def test_the_text_report_counts_and_nothing_is_removed_without_dry_run(engine: Engine) -> None:
    _load(engine)
    code, stdout, _ = _cli(engine, "retention", "apply", "--dry-run", "--as-of", "2042-01-01")
    assert code == 0
    assert "4 records would go, 0 are held." in stdout  # the concern's 25 years ended on 2041-03-01
    code, _, stderr = _cli(engine, "retention", "apply")
    assert code == 2
    assert "--dry-run" in stderr
    code, stdout, _ = _cli(engine, "retention", "apply", "--dry-run", "--as-of", "2042-01-01", "--format", "json")
    assert len(orjson.loads(stdout)) == 4


def test_a_29_february_event_is_due_on_28_february() -> None:
    from datetime import date

    assert years_after(date(2016, 2, 29), 7) == date(2023, 2, 28)
    assert years_after(date(2016, 2, 29), -1) == date(2015, 2, 28)
