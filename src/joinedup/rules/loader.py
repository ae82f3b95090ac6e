"""Reading rule files and checking them, reporting every problem at once.

Each ``library/*.yaml`` file holds one rule. A lead who edits a rule sees, in one message, every
field that is wrong in every file, what was found and what is allowed (the way Splink reports
every bad setting together). Rules may refer only to what agencies record about events; the
loader refuses any reference to protected or proxy characteristics (ethnicity, religion,
disability, deprivation and the like) so that alerts cannot be driven by who a family is.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from joinedup.records.vocab import Agency, EventType
from joinedup.rules.errors import RuleLibraryError, RuleProblem
from joinedup.rules.model import (
    ABOUT,
    NOTIFY,
    PLAN_STATES,
    ROUTES,
    SEVERITIES,
    AgeBand,
    AllOf,
    AnyOf,
    ChildAgeNow,
    Condition,
    Count,
    DistinctAgencies,
    HouseholdChange,
    NoneOf,
    Not,
    PlanStatus,
    Rule,
    Selector,
    Sequence,
)

LIBRARY = Path(__file__).parent / "library"
RULE_KEYS = {
    "id", "title", "learning", "citation", "themes", "severity", "lookback_days",
    "condition", "routing", "deadline", "enabled", "known_disparity", "alert_group",
}  # fmt: skip
# known_disparity: where a rule still falls unevenly, the figures in words (issue 9). It is text
# for people, never read by evaluation, so it may name the groups the rule falls on.
# alert_group: rules naming the same group share one open alert per child (the first to fire
# opens it; the others add their evidence), so one family's concerns reach the front door once.
REQUIRED = RULE_KEYS - {"enabled", "known_disparity", "alert_group"}
PROTECTED = re.compile(
    r"ethnic|race|racial|religio|faith|belief|disab|deprivation|deprived|imd|poverty|income|"
    r"nationality|immigration|asylum|language|caste|sexual_orientation|gender_identity",
    re.IGNORECASE,
)
EVENT_TYPES = frozenset(e.value for e in EventType)
AGENCIES = frozenset(a.value for a in Agency)
DAYS_PER = {"days": 1, "months": 30.4375, "years": 365.25}


def theme_ids() -> frozenset[str]:
    """The learning-theme ids rules may cite (a copy of the shared taxonomy's ids)."""
    data = json.loads(resources.files("joinedup.rules").joinpath("themes.json").read_text())
    return frozenset(data["theme_ids"])


@dataclass
class _Checker:
    """Walks one rule's mapping, building the Rule and noting problems instead of stopping."""

    file: str
    rule_id: str | None
    problems: list[RuleProblem] = field(default_factory=list)
    trigger_types: set[str] = field(default_factory=set)
    household: bool = False

    def problem(self, where: str, message: str) -> None:
        self.problems.append(RuleProblem(self.file, self.rule_id, where, message))

    def protected_scan(self, value: Any, where: str) -> None:
        if isinstance(value, dict):
            for key, inner in value.items():
                if PROTECTED.search(str(key)):
                    self.problem(f"{where}.{key}", _protected_message(key))
                else:
                    self.protected_scan(inner, f"{where}.{key}")
        elif isinstance(value, list):
            for i, inner in enumerate(value):
                self.protected_scan(inner, f"{where}[{i}]")
        elif isinstance(value, str) and PROTECTED.search(value):
            self.problem(where, _protected_message(value))

    def int_field(
        self, data: dict[str, Any], key: str, where: str, *, low: int, high: int, default: int | None = None
    ) -> int | None:
        if key not in data:
            if default is None:
                self.problem(f"{where}.{key}", f"missing: give a whole number from {low} to {high}")
            return default
        value = data[key]
        if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
            self.problem(f"{where}.{key}", f"{value!r} is not allowed: give a whole number from {low} to {high}")
            return default
        return value

    def keys(self, data: dict[str, Any], allowed: set[str], where: str) -> None:
        for key in data:
            if key not in allowed and not PROTECTED.search(str(key)):
                self.problem(f"{where}.{key}", f"unknown field; allowed here: {', '.join(sorted(allowed))}")

    def names(self, value: Any, vocabulary: frozenset[str], where: str, what: str) -> frozenset[str]:
        items = [value] if isinstance(value, str) else value
        if not isinstance(items, list) or not items:
            self.problem(where, f"give one {what} or a list of them")
            return frozenset()
        good = set()
        for item in items:
            if item in vocabulary:
                good.add(item)
            elif not PROTECTED.search(str(item)):
                self.problem(where, f"{item!r} is not a known {what}; known: {', '.join(sorted(vocabulary))}")
        return frozenset(good)

    def age_band(self, data: Any, where: str) -> AgeBand | None:
        if not isinstance(data, dict) or not data:
            self.problem(where, "give under_/at_least_ with days, months or years, e.g. {under_months: 12}")
            return None
        low = high = None
        for key, value in data.items():
            m = re.fullmatch(r"(under|at_least)_(days|months|years)", str(key))
            if not m:
                if not PROTECTED.search(str(key)):
                    self.problem(f"{where}.{key}", "use under_days/months/years or at_least_days/months/years")
                continue
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                self.problem(f"{where}.{key}", f"{value!r} is not a whole number of {m.group(2)}")
                continue
            days = round(value * DAYS_PER[m.group(2)])
            if m.group(1) == "under":
                high = days
            else:
                low = days
        return AgeBand(low, high)

    def selector(self, data: Any, where: str, extra: set[str]) -> Selector | None:
        if not isinstance(data, dict):
            self.problem(where, "give a mapping with at least event_types")
            return None
        self.keys(data, {"event_types", "agencies", "about", "child_age"} | extra, where)
        if "event_types" not in data:
            self.problem(f"{where}.event_types", "missing: which event types count (design.md vocabulary)")
            return None
        types = self.names(data["event_types"], EVENT_TYPES, f"{where}.event_types", "event type")
        self.trigger_types.update(types)
        agencies = None
        if "agencies" in data:
            agencies = self.names(data["agencies"], AGENCIES, f"{where}.agencies", "agency")
        about = data.get("about", "any")
        if about not in ABOUT:
            self.problem(f"{where}.about", f"{about!r} is not allowed; use one of {', '.join(ABOUT)}")
            about = "any"
        age = self.age_band(data["child_age"], f"{where}.child_age") if "child_age" in data else None
        return Selector(types, agencies, about, age)

    def condition(self, data: Any, where: str) -> Condition | None:
        if not isinstance(data, dict) or len(data) != 1:
            self.problem(where, f"each condition is a mapping with exactly one of: {', '.join(sorted(BUILDERS))}")
            return None
        ((kind, body),) = data.items()
        if PROTECTED.search(str(kind)):
            self.problem(f"{where}.{kind}", _protected_message(kind))
            return None
        builder = BUILDERS.get(kind)
        if builder is None:
            self.problem(f"{where}.{kind}", f"unknown condition; use one of {', '.join(sorted(BUILDERS))}")
            return None
        built: Condition | None = builder(self, body, f"{where}.{kind}")
        return built


def _protected_message(value: object) -> str:
    return (
        f"{value!r} refers to a protected or proxy characteristic (ethnicity, religion, disability, "
        "deprivation...); rules may only use what agencies record about events"
    )


def _windowed(c: _Checker, body: Any, where: str, extra: set[str]) -> tuple[Selector | None, int | None]:
    sel = c.selector(body, where, extra | {"within_days"})
    within = c.int_field(body, "within_days", where, low=1, high=3650, default=0) if isinstance(body, dict) else None
    return sel, within or None


def _count(c: _Checker, body: Any, where: str) -> Condition | None:
    sel, within = _windowed(c, body, where, {"at_least"})
    n = c.int_field(body, "at_least", where, low=1, high=1000, default=1) if isinstance(body, dict) else 1
    return Count(sel, n or 1, within) if sel else None


def _distinct(c: _Checker, body: Any, where: str) -> Condition | None:
    sel, within = _windowed(c, body, where, {"at_least"})
    n = c.int_field(body, "at_least", where, low=2, high=len(AGENCIES)) if isinstance(body, dict) else None
    return DistinctAgencies(sel, n, within) if sel and n else None


def _sequence(c: _Checker, body: Any, where: str) -> Condition | None:
    if not isinstance(body, dict):
        c.problem(where, "give first, then and within_days")
        return None
    c.keys(body, {"first", "then", "within_days", "then_at_least"}, where)
    first = c.selector(body.get("first"), f"{where}.first", set())
    then = c.selector(body.get("then"), f"{where}.then", set())
    within = c.int_field(body, "within_days", where, low=1, high=3650)
    n = c.int_field(body, "then_at_least", where, low=1, high=100, default=1)
    return Sequence(first, then, within, n or 1) if first and then and within else None


def _household(c: _Checker, body: Any, where: str) -> Condition | None:
    if not isinstance(body, dict) or body.get("new_adult") is not True:
        c.problem(where, "write household_change: {new_adult: true} (optionally at_least, within_days)")
        return None
    c.keys(body, {"new_adult", "at_least", "within_days"}, where)
    c.household = True
    c.trigger_types.add("new_adult_in_household")
    n = c.int_field(body, "at_least", where, low=1, high=20, default=1)
    within = c.int_field(body, "within_days", where, low=1, high=3650, default=0)
    return HouseholdChange(n or 1, within or None)


def _plan(c: _Checker, body: Any, where: str) -> Condition | None:
    if not isinstance(body, dict) or body.get("is") not in PLAN_STATES:
        c.problem(where, f"write plan_status: {{is: one of {', '.join(PLAN_STATES)}}}")
        return None
    c.keys(body, {"is", "within_days"}, where)
    within = c.int_field(body, "within_days", where, low=1, high=3650, default=0)
    if body["is"] == "ended_recently" and not within:
        c.problem(f"{where}.within_days", "ended_recently needs within_days")
    return PlanStatus(body["is"], within or None)


def _age_now(c: _Checker, body: Any, where: str) -> Condition | None:
    band = c.age_band(body, where)
    return ChildAgeNow(band) if band else None


def _none_of(c: _Checker, body: Any, where: str) -> Condition | None:
    before = set(c.trigger_types)
    sel, within = _windowed(c, body, where, set())
    c.trigger_types = before  # an absence is judged when other events arrive, not on its own
    return NoneOf(sel, within) if sel else None


def _group(kind: type[AllOf] | type[AnyOf]):  # type: ignore[no-untyped-def]
    def build(c: _Checker, body: Any, where: str) -> Condition | None:
        if not isinstance(body, list) or not body:
            c.problem(where, "give a list of conditions")
            return None
        parts = [c.condition(item, f"{where}[{i}]") for i, item in enumerate(body)]
        return kind(tuple(p for p in parts if p is not None)) if all(parts) else None

    return build


def _not(c: _Checker, body: Any, where: str) -> Condition | None:
    part = c.condition(body, where)
    return Not(part) if part else None


BUILDERS = {
    "count": _count,
    "distinct_agencies": _distinct,
    "sequence": _sequence,
    "household_change": _household,
    "plan_status": _plan,
    "child_age_now": _age_now,
    "none_of": _none_of,
    "all": _group(AllOf),
    "any": _group(AnyOf),
    "not": _not,
}


def check_rule(data: Any, file: str, themes: frozenset[str]) -> tuple[Rule | None, list[RuleProblem]]:
    """One rule mapping -> the Rule, or None and every problem found in it."""
    rule_id = data.get("id") if isinstance(data, dict) else None
    c = _Checker(file, rule_id if isinstance(rule_id, str) else None)
    if not isinstance(data, dict):
        c.problem("(file)", "a rule file holds one mapping with id, title, learning, ... (see docs/rules.md)")
        return None, c.problems
    for key in sorted(REQUIRED - set(data)):
        c.problem(key, "missing")
    for key in data:
        if key not in RULE_KEYS:
            c.problem(
                key,
                _protected_message(key)
                if PROTECTED.search(str(key))
                else f"unknown field; allowed: {', '.join(sorted(RULE_KEYS))}",
            )
    if isinstance(rule_id, str) and not re.fullmatch(r"[a-z][a-z0-9_]{2,79}", rule_id):
        c.problem("id", f"{rule_id!r}: use lower-case letters, digits and _ (3-80 characters)")
    for key in ("title", "learning", "citation"):
        if key in data and (not isinstance(data[key], str) or not data[key].strip()):
            c.problem(key, "give some text")
    got_themes = data.get("themes")
    if "themes" in data and (not isinstance(got_themes, list) or not got_themes):
        c.problem("themes", "give a list of theme ids from themes.json")
        got_themes = []
    for t in got_themes or []:
        if t not in themes:
            c.problem("themes", f"{t!r} is not a theme id in themes.json")
    if "severity" in data and data["severity"] not in SEVERITIES:
        c.problem("severity", f"{data['severity']!r}; use one of {', '.join(SEVERITIES)}")
    lookback = (
        c.int_field(data, "lookback_days", "lookback_days", low=1, high=3650) if "lookback_days" in data else None
    )
    condition = None
    if "condition" in data:
        c.protected_scan(data["condition"], "condition")
        condition = c.condition(data["condition"], "condition")
    routing = data.get("routing") or {}
    if "routing" in data:
        c.protected_scan(routing, "routing")
        if not isinstance(routing, dict) or routing.get("to") not in ROUTES:
            c.problem("routing.to", f"use one of {', '.join(ROUTES)}")
            routing = {}
        else:
            c.keys(routing, {"to", "notify"}, "routing")
            for n in routing.get("notify", []) or []:
                if n not in NOTIFY:
                    c.problem("routing.notify", f"{n!r}; use any of {', '.join(NOTIFY)}")
    deadline = data.get("deadline")
    days = None
    if "deadline" in data:
        if not isinstance(deadline, dict):
            c.problem("deadline", "write deadline: {decision_within_working_days: N}")
        else:
            c.keys(deadline, {"decision_within_working_days"}, "deadline")
            days = c.int_field(deadline, "decision_within_working_days", "deadline", low=0, high=60)
    if "enabled" in data and not isinstance(data["enabled"], bool):
        c.problem("enabled", "true or false")
    disparity = data.get("known_disparity")
    if "known_disparity" in data and (not isinstance(disparity, str) or not disparity.strip()):
        c.problem("known_disparity", "give the figures in words, or leave the field out")
    group = data.get("alert_group")
    if "alert_group" in data and (not isinstance(group, str) or not re.fullmatch(r"[a-z][a-z0-9_]{2,79}", group)):
        c.problem("alert_group", f"{group!r}: use lower-case letters, digits and _ (3-80 characters)")
    if c.problems or condition is None or lookback is None or days is None:
        return None, c.problems
    return (
        Rule(
            id=str(rule_id),
            title=data["title"].strip(),
            learning=" ".join(data["learning"].split()),
            citation=data["citation"].strip(),
            themes=tuple(got_themes or []),
            severity=data["severity"],
            lookback_days=lookback,
            condition=condition,
            route_to=routing["to"],
            notify=tuple(routing.get("notify", []) or []),
            decision_within_working_days=days,
            file=file,
            enabled=data.get("enabled", True),
            known_disparity=" ".join(disparity.split()) if isinstance(disparity, str) else None,
            alert_group=group if isinstance(group, str) else None,
            trigger_types=frozenset(c.trigger_types),
            uses_household_change=c.household,
        ),
        [],
    )


def load_rules(files: Iterable[Path]) -> list[Rule]:
    """Load and check rule files; raises RuleLibraryError listing every problem in all of them."""
    themes = theme_ids()
    rules: list[Rule] = []
    problems: list[RuleProblem] = []
    seen: dict[str, str] = {}
    for path in sorted(files):
        try:
            data = yaml.safe_load(path.read_text(encoding="utf-8"))
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            where = f"line {mark.line + 1}" if mark else "(file)"
            problems.append(RuleProblem(path.name, None, where, f"not valid YAML: {getattr(exc, 'problem', exc)}"))
            continue
        rule, found = check_rule(data, path.name, themes)
        problems.extend(found)
        if rule is None:
            continue
        if rule.id in seen:
            problems.append(RuleProblem(path.name, rule.id, "id", f"already used in {seen[rule.id]}"))
            continue
        seen[rule.id] = path.name
        rules.append(rule)
    for rule in rules:
        if rule.alert_group in seen:
            # One open alert per child is keyed by group or rule id: the two must not collide.
            problems.append(
                RuleProblem(
                    rule.file, rule.id, "alert_group", f"{rule.alert_group!r} is a rule id; name the group apart"
                )
            )
    if problems:
        raise RuleLibraryError(problems)
    return rules


_CACHE: dict[Path, tuple[tuple[tuple[str, float], ...], list[Rule]]] = {}


def load_library(directory: Path | None = None, *, include_disabled: bool = False) -> list[Rule]:
    """The shipped (or given) library, re-read only when a file in it changed."""
    folder = directory or LIBRARY
    files = sorted(folder.glob("*.yaml"))
    stamp = tuple((p.name, p.stat().st_mtime) for p in files)
    cached = _CACHE.get(folder)
    if cached is None or cached[0] != stamp:
        cached = _CACHE[folder] = (stamp, load_rules(files))
    return [r for r in cached[1] if include_disabled or r.enabled]
