"""Ingest: read agency files and API batches, validate every row, store durably and
idempotently, and only then acknowledge. Bad rows are refused with a reason a clerk can act on;
good rows in the same file are kept.

Exceptions::

    IngestError
    └── UnreadableFile      the file as a whole cannot be read (format, header, encoding)
"""

from joinedup.ingest.errors import IngestError, RowError, UnreadableFile
from joinedup.ingest.report import IngestReport
from joinedup.ingest.service import ingest_file, ingest_payloads

__all__ = ["IngestError", "IngestReport", "RowError", "UnreadableFile", "ingest_file", "ingest_payloads"]
