"""``joinedup eval fairness --truth DIR``: does each rule fall evenly on the families it watches?

Per rule and per group (ethnicity, disability in the household, deprivation quintile, first
language): alert rate, false-alarm rate and harmed children alerted in time, each with a 95%
Wilson interval and its ratio to all children; then every rule whose false-alarm rate in one
group is more than 1.25 times another's, with the kinds of record that drive the gap.
``--csv FILE`` writes every row for the data team; ``--format json`` prints the whole report.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import orjson
import typer

from joinedup.cli.common import DbOption, FormatOption, OutputFormat, database, err, out, progress_bar
from joinedup.fairness.drivers import describe
from joinedup.fairness.run import evaluate_fairness
from joinedup.fairness.store import csv_text, save_latest
from joinedup.fairness.table import FairnessReport, Rate


def write_csv(report: FairnessReport, path: Path) -> None:
    path.write_text(csv_text(report.as_json()), encoding="utf-8")


def _pct(rate: Rate) -> str:
    if rate.rate is None:
        return "—"
    return f"{rate.rate:.2%} ({rate.low:.2%}–{rate.high:.2%})"


def _ratio(rate: Rate) -> str:
    return f"{rate.ratio_to_overall:.2f}" if rate.ratio_to_overall is not None else "—"


def print_report(report: FairnessReport) -> None:
    out.print(
        f"{report.children:,} children, {report.harmed_children:,} harmed; links: {report.links}; "
        "rates with 95% Wilson intervals; ratio = group / all children",
        markup=False,
    )
    out.print(f"\n{'rule':<44}{'alert rate':>26}{'false-alarm rate':>26}{'harmed alerted in time':>28}", markup=False)
    for r in (r for r in report.rows if r.dimension == "overall"):
        out.print(
            f"{r.rule:<44}{_pct(r.alert_rate):>26}{_pct(r.false_alarm_rate):>26}{_pct(r.alerted_in_time):>28}",
            markup=False,
        )
    out.print("\nANY RULE by group", markup=False)
    out.print(
        f"{'group':<44}{'children':>9}{'false-alarm rate':>26}{'ratio':>7}{'in time':>26}{'ratio':>7}", markup=False
    )
    for r in (r for r in report.rows if r.rule == "ANY RULE" and r.dimension != "overall"):
        out.print(
            f"{r.dimension + ': ' + r.group:<44}{r.children:>9,}{_pct(r.false_alarm_rate):>26}"
            f"{_ratio(r.false_alarm_rate):>7}{_pct(r.alerted_in_time):>26}{_ratio(r.alerted_in_time):>7}",
            markup=False,
        )
    judged = sorted((d for d in report.disparities if d.judged and d.clear), key=lambda d: not d.clear_corrected)
    chance = sum(1 for d in report.disparities if d.judged and not d.clear)
    out.print(
        f"\nRules whose false-alarm rate differs between two groups by more than {report.threshold}x:", markup=False
    )
    if not judged:
        out.print("  none", markup=False)
    for d in judged:
        ratio = f"{d.ratio:.2f}x" if d.ratio is not None else "only in one group"
        interval = f" (95% CI {d.ratio_low:.2f}–{d.ratio_high:.2f})" if d.ratio_low is not None else ""
        if d.family_ratio_low is not None and d.family_ratio_high is not None:
            interval += f" [families resampled {d.family_ratio_low:.2f}–{d.family_ratio_high:.2f}]"
        verdict = "CLEAR" if d.clear_corrected else "95% only" if d.clear else "within chance"
        out.print(
            f"  [{verdict}] {d.rule} — {d.dimension}: {d.higher_group} vs {d.lower_group} {ratio}{interval}, "
            f"{d.higher_false_alarms} vs {d.lower_false_alarms} false alarms; driven by {describe(d.drivers)}",
            markup=False,
        )
    if report.family_replicates:
        kept = sum(1 for d in judged if d.clear_with_families)
        unknown = sum(1 for d in judged if d.clear_with_families is None)
        out.print(
            f"  ({kept} of these {len(judged)} still clear 1 when whole families are resampled"
            + (f", {unknown} without a ratio to resample" if unknown else "")
            + f": {report.families:,} families, {report.family_replicates} replicates)",
            markup=False,
        )
    if chance:
        out.print(f"  ({chance} more gaps over {report.threshold}x are within chance at 95%; see --format json)")
    few = [d for d in report.disparities if not d.judged]
    if few:
        out.print(f"  ({len(few)} more gaps rest on fewer than 5 false alarms: too few to judge; see --format json)")
    out.print(
        "\nFalse alarms against deprivation (Cochran–Armitage trend; z > 0: more in deprived areas):", markup=False
    )
    for t in sorted(report.trends, key=lambda t: -(t.z or 0.0)):
        if t.z is not None:
            verdict = "CLEAR" if t.clear_corrected else ("95% only" if t.p is not None and t.p < 0.05 else "")
            families = ""
            if t.z_families is not None:
                families = f"  families resampled z={t.z_families:+.2f}" + (" CLEAR" if t.clear_with_families else "")
            out.print(f"  {t.rule:<44} z={t.z:+.2f} p={t.p:.4f} {verdict:<9}{families}", markup=False)


def eval_fairness(
    truth: Annotated[
        Path,
        typer.Option("--truth", "--synth", help="A folder written by `joinedup synth` (records.jsonl, truth/)."),
    ],
    oracle_links: Annotated[
        bool, typer.Option("--oracle-links", help="Link from the truth, to measure rules apart from linkage.")
    ] = False,
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Also write every row as CSV to this file.")] = None,
    save: Annotated[
        bool,
        typer.Option(
            "--save/--no-save",
            help="Keep this run as the latest, for the managers' fairness page "
            "(JOINEDUP_FAIRNESS_RESULTS, else fairness-latest.json in JOINEDUP_DATA_DIR or ~/.local/share/joinedup).",
        ),
    ] = True,
    db: DbOption = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Alert rate, false alarms and harmed children alerted in time, per rule and group."""
    for needed in ("families.jsonl", "persons.jsonl", "harm.jsonl", "subjects.jsonl"):
        if not (truth / "truth" / needed).exists():
            err.print(f"[red]{truth} has no truth/{needed}[/red]: give a folder written by `joinedup synth`")
            raise typer.Exit(2)
    with progress_bar("Replaying rules") as bar:
        task = bar.add_task("replay", total=None)
        report = evaluate_fairness(
            database(db),
            truth,
            oracle_links=oracle_links,
            say=lambda message: err.print(message),
            on_progress=lambda done, total: bar.update(task, completed=done, total=total),
        )
    if save:
        err.print(f"saved as the latest run for the fairness page: {save_latest(report.as_json())}")
    if csv_file is not None:
        write_csv(report, csv_file)
        err.print(f"wrote {len(report.rows)} rows to {csv_file}")
    if output is not OutputFormat.TEXT:
        typer.echo(orjson.dumps(report.as_json()).decode())
        return
    print_report(report)


def register(eval_app: typer.Typer) -> None:
    eval_app.command("fairness")(eval_fairness)
