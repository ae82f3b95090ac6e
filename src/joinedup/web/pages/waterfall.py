"""A match-weight waterfall, like Splink's: where a pair's score comes from.

The pair starts at the prior (how likely two records picked at random are the same person,
as a match weight, log2 of the odds); each comparison adds its weight, up when the fields
agree, down when they disagree; the last bar is the total. A clerk sees at a glance that,
say, the dates of birth agree strongly and only the recorded sex pulls the other way.

Drawn on the server as SVG (no JavaScript); the table beside it on the page is the accessible
version. Bars are also labelled with their value, so colour is never the only signal.
"""

from __future__ import annotations

from dataclasses import dataclass
from html import escape

WIDTH = 720
ROW = 30
LABEL_WIDTH = 170
VALUE_WIDTH = 70
TOP = 10


@dataclass(frozen=True)
class Step:
    label: str
    weight: float
    start: float  # the running total before this step
    kind: str  # prior | comparison | total

    @property
    def end(self) -> float:
        return self.weight if self.kind == "total" else self.start + self.weight


NAMES = {"nhs": "NHS number", "upn": "Pupil number (UPN)", "dob": "Date of birth"}


def _label(name: str) -> str:
    if name in NAMES:
        return NAMES[name]
    text = name.replace("_", " ")
    return text[:1].upper() + text[1:]


def waterfall_steps(comparison: dict[str, dict[str, float]], total: float) -> list[Step]:
    """Prior, one step per comparison (in the order the model lists them), and the total.

    The prior is what is left of the total once every comparison's weight is taken away, so
    the chart always adds up to the score the linker stored, whatever the model version.
    """
    weights = [(name, float(v.get("match_weight", 0.0))) for name, v in comparison.items()]
    prior = total - sum(w for _, w in weights)
    steps = [Step("Prior (before comparing)", round(prior, 2), 0.0, "prior")]
    running = prior
    for name, weight in weights:
        steps.append(Step(_label(name), round(weight, 2), running, "comparison"))
        running += weight
    steps.append(Step("Match weight", round(total, 2), 0.0, "total"))
    return steps


def render_waterfall(steps: list[Step], *, title: str) -> str:
    """The SVG markup (every text escaped, so safe to embed)."""
    ends = [0.0, *(s.start for s in steps), *(s.end for s in steps)]
    low, high = min(ends), max(ends)
    span = max(high - low, 1.0)
    plot = WIDTH - LABEL_WIDTH - VALUE_WIDTH - 10
    height = TOP * 2 + ROW * len(steps)

    def x(value: float) -> float:
        return round(LABEL_WIDTH + plot * (value - low) / span, 1)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="joinedup-waterfall" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" role="img" aria-labelledby="waterfall-title">',
        f'<title id="waterfall-title">{escape(title)}</title>',
    ]  # styled by /static/joinedup.css: the pages' CSP blocks inline <style>, in an SVG too
    for i, step in enumerate(steps):
        y = TOP + i * ROW
        a, b = (0.0, step.end) if step.kind in ("prior", "total") else (step.start, step.end)
        left, right = sorted((x(a), x(b)))
        kind = step.kind if step.kind != "comparison" else ("up" if step.weight >= 0 else "down")
        sign = "+" if step.weight >= 0 and step.kind == "comparison" else ""
        words = escape(f"{step.label}: {sign}{step.weight:.2f}")
        out.append(f'<text x="4" y="{y + ROW / 2 + 5}">{escape(step.label)}</text>')
        out.append(
            f'<rect class="{kind}" x="{left}" y="{y + 5}" width="{max(right - left, 1.5)}" height="{ROW - 10}">'
            f"<title>{words}</title></rect>"
        )
        out.append(f'<text x="{WIDTH - VALUE_WIDTH + 5}" y="{y + ROW / 2 + 5}">{sign}{step.weight:.2f}</text>')
        if i + 1 < len(steps):
            out.append(
                f'<line class="link" x1="{x(step.end)}" y1="{y + ROW - 5}" x2="{x(step.end)}" y2="{y + ROW + 5}"/>'
            )
    out.append(f'<line class="zero" x1="{x(0)}" y1="{TOP}" x2="{x(0)}" y2="{height - TOP}"/>')
    out.append("</svg>")
    return "".join(out)
