"""The typeface a council's staff see: GDS Transport is licensed for GOV.UK alone, so every
page off GOV.UK must render in Arial, headings, buttons and form fields included."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any


def test_no_element_uses_the_gov_uk_only_typeface(visit: Callable[[], Any]) -> None:
    anonymous = visit()
    anonymous.page.goto(anonymous.base + "/sign-in")
    families = anonymous.page.evaluate(
        """() => Array.from(document.querySelectorAll('body, body *'))
              .map(el => getComputedStyle(el).fontFamily)"""
    )
    assert len(families) > 20, "the sign-in page rendered too little to judge"
    offenders = sorted({f for f in families if "GDS Transport" in f})
    assert offenders == [], f"elements still asking for GOV.UK's typeface: {offenders}"
    assert all(f.lower().startswith("arial") for f in families), sorted(set(families))
