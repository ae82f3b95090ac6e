"""``joinedup eval fairness`` end to end through the real command on a fresh database."""

from __future__ import annotations

import csv
from pathlib import Path

import orjson
from typer.testing import CliRunner

from joinedup.cli.main import app
from joinedup.fairness.groups import DIMENSIONS
from joinedup.fairness.store import CSV_COLUMNS

runner = CliRunner()


def test_json_report_and_csv_have_every_rule_and_group_with_intervals(
    db_url: str, authority: Path, tmp_path: Path, latest_run_file: Path
) -> None:
    table = tmp_path / "fairness.csv"
    args = ["eval", "fairness", "--truth", str(authority), "--oracle-links", "--db", db_url]
    done = runner.invoke(app, [*args, "--format", "json", "--csv", str(table)])
    assert done.exit_code == 0, done.output
    report = orjson.loads(done.stdout.strip().splitlines()[-1])
    assert report["children"] > 0 and report["threshold"] == 1.25
    overall = next(r for r in report["rows"] if r["rule"] == "ANY RULE" and r["dimension"] == "overall")
    assert overall["children"] == report["children"]
    for key in ("alert_rate", "false_alarm_rate", "alerted_in_time"):
        assert {"hits", "n", "rate", "low", "high", "ratio_to_overall"} <= set(overall[key])
        if overall[key]["hits"]:  # and the interval again with whole families resampled
            assert overall[key]["family_low"] <= overall[key]["rate"] <= overall[key]["family_high"]
    assert report["families"] > 0 and report["family_replicates"] == 500
    ethnic = [r for r in report["rows"] if r["rule"] == "ANY RULE" and r["dimension"] == "ethnicity"]
    assert [r["group"] for r in ethnic] == list(DIMENSIONS["ethnicity"])
    assert sum(r["children"] for r in ethnic) == report["children"]
    for gap in report["disparities"]:
        assert {"rule", "dimension", "higher_group", "lower_group", "ratio", "clear", "drivers"} <= set(gap)
    saved = orjson.loads(latest_run_file.read_bytes())  # kept for the managers' page
    assert saved.pop("saved_at") and saved == report
    with table.open(encoding="utf-8") as handle:
        rows = list(csv.reader(handle))
    assert rows[0] == CSV_COLUMNS
    assert len(rows) - 1 == len(report["rows"])
    text = runner.invoke(app, args)  # the same database, now held: replay only
    assert text.exit_code == 0, text.output
    assert "ANY RULE by group" in text.stdout and "Cochran–Armitage trend" in text.stdout
    assert "by more than 1.25x" in text.stdout


def test_a_folder_without_truth_is_refused_with_what_to_give(db_url: str, tmp_path: Path) -> None:
    done = runner.invoke(app, ["eval", "fairness", "--truth", str(tmp_path), "--db", db_url])
    assert done.exit_code == 2
    assert "joinedup synth" in done.output
