"""The committed JSON Schema, generated from the models so the two cannot drift.

Agencies validate their exports against ``schemas/agency-record.v1.json`` before sending;
a test regenerates it and fails if the committed copy differs.
"""

from __future__ import annotations

import json
from typing import Any

from joinedup.records.models import AgencyRecord


def agency_record_schema() -> dict[str, Any]:
    schema = AgencyRecord.model_json_schema()
    schema["$schema"] = "https://json-schema.org/draft/2020-12/schema"
    return schema


def render_schema() -> str:
    return json.dumps(agency_record_schema(), indent=2, sort_keys=True) + "\n"
