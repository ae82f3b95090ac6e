"""``joinedup eval alerts --synth DIR``: how well the rules warn, against the synthetic truth.

Prints, per rule and overall: the share of harmed children alerted before their incident,
the median lead time in days, alerts per 1,000 children per year, and the share of alerts on
children with no harm trajectory. A predicted person is mapped to the true person most of its
linked subjects really are. With an empty ``--db`` the synthetic records are ingested first
(linking and rules run in the pipeline). ``--oracle-links`` links subjects from the truth
instead, to measure the rules apart from linkage errors (say so when quoting the figures).
"""

from __future__ import annotations

import statistics
import time
from collections import Counter, defaultdict
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from sqlalchemy import Engine, func, insert, select

from joinedup.cli.common import DbOption, FormatOption, OutputFormat, database, err, out
from joinedup.storage.tables_identity import Person, SubjectLink
from joinedup.storage.tables_records import Record, RecordSubject


def _jsonl(path: Path) -> list[dict[str, Any]]:
    return [orjson.loads(line) for line in path.read_bytes().splitlines() if line.strip()]


def _oracle_link(engine: Engine, truth_subjects: dict[tuple[str, str, int], str]) -> None:
    with engine.begin() as conn:
        rows = conn.execute(
            select(
                RecordSubject.id,
                RecordSubject.record_id,
                RecordSubject.subject_index,
                Record.agency,
                Record.source_record_id,
            ).join(Record, Record.id == RecordSubject.record_id)
        ).all()
        now = datetime.now(UTC)
        ids: dict[str, int] = {}
        for name in sorted(set(truth_subjects.values())):
            ids[name] = int(
                conn.execute(insert(Person).values(created_at=now, status="active").returning(Person.id)).scalar_one()
            )
        links = []
        for sid, rid, idx, agency, srid in rows:
            true = truth_subjects.get((agency, srid, idx))
            if true is not None:
                links.append(
                    {
                        "record_subject_id": sid,
                        "record_id": rid,
                        "subject_index": idx,
                        "person_id": ids[true],
                        "decision": "manual",
                        "match_probability": 1.0,
                        "model_version": "oracle",
                        "linked_at": now,
                    }
                )
        for i in range(0, len(links), 5000):
            conn.execute(insert(SubjectLink), links[i : i + 5000])


def _predicted_to_true(engine: Engine, truth_subjects: dict[tuple[str, str, int], str]) -> dict[int, str]:
    votes: dict[int, Counter[str]] = defaultdict(Counter)
    with engine.connect() as conn:
        rows = conn.execute(
            select(SubjectLink.person_id, Record.agency, Record.source_record_id, SubjectLink.subject_index).join(
                Record, Record.id == SubjectLink.record_id
            )
        )
        for pid, agency, srid, idx in rows:
            true = truth_subjects.get((agency, srid, idx))
            if true is not None:
                votes[pid][true] += 1
    return {pid: c.most_common(1)[0][0] for pid, c in votes.items()}


def one_alert_per_key(firings: list[Any], alert_key: dict[str, str]) -> list[Any]:
    """The alerts the firings raise: one per child and rule, or per child and group for rules
    sharing an ``alert_group`` (the group's first firing opens it, the others join it)."""
    first: dict[tuple[int, str], Any] = {}
    for f in sorted(firings, key=lambda f: (f.first_fired_at, f.rule_id)):
        first.setdefault((f.person_id, alert_key.get(f.rule_id, f.rule_id)), f)
    return list(first.values())


def evaluate_alerts(engine: Engine, synth: Path, *, oracle_links: bool = False) -> dict[str, Any]:
    from joinedup.ingest import ingest_file
    from joinedup.rules.engine import replay
    from joinedup.rules.loader import load_library

    truth_subjects = {
        (r["agency"], r["source_record_id"], r["subject_index"]): r["person_id"]
        for r in _jsonl(synth / "truth" / "subjects.jsonl")
    }
    harm = {r["person_id"]: r for r in _jsonl(synth / "truth" / "harm.jsonl")}
    persons = _jsonl(synth / "truth" / "persons.jsonl")
    children = sum(1 for r in persons if r.get("kind") == "child")
    # A harmed child's brothers and sisters live in the same household: an alert on them is
    # not harm-free in the way an alert on an unrelated family is, so it is counted apart.
    harmed_families = {r["family_id"] for r in harm.values()}
    in_harmed_family = {r["person_id"] for r in persons if r.get("family_id") in harmed_families}
    with engine.connect() as conn:
        held = conn.execute(select(func.count()).select_from(Record)).scalar_one()
    if not held:
        err.print("ingesting the synthetic records…")
        ingest_file(engine, synth / "records.jsonl", submitted_by="eval", run_pipeline=not oracle_links)
    if oracle_links:
        with engine.connect() as conn:
            linked = conn.execute(select(func.count()).select_from(SubjectLink)).scalar_one()
        if not linked:
            _oracle_link(engine, truth_subjects)
    with engine.connect() as conn:
        first, last = conn.execute(select(func.min(Record.occurred_on), func.max(Record.occurred_on))).one()
    years = max((last - first).days / 365.25, 1 / 365.25) if first else 1.0
    started = time.perf_counter()
    firings, judged = replay(engine)
    replay_seconds = time.perf_counter() - started
    to_true = _predicted_to_true(engine, truth_subjects)

    def summarise(selected: list[Any]) -> dict[str, Any]:
        earliest: dict[str, date] = {}
        on_unharmed = on_unharmed_families = 0
        for f in selected:
            true = to_true.get(f.person_id)
            if true is None or true not in harm:
                on_unharmed += 1
                on_unharmed_families += true not in in_harmed_family
                continue
            if f.first_fired_at < date.fromisoformat(harm[true]["incident"]):
                earliest[true] = min(earliest.get(true, f.first_fired_at), f.first_fired_at)
        leads = [(date.fromisoformat(harm[t]["incident"]) - d).days for t, d in earliest.items()]
        return {
            "alerts": len(selected),
            "harmed_alerted_before_incident": round(len(earliest) / len(harm), 3) if harm else None,
            "median_lead_days": statistics.median(leads) if leads else None,
            "alerts_per_1000_children_per_year": round(len(selected) / children / years * 1000, 1)
            if children
            else None,
            "share_on_children_without_harm": round(on_unharmed / len(selected), 3) if selected else None,
            "share_on_families_without_harm": round(on_unharmed_families / len(selected), 3) if selected else None,
        }

    alerts = one_alert_per_key(firings, {r.id: r.alert_key for r in load_library(include_disabled=True)})
    by_rule: dict[str, list[Any]] = defaultdict(list)
    for f in firings:
        by_rule[f.rule_id].append(f)
    per_pattern: dict[str, dict[str, int]] = defaultdict(lambda: {"children": 0, "alerted_before": 0})
    alerted_before = set()
    for f in firings:
        true = to_true.get(f.person_id)
        if true in harm and f.first_fired_at < date.fromisoformat(harm[true]["incident"]):
            alerted_before.add(true)
    for true, row in harm.items():
        per_pattern[row["pattern"]]["children"] += 1
        per_pattern[row["pattern"]]["alerted_before"] += true in alerted_before
    return {
        "children": children,
        "harmed_children": len(harm),
        "years": round(years, 2),
        "links": "oracle (truth)" if oracle_links else "predicted",
        "children_judged": judged,
        "replay_seconds": round(replay_seconds, 2),
        "overall": summarise(alerts),
        "firings": len(firings),
        "per_rule": {rule: summarise(items) for rule, items in sorted(by_rule.items())},
        "per_harm_pattern": dict(sorted(per_pattern.items())),
    }


def eval_alerts(
    synth: Annotated[
        Path, typer.Option("--synth", help="A folder written by `joinedup synth` (records.jsonl, truth/).")
    ],
    oracle_links: Annotated[
        bool, typer.Option("--oracle-links", help="Link from the truth, to measure rules apart from linkage.")
    ] = False,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Alert quality against synthetic truth, per rule and overall."""
    if not (synth / "truth" / "harm.jsonl").exists():
        err.print(f"[red]{synth} has no truth/harm.jsonl[/red]: give a folder written by `joinedup synth`")
        raise typer.Exit(2)
    result = evaluate_alerts(database(db), synth, oracle_links=oracle_links)
    if output is not OutputFormat.TEXT:
        typer.echo(orjson.dumps(result).decode())
        return
    out.print(
        f"{result['children']} children, {result['harmed_children']} harmed, {result['years']} years, links: {result['links']}; replay {result['replay_seconds']}s"
    )
    out.print(
        f"OVERALL counts alerts ({result['overall']['alerts']}: rules sharing an alert_group raise one per child);"
        f" each rule's row counts its own firings ({result['firings']} in all)",
        markup=False,
    )
    header = f"{'rule':<44}{'alerts':>7}{'harmed<incident':>16}{'median lead':>12}{'/1000/yr':>10}{'no harm':>9}{'no harm in family':>18}"
    out.print(header, markup=False)
    for name, m in [("OVERALL", result["overall"]), *result["per_rule"].items()]:
        out.print(
            f"{name:<44}{m['alerts']:>7}{m['harmed_alerted_before_incident'] or 0:>16.1%}{m['median_lead_days'] or 0:>12}{m['alerts_per_1000_children_per_year'] or 0:>10}{m['share_on_children_without_harm'] or 0:>9.1%}{m['share_on_families_without_harm'] or 0:>18.1%}",
            markup=False,
        )
    out.print("harm pattern: alerted before incident / children", markup=False)
    for pattern, c in result["per_harm_pattern"].items():
        out.print(f"  {pattern:<40} {c['alerted_before']}/{c['children']}", markup=False)


def register(eval_app: typer.Typer) -> None:
    eval_app.command("alerts")(eval_alerts)
