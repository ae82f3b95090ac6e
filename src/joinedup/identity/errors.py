"""The identity stage's exceptions (drawn as a tree in ``joinedup.identity``).

Messages carry ids and what to do next, never names or dates of birth.
"""

from __future__ import annotations


class IdentityError(Exception):
    """Base of everything the identity stage refuses."""


class NicknameTableError(IdentityError):
    """The nickname table is malformed; the message lists every problem at once."""


class ModelError(IdentityError):
    """A linkage model cannot be loaded, trained or saved."""


class ReviewError(IdentityError):
    """A review-queue action cannot be carried out."""


class ReviewNotFound(ReviewError):
    def __init__(self, item_id: int) -> None:
        super().__init__(f"there is no review item {item_id}; list open items with `joinedup link review list`")
        self.item_id = item_id


class ReviewAlreadyDecided(ReviewError):
    def __init__(self, item_id: int, outcome: str) -> None:
        super().__init__(
            f"review item {item_id} was already decided ({outcome}); "
            "to reverse it, unmerge the person with `joinedup link unmerge`"
        )
        self.item_id = item_id


class MergeError(IdentityError):
    """A merge or unmerge cannot be carried out (unknown person, already merged, nothing to undo)."""
