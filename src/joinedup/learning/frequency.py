"""How often each learning theme recurs across the library, year by year.

A review counts once per theme whether the tagger suggested it or a reviewer confirmed it;
themes a reviewer removed do not count, nor do near-duplicate copies of a review. The
figures feed the chart on the library page and the CSV a partnership puts in its annual
report.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from sqlalchemy import Engine

from joinedup.learning import taxonomy
from joinedup.storage import learning_queries as queries

CSV_COLUMNS = ["theme_id", "label", "year", "reviews"]


def theme_frequency(engine: Engine) -> dict[str, Any]:
    """Every theme of the taxonomy with its total and its count per year (chart-ready)."""
    with engine.connect() as conn:
        rows = queries.theme_counts_by_year(conn)
    years = sorted({year for _, year, _ in rows if year is not None})
    by_theme: dict[str, dict[int | None, int]] = {}
    for theme_id, year, count in rows:
        by_theme.setdefault(theme_id, {})[year] = count
    themes: list[dict[str, Any]] = []
    for theme in taxonomy.themes():
        counts = by_theme.get(theme.id, {})
        themes.append(
            {
                "id": theme.id,
                "label": theme.label,
                "total": sum(counts.values()),
                "by_year": {str(year): counts.get(year, 0) for year in years},
                "undated": counts.get(None, 0),
            }
        )
    themes.sort(key=lambda t: (-int(t["total"]), str(t["id"])))
    return {"years": years, "themes": themes}


def frequency_csv(engine: Engine) -> str:
    """One row per (theme, year) with at least one review; undated reviews have an empty year."""
    data = theme_frequency(engine)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for theme in data["themes"]:
        for year, count in theme["by_year"].items():
            if count:
                writer.writerow([theme["id"], theme["label"], year, count])
        if theme["undated"]:
            writer.writerow([theme["id"], theme["label"], "", theme["undated"]])
    return buffer.getvalue()
