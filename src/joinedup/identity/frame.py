"""The table Splink reads: one row per standardised subject (or stored profile), keyed
``unique_id``, with term frequencies for the two name columns.

Term frequencies are smoothed towards a prior so a database of thirty records does not decide
that "Amelia" is the commonest name in England because three of its records say it: with few
records the prior dominates; with many, the deployment's own frequencies do.
"""

from __future__ import annotations

import hashlib
import itertools
import json
from collections.abc import Iterable, Mapping
from dataclasses import asdict

import jellyfish
import numpy as np
import pandas as pd

from joinedup.identity.model import MODEL_COLUMNS
from joinedup.identity.standardise import StandardSubject

# Prior frequency of any one name, and how many observations it is worth.
PRIOR_FREQUENCY = 0.004
PRIOR_WEIGHT = 20_000


def family_block(family: str | None) -> str | None:
    """A sound-alike key for blocking on family names (Brook ~ Brooke ~ Brookes)."""
    return jellyfish.soundex(family) if family else None


def comparable(subject: StandardSubject) -> dict[str, object]:
    """The fields of a subject the model compares (what a profile stores)."""
    return {
        "given": subject.given,
        "given_canon": subject.given_canon,
        "given_all": list(subject.given_all),
        "family": subject.family,
        "family_block": family_block(subject.family),
        "family_all": list(subject.family_all),
        "dob": subject.dob,
        "dob_year": subject.dob_year,
        "sex": subject.sex,
        "postcode": subject.postcode,
        "postcode_sector": subject.postcode_sector,
        "postcode_district": subject.postcode_district,
        "address": subject.address,
        "nhs": subject.nhs,
        "upn": subject.upn,
        "local_id": subject.local_id,
        "local_scheme": subject.local_scheme,
        "local_ids": list(subject.local_ids),
    }


# Fields added after profiles were first stored: left out of a signature while empty, so every
# variant stored before them keeps its signature (and is not stored a second time).
_ADDED_FIELDS = frozenset({"local_id", "local_scheme", "local_ids"})


def signature(fields: Mapping[str, object]) -> str:
    """Stable hash of the compared fields: two subjects with one signature compare identically."""
    kept = {k: v for k, v in fields.items() if v or k not in _ADDED_FIELDS}
    return hashlib.sha256(json.dumps(kept, sort_keys=True, default=str).encode()).hexdigest()


def smoothed(count: int, total: int) -> float:
    return (count + PRIOR_FREQUENCY * PRIOR_WEIGHT) / (total + PRIOR_WEIGHT)


def build_rows(
    rows: Iterable[tuple[str, Mapping[str, object]]],
    given_counts: Mapping[str, int],
    family_counts: Mapping[str, int],
    total: int,
) -> list[dict[str, object]]:
    """The frame's rows as plain dictionaries (the few rows of one record need no DataFrame)."""
    records = []
    for unique_id, fields in rows:
        row: dict[str, object] = {column: fields.get(column) for column in MODEL_COLUMNS}
        row["unique_id"] = unique_id
        given = fields.get("given")
        family = fields.get("family")
        row["tf_given"] = smoothed(given_counts.get(str(given), 0), total) if given else None
        row["tf_family"] = smoothed(family_counts.get(str(family), 0), total) if family else None
        records.append(row)
    return records


# Rows turned into a frame at a time: a row is a dictionary, and a million of them at once
# would cost more than the frame they make.
FRAME_CHUNK = 50_000


def _chunk_frame(
    chunk: list[tuple[str, Mapping[str, object]]],
    given_counts: Mapping[str, int],
    family_counts: Mapping[str, int],
    total: int,
) -> pd.DataFrame:
    """``build_rows`` as a frame, built column by column (no dictionary per row), each name's
    term frequency worked out once."""
    columns: dict[str, list[object]] = {}
    for column in MODEL_COLUMNS:
        if column == "unique_id":
            columns[column] = [unique_id for unique_id, _ in chunk]
        elif column in ("tf_given", "tf_family"):
            counts = given_counts if column == "tf_given" else family_counts
            known: dict[object, float | None] = {}
            values: list[object] = []
            for _, fields in chunk:
                name = fields.get(column[3:])
                if name not in known:
                    known[name] = smoothed(counts.get(str(name), 0), total) if name else None
                values.append(known[name])
            columns[column] = values
        else:
            columns[column] = [fields.get(column) for _, fields in chunk]
    return pd.DataFrame(columns, columns=list(MODEL_COLUMNS))


def build_frame(
    rows: Iterable[tuple[str, Mapping[str, object]]],
    given_counts: Mapping[str, int],
    family_counts: Mapping[str, int],
    total: int,
) -> pd.DataFrame:
    """A Splink input frame from ``(unique_id, comparable fields)`` pairs."""
    iterator = iter(rows)
    parts: list[pd.DataFrame] = []
    while True:
        chunk = list(itertools.islice(iterator, FRAME_CHUNK))
        if not chunk and parts:
            break
        parts.append(_chunk_frame(chunk, given_counts, family_counts, total))
        if len(chunk) < FRAME_CHUNK:
            break
    if len(parts) == 1:
        frame = parts[0]
    else:
        frame = pd.concat(parts, ignore_index=True)
        for column in frame.columns:
            if column.startswith("tf_"):
                frame[column] = frame[column].astype(np.float64)  # a chunk of unknown names is all None
    frame["dob_year"] = frame["dob_year"].astype("Int64")
    return frame


def subject_fields(subject: StandardSubject) -> dict[str, object]:
    """Every standardised field, for display and tests."""
    return asdict(subject)
