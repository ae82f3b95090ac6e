"""Learning: the case-review library, tagged with recurring learning themes (issue 8).

Reviews are loaded from PDF, HTML, text, Markdown or JSON (``library.add_review_file``),
cleaned and cut into passages with page numbers (``extract``, ``clean``, ``passages``),
checked for duplicates (``fingerprint``), tagged with the themes in ``data/themes.json``
using the bundled sentence-embedding model and the taxonomy's cue phrases (``tagger``),
searched by keyword or meaning (``search``), counted by year and tied to the alert rules
that encode each theme (``frequency``, ``rules_link``).

Exceptions, one family::

    LearningError
    ├── ReviewFileError      a file could not be read or holds no text (names the file)
    ├── ReviewNotFound       no review with that id
    ├── UnknownTheme         a theme id that is not in the taxonomy
    └── ModelUnavailable     the bundled embedding model could not be loaded
"""

from joinedup.learning.errors import (
    LearningError,
    ModelUnavailable,
    ReviewFileError,
    ReviewNotFound,
    UnknownTheme,
)

__all__ = ["LearningError", "ModelUnavailable", "ReviewFileError", "ReviewNotFound", "UnknownTheme"]
