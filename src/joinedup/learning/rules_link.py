"""Which alert rules act on which learning themes, and the reviews behind each rule.

Rules are YAML files in ``joinedup/rules/library/`` owned by the rules stage; each names
the themes it encodes in a ``themes:`` list of taxonomy ids. When the rules stage offers a
loader (``joinedup.rules.loader.load_library``) it is used; otherwise the files' ``id``,
``title`` and ``themes`` keys are read directly, so the learning pages work either way.
A theme id a rule names that the taxonomy lacks is reported, not hidden.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from importlib import resources
from typing import Any

from sqlalchemy import Engine

from joinedup.learning import taxonomy
from joinedup.storage import learning_queries as queries

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class RuleThemes:
    id: str
    title: str
    themes: tuple[str, ...]
    unknown_themes: tuple[str, ...] = ()


def _from_loader() -> list[RuleThemes] | None:
    try:
        from joinedup.rules import loader
    except ImportError:
        return None
    load = getattr(loader, "load_library", None)
    if load is None:
        return None
    try:
        rules = load()
    except Exception as exc:  # a broken rule file is the rules stage's report to make
        log.warning("rules loader failed (%s); reading rule files directly", type(exc).__name__)
        return None
    found = []
    for rule in rules:
        themes = tuple(getattr(rule, "themes", ()) or ())
        found.append(_make(str(rule.id), str(getattr(rule, "title", rule.id)), themes))
    return found


def _make(rule_id: str, title: str, themes: tuple[str, ...]) -> RuleThemes:
    known = set(taxonomy.theme_ids())
    return RuleThemes(
        rule_id, title, tuple(t for t in themes if t in known), tuple(t for t in themes if t not in known)
    )


def _from_files() -> list[RuleThemes]:
    import yaml

    found: list[RuleThemes] = []
    try:
        folder = resources.files("joinedup.rules").joinpath("library")
        files = sorted((f for f in folder.iterdir() if f.name.endswith((".yaml", ".yml"))), key=lambda f: f.name)
    except (ModuleNotFoundError, FileNotFoundError, NotADirectoryError):
        return found
    for file in files:
        try:
            data: Any = yaml.safe_load(file.read_text("utf-8"))
        except yaml.YAMLError:
            log.warning("rule file %s is not valid YAML; skipped for the learning pages", file.name)
            continue
        items = data.get("rules", [data]) if isinstance(data, dict) else data if isinstance(data, list) else []
        for item in items:
            if isinstance(item, dict) and item.get("id"):
                themes = tuple(str(t) for t in (item.get("themes") or []))
                found.append(_make(str(item["id"]), str(item.get("title") or item["id"]), themes))
    return found


def rules() -> list[RuleThemes]:
    loaded = _from_loader()
    return loaded if loaded is not None else _from_files()


def rules_for_theme(theme_id: str) -> list[RuleThemes]:
    """The rules that act on a theme: what a trainer asks."""
    taxonomy.theme(theme_id)
    return [rule for rule in rules() if theme_id in rule.themes]


def rule_learning(engine: Engine) -> list[dict[str, Any]]:
    """Each rule, the themes it encodes and the reviews behind those themes: one click from an alert."""
    all_rules = rules()
    wanted = sorted({t for rule in all_rules for t in rule.themes})
    with engine.connect() as conn:
        rows = queries.reviews_with_themes(conn, wanted)
    reviews_by_theme: dict[str, list[dict[str, Any]]] = {}
    for theme_id, review_id, title, year, confidence, status in rows:
        reviews_by_theme.setdefault(theme_id, []).append(
            {"id": review_id, "title": title, "year": year, "confidence": confidence, "status": status}
        )
    labels = {t.id: t.label for t in taxonomy.themes()}
    return [
        {
            "rule_id": rule.id,
            "title": rule.title,
            "themes": [{"id": t, "label": labels[t], "reviews": reviews_by_theme.get(t, [])} for t in rule.themes],
            "unknown_themes": list(rule.unknown_themes),
        }
        for rule in all_rules
    ]
