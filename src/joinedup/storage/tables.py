"""Every table, imported in one place so Alembic and tests see the whole schema.

Each stage owns one ``tables_<stage>.py`` module; add yours to the imports below.
"""

from joinedup.storage import tables_records
from joinedup.storage.base import Base

__all__ = ["Base", "tables_records"]

for _optional in ("identity", "alerts", "access", "audit", "learning", "contests"):
    # Stages land one at a time; a stage whose tables module is not written yet adds none.
    try:
        __import__(f"joinedup.storage.tables_{_optional}")
    except ModuleNotFoundError as _missing:
        if _missing.name != f"joinedup.storage.tables_{_optional}":
            raise
