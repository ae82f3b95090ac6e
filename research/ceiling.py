"""Diagnostic (fifteenth session): could any way of *deciding* from the shipped evidence scores
reach micro-F1 0.80 on real reviews the tagger never saw?

Every change tried since the seventh session was either a new input to the calibrator or a new
way of deciding (thresholds, caps, a second stage). This asks the question under all of them at
once. The shipped method is fitted without each of the two earlier fresh sets (47 and 38 real
summaries, as ``label_context.py`` and ``text_feature.py`` fit it), and its calibrated
probabilities for the held reviews are then decided by rules that *cheat*, each fitted on the
held reviews' own labels:

- ``best_global_threshold``: the one threshold that scores best on them;
- ``best_threshold_per_theme``: thirty thresholds, each chosen on them (coordinate ascent, five
  rounds), which no calibrator fitted elsewhere can beat on the same probabilities;
- ``told_how_many``: each review told how many themes it carries, and given its top ones.

Beside them, on both sets together, ``threshold_per_theme_from_the_other_set``: thirty
thresholds chosen on one set and used on the other, what a per-theme calibration could really
give.

If these stay under 0.80, no calibrator, threshold, cap or stage built on these probabilities
can reach the goal: what is short is the evidence (how well the scores rank a review's themes),
which comes from the encoder, the clause marks and the taxonomy's definitions. Each line also
gives how far careful readers agree on the same reviews. Nothing here is
chosen for the product; test is not read.

Run from a source checkout: ``python research/ceiling.py``. Clause scores are embedded once and
cached under ``$TMPDIR`` (shared with ``label_context.py``). One JSON line a set, then one for
both together.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).parent))

import label_context  # the harness beside this file

from joinedup.learning import evaluate, tagger, taxonomy

SETS = ("ninth_session_first_round_47", "ninth_session_second_round_38")
GRID = np.round(np.arange(0.02, 1.0, 0.01), 2)


def held_probabilities(name: str) -> tuple[np.ndarray, np.ndarray, float]:
    """(reviews, themes) calibrated probabilities and labels of one fresh set, from the shipped
    method fitted without it, and the threshold that method chose."""
    scores = label_context.cached_scores()
    reviews = evaluate.labelled_set()
    ids = set(json.loads((Path(__file__).parent / "fresh_sets.json").read_text("utf-8"))[name])
    held = [r for r in reviews if r.id in ids]
    train = [r for r in reviews if r.split == "dev" and r.id not in ids] + evaluate.fictional_set()
    fitted = evaluate.fit_tagger(train, [scores[r.id] for r in train])
    held_scores = fitted.scored(held, [scores[r.id] for r in held])
    p = np.asarray([tagger.confidences(sc, fitted.settings.for_scores(sc)) for sc in held_scores])
    themes = taxonomy.theme_ids()
    gold = np.asarray([[t in r.themes for t in themes] for r in held])
    return p, gold, fitted.settings.threshold


def annotators(names: Sequence[str]) -> dict[str, float]:
    """How far careful readers agree on the same reviews: the set's labels against each blind
    annotator's, and the two annotators against each other (``data/eval_second_labels.jsonl``)."""
    fresh = json.loads((Path(__file__).parent / "fresh_sets.json").read_text("utf-8"))
    ids = [i for name in names for i in fresh[name]]
    reviews = {r.id: r for r in evaluate.labelled_set()}
    second = evaluate.second_labels()
    gold = [reviews[i].themes for i in ids]
    b, c = ([set(second[k][i]) for i in ids] for k in ("b", "c"))
    return {
        "set_and_annotator_b": round(evaluate.score(gold, b).micro_f1, 4),
        "set_and_annotator_c": round(evaluate.score(gold, c).micro_f1, 4),
        "annotator_b_and_c": round(evaluate.score([frozenset(x) for x in b], c).micro_f1, 4),
    }


def micro_f1(predicted: np.ndarray, gold: np.ndarray) -> float:
    found = int((predicted & gold).sum())
    return 2.0 * found / max(int(predicted.sum()) + int(gold.sum()), 1)


def thresholds_per_theme(p: np.ndarray, gold: np.ndarray, start: float) -> np.ndarray:
    """Each theme's threshold chosen on these labels (1.01: never suggested; ties: nearest the start)."""
    chosen = np.full(p.shape[1], start)
    for _ in range(5):
        for t in range(p.shape[1]):
            trials = []
            for c in (*GRID, 1.01):
                chosen[t] = c
                trials.append((micro_f1(p >= chosen, gold), -abs(c - start), c))
            chosen[t] = max(trials)[2]
    return chosen


def best_threshold_per_theme(p: np.ndarray, gold: np.ndarray, start: float) -> float:
    return micro_f1(p >= thresholds_per_theme(p, gold, start), gold)


def told_how_many(p: np.ndarray, gold: np.ndarray) -> float:
    predicted = np.zeros_like(gold)
    for i in range(len(p)):
        predicted[i, np.argsort(-p[i])[: int(gold[i].sum())]] = True
    return micro_f1(predicted, gold)


def auc(p: np.ndarray, gold: np.ndarray) -> float:
    from sklearn.metrics import roc_auc_score

    return float(roc_auc_score(gold.ravel(), p.ravel()))


def figures(name: str, p: np.ndarray, gold: np.ndarray, threshold: float) -> dict[str, Any]:
    missed = p[gold & (p < threshold)]
    return {
        "set": name,
        "reviews": len(p),
        "shipped": round(micro_f1(p >= threshold, gold), 4),
        "best_global_threshold": round(max(micro_f1(p >= c, gold) for c in GRID), 4),
        "best_threshold_per_theme": round(best_threshold_per_theme(p, gold, threshold), 4),
        "told_how_many": round(told_how_many(p, gold), 4),
        "auc": round(auc(p, gold), 4),
        "missed": int(missed.size),
        "missed_median_probability": round(float(np.median(missed)), 3) if missed.size else None,
        "missed_under_half_the_threshold": int((missed < threshold / 2).sum()),
        "errors_by_theme": most_errors(p >= threshold, gold),
    }


def most_errors(predicted: np.ndarray, gold: np.ndarray, top: int = 8) -> dict[str, list[int]]:
    """The themes the shipped decision gets wrong most often: [suggested wrongly, missed]."""
    ids = taxonomy.theme_ids()
    wrong = (predicted & ~gold).sum(axis=0)
    missed = (gold & ~predicted).sum(axis=0)
    order = np.argsort(-(wrong + missed), kind="stable")[:top]
    return {ids[t]: [int(wrong[t]), int(missed[t])] for t in order}


def main(names: Sequence[str]) -> None:
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    parts = []
    for name in names:
        p, gold, threshold = held_probabilities(name)
        parts.append((p, gold, threshold))
        sys.stdout.write(json.dumps(figures(name, p, gold, threshold) | annotators([name])) + "\n")
        sys.stdout.flush()
    if len(parts) > 1 and len({t for _, _, t in parts}) == 1:
        both = (np.vstack([p for p, _, _ in parts]), np.vstack([g for _, g, _ in parts]), parts[0][2])
        line = figures("both", *both) | annotators(names)
        # the honest version of the per-theme bound: thresholds chosen on one set, used on the other
        (p1, g1, t1), (p2, g2, _) = parts[0], parts[1]
        crossed = np.vstack([p2 >= thresholds_per_theme(p1, g1, t1), p1 >= thresholds_per_theme(p2, g2, t1)])
        line["threshold_per_theme_from_the_other_set"] = round(micro_f1(crossed, np.vstack([g2, g1])), 4)
        sys.stdout.write(json.dumps(line) + "\n")


if __name__ == "__main__":
    main(sys.argv[1:] or SETS)
