"""Check (thirteenth session): the tagger on long reviews with known themes.

Every labelled summary is about 120 words; a partnership loads reviews of 20 to 100 pages, mostly
background and chronology. The padding checks (``long_reviews.py``) bury a summary in routine
lines, which says what chronology does to the tagger but not how it reads a whole review written
as reviewers write. So twelve writers, who saw neither the training data nor the tagger, each
wrote five wholly invented English practice reviews of 2,000 to 3,000 words (pages with running
headers and page numbers, sections, a long chronology, findings in a reviewer's words), with the
themes a careful reader would tag; three more readers labelled writers 1-6's blind. They are
``data/long_reviews.jsonl`` (the writers' own files were gathered into it in the thirteenth
session; git history holds them), read as ``reviews add`` reads a text file.

Writers 1-6's thirty were split before any was scored: ``develop`` (writer + review number
even, 15) may be looked at to shape a change and is fitting data (``fit``); ``judge`` (odd, 15)
only decides whether a change is adopted. Writers 7-12's are fitting data only.

Writers 13-15's fifteen (``confirm``, fourteenth session) were written after the shipped
settings were fixed and decide nothing: they measure what shipped, once.

Run from a source checkout: ``python research/long_fictional.py [develop|judge|confirm|all] [--each]``.
It prints the shipped tagger's figures and those of a long-review calibrator fitted afresh on
the ``fit`` reviews with the shipped clause neighbours and priors (the second variant tried; the
first, with the passage spread as an input, is ``fit_long_text(..., spreads=(False, True))``).
Neither ships: both failed their rule on padded summaries (docs/learning.md, thirteenth
session). What ships for long reviews is the long-text calibrator capped at eight suggestions,
a ranker that reads the spread choosing which (fourteenth session, ``evaluate.rank_long_text``);
"shipped" below is that.
"""

from __future__ import annotations

import dataclasses
import json
import sys
from collections.abc import Sequence
from typing import Any

from joinedup.learning import evaluate


def half(review: evaluate.LongReview) -> str:
    writer = int(review.id.split("-")[1])
    if review.split in ("judge", "confirm"):
        return review.split
    return "develop" if writer <= 6 else "fit-only"


def figures(reviews: Sequence[evaluate.LongReview], predicted: Sequence[set[str]]) -> dict[str, Any]:
    found = evaluate.score([r.themes for r in reviews], predicted)
    line: dict[str, Any] = {
        "reviews": len(reviews),
        "micro_f1": round(found.micro_f1, 4),
        "precision": round(found.micro_p, 4),
        "recall": round(found.micro_r, 4),
        "macro_f1": round(found.macro_f1, 4),
        "themes_per_review": round(sum(len(p) for p in predicted) / max(len(predicted), 1), 2),
        "labelled_per_review": round(sum(len(r.themes) for r in reviews) / max(len(reviews), 1), 2),
    }
    seconded = [(r, p) for r, p in zip(reviews, predicted, strict=True) if r.second_themes is not None]
    if seconded:
        line["writer_vs_second_reader_f1"] = round(
            evaluate.score([r.themes for r, _ in seconded], [set(r.second_themes or ()) for r, _ in seconded]).micro_f1,
            4,
        )
        line["tagger_vs_second_reader_f1"] = round(
            evaluate.score([r.second_themes or frozenset() for r, _ in seconded], [p for _, p in seconded]).micro_f1, 4
        )
    return line


def main(which: str, each: bool) -> None:
    every = evaluate.long_review_set()
    reviews = [r for r in every if which == "all" or half(r) == which]
    shipped = evaluate.shipped_tagger()
    refit = dataclasses.replace(
        shipped.settings,
        long_review=evaluate.fit_long_text(
            [r for r in every if r.split == "fit"], shipped.long_neighbours, shipped.settings.priors
        ),
    )
    scores = evaluate.long_scores(reviews, shipped.long_neighbours)
    assert refit.long_review is not None and shipped.settings.long_text is not None
    sys.stdout.write(json.dumps({"refit_long_review": refit.long_review.as_json()}) + "\n")
    readers = (
        ("uncapped (as before the fourteenth session)", dataclasses.replace(shipped.settings, long_review=None)),
        (
            "a cap of ten alone",
            dataclasses.replace(
                shipped.settings, long_review=dataclasses.replace(shipped.settings.long_text, max_themes=10)
            ),
        ),
        ("shipped", shipped.settings),
        ("refit on long reviews", refit),
    )
    for name, settings in readers:
        predicted = evaluate.predict(scores, settings)
        if each:
            for r, p in zip(reviews, predicted, strict=True):
                row = {"id": r.id, "missed": sorted(r.themes - p), "extra": sorted(p - r.themes)}
                sys.stdout.write(json.dumps(row) + "\n")
        sys.stdout.write(json.dumps({"half": which, "reader": name, **figures(reviews, predicted)}) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(args[0] if args else "develop", "--each" in sys.argv)
