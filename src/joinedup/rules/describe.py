"""Rules in words and as plain data: for the API, the CLI and the generated docs/rules.md."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml

from joinedup.rules.loader import LIBRARY
from joinedup.rules.model import Rule


def rule_summary(rule: Rule) -> dict[str, Any]:
    return {
        "id": rule.id,
        "title": rule.title,
        "learning": rule.learning,
        "citation": rule.citation,
        "themes": list(rule.themes),
        "severity": rule.severity,
        "lookback_days": rule.lookback_days,
        "route_to": rule.route_to,
        "notify": list(rule.notify),
        "decision_within_working_days": rule.decision_within_working_days,
        "enabled": rule.enabled,
        "alert_group": rule.alert_group,
        "file": rule.file,
    }


def render_rules_doc(rules: list[Rule], language: str) -> str:
    """docs/rules.md: the condition language (hand-written, passed in) then every shipped rule,
    generated from the YAML so the docs cannot drift (a test compares)."""
    parts = [
        language.rstrip(),
        "",
        "## The shipped rules",
        "",
        "_Generated from `src/joinedup/rules/library/*.yaml` by `joinedup rules docs`; do not edit below by hand._",
        "",
    ]
    for rule in sorted(rules, key=lambda r: r.id):
        condition = yaml.safe_load((LIBRARY / rule.file).read_text(encoding="utf-8"))["condition"]
        parts += [
            f"### `{rule.id}`: {rule.title}",
            "",
            f"- **Severity**: {rule.severity}; decision within {rule.decision_within_working_days} working day(s); routed to {rule.route_to}"
            + (f", also notifying {', '.join(rule.notify)}" if rule.notify else ""),
            f"- **Look-back**: {rule.lookback_days} days",
            f"- **Themes**: {', '.join(rule.themes)}",
            f"- **Learning**: {rule.learning}",
            f"- **Citation**: {rule.citation}",
            *(
                [f"- **Alert group**: {rule.alert_group} (one open alert per child for the group)"]
                if rule.alert_group
                else []
            ),
            *([f"- **Known disparity**: {rule.known_disparity}"] if rule.known_disparity else []),
            "",
            "```yaml",
            yaml.safe_dump({"condition": condition}, sort_keys=False, width=100).rstrip(),
            "```",
            "",
        ]
    return "\n".join(parts) + "\n"


LANGUAGE_DOC = Path(__file__).parent / "language.md"
