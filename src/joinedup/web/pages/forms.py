"""Form errors in the shape the GOV.UK error summary and inline error messages want.

Each error names the field it belongs to, so the summary links to the field (``#field``) and
the field shows the same words above it, as the Design System's validation pattern asks.
"""

from __future__ import annotations

from typing import Any


class FormErrors:
    def __init__(self) -> None:
        self._by_field: dict[str, str] = {}

    def add(self, field: str, message: str) -> None:
        self._by_field.setdefault(field, message)  # the first problem with a field is shown

    def __bool__(self) -> bool:
        return bool(self._by_field)

    def __contains__(self, field: str) -> bool:
        return field in self._by_field

    def message(self, field: str) -> dict[str, str] | None:
        """``errorMessage`` for a govuk macro, or None (the macro then shows no error)."""
        text = self._by_field.get(field)
        return {"text": text} if text else None

    def summary(self, anchors: dict[str, str] | None = None) -> list[dict[str, Any]]:
        """``errorList`` for ``govukErrorSummary``; ``anchors`` maps a field to the id of its
        first input when that differs from the field name (date parts, radios)."""
        anchors = anchors or {}
        return [{"text": text, "href": f"#{anchors.get(field, field)}"} for field, text in self._by_field.items()]


def date_items(prefix: str, values: dict[str, str], errors: FormErrors | None) -> list[dict[str, Any]]:
    """Day, month and year items for ``govukDateInput``: keep what was typed and mark every part
    in error when the date as a whole is wrong (the Design System's date pattern)."""
    wrong = " govuk-input--error" if errors is not None and prefix in errors else ""
    return [
        {
            "name": "day",
            "label": "Day",
            "classes": "govuk-input--width-2" + wrong,
            "value": values.get(f"{prefix}-day", ""),
        },
        {
            "name": "month",
            "label": "Month",
            "classes": "govuk-input--width-2" + wrong,
            "value": values.get(f"{prefix}-month", ""),
        },
        {
            "name": "year",
            "label": "Year",
            "classes": "govuk-input--width-4" + wrong,
            "value": values.get(f"{prefix}-year", ""),
        },
    ]
