"""The learning-theme taxonomy: ids, labels, definitions and cue phrases, read from data.

``data/themes.json`` is a copy of the team's shared taxonomy (its ids are used everywhere);
``data/theme_exemplars.json`` adds, per theme, a few sentences in the way reviews phrase
that finding. Both are data a safeguarding lead can read and correct without touching code.
Cue phrases are matched as whole words, case-insensitively; a cue written ``a / b`` is two
alternatives and a bracketed note such as ``(parent)`` is guidance, not text to match.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from typing import Any

from joinedup.learning.errors import UnknownTheme


@dataclass(frozen=True)
class Theme:
    id: str
    label: str
    definition: str
    cues: tuple[str, ...]
    exemplars: tuple[str, ...]
    sources: tuple[str, ...]

    def prototypes(self) -> list[str]:
        """Texts whose meaning stands for this theme: definition, exemplars and cues."""
        return [f"{self.label}. {self.definition}", *self.exemplars, *self.cues]


def _data(name: str) -> Any:
    return json.loads(resources.files("joinedup.learning").joinpath("data", name).read_text("utf-8"))


@cache
def themes() -> tuple[Theme, ...]:
    raw = _data("themes.json")
    exemplars: dict[str, list[str]] = _data("theme_exemplars.json")
    return tuple(
        Theme(
            id=t["id"],
            label=t["label"],
            definition=t["definition"],
            cues=tuple(t["cues"]),
            exemplars=tuple(exemplars.get(t["id"], [])),
            sources=tuple(t.get("sources", [])),
        )
        for t in raw["themes"]
    )


@cache
def theme_ids() -> tuple[str, ...]:
    return tuple(t.id for t in themes())


def theme(theme_id: str) -> Theme:
    for t in themes():
        if t.id == theme_id:
            return t
    raise UnknownTheme(theme_id)


def sources() -> dict[str, dict[str, str]]:
    """The publications each theme cites, by source id."""
    found: dict[str, dict[str, str]] = _data("themes.json").get("sources", {})
    return found


def _cue_variants(cue: str) -> list[str]:
    cue = re.sub(r"\([^)]*\)", "", cue)
    return [part.strip() for part in cue.split("/") if part.strip()]


@cache
def cue_pattern(theme_id: str) -> re.Pattern[str]:
    """One regex matching any of the theme's cue phrases (the shared taxonomy's) as whole words."""
    return _phrase_pattern(tuple(v for cue in theme(theme_id).cues for v in _cue_variants(cue)))


def _phrase_pattern(variants: tuple[str, ...]) -> re.Pattern[str]:
    def escaped(v: str) -> str:
        # Any run of spaces between words, and either apostrophe ("mother's", "mother’s").
        return re.escape(v).replace(r"\ ", r"\s+").replace("'", "['’]")

    if not variants:
        return re.compile(r"(?!x)x")  # matches nothing
    # Acronyms (DNA, SUDI, CSE, MARAC) only count in capitals: "dna" in a word is not a cue.
    case_sensitive = [v for v in variants if v.isupper() and len(v) <= 6]
    others = [v for v in variants if v not in case_sensitive]
    ci = "|".join(escaped(v) for v in sorted(others, key=len, reverse=True))
    if case_sensitive:
        cs = "|".join(re.escape(v) for v in case_sensitive)
        return re.compile(rf"(?:(?i:\b(?:{ci})\b)|\b(?:{cs})\b)" if ci else rf"\b(?:{cs})\b")
    return re.compile(rf"\b(?:{ci})\b", re.IGNORECASE)


@dataclass(frozen=True)
class TaggingCues:
    """The cues the tagger searches for one theme: the taxonomy's plus ``data/tagging_cues.json``'s
    additions, with the theme's look-alike phrases (``not``) blanked out of the text first."""

    pattern: re.Pattern[str]
    look_alikes: re.Pattern[str] | None

    def search(self, text: str) -> bool:
        if self.look_alikes is not None:
            text = self.look_alikes.sub(" ", text)
        return self.pattern.search(text) is not None


@cache
def tagging_cues(theme_id: str) -> TaggingCues:
    extra = _data("tagging_cues.json")["themes"].get(theme_id, {})
    variants = tuple(v for cue in theme(theme_id).cues for v in _cue_variants(cue))
    added = tuple(v for cue in extra.get("add", []) for v in _cue_variants(cue))
    look_alikes = tuple(extra.get("not", []))
    return TaggingCues(_phrase_pattern(variants + added), _phrase_pattern(look_alikes) if look_alikes else None)


def cue_hits(theme_id: str, text: str) -> list[str]:
    return [m.group(0) for m in cue_pattern(theme_id).finditer(text)]
