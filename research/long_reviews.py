"""Check (eleventh and twelfth sessions): how the tagger reads a review that is long.

The labelled reviews are summaries of at most 160 words; a published review runs to hundreds of
pages, most of it chronology. This asks what the tagger does to a summary's themes when the
summary is buried in routine chronology. The whole tagger is fitted without the 47 reviews of
the first fresh set, which are then read plain and padded; the padding is invented, routine and
theme-free, so the right themes stay the summary's own. It reads them as the product does:
under ``text_model.GATE_WORDS`` words with the word model, over it with the long-text
calibrator and the parts that know the neutral sentences. (Until the twelfth session's last
change it also printed the word model read at every length and the tagger without it; the
figures in docs/learning.md that compare those come from that version, in git history.)

Run from a source checkout: ``python research/long_reviews.py [--bank] [FRESH_SET] [PADDING_PASSAGES...]``
(``--bank`` pads with ``padding_bank.json`` instead of the eight templates below)
(the set is a key of ``fresh_sets.json``, the first by default; padding 0 is always read);
each padding passage is six routine sentences, about 90 words. Padding 0 on the first two
fresh sets is the twelfth session's adoption check on summaries, through the product's own
``evaluate.fit_tagger``.
"""

from __future__ import annotations

import json
import random
import sys
from pathlib import Path

from joinedup.learning import evaluate, tagger, text_model

ROUTINE = [
    "In {month} the family was visited at home by the allocated worker and the plan was reviewed.",
    "The GP saw the child in {month} for a chest infection and prescribed antibiotics.",
    "A core group meeting took place in {month}; all agencies attended and actions were agreed.",
    "In {month} the school reported that the child had settled well into the new class.",
    "The health visitor completed a developmental check in {month} and growth was on the centile.",
    "The case was discussed at the team's weekly allocation meeting in {month}.",
    "In {month} the mother attended the appointment at the housing office with her support worker.",
    "A letter confirming the next review date was sent to the family in {month}.",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]


def bank() -> list[str]:
    """The second padding: 240 routine chronology entries written for this check alone, by a
    writer who saw neither the training data nor the neutral sentences (``padding_bank.json``)."""
    raw = json.loads((Path(__file__).parent / "padding_bank.json").read_text("utf-8"))
    return [str(s) for s in raw["sentences"]]


def padded(passages: tuple[str, ...], padding: int, seed: int, lines: list[str] | None = None) -> list[str]:
    """The summary's passages at a random place among ``padding`` passages of routine chronology
    (six lines each, from ``lines``; by default the eight templates above with a month)."""
    rng = random.Random(seed)
    source = lines or ROUTINE
    filler = [
        " ".join(rng.choice(source).replace("{month}", rng.choice(MONTHS)) for _ in range(6)) for _ in range(padding)
    ]
    at = rng.randrange(padding + 1)
    return filler[:at] + list(passages) + filler[at:]


def main(fresh_set: str, paddings: list[int], lines: list[str] | None = None) -> None:
    reviews = evaluate.labelled_set()
    fresh = set(json.loads((Path(__file__).parent / "fresh_sets.json").read_text("utf-8"))[fresh_set])
    held = [r for r in reviews if r.id in fresh]
    train = [r for r in reviews if r.split == "dev" and r.id not in fresh] + evaluate.fictional_set()
    long_fit = [r for r in evaluate.long_review_set() if r.split == "fit"]  # they choose the shipped cap
    fitted = evaluate.fit_tagger(train, evaluate.sentence_scores(train), long_fit)
    gold = [r.themes for r in held]
    for padding in [0, *paddings]:
        texts = [padded(evaluate.review_passages(r.text), padding, i, lines) for i, r in enumerate(held)]
        completed = [fitted.completed(p, tagger.sentence_scores(p, score_neighbours=False)) for p in texts]
        predicted = evaluate.predict(completed, fitted.settings)
        found = evaluate.score(gold, predicted)
        counts = [len(" ".join(p).split()) for p in texts]
        line = {
            "fresh_set": fresh_set,
            "padding": "bank" if lines else "templates",
            "padding_passages": padding,
            "reading": "shipped",
            "mean_words": sum(counts) // len(counts),
            "read_by_word_model": sum(1 for sc in completed if sc.text is not None),
            "micro_f1": round(found.micro_f1, 4),
            "precision": round(found.micro_p, 4),
            "recall": round(found.micro_r, 4),
            "themes_per_review": round(sum(len(p) for p in predicted) / len(predicted), 2),
            "gate_words": text_model.GATE_WORDS,
        }
        sys.stdout.write(json.dumps(line) + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    args = sys.argv[1:]
    lines = bank() if args and args[0] == "--bank" else None
    args = args[1:] if lines else args
    named = args.pop(0) if args and not args[0].isdigit() else "ninth_session_first_round_47"
    main(named, [int(a) for a in args] if args else [2, 15, 60], lines)
