"""Agency record format v1 as pydantic models: one schema for the API, files and docs.

Real records are incomplete, so almost everything is optional; what we refuse is what would
make a record unusable or dangerous to keep: no way to find it again (agency, source id), no
time, no event, nobody named, a date in the future, or text too large to be a genuine note.
Unknown fields are refused rather than silently stored: we keep only what the format names.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from joinedup.records.clock import is_in_future
from joinedup.records.vocab import Agency, EventType, Sex, SubjectRole

MAX_NARRATIVE = 20_000
MAX_NAME = 100
MAX_SUBJECTS = 50
MAX_OTHER_IDS = 10
MAX_SCHEME = 40
MAX_ID_VALUE = 50

ShortText = Annotated[str, Field(min_length=1, max_length=MAX_NAME)]
Name = Annotated[str, Field(max_length=MAX_NAME)]

# A date of birth may be partial ("2016-05", "2016") because agencies record what they know;
# identity treats anything it cannot read as a whole calendar date as unknown, never a guess.
_PARTIAL_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
# A scheme names whose numbering an id belongs to ("mosaic", "lcs", "pnc", "school_adm"): letters,
# digits, "_", "-" and "."; identity compares ids of one scheme only, case-insensitively.
_SCHEME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")


class Address(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    line1: Annotated[str | None, Field(max_length=200)] = None
    line2: Annotated[str | None, Field(max_length=200)] = None
    town: Annotated[str | None, Field(max_length=MAX_NAME)] = None
    postcode: Annotated[str | None, Field(max_length=12)] = None


class OtherId(BaseModel):
    """An agency-local or other person identifier: a council social-care person id (Mosaic,
    LCS), a police PNC id, a school admission number. Unlike an NHS number or UPN it has no
    check digit and means nothing outside its ``scheme``, so identity weighs it as evidence
    (a mistyped or reused id is possible), never as proof; the value is kept exactly as sent."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    scheme: Annotated[str, Field(min_length=1, max_length=MAX_SCHEME)]
    value: Annotated[str, Field(min_length=1, max_length=MAX_ID_VALUE)]

    @field_validator("scheme")
    @classmethod
    def _scheme_shape(cls, value: str) -> str:
        if not _SCHEME.match(value):
            raise ValueError("a scheme is a short code of letters, digits, '_', '-' or '.' (such as 'mosaic' or 'pnc')")
        return value

    @field_validator("value")
    @classmethod
    def _has_id_characters(cls, value: str) -> str:
        if not any(ch.isalnum() for ch in value):
            raise ValueError("the id has no letters or digits; send the id itself or leave other_ids out")
        return value


class Subject(BaseModel):
    """One person a record is about, as the agency recorded them."""

    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)

    role: SubjectRole | None = None
    given_name: Name | None = None
    family_name: Name | None = None
    other_names: Annotated[list[Name], Field(max_length=10)] = Field(default_factory=list)
    date_of_birth: str | None = None
    sex: Sex | None = None
    nhs_number: Annotated[str | None, Field(max_length=20)] = None
    upn: Annotated[str | None, Field(max_length=20)] = None
    address: Address | None = None
    other_ids: Annotated[list[OtherId], Field(max_length=MAX_OTHER_IDS)] = Field(default_factory=list)

    @field_validator("other_ids")
    @classmethod
    def _one_value_per_scheme(cls, value: list[OtherId]) -> list[OtherId]:
        seen: set[str] = set()
        for item in value:
            scheme = item.scheme.lower()
            if scheme in seen:
                raise ValueError(f"scheme {item.scheme!r} is given twice; send one id per scheme for one person")
            seen.add(scheme)
        return value

    @field_validator("date_of_birth")
    @classmethod
    def _dob_shape(cls, value: str | None) -> str | None:
        if value is None or value == "":
            return None
        if not _PARTIAL_DATE.match(value):
            raise ValueError(
                f"{value!r} is not a date; write it as YYYY-MM-DD (or YYYY-MM, YYYY if that is all that is known)"
            )
        if len(value) == 10:
            try:
                dob = date.fromisoformat(value)
            except ValueError:
                return value  # kept as recorded; identity reads an impossible date as unknown
            if is_in_future(dob):
                raise ValueError(f"{value} is in the future; check the date of birth and send the row again")
        return value

    def has_name(self) -> bool:
        return bool(self.given_name or self.family_name or self.other_names)


class AgencyRecord(BaseModel):
    """One thing one agency recorded about one or more people (format v1, fixed)."""

    model_config = ConfigDict(
        extra="forbid",
        str_strip_whitespace=True,
        json_schema_extra={"$id": "https://joinedup.example/schemas/agency-record.v1.json"},
        title="AgencyRecord",
    )

    agency: Agency
    organisation: Annotated[str | None, Field(max_length=200)] = None
    source_record_id: Annotated[str, Field(min_length=1, max_length=100)]
    local_authority: Annotated[str | None, Field(max_length=MAX_NAME)] = None
    occurred_at: date | datetime
    event_type: EventType
    narrative: Annotated[str | None, Field(max_length=MAX_NARRATIVE)] = None
    subjects: Annotated[list[Subject], Field(min_length=1, max_length=MAX_SUBJECTS)]

    @field_validator("occurred_at")
    @classmethod
    def _not_in_future(cls, value: date | datetime) -> date | datetime:
        if is_in_future(value):
            raise ValueError(f"{value.isoformat()} is in the future; check the date and send the row again")
        return value

    @model_validator(mode="after")
    def _someone_named(self) -> AgencyRecord:
        if not any(s.has_name() for s in self.subjects):
            raise ValueError("no subject has a name; give at least one person's given or family name")
        return self

    def occurred_on(self) -> date:
        """The calendar day of the event, for ordering a chronology."""
        value = self.occurred_at
        return value.date() if isinstance(value, datetime) else value
