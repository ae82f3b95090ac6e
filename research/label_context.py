"""Experiment (thirteenth session): does reading each theme beside the other 29 help?

The shipped tagger decides every theme alone. Labels travel together (from the other 29 labels
alone a theme is predicted with a cross-validated AUC of 0.65 to 0.96), so a second stage, per
theme a logistic regression on the first stage's calibrated logits of all 30 themes, might lift
the vaguer themes on a review whose plainer ones are certain, and drop an implausible one.

The first stage is the product's own tagger (``evaluate.fit_tagger``). The second is fitted on
the training reviews' first-stage logits, which must look like a new review's: their clause
scores are cross-fitted (``evaluate.cross_fitted``), and the calibrator is fitted without the
review too (five folds, the settings ``fit_tagger`` chose). Its C and threshold are chosen by
inner five-fold CV on the training reviews. Summaries only: every labelled review is under the
word model's gate.

The adoption rule (docs/learning.md, thirteenth session), fixed before any run: at least +0.01
micro-F1 over the first stage alone on both earlier fresh sets (47 and 38), each held out of
everything, and the mean of dev and fictional five-fold CV must not fall. Test is not consulted.

Run from a source checkout: ``python research/label_context.py [FIGURE...]`` with figures among
``ninth_session_first_round_47 ninth_session_second_round_38 dev_cv fictional_cv`` (all by
default). Clause scores are embedded once and cached under ``$TMPDIR``. One JSON line a figure.
"""

from __future__ import annotations

import dataclasses
import json
import os
import pickle
import sys
import tempfile
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from joinedup.learning import evaluate, tagger, taxonomy

if TYPE_CHECKING:
    import numpy as np

GRID_C = (0.01, 0.03, 0.1, 0.3, 1.0)
GRID_THRESHOLD = tuple(evaluate.GRID["threshold"])
FOLDS = 5


def cached_scores() -> dict[str, tagger.SentenceScores]:
    """Every labelled and fictional review's clause scores (embedded once)."""
    path = Path(tempfile.gettempdir()) / "joinedup-label-context-scores.pkl"
    if path.exists():
        # this script's own cache, written just below on an earlier run
        loaded: dict[str, tagger.SentenceScores] = pickle.loads(path.read_bytes())  # noqa: S301
        return loaded
    reviews = evaluate.labelled_set() + evaluate.fictional_set()
    found = dict(zip([r.id for r in reviews], evaluate.sentence_scores(reviews), strict=True))
    path.write_bytes(pickle.dumps(found))
    return found


def first_logits(scores: Sequence[tagger.SentenceScores], settings: tagger.TaggerSettings) -> np.ndarray:
    """(reviews, themes): the calibrator's logit for every theme, as ``tagger.decide`` computes it."""
    import numpy as np

    return np.asarray([[tagger.logit(p) for p in tagger.confidences(sc, settings.for_scores(sc))] for sc in scores])


def training_logits(
    train: Sequence[evaluate.LabelledReview], scores: Sequence[tagger.SentenceScores], settings: tagger.TaggerSettings
) -> np.ndarray:
    """The training reviews' first-stage logits, each from a calibrator fitted without it (on
    cross-fitted clause scores and word-model readings, with the settings already chosen)."""
    import numpy as np

    crossed = evaluate.cross_fitted(train, scores)
    gold = [r.themes for r in train]
    found = np.zeros((len(train), len(taxonomy.theme_ids())))
    c = _chosen_c(settings, gold, crossed)
    for fold in range(FOLDS):
        rest = [i for i in range(len(train)) if i % FOLDS != fold]
        held = list(range(fold, len(train), FOLDS))
        fitted = evaluate.fit_calibrator(
            [gold[i] for i in rest], [crossed[i] for i in rest], c, settings.threshold, settings.cue_bonus
        )
        found[held] = first_logits([crossed[i] for i in held], fitted)
    return found


def _chosen_c(
    settings: tagger.TaggerSettings, gold: Sequence[frozenset[str]], crossed: Sequence[tagger.SentenceScores]
) -> float:
    """The calibrator's C that ``choose_settings`` picked: the one whose refit gives its weights."""
    for c in evaluate.GRID["calibrator_c"]:
        again = evaluate.fit_calibrator(gold, crossed, c, settings.threshold, settings.cue_bonus)
        if abs(again.evidence_weight - settings.evidence_weight) < 1e-6:
            return c
    raise AssertionError("settings not refitted from any C of the grid")


def _stage_two(x: np.ndarray, y: np.ndarray, c: float) -> list[Any]:
    """Per theme, a logistic regression on all 30 first-stage logits (own one included)."""
    from sklearn.linear_model import LogisticRegression

    models: list[Any] = []
    for t in range(y.shape[1]):
        if y[:, t].min() == y[:, t].max():
            models.append(float(y[0, t]))
            continue
        models.append(LogisticRegression(C=c, max_iter=4000).fit(x, y[:, t]))
    return models


def _apply(models: list[Any], x: np.ndarray) -> np.ndarray:
    import numpy as np

    found = np.zeros((x.shape[0], len(models)))
    for t, model in enumerate(models):
        found[:, t] = model if isinstance(model, float) else model.predict_proba(x)[:, 1]
    return found


def _sets(p: np.ndarray, threshold: float) -> list[set[str]]:
    ids = taxonomy.theme_ids()
    return [{ids[t] for t in range(len(ids)) if p[i, t] >= threshold} for i in range(len(p))]


def second_stage(
    x_train: np.ndarray, gold: Sequence[frozenset[str]], x_held: np.ndarray
) -> tuple[list[set[str]], dict[str, float]]:
    """The second stage chosen by inner CV on the training logits, applied to the held ones."""
    import numpy as np

    ids = taxonomy.theme_ids()
    y = np.asarray([[int(t in g) for t in ids] for g in gold])
    best: tuple[float, float, float] | None = None
    for c in GRID_C:
        p = np.zeros(y.shape)
        for fold in range(FOLDS):
            rest = [i for i in range(len(gold)) if i % FOLDS != fold]
            held = list(range(fold, len(gold), FOLDS))
            p[held] = _apply(_stage_two(x_train[rest], y[rest], c), x_train[held])
        for threshold in GRID_THRESHOLD:
            f1 = evaluate.score(gold, _sets(p, threshold)).micro_f1
            if best is None or f1 > best[0]:
                best = (f1, c, threshold)
    assert best is not None
    _, c, threshold = best
    return _sets(_apply(_stage_two(x_train, y, c), x_held), threshold), {"c": c, "threshold": threshold}


def both_stages(
    train: Sequence[evaluate.LabelledReview],
    held: Sequence[evaluate.LabelledReview],
    scores: dict[str, tagger.SentenceScores],
) -> tuple[list[set[str]], list[set[str]], dict[str, float]]:
    """The held reviews predicted by the shipped method fitted on ``train``, and with the second stage."""
    train_scores = [scores[r.id] for r in train]
    fitted = evaluate.fit_tagger(train, train_scores)
    held_scores = fitted.scored(held, [scores[r.id] for r in held])
    first = evaluate.predict(held_scores, fitted.settings)
    x_train = training_logits(train, train_scores, dataclasses.replace(fitted.settings, long_text=None))
    second, chosen = second_stage(x_train, [r.themes for r in train], first_logits(held_scores, fitted.settings))
    return first, second, chosen


def figure(gold: Sequence[frozenset[str]], predicted: Sequence[set[str]]) -> dict[str, float]:
    found = evaluate.score(gold, predicted)
    return {
        "micro_f1": round(found.micro_f1, 4),
        "precision": round(found.micro_p, 4),
        "recall": round(found.micro_r, 4),
        "macro_f1": round(found.macro_f1, 4),
        "themes_per_review": round(sum(len(p) for p in predicted) / max(len(predicted), 1), 2),
    }


def cross_validated(
    reviews: Sequence[evaluate.LabelledReview],
    extra: Sequence[evaluate.LabelledReview],
    scores: dict[str, tagger.SentenceScores],
) -> tuple[list[set[str]], list[set[str]], list[dict[str, float]]]:
    first: list[set[str]] = [set() for _ in reviews]
    second: list[set[str]] = [set() for _ in reviews]
    chosen = []
    for fold in range(FOLDS):
        train = [r for i, r in enumerate(reviews) if i % FOLDS != fold] + list(extra)
        held_index = [i for i in range(len(reviews)) if i % FOLDS == fold]
        a, b, picked = both_stages(train, [reviews[i] for i in held_index], scores)
        chosen.append(picked)
        for i, x, y in zip(held_index, a, b, strict=True):
            first[i], second[i] = x, y
    return first, second, chosen


def main(which: list[str]) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    scores = cached_scores()
    reviews = evaluate.labelled_set()
    fictional = evaluate.fictional_set()
    dev = [r for r in reviews if r.split == "dev"]
    fresh = json.loads((Path(__file__).parent / "fresh_sets.json").read_text("utf-8"))
    for name in which:
        if name in fresh:
            ids = set(fresh[name])
            held = [r for r in reviews if r.id in ids]
            train = [r for r in dev if r.id not in ids] + fictional
            first, second, picked = both_stages(train, held, scores)
            chosen: Any = picked
        elif name == "dev_cv":
            held = dev
            first, second, chosen = cross_validated(dev, fictional, scores)
        elif name == "fictional_cv":
            held = fictional
            first, second, chosen = cross_validated(fictional, dev, scores)
        else:
            raise SystemExit(f"unknown figure {name!r}")
        gold = [r.themes for r in held]
        for stage, predicted in (("first (shipped)", first), ("with second stage", second)):
            line: dict[str, Any] = {"figure": name, "stage": stage, **figure(gold, predicted)}
            if stage != "first (shipped)":
                line["chosen"] = chosen
            sys.stdout.write(json.dumps(line) + "\n")
            sys.stdout.flush()


if __name__ == "__main__":
    main(sys.argv[1:] or ["ninth_session_first_round_47", "ninth_session_second_round_38", "dev_cv", "fictional_cv"])
