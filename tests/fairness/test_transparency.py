"""The generated transparency page names every rule and every event type held, and carries the
fairness figures when given them."""

from __future__ import annotations

from pathlib import Path

import orjson
from typer.testing import CliRunner

from joinedup.cli.main import app
from joinedup.records.vocab import EventType
from joinedup.rules.loader import load_library

runner = CliRunner()


def test_the_page_lists_every_rule_and_what_is_held_and_not_held(tmp_path: Path) -> None:
    page = tmp_path / "transparency.md"
    done = runner.invoke(app, ["transparency", "--out", str(page)])
    assert done.exit_code == 0, done.output
    text = page.read_text(encoding="utf-8")
    for rule in load_library():
        assert f"### {rule.title}" in text and f"`{rule.id}`" in text
    for event in EventType:
        assert f"| {event.value.replace('_', ' ')} |" in text
    assert "narrative: The date and the school are the evidence" in text
    assert "not yet measured" in text


def test_figures_and_clear_disparities_come_from_the_fairness_json(tmp_path: Path) -> None:
    rule = load_library()[0]
    rate = {"hits": 10, "n": 1000, "rate": 0.01, "low": 0.005, "high": 0.018}
    fairness = {
        "children": 1000,
        "harmed_children": 30,
        "links": "oracle (truth)",
        "rows": [
            {
                "rule": rule.id,
                "dimension": "overall",
                "alert_rate": rate,
                "false_alarm_rate": rate,
                "alerted_in_time": rate,
            }
        ],
        "disparities": [
            {
                "rule": rule.id,
                "dimension": "deprivation_quintile",
                "higher_group": "1-2 (most deprived)",
                "lower_group": "9-10 (least deprived)",
                "ratio": 2.5,
                "judged": True,
                "clear": True,
                "clear_corrected": True,
                "drivers": [{"agency": "police", "event_type": "domestic_abuse_incident"}],
            }
        ],
    }
    saved = tmp_path / "fairness.json"
    saved.write_bytes(orjson.dumps(fairness))
    page = tmp_path / "t.md"
    done = runner.invoke(app, ["transparency", "--fairness", str(saved), "--out", str(page)])
    assert done.exit_code == 0, done.output
    text = page.read_text(encoding="utf-8")
    assert "1.00% (95% CI 0.50%–1.80%)" in text
    assert "false alarms 2.50 times as often for deprivation quintile 1-2 (most deprived)" in text
    assert "police domestic_abuse_incident" in text
