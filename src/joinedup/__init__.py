"""JoinedUp: one picture of a child from what every agency records.

The flow of a record, one package per stage: ``records`` (the fixed format) -> ``ingest``
-> ``identity`` -> ``chronology`` -> ``rules`` -> ``alerts``, with ``access``/``audit``
guarding every read, ``learning`` holding the case-review library, and ``web``/``cli`` as thin
faces over the same functions. ``storage`` is the only package that knows the tables.
"""

__version__ = "0.1.0"
