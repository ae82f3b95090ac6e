"""The whole run: people, harm, contact, records, files. Deterministic for a seed.

Each family draws from random streams of its own (seeded by the run's seed and the family's
number), so the same seed gives the same bytes whatever the number of worker processes, and
whether a family is harmed is drawn from a stream that never sees its attributes.

Three phases: (1) people and harm trajectories, in one process, because they issue person
numbers; (2) each family's events and records, in parallel over families; (3) sorting,
numbering and writing, in one process.
"""

from __future__ import annotations

import logging
import multiprocessing
import os
import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from joinedup.synth import harm
from joinedup.synth.background import Background
from joinedup.synth.config import SynthConfig
from joinedup.synth.errors import InvalidSynthConfig
from joinedup.synth.noise import Noise
from joinedup.synth.places import Places
from joinedup.synth.population import Family, Person, PopulationBuilder
from joinedup.synth.recorder import Drafted, Recorder
from joinedup.synth.writer import write_json, write_jsonl, write_records

log = logging.getLogger(__name__)
Stage = Callable[[str, int, int], None]  # (stage name, done, total)
_HARM_SALT = 777_000_000_011
_SCHEDULE_SALT = 555_000_000_013
_RECORD_SALT = 333_000_000_007
_CHUNKS = 16


@dataclass
class SynthResult:
    out: Path
    records: int
    persons: int
    families: int
    harmed: int
    seconds: float
    manifest: dict[str, Any] = field(default_factory=dict)


@dataclass
class _Run:
    """What phase 2 needs; shared with worker processes by fork, not by pickling."""

    config: SynthConfig
    start: int
    end: int
    places: Places
    builder: PopulationBuilder
    families: list[Family]
    trajectories: dict[int, harm.Trajectory]


_RUN: _Run | None = None


def synthesise(
    config: SynthConfig,
    out: Path,
    *,
    with_csv: bool = False,
    workers: int | None = None,
    on_stage: Stage | None = None,
) -> SynthResult:
    global _RUN
    config.validate()
    began = time.perf_counter()
    report = on_stage or (lambda _name, _done, _total: None)
    start, end = config.start_date().toordinal(), config.end_date().toordinal()
    try:
        out.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise InvalidSynthConfig(f"cannot create the output folder {out}: {exc.strerror}") from exc

    places = Places(config.children)
    builder = PopulationBuilder(config.seed, start, end, places)
    families = builder.build(config.children)
    trajectories: dict[int, harm.Trajectory] = {}
    harm_rows: list[dict[str, Any]] = []
    for family in families:
        harm_rng = random.Random(config.seed * 1_000_003 + family.idx + _HARM_SALT)
        trajectory = harm.choose(harm_rng, family, start, end, config.harm_rate, config.decoy_rate)
        if trajectory is None:
            continue
        harm.apply_effect(harm_rng, builder, family, trajectory)
        trajectories[family.idx] = trajectory
        if trajectory.harmed:
            family.harmed = True
            harm_rows.append(
                {
                    "person_id": trajectory.child.pid,
                    "family_id": family.fid,
                    "pattern": trajectory.pattern.id,
                    "onset": _iso(trajectory.onset),
                    "incident": _iso(trajectory.incident),
                }
            )
    report("population", len(families), len(families))

    _RUN = _Run(config, start, end, places, builder, families, trajectories)
    try:
        drafted = _draft_all(len(families), workers, report)
    finally:
        _RUN = None

    per_agency, per_event = write_records(out, drafted, with_csv=with_csv)
    report("writing", 1, 1)
    truth = out / "truth"
    write_jsonl(truth / "persons.jsonl", (_person_row(p) for p in builder.persons))
    write_jsonl(truth / "harm.jsonl", harm_rows)
    write_jsonl(truth / "families.jsonl", (_family_row(f, places) for f in families))
    seconds = round(time.perf_counter() - began, 2)
    manifest: dict[str, Any] = {
        "seed": config.seed,
        "children": config.children,
        "years": config.years,
        "start_date": config.start_date().isoformat(),
        "end_date": config.end_date().isoformat(),
        "records": len(drafted),
        "subjects": sum(len(d.person_ids) for d in drafted),
        "persons": len(builder.persons),
        "families": len(families),
        "harmed_children": len(harm_rows),
        "counts": {"agency": dict(sorted(per_agency.items())), "event_type": dict(sorted(per_event.items()))},
        "seconds": seconds,
    }
    write_json(out / "manifest.json", manifest)
    log.info("synthesised %d records for %d families in %.1fs", len(drafted), len(families), seconds)
    return SynthResult(out, len(drafted), len(builder.persons), len(families), len(harm_rows), seconds, manifest)


def _draft_all(count: int, workers: int | None, report: Stage) -> list[Drafted]:
    size = max(1, -(-count // _CHUNKS))
    ranges = [(lo, min(count, lo + size)) for lo in range(0, count, size)]
    wanted = workers if workers is not None else min(2, os.cpu_count() or 1)
    drafted: list[Drafted] = []
    if wanted > 1 and len(ranges) > 1 and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(wanted) as pool:
            for done, part in enumerate(pool.imap(_draft_range, ranges), start=1):
                drafted.extend(part)
                report("records", done, len(ranges))
    else:
        for done, bounds in enumerate(ranges, start=1):
            drafted.extend(_draft_range(bounds))
            report("records", done, len(ranges))
    return drafted


def _draft_range(bounds: tuple[int, int]) -> list[Drafted]:
    run = _RUN
    if run is None:
        raise RuntimeError("phase 2 started without a run")
    seed, start, end = run.config.seed, run.start, run.end
    background = Background(start, end)
    recorder = Recorder(run.places, Noise(run.config.noise, end))
    out: list[Drafted] = []
    for family in run.families[bounds[0] : bounds[1]]:
        run.builder.settle_addresses(family)
        events = []
        trajectory = run.trajectories.get(family.idx)
        if trajectory is not None:
            schedule_rng = random.Random(seed * 1_000_003 + family.idx + _SCHEDULE_SALT)
            events = harm.schedule(schedule_rng, family, trajectory, end)
        record_rng = random.Random(seed * 1_000_003 + family.idx + _RECORD_SALT)
        events.extend(background.events(record_rng, family))
        events.sort(key=lambda e: (e.day, e.tod or 0))
        out.extend(recorder.draft(record_rng, e, seq) for seq, e in enumerate(events) if start <= e.day <= end)
    return out


def _person_row(p: Person) -> dict[str, Any]:
    return {
        "person_id": p.pid,
        "kind": p.kind,
        "family_id": p.family.fid if p.family else None,
        "sex": p.sex,
        "date_of_birth": _iso(p.dob),
        "given_name": p.given,
        "family_name": p.family_name,
        "twin_of": p.twin_of.pid if p.twin_of else None,
    }


def _family_row(f: Family, places: Places) -> dict[str, Any]:
    return {
        "family_id": f.fid,
        "local_authority": places.authorities[f.addresses[0].la].name,
        "ethnicity": f.ethnicity,
        "disability_in_household": f.disability,
        "deprivation_decile": f.deprivation,
        "first_language": f.first_language,
        "harmed": f.harmed,
    }


def _iso(ordinal: int) -> str:
    from datetime import date

    return date.fromordinal(ordinal).isoformat()
