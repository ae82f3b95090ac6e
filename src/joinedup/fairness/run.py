"""The fairness evaluation end to end: records into the database (if it is empty), the rules
replayed over every child, each firing mapped to the true child, the table computed.

It reuses ``eval alerts``' ingest, oracle-linking and person-mapping steps, so the two
evaluations of one database describe the same alerts and their recall figures agree.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Any

import orjson
from sqlalchemy import Engine, func, select

from joinedup.fairness.drivers import explain
from joinedup.fairness.groups import child_groups
from joinedup.fairness.intervals import FamilyBootstrap
from joinedup.fairness.outcomes import ChildOutcome, Evidence, build_outcomes
from joinedup.fairness.table import FairnessReport, fairness_rows, family_intervals, widest_gaps
from joinedup.fairness.trend import deprivation_trends, family_trends
from joinedup.rules.loader import load_library
from joinedup.storage.tables_identity import SubjectLink
from joinedup.storage.tables_records import Record

Say = Callable[[str], None]
FAMILY_REPLICATES = 500


def read_jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def prepare(engine: Engine, synth: Path, *, oracle_links: bool, say: Say) -> dict[tuple[str, str, int], str]:
    """Ingest and link the synthetic records when the database holds none; returns the truth
    about which true person each subject is."""
    from joinedup.cli.eval_alerts import _oracle_link
    from joinedup.ingest import ingest_file

    truth_subjects = {
        (r["agency"], r["source_record_id"], r["subject_index"]): r["person_id"]
        for r in read_jsonl(synth / "truth" / "subjects.jsonl")
    }
    with engine.connect() as conn:
        held = conn.execute(select(func.count()).select_from(Record)).scalar_one()
    if not held:
        say("ingesting the synthetic records…")
        ingest_file(engine, synth / "records.jsonl", submitted_by="eval", run_pipeline=not oracle_links)
    if oracle_links:
        with engine.connect() as conn:
            linked = conn.execute(select(func.count()).select_from(SubjectLink)).scalar_one()
        if not linked:
            say("linking from the truth (oracle links)…")
            _oracle_link(engine, truth_subjects)
    return truth_subjects


def record_kinds(engine: Engine) -> dict[int, Evidence]:
    with engine.connect() as conn:
        return {
            rid: (agency, event)
            for rid, agency, event in conn.execute(select(Record.id, Record.agency, Record.event_type))
        }


@dataclass
class Measured:
    """Per true child: their groups and what the rules did; the raw material of the table."""

    outcomes: dict[str, ChildOutcome]
    groups: dict[str, dict[str, str]]
    rules: list[str]
    families: dict[str, str] = field(default_factory=dict)  # true child -> family, for the family bootstrap


def measure(
    engine: Engine,
    synth: Path,
    *,
    oracle_links: bool = False,
    say: Say = lambda _m: None,
    on_progress: Callable[[int, int], None] | None = None,
) -> Measured:
    from joinedup.cli.eval_alerts import _predicted_to_true
    from joinedup.rules.engine import replay

    truth_subjects = prepare(engine, synth, oracle_links=oracle_links, say=say)
    persons = read_jsonl(synth / "truth" / "persons.jsonl")
    groups = child_groups(read_jsonl(synth / "truth" / "families.jsonl"), persons)
    incidents = {h["person_id"]: date.fromisoformat(h["incident"]) for h in read_jsonl(synth / "truth" / "harm.jsonl")}
    rules = load_library()
    say("replaying every rule over every child…")
    firings, _judged = replay(engine, rules=rules, on_progress=on_progress)
    to_true = _predicted_to_true(engine, truth_subjects)
    outcomes = build_outcomes(groups, incidents, firings, to_true, record_kinds(engine))
    families = {p["person_id"]: p["family_id"] for p in persons if p.get("kind") == "child" and p.get("family_id")}
    return Measured(outcomes, groups, [r.id for r in rules], families)


def report_from(measured: Measured, *, links: str, replicates: int = FAMILY_REPLICATES) -> FairnessReport:
    rows = fairness_rows(measured.outcomes, measured.groups, measured.rules)
    gaps = widest_gaps(rows)
    trends = deprivation_trends(rows)
    families = {c: f for c, f in measured.families.items() if c in measured.outcomes}
    if families and replicates:
        boot = FamilyBootstrap(families, replicates=replicates)
        kept: dict[tuple[str, str, str], Any] = {}
        rows, gaps = family_intervals(rows, gaps, measured.outcomes, measured.groups, boot, keep=kept)
        trends = family_trends(trends, rows, kept)
    for gap in gaps:
        gap.drivers.extend(explain(gap, measured.outcomes, measured.groups))
    return FairnessReport(
        children=len(measured.outcomes),
        harmed_children=sum(o.harmed for o in measured.outcomes.values()),
        links=links,
        rows=rows,
        disparities=gaps,
        trends=trends,
        families=len(set(families.values())) if families and replicates else 0,
        family_replicates=replicates if families else 0,
    )


def evaluate_fairness(
    engine: Engine,
    synth: Path,
    *,
    oracle_links: bool = False,
    say: Say = lambda _m: None,
    on_progress: Callable[[int, int], None] | None = None,
) -> FairnessReport:
    measured = measure(engine, synth, oracle_links=oracle_links, say=say, on_progress=on_progress)
    return report_from(measured, links="oracle (truth)" if oracle_links else "predicted")
