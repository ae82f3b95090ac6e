"""From a raw row to a storable record, or to the reasons it cannot be one."""

from __future__ import annotations

import hashlib
from typing import Any

import orjson
from pydantic import ValidationError

from joinedup.ingest.errors import RowError, errors_from_validation
from joinedup.records.models import AgencyRecord
from joinedup.storage.records_repo import StorableRecord


def canonical_payload(record: AgencyRecord) -> dict[str, Any]:
    """The record as stored: absent and empty fields omitted, so a resubmission that differs
    only in ``null`` versus missing is recognised as the same record."""
    return record.model_dump(mode="json", exclude_none=True, exclude_defaults=True)


def content_hash(payload: dict[str, Any]) -> str:
    return hashlib.sha256(orjson.dumps(payload, option=orjson.OPT_SORT_KEYS)).hexdigest()


def _subject_row(subject: dict[str, Any]) -> dict[str, Any]:
    address = subject.get("address") or {}
    return {
        "role": subject.get("role"),
        "given_name": subject.get("given_name"),
        "family_name": subject.get("family_name"),
        "other_names": subject.get("other_names") or None,
        "date_of_birth": subject.get("date_of_birth"),
        "sex": subject.get("sex"),
        "nhs_number": subject.get("nhs_number"),
        "upn": subject.get("upn"),
        "other_ids": subject.get("other_ids") or None,
        "address_line1": address.get("line1"),
        "address_line2": address.get("line2"),
        "address_town": address.get("town"),
        "address_postcode": address.get("postcode"),
    }


def validate_row(line: int, data: dict[str, Any], *, agency: str | None = None) -> StorableRecord | list[RowError]:
    source_record_id = data.get("source_record_id") if isinstance(data.get("source_record_id"), str) else None
    if agency is not None and data.get("agency") != agency:
        given = data.get("agency")
        if given in (None, ""):
            data = {**data, "agency": agency}
        elif given != agency:
            return [
                RowError(
                    line,
                    source_record_id,
                    "agency",
                    f"the row says {given!r} but the file was sent as {agency!r}; "
                    "send it with the matching --agency or correct the row",
                )
            ]
    try:
        record = AgencyRecord.model_validate(data)
    except ValidationError as exc:
        return errors_from_validation(exc, line, source_record_id)
    return storable(line, record)


def validate_json_line(line: int, raw: bytes) -> StorableRecord | list[RowError]:
    """The fast path for a JSON Lines row: pydantic parses and validates the bytes in one pass.
    Only a row that fails is parsed again, to find its id for the error report."""
    try:
        record = AgencyRecord.model_validate_json(raw)
    except ValidationError as exc:
        data = parse_json_object(line, raw)
        if isinstance(data, RowError):
            return [data]
        source_record_id = data.get("source_record_id")
        return errors_from_validation(exc, line, source_record_id if isinstance(source_record_id, str) else None)
    return storable(line, record)


def parse_json_object(line: int, raw: bytes) -> dict[str, Any] | RowError:
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError as exc:
        return RowError(
            line,
            None,
            None,
            f"the line is not valid JSON ({exc.msg} at character {exc.pos + 1}); each line must be one JSON object",
        )
    if not isinstance(data, dict):
        return RowError(
            line, None, None, 'the line is JSON but not an object; each line must be one record like {"agency": ...}'
        )
    return data


def storable(line: int, record: AgencyRecord) -> StorableRecord:
    payload = canonical_payload(record)
    occurred = record.occurred_at
    return StorableRecord(
        line=line,
        agency=record.agency.value,
        source_record_id=record.source_record_id,
        organisation=record.organisation,
        local_authority=record.local_authority,
        occurred_at=occurred.isoformat(),
        occurred_on=record.occurred_on(),
        event_type=record.event_type.value,
        narrative=record.narrative,
        payload=payload,
        content_hash=content_hash(payload),
        subjects=[_subject_row(s) for s in payload["subjects"]],
    )
