"""Chronology: each child's story across agencies, and the facts the rules read from it.

Errors drawn from one family::

    ChronologyError
     └── PersonNotFound      the person id is unknown (or not a child we hold records for)
"""

from joinedup.chronology.assemble import Chronology, ChronologyEntry, assemble_chronology
from joinedup.chronology.errors import ChronologyError, PersonNotFound
from joinedup.chronology.facts import ChildFacts, Event, load_child_facts

__all__ = [
    "ChildFacts",
    "Chronology",
    "ChronologyEntry",
    "ChronologyError",
    "Event",
    "PersonNotFound",
    "assemble_chronology",
    "load_child_facts",
]
