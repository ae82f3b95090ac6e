"""The chronology as a picture: one swimlane per agency, each event a mark on a shared time
axis, alerts and decisions overlaid as full-height lines. SVG drawn on the server, so it needs
no JavaScript and prints as it looks.

Every mark carries a ``<title>`` (a tooltip and an accessible name), and the same events are in
the table under the picture, which is the accessible version. Colours come from the GOV.UK
palette and every mark is also distinguished by shape, never by colour alone.

A contested event (issue 9: an open contest names its record, its link or its alert) is drawn
inside a dashed ring, and its ``<title>`` says "Contested" and which contests, so the picture
agrees with the table's "Contested" tag without relying on colour: the ring is a shape, and
the words are there for anyone who cannot see it.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from html import escape

from joinedup.chronology.assemble import ChronologyEntry

LABEL_WIDTH = 190
WIDTH = 960
LANE_HEIGHT = 34
AXIS_HEIGHT = 34
TOP = 12
# Concern-type events are drawn as red diamonds; ordinary contacts as blue circles.
CONCERN_WORDS = ("concern", "injury", "abuse", "neglect", "hunger", "faltering", "no_access", "not_brought", "misuse",
                 "mental_health", "withdrawn", "referral_to", "new_adult", "welfare", "inconsistent")  # fmt: skip


@dataclass(frozen=True)
class Lane:
    agency: str
    entries: list[ChronologyEntry]


@lru_cache(maxsize=1024)
def _is_concern(event_type: str) -> bool:
    return any(word in event_type for word in CONCERN_WORDS)


@lru_cache(maxsize=1024)
def _label(value: str) -> str:
    text = value.replace("_", " ")
    return text[:1].upper() + text[1:]


# The open contests on an entry (``ContestMarks.entry``): empty when it is not contested.
ContestsOf = Callable[[ChronologyEntry], Sequence[int]]
RING = 11  # the contested ring's radius: clear of a contact's circle (5) and a concern's diamond (7)


def _contested_words(ids: Sequence[int]) -> str:
    """What a contested mark's title adds: the same word as the table's tag, and the contests."""
    if not ids:
        return ""
    return f". Contested ({', '.join(f'contest {i}' for i in ids)})"


def _mark_title(on: date, event_type: str, household: bool, contests: Sequence[int] = ()) -> str:
    about = " (adult in household)" if household else ""
    return escape(f"{on.isoformat()}: {_label(event_type)}{about}{_contested_words(contests)}")


def _ring(cx: float, cy: float, r: float, label: str) -> str:
    """The contested ring, drawn under the mark it surrounds (so the mark stays on top); it
    carries the mark's title too, since hovering the ring should say the same."""
    return f'<circle class="contested-ring" cx="{cx}" cy="{cy}" r="{r}"><title>{label}</title></circle>'


def _ticks(start: date, end: date) -> list[date]:
    """Year starts, or month starts for spans under two years, that fall inside the range."""
    span = (end - start).days
    ticks: list[date] = []
    if span > 730:
        ticks = [date(y, 1, 1) for y in range(start.year + 1, end.year + 1)]
    else:
        month = date(start.year, start.month, 1)
        step = 1 if span <= 240 else 3
        while month <= end:
            if month > start and (month.month - 1) % step == 0:
                ticks.append(month)
            month = date(month.year + (month.month // 12), month.month % 12 + 1, 1)
    return ticks


def render_swimlanes(
    entries: Iterable[ChronologyEntry],
    *,
    title: str = "Timeline of events by agency",
    contested: ContestsOf | None = None,
) -> str:
    """The SVG markup (safe to embed: every text is escaped). ``contested`` gives the open
    contests on an entry (the page passes ``ContestMarks.entry``); those entries are ringed."""
    items = list(entries)

    def contests_of(entry: ChronologyEntry) -> Sequence[int]:
        return contested(entry) if contested is not None else ()

    records = [e for e in items if e.kind == "record"]
    overlays = [e for e in items if e.kind in ("alert", "decision")]
    lanes: dict[str, list[ChronologyEntry]] = {}
    for entry in records:
        lanes.setdefault(entry.agency or "unknown", []).append(entry)
    ordered = [Lane(agency, lanes[agency]) for agency in sorted(lanes, key=lambda a: min(e.on for e in lanes[a]))]
    dates = [e.on for e in items]
    if not dates:
        start = end = date.today()
    else:
        start, end = min(dates), max(dates)
    start, end = start - timedelta(days=7), end + timedelta(days=7)
    days = max(1, (end - start).days)
    plot = WIDTH - LABEL_WIDTH - 20
    height = TOP + LANE_HEIGHT * max(1, len(ordered)) + AXIS_HEIGHT

    def x(day: date) -> float:
        return round(LABEL_WIDTH + plot * (day - start).days / days, 1)

    out = [
        f'<svg xmlns="http://www.w3.org/2000/svg" class="joinedup-timeline" viewBox="0 0 {WIDTH} {height}" '
        f'role="img" aria-labelledby="timeline-title">',
        f'<title id="timeline-title">{escape(title)}</title>',
    ]  # styled by /static/joinedup.css: the pages' CSP blocks inline <style>, in an SVG too
    for i, lane in enumerate(ordered):
        y = TOP + i * LANE_HEIGHT
        if i % 2 == 0:
            out.append(f'<rect class="lane" x="0" y="{y}" width="{WIDTH}" height="{LANE_HEIGHT}"/>')
        out.append(f'<text x="8" y="{y + LANE_HEIGHT / 2 + 4}">{escape(_label(lane.agency))}</text>')
        middle = y + LANE_HEIGHT / 2
        top, bottom_of_mark = middle - 7, middle + 7
        for entry in lane.entries:
            cx = x(entry.on)
            household = entry.about == "household"
            contests = contests_of(entry)
            label = _mark_title(entry.on, entry.event_type, household, contests)
            extra = " household" if household else ""
            if contests:
                out.append(_ring(cx, middle, RING, label))
                extra += " contested"
            if _is_concern(entry.event_type):
                points = f"{cx},{top} {cx + 7},{middle} {cx},{bottom_of_mark} {cx - 7},{middle}"
                out.append(f'<polygon class="concern{extra}" points="{points}"><title>{label}</title></polygon>')
            else:
                out.append(
                    f'<circle class="contact{extra}" cx="{cx}" cy="{middle}" r="5"><title>{label}</title></circle>'
                )
    bottom = TOP + LANE_HEIGHT * max(1, len(ordered))
    for entry in overlays:
        cx = x(entry.on)
        kind = "alert" if entry.kind == "alert" else "decision"
        words = (
            f"Alert raised: {_label(entry.rule_id or '')}"
            if kind == "alert"
            else f"Decision: {_label(entry.decision or '')}"
        )
        contests = contests_of(entry)
        label = escape(entry.on.isoformat() + ": " + words + _contested_words(contests))
        if contests:  # a ring on the line's top end, and the line itself drawn in another pattern
            out.append(_ring(cx, TOP / 2 + 1, TOP / 2, label))
            kind += " contested"
        out.append(f'<line class="{kind}" x1="{cx}" y1="{TOP}" x2="{cx}" y2="{bottom}"><title>{label}</title></line>')
    out.append(f'<line class="axis" x1="{LABEL_WIDTH}" y1="{bottom}" x2="{WIDTH - 20}" y2="{bottom}"/>')
    ticks = _ticks(start, end)
    short = not ticks  # under a month: label the first and last event's dates instead
    if short and dates:
        ticks = sorted({min(dates), max(dates)})
    for tick in ticks:
        tx = x(tick)
        if short:
            text = f"{tick.day} {tick:%b %Y}"
        else:
            text = str(tick.year) if tick.month == 1 and (end - start).days > 730 else tick.strftime("%b %Y")
        out.append(f'<line class="tick" x1="{tx}" y1="{bottom}" x2="{tx}" y2="{bottom + 6}"/>')
        out.append(f'<text x="{tx}" y="{bottom + 22}" text-anchor="middle">{escape(text)}</text>')
    out.append("</svg>")
    return "".join(out)
