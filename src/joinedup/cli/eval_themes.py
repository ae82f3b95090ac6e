"""``joinedup eval themes``: the theme tagger against the labelled review summaries.

Prints micro and macro F1 and, per theme, precision, recall and F1 of the tagger beside the
keyword-only baseline (cue phrases matched as words), on the held-out ``test`` split by
default, plus cross-validated figures over every review and over the dev reviews alone
(settings re-chosen on four folds, scored on the fifth). The set is in ``joinedup/learning/data/eval_reviews.jsonl``.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

import orjson
import typer

from joinedup.cli.common import FormatOption, OutputFormat, err, out, progress_bar


class Split(StrEnum):
    TEST = "test"
    DEV = "dev"
    ALL = "all"


def themes(
    split: Annotated[
        Split, typer.Option("--split", help="Reviews to score: test (held out), dev or all.")
    ] = Split.TEST,
    output: FormatOption = OutputFormat.TEXT,
) -> None:
    """Micro and macro F1 of the theme tagger, per theme, beside a keyword-only baseline."""
    from joinedup.learning import LearningError
    from joinedup.learning import evaluate as ev

    try:
        with progress_bar("Tagging the labelled reviews") as bar:
            task = bar.add_task("tag", total=len(ev.labelled_set()) + len(ev.fictional_set()))
            result = ev.report(split.value, on_progress=lambda n: bar.advance(task, n))
    except LearningError as exc:
        err.print(f"[red]{exc}[/red]", highlight=False)
        raise typer.Exit(2) from exc
    if output is not OutputFormat.TEXT:
        typer.echo(orjson.dumps(result).decode())
        return
    model, base, cv = result["model"], result["keyword_baseline"], result["cross_validated"]
    out.print(f"Theme tagging on {result['reviews']} labelled reviews ({result['split']} split)", style="bold")
    out.print(f"{'':34}{'tagger':>10}{'keywords':>10}")
    for label, key in (("micro precision", "micro_precision"), ("micro recall", "micro_recall")):
        out.print(f"{label:34}{model[key]:>10.3f}{base[key]:>10.3f}")
    out.print(f"{'micro F1':34}{model['micro_f1']:>10.3f}{base['micro_f1']:>10.3f}", style="bold")
    out.print(f"{'macro F1':34}{model['macro_f1']:>10.3f}{base['macro_f1']:>10.3f}", style="bold")
    out.print(
        f"cross-validated ({cv['folds']} folds, {cv['reviews']} reviews): "
        f"micro F1 {cv['micro_f1']:.3f}, macro F1 {cv['macro_f1']:.3f}"
    )
    dev_cv = result["cross_validated_dev"]
    out.print(
        f"cross-validated on dev only ({dev_cv['folds']} folds, {dev_cv['reviews']} reviews): "
        f"micro F1 {dev_cv['micro_f1']:.3f}, macro F1 {dev_cv['macro_f1']:.3f}"
    )
    fic_cv = result["cross_validated_fictional"]
    out.print(
        f"cross-validated on the fictional reviews ({fic_cv['folds']} folds, {fic_cv['reviews']} reviews, "
        f"dev always in training): micro F1 {fic_cv['micro_f1']:.3f}, macro F1 {fic_cv['macro_f1']:.3f}"
    )
    agree = result["annotator_agreement"]
    pairs = ", ".join(f"{p['annotators'][0]}-{p['annotators'][1]} {p['micro_f1']:.3f}" for p in agree["pairs"])
    versus = ", ".join(f"{name} {s['micro_f1']:.3f}" for name, s in agree["tagger"].items())
    out.print(f"annotator agreement, micro F1 between independent annotators ({agree['reviews']} reviews): {pairs}")
    out.print(f"tagger against each annotator and their majority, micro F1: {versus}")
    out.print()
    out.print(f"{'theme':34}{'support':>8}{'P':>7}{'R':>7}{'F1':>7}{'kw F1':>8}")
    names = sorted(set(model["per_theme"]) | set(base["per_theme"]))
    for name in names:
        m = model["per_theme"].get(name, {"precision": 0.0, "recall": 0.0, "f1": 0.0, "support": 0})
        b = base["per_theme"].get(name, {"f1": 0.0, "support": m["support"]})
        support = max(m["support"], b["support"])
        out.print(f"{name:34}{support:>8}{m['precision']:>7.2f}{m['recall']:>7.2f}{m['f1']:>7.2f}{b['f1']:>8.2f}")
    for line in settings_lines(result["settings"], result["word_model"]["gate_words"]):
        out.print(line)
    for key, what in (
        ("long_reviews", "never fitted on, chose the settings"),
        ("long_reviews_confirm", "written after the settings were fixed"),
    ):
        long_reviews = result.get(key)
        if long_reviews:
            out.print(
                f"long reviews held out, {long_reviews['split']} ({long_reviews['reviews']} invented reviews of about "
                f"{long_reviews['mean_words']:,} words, {what}): micro F1 {long_reviews['micro_f1']:.3f} "
                f"(P {long_reviews['micro_precision']:.3f}, R {long_reviews['micro_recall']:.3f}), "
                f"{long_reviews['themes_per_review']:.1f} themes suggested a review against "
                f"{long_reviews['labelled_per_review']:.1f} tagged by their writers"
            )


def settings_lines(settings: dict[str, Any], gate_words: int) -> list[str]:
    """The shipped settings as the text report prints them: each calibrator and, for a long
    review, the cap and its ranker, so a reader of the figures sees what produced them."""
    from joinedup.learning.tagger import LONG_REVIEW_WORDS

    lines = [
        f"\nsettings: threshold {settings['threshold']} (calibrated probability), cue bonus "
        f"{settings['cue_bonus']}, calibrator evidence weight {settings['evidence_weight']}, clause weight "
        f"{settings.get('clause_weight', 0.0)}, word model weight {settings.get('text_weight', 0.0)}, prior weight "
        f"{settings['prior_weight']}, bias {settings['bias']} (data/tagger_settings.json, chosen on dev and the fictional reviews)"
    ]
    long_text = settings.get("long_text")
    if long_text:
        lines.append(
            f"reviews over {gate_words} words (no word model; classifier and neighbours with the neutral sentences): "
            f"threshold {long_text['threshold']}, evidence weight {long_text['evidence_weight']}, clause weight "
            f"{long_text['clause_weight']}, prior weight {long_text['prior_weight']}, bias {long_text['bias']} "
            "(fitted on the same reviews, scored as a long review is)"
        )
    long_review = settings.get("long_review")
    if long_review and long_review.get("max_themes"):
        ranker = long_review.get("ranker") or {}
        lines.append(
            f"reviews of {LONG_REVIEW_WORDS:,} words or more: at most {long_review['max_themes']} of the themes over "
            f"that threshold, chosen by a ranker (third-best passage weight {ranker.get('passage_weight', 0.0)}, "
            f"evidence weight {ranker.get('evidence_weight', 0.0)}, clause weight {ranker.get('clause_weight', 0.0)}, "
            f"prior weight {ranker.get('prior_weight', 0.0)}) fitted on labelled long reviews"
        )
    return lines


def register(eval_app: typer.Typer) -> None:
    eval_app.command("themes")(themes)
