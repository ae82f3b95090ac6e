"""The theme frequency chart: reviews per year for the most frequent themes, as inline SVG.

Drawn on the server so it needs no JavaScript and prints as it looks. Each theme is a line
in a colour from the GOV.UK palette and also a different dash pattern and marker label, so
the lines can be told apart without colour; the same figures are in the table beneath the
chart for screen readers and for copying.
"""

from __future__ import annotations

from html import escape
from typing import Any

COLOURS = ("#1d70b8", "#d4351c", "#00703c", "#f47738", "#4c2c92", "#b58840", "#d53880", "#505a5f")
DASHES = ("", "8 4", "2 3", "10 3 2 3", "4 4", "1 2", "12 2", "6 2 2 2")
WIDTH, HEIGHT = 760, 360
LEFT, RIGHT, TOP, BOTTOM = 48, 230, 20, 40


def frequency_svg(data: dict[str, Any], theme_ids: list[str]) -> str:
    """An accessible SVG line chart of the chosen themes' review counts by year."""
    years: list[int] = data["years"]
    by_id = {t["id"]: t for t in data["themes"]}
    themes = [by_id[t] for t in theme_ids if t in by_id][: len(COLOURS)]
    if not years or not themes:
        return ""
    top: int = max([1, *(int(n) for t in themes for n in t["by_year"].values())])
    plot_w, plot_h = WIDTH - LEFT - RIGHT, HEIGHT - TOP - BOTTOM

    def x(index: int) -> float:
        return LEFT + (plot_w * index / (len(years) - 1) if len(years) > 1 else plot_w / 2)

    def y(count: int) -> float:
        return TOP + plot_h - plot_h * count / top

    parts = [
        f'<svg class="joinedup-chart" viewBox="0 0 {WIDTH} {HEIGHT}" role="img" '
        f'aria-labelledby="theme-chart-title" xmlns="http://www.w3.org/2000/svg">',
        f'<title id="theme-chart-title">Reviews per year for {len(themes)} themes, {years[0]} to {years[-1]}</title>',
    ]
    step = max(1, round(top / 5))
    for tick in range(0, top + 1, step):
        parts.append(
            f'<line x1="{LEFT}" y1="{y(tick):.1f}" x2="{LEFT + plot_w}" y2="{y(tick):.1f}" stroke="#b1b4b6" '
            f'stroke-width="1"/><text x="{LEFT - 8}" y="{y(tick) + 5:.1f}" text-anchor="end" font-size="14">{tick}</text>'
        )
    label_every = max(1, len(years) // 10)
    for i, year in enumerate(years):
        if i % label_every == 0 or i == len(years) - 1:
            parts.append(
                f'<text x="{x(i):.1f}" y="{HEIGHT - BOTTOM + 22}" text-anchor="middle" font-size="14">{year}</text>'
            )
    for n, theme in enumerate(themes):
        colour, dash = COLOURS[n], DASHES[n]
        points = " ".join(f"{x(i):.1f},{y(theme['by_year'].get(str(year), 0)):.1f}" for i, year in enumerate(years))
        dash_attr = f' stroke-dasharray="{dash}"' if dash else ""
        parts.append(f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="3"{dash_attr}/>')
        for i, year in enumerate(years):
            count = theme["by_year"].get(str(year), 0)
            parts.append(
                f'<circle cx="{x(i):.1f}" cy="{y(count):.1f}" r="4" fill="{colour}">'
                f"<title>{escape(theme['label'])}: {count} in {year}</title></circle>"
            )
        legend_y = TOP + 10 + n * 34
        parts.append(
            f'<line x1="{WIDTH - RIGHT + 16}" y1="{legend_y}" x2="{WIDTH - RIGHT + 46}" y2="{legend_y}" '
            f'stroke="{colour}" stroke-width="3"{dash_attr}/>'
            f'<text x="{WIDTH - RIGHT + 52}" y="{legend_y + 5}" font-size="14">{escape(_short(theme["label"]))}</text>'
        )
    parts.append("</svg>")
    return "".join(parts)


def _short(label: str, limit: int = 24) -> str:
    head = label.split(":")[0].split(",")[0].split(" and ")[0]
    return head if len(head) <= limit else head[: limit - 1] + "…"
