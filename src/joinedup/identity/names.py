"""Names as agencies write them, reduced to a form that compares fairly.

"Zoë O'Brien-Smith", "ZOE OBRIEN SMITH" and "zoe o brien-smith" should meet: case, accents and
punctuation go; a hyphenated or double-barrelled surname is kept whole *and* as its parts,
because one agency writes "Smith-Jones" and another only "Jones". Customary diminutives
(Bill ~ William) come from a nickname table kept as data (``data/nicknames.json``); loose
resemblances (Amy ~ Amira) are left to the fuzzy comparisons of the model.
"""

from __future__ import annotations

import json
import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from importlib import resources

from joinedup.identity.errors import NicknameTableError

_NON_LETTERS = re.compile(r"[^a-z\s-]")
_SEPARATORS = re.compile(r"[\s-]+")
# Particles that join a surname's parts rather than starting a new one ("van der Berg").
_PARTICLES = frozenset({"van", "von", "der", "den", "de", "la", "le", "du", "di", "da", "st", "mac", "mc", "al", "el"})


def fold(text: str | None) -> str:
    """Lower case, accents removed, apostrophes and full stops dropped, other punctuation a space."""
    if not text:
        return ""
    decomposed = unicodedata.normalize("NFKD", text)
    ascii_only = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    ascii_only = ascii_only.replace("'", "").replace("\u2019", "").replace(".", "")
    return _SEPARATORS.sub(" ", _NON_LETTERS.sub(" ", ascii_only)).strip()


def fold_keeping_digits(text: str) -> str:
    """Lower case without accents, digits kept: for address lines ("12a Mill Lane")."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).lower().replace("'", "")


def name_tokens(text: str | None) -> list[str]:
    """The separate words of a name: "Mary-Jane  O'Neil" -> ["mary", "jane", "oneil"]."""
    return [t for t in fold(text).split(" ") if t]


def family_forms(text: str | None) -> list[str]:
    """The whole surname (particles joined on) first, then each barrel of a double-barrelled one."""
    tokens = name_tokens(text)
    if not tokens:
        return []
    whole = "".join(tokens)
    barrels: list[str] = []
    pending = ""
    for token in tokens:
        pending += token
        if token not in _PARTICLES:
            barrels.append(pending)
            pending = ""
    if pending:
        barrels.append(pending)
    forms = [whole]
    if len(barrels) > 1:
        forms.extend(b for b in barrels if b not in forms)
    return forms


class NicknameTable:
    """Groups of given names that name the same person; a name may sit in several groups."""

    def __init__(self, groups: Iterable[Iterable[str]]) -> None:
        self._canon: dict[str, set[str]] = {}
        problems: list[str] = []
        for number, group in enumerate(groups, start=1):
            names = [fold(n).replace(" ", "") for n in group]
            if len(names) < 2 or any(not n for n in names):
                problems.append(f"group {number}: needs at least two non-empty names")
                continue
            for name in names:
                self._canon.setdefault(name, set()).add(names[0])
        if problems:
            raise NicknameTableError("the nickname table has problems: " + "; ".join(problems))

    def canonical_forms(self, name: str) -> set[str]:
        """Every canonical name ``name`` may stand for (itself when it is in no group)."""
        return self._canon.get(name, {name})

    def canonical(self, name: str) -> str:
        """One canonical form, chosen stably, for blocking."""
        return min(self.canonical_forms(name))

    def equivalent(self, a: str, b: str) -> bool:
        return a == b or bool(self.canonical_forms(a) & self.canonical_forms(b))


@cache
def nicknames() -> NicknameTable:
    """The shipped nickname table, loaded and validated once per process."""
    raw = resources.files("joinedup.identity").joinpath("data/nicknames.json").read_text(encoding="utf-8")
    try:
        groups = json.loads(raw)["groups"]
    except (KeyError, ValueError) as exc:
        raise NicknameTableError(f"data/nicknames.json must be an object with a 'groups' list: {exc}") from exc
    return NicknameTable(groups)
