"""Agency record format v1 (fixed): models, vocabularies and the JSON Schema export."""

from joinedup.records.models import Address, AgencyRecord, Subject
from joinedup.records.vocab import Agency, EventType, Sex, SubjectRole

__all__ = ["Address", "Agency", "AgencyRecord", "EventType", "Sex", "Subject", "SubjectRole"]
