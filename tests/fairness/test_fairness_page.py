"""The managers' fairness page and the data team's CSV, from a real ``eval fairness`` run."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from pathlib import Path
from typing import Any

import orjson
from fastapi.testclient import TestClient
from typer.testing import CliRunner

from joinedup.cli.main import app
from joinedup.fairness.store import CSV_COLUMNS

SERVICES = {"organisation": "Northtown Children's Services", "agency": "childrens_social_care"}


def test_managers_see_the_latest_run_as_a_chart_a_table_and_a_csv(
    app_for: Callable[..., TestClient],
    make_user: Callable[..., Any],
    page: Any,
    db_url: str,
    authority: Path,
    latest_run_file: Path,
) -> None:
    manager = app_for(make_user("m.khan", "manager", **SERVICES))
    empty = manager.get("/fairness")
    assert empty.status_code == 200 and "No fairness evaluation has been saved yet" in empty.text
    assert manager.get("/fairness.csv").status_code == 404

    done = CliRunner().invoke(app, ["eval", "fairness", "--truth", str(authority), "--oracle-links", "--db", db_url])
    assert done.exit_code == 0, done.output
    report = orjson.loads(latest_run_file.read_bytes())

    shown = manager.get("/fairness")
    assert shown.status_code == 200
    page(shown.text)
    svg = re.search(r"<svg class=\"joinedup-chart\".*?</svg>", shown.text, re.S)
    assert svg, "the chart is drawn on the server"
    rows = [r for r in report["rows"] if r["rule"] == "ANY RULE"]
    groups = rows[1:]
    marks = svg.group(0).count("<circle") + svg.group(0).count("<path")
    measured = sum(
        1 for r in groups for key in ("alert_rate", "false_alarm_rate", "alerted_in_time") if r[key]["rate"] is not None
    )
    assert marks == measured  # one dot per group and measure that has a figure
    diamonds = sum(
        1
        for r in groups
        if r["false_alarm_rate"]["ratio_to_overall"] is not None
        and r["false_alarm_rate"]["ratio_to_overall"] > report["threshold"]
    )
    assert svg.group(0).count("<path") == diamonds
    assert f"{report['children']:,} children" in shown.text
    table = shown.text.split("figures by group")[1].split("</table>")[0]
    assert table.count('<th scope="row"') == len(rows)
    gaps = [d for d in report["disparities"] if d["judged"] and d["clear"]]
    listed = shown.text.split("Rules over the")[1].split("</table>")[0] if gaps else ""
    assert listed.count('<tr class="govuk-table__row">') == len(gaps)

    other_rule = next(r["rule"] for r in report["rows"] if r["rule"] != "ANY RULE")
    one = manager.get("/fairness", params={"rule": other_rule})
    assert one.status_code == 200 and f"{other_rule} by group" in one.text

    download = manager.get("/fairness.csv")
    assert download.status_code == 200 and download.headers["content-type"].startswith("text/csv")
    parsed = list(csv.reader(io.StringIO(download.text)))
    assert parsed[0] == CSV_COLUMNS and len(parsed) - 1 == len(report["rows"])
    assert parsed[1][:4] == ["ANY RULE", "overall", "all children", str(report["children"])]


def test_the_page_is_for_managers_and_the_oversight_team_only(
    app_for: Callable[..., TestClient], make_user: Callable[..., Any]
) -> None:
    assert app_for(make_user("a.udit", "auditor", **SERVICES)).get("/fairness").status_code == 200
    social_worker = app_for(make_user("sw.one", "social_worker", **SERVICES))
    assert social_worker.get("/fairness").status_code == 403
    assert social_worker.get("/fairness.csv").status_code == 403
