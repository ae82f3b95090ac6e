"""The invented word lists behind the population (names, places, phrases), loaded once.

They live as JSON in ``synth/data`` so a reviewer can read, and extend, what the generator
can say without reading code.
"""

from __future__ import annotations

from functools import cache
from importlib import resources
from typing import Any

import orjson


@cache
def load(name: str) -> Any:
    """``name`` is a file stem in synth/data, e.g. ``"names"``."""
    raw = resources.files("joinedup.synth").joinpath("data", f"{name}.json").read_bytes()
    data = orjson.loads(raw)
    if isinstance(data, dict):
        data.pop("_about", None)
    return data


def nicknames() -> dict[str, list[str]]:
    table: dict[str, list[str]] = load("nicknames")
    return table


def narratives() -> dict[str, dict[str, list[str]]]:
    table: dict[str, dict[str, list[str]]] = load("narratives")
    return table
