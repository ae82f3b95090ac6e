"""Identity: who is who. Standardise each stored subject, match it to a person with a Splink
(Fellegi–Sunter) model, decide (trusted id / auto-link / clerical review / new person), and
keep merges and unmerges reversible.

Exceptions, one family::

    IdentityError                 anything the identity stage refuses
    ├── NicknameTableError        the nickname table is malformed (every problem listed)
    ├── ModelError                a linkage model cannot be loaded, trained or saved
    ├── ReviewError               a review-queue action cannot be carried out
    │   ├── ReviewNotFound        no such review item
    │   └── ReviewAlreadyDecided  the item was decided already
    └── MergeError                a merge or unmerge cannot be carried out
"""

from joinedup.identity.errors import (
    IdentityError,
    MergeError,
    ModelError,
    NicknameTableError,
    ReviewAlreadyDecided,
    ReviewError,
    ReviewNotFound,
)

__all__ = [
    "IdentityError",
    "MergeError",
    "ModelError",
    "NicknameTableError",
    "ReviewAlreadyDecided",
    "ReviewError",
    "ReviewNotFound",
]
