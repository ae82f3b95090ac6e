"""The fairness chart: for one rule, each group's alert rate, false-alarm rate and share of
harmed children alerted in time, as a dot with its 95% interval beside the figure for all
children (a dashed line), drawn as inline SVG on the server.

A group whose false-alarm rate is more than the threshold (1.25) times the whole population's
is drawn as a red diamond, not a blue circle, so the difference does not rest on colour; the
same figures are in the table beneath the chart.
"""

from __future__ import annotations

from html import escape
from typing import Any

MEASURES = (
    ("alert_rate", "Alert rate"),
    ("false_alarm_rate", "False-alarm rate"),
    ("alerted_in_time", "Harmed children alerted in time"),
)
LABEL_W, PANEL_W, GAP, ROW_H, TOP, BOTTOM = 250, 230, 24, 24, 52, 34
BLUE, RED, GREY, BLACK = "#1d70b8", "#d4351c", "#505a5f", "#0b0c0c"


def _pct(value: float) -> str:
    return f"{value:.0%}" if value >= 0.1 or value == 0 else f"{value:.1%}"


def _scale_top(rows: list[dict[str, Any]], key: str) -> float:
    highs = [r[key]["high"] for r in rows if r[key]["high"] is not None]
    top = max(highs, default=0.0) or 0.01
    for nice in (0.01, 0.02, 0.05, 0.1, 0.2, 0.25, 0.5, 0.75, 1.0):
        if top <= nice:
            return nice
    return 1.0


def fairness_svg(rows: list[dict[str, Any]], *, rule: str, threshold: float) -> str:
    """``rows``: the report rows of one rule, the overall row first."""
    if not rows:
        return ""
    overall, groups = rows[0], rows[1:]
    width = LABEL_W + len(MEASURES) * (PANEL_W + GAP)
    height = TOP + ROW_H * len(groups) + BOTTOM
    title = f"{rule}: alert rate, false-alarm rate and harmed children alerted in time, by group, with 95% intervals"
    parts = [
        f'<svg class="joinedup-chart" viewBox="0 0 {width} {height}" role="img" '
        f'aria-labelledby="fairness-chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="fairness-chart-title">{escape(title)}</title>',
    ]
    dimension = None
    for i, row in enumerate(groups):
        y = TOP + ROW_H * i + ROW_H / 2
        if row["dimension"] != dimension:
            dimension = row["dimension"]
            parts.append(
                f'<line x1="0" y1="{y - ROW_H / 2:.1f}" x2="{width}" y2="{y - ROW_H / 2:.1f}" stroke="#b1b4b6"/>'
            )
        label = f"{row['dimension'].replace('_', ' ')}: {row['group']}"
        parts.append(
            f'<text x="{LABEL_W - 8}" y="{y + 5:.1f}" text-anchor="end" font-size="13" fill="{BLACK}">'
            f"{escape(label)}</text>"
        )
    for n, (key, heading) in enumerate(MEASURES):
        left = LABEL_W + n * (PANEL_W + GAP)
        top_value = _scale_top(rows, key)

        def x(value: float, left: float = left, top_value: float = top_value) -> float:
            return left + PANEL_W * min(value, top_value) / top_value

        parts.append(
            f'<text x="{left}" y="18" font-size="14" font-weight="bold" fill="{BLACK}">{escape(heading)}</text>'
        )
        for tick in (0.0, top_value / 2, top_value):
            parts.append(
                f'<line x1="{x(tick):.1f}" y1="{TOP - 8}" x2="{x(tick):.1f}" y2="{height - BOTTOM}" stroke="#dddddd"/>'
                f'<text x="{x(tick):.1f}" y="{height - BOTTOM + 18}" text-anchor="middle" font-size="12" '
                f'fill="{GREY}">{_pct(tick)}</text>'
            )
        whole = overall[key]
        if whole["rate"] is not None:
            parts.append(
                f'<line x1="{x(whole["rate"]):.1f}" y1="{TOP - 8}" x2="{x(whole["rate"]):.1f}" y2="{height - BOTTOM}" '
                f'stroke="{BLACK}" stroke-dasharray="4 3"/>'
                f'<text x="{x(whole["rate"]):.1f}" y="{TOP - 12}" text-anchor="middle" font-size="12" fill="{BLACK}">'
                f"all {_pct(whole['rate'])}</text>"
            )
        for i, row in enumerate(groups):
            rate = row[key]
            if rate["rate"] is None:
                continue
            y = TOP + ROW_H * i + ROW_H / 2
            high_ratio = (
                key == "false_alarm_rate"
                and rate["ratio_to_overall"] is not None
                and rate["ratio_to_overall"] > threshold
            )
            tip = (
                f"{row['dimension'].replace('_', ' ')} {row['group']}: {heading.lower()} {_pct(rate['rate'])} "
                f"({_pct(rate['low'])} to {_pct(rate['high'])}), {rate['hits']} of {rate['n']}"
            )
            if rate["ratio_to_overall"] is not None:
                tip += f", {rate['ratio_to_overall']:.2f} times all children"
            parts.append(
                f'<line x1="{x(rate["low"]):.1f}" y1="{y:.1f}" x2="{x(rate["high"]):.1f}" y2="{y:.1f}" '
                f'stroke="{RED if high_ratio else BLUE}" stroke-width="2"/>'
            )
            if high_ratio:
                cx = x(rate["rate"])
                parts.append(
                    f'<path d="M{cx:.1f} {y - 7:.1f} L{cx + 7:.1f} {y:.1f} L{cx:.1f} {y + 7:.1f} L{cx - 7:.1f} {y:.1f} Z" '
                    f'fill="{RED}"><title>{escape(tip)}</title></path>'
                )
            else:
                parts.append(
                    f'<circle cx="{x(rate["rate"]):.1f}" cy="{y:.1f}" r="5" fill="{BLUE}"><title>{escape(tip)}</title></circle>'
                )
    parts.append("</svg>")
    return "".join(parts)
