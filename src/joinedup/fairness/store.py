"""The latest fairness run, kept where the managers' page reads it.

``joinedup eval fairness`` saves its report (the same JSON ``--format json`` prints) to one
file, replacing the last; the web page and its CSV download read that file. A file, not a
table: the evaluation runs on a synthetic authority, usually in its own database, while the
page is served from the live one; the file is what the data team copies across.

Where: ``JOINEDUP_FAIRNESS_RESULTS`` (a file path), else ``fairness-latest.json`` in
``JOINEDUP_DATA_DIR``, else in ``~/.local/share/joinedup``.
"""

from __future__ import annotations

import csv
import io
import os
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import orjson

FILE_NAME = "fairness-latest.json"
CSV_COLUMNS = [
    "rule", "dimension", "group", "children",
    "alerted", "alert_rate", "alert_rate_low", "alert_rate_high", "alert_rate_ratio",
    "unharmed", "false_alarms", "false_alarm_rate", "false_alarm_rate_low", "false_alarm_rate_high",
    "false_alarm_ratio", "false_alarm_ratio_low", "false_alarm_ratio_high",
    "harmed", "alerted_in_time", "in_time_rate", "in_time_rate_low", "in_time_rate_high", "in_time_ratio",
]  # fmt: skip


def results_path() -> Path:
    explicit = os.environ.get("JOINEDUP_FAIRNESS_RESULTS")
    if explicit:
        return Path(explicit)
    folder = os.environ.get("JOINEDUP_DATA_DIR")
    return (Path(folder) if folder else Path.home() / ".local" / "share" / "joinedup") / FILE_NAME


def save_latest(report: dict[str, Any], path: Path | None = None) -> Path:
    """Write the report with the time it was saved; the old file is replaced only once the new
    one is whole."""
    target = path or results_path()
    target.parent.mkdir(parents=True, exist_ok=True)
    saved = {"saved_at": datetime.now(UTC).isoformat(timespec="seconds"), **report}
    partial = target.with_suffix(target.suffix + ".partial")
    partial.write_bytes(orjson.dumps(saved))
    partial.replace(target)
    return target


def load_latest(path: Path | None = None) -> dict[str, Any] | None:
    """The saved report, or None when no run has been saved (or the file is not one)."""
    source = path or results_path()
    try:
        found = orjson.loads(source.read_bytes())
    except (FileNotFoundError, orjson.JSONDecodeError):
        return None
    return found if isinstance(found, dict) and "rows" in found else None


def csv_row(row: dict[str, Any]) -> list[object]:
    """One table row (the JSON of ``table.Rates``) in ``CSV_COLUMNS`` order."""
    a, f, t = row["alert_rate"], row["false_alarm_rate"], row["alerted_in_time"]
    return [
        row["rule"], row["dimension"], row["group"], row["children"],
        a["hits"], a["rate"], a["low"], a["high"], a["ratio_to_overall"],
        f["n"], f["hits"], f["rate"], f["low"], f["high"], f["ratio_to_overall"], f["ratio_low"], f["ratio_high"],
        t["n"], t["hits"], t["rate"], t["low"], t["high"], t["ratio_to_overall"],
    ]  # fmt: skip


def csv_text(report: dict[str, Any]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    writer.writerows(csv_row(r) for r in report["rows"])
    return buffer.getvalue()
