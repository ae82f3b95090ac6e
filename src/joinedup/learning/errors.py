"""The learning stage's exceptions (the tree is drawn in the package docstring).

Messages name files, ids and theme ids only, never a review's text.
"""

from __future__ import annotations


class LearningError(Exception):
    """Anything the learning library refuses to do, with a message a clerk can act on."""


class ReviewFileError(LearningError):
    """A review file could not be read, is of an unsupported kind, or holds no text."""


class ReviewNotFound(LearningError):
    """No review with the id asked for."""

    def __init__(self, review_id: int) -> None:
        super().__init__(f"there is no review {review_id} in the library; `joinedup reviews list` shows the ids")
        self.review_id = review_id


class UnknownTheme(LearningError):
    """A theme id that the taxonomy does not define."""

    def __init__(self, theme_id: str) -> None:
        super().__init__(f"{theme_id!r} is not a theme in the taxonomy; `joinedup reviews themes` lists the theme ids")
        self.theme_id = theme_id


class ModelUnavailable(LearningError):
    """The bundled sentence-embedding model could not be loaded."""
