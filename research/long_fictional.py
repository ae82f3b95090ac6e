"""Check (thirteenth session): the tagger on long reviews with known themes.

Every labelled review is a summary of about 120 words; a partnership loads reviews of 20 to 100
pages, mostly background and chronology. The padding checks (``long_reviews.py``) bury a summary
in routine lines, which says what chronology does to the tagger but not how it reads a whole
review written as reviewers write. Here six writers, who saw neither the training data nor the
tagger, each wrote five wholly invented English practice reviews of 2,000 to 3,000 words (pages
with running headers and page numbers, sections, a long chronology, findings in a reviewer's
words), with the themes a careful reader would tag (``long_fictional/writer_N.jsonl``), and
``long_fictional/second_labels_*.jsonl`` hold a blind second reader's themes for each (three
readers, ten reviews each, reading the text alone).

Each review is read as ``joinedup reviews add`` reads a text file (form feeds are pages; headers,
footers and page numbers cleaned) and tagged by the shipped tagger, as ``reviews tag`` tags it.

The set is split, fixed before any review was scored: ``develop`` (writer + review number even)
may be looked at to shape a change; ``judge`` (odd) only decides whether one is adopted.

Run from a source checkout: ``python research/long_fictional.py [develop|judge|all] [--each]``.
"""

from __future__ import annotations

import json
import sys
import tempfile
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from joinedup.learning import evaluate, tagger
from joinedup.learning.clean import clean_pages
from joinedup.learning.extract import read_review_file
from joinedup.learning.passages import split_passages

HERE = Path(__file__).parent / "long_fictional"


@dataclass(frozen=True)
class LongReview:
    id: str
    themes: frozenset[str]
    passages: tuple[str, ...]
    words: int
    pages: int
    second: frozenset[str] | None

    @property
    def half(self) -> str:
        writer, number = (int(x) for x in self.id.split("-")[1:3])
        return "develop" if (writer + number) % 2 == 0 else "judge"


def load() -> list[LongReview]:
    """Every written review, cut into passages exactly as ``reviews add`` cuts a text file."""
    second: dict[str, frozenset[str]] = {}
    for labels in sorted(HERE.glob("second_labels_*.jsonl")):
        for line in labels.read_text("utf-8").splitlines():
            if line.strip():
                row = json.loads(line)
                second[row["id"]] = frozenset(row["themes"])
    found = []
    for path in sorted(HERE.glob("writer_*.jsonl")):
        for line in path.read_text("utf-8").splitlines():
            if not line.strip():
                continue
            row = json.loads(line)
            with tempfile.TemporaryDirectory() as tmp:
                file = Path(tmp) / f"{row['id']}.txt"
                file.write_text(row["text"], "utf-8")
                doc = read_review_file(file)
            cut = split_passages(clean_pages(doc.pages), paged=len(doc.pages) > 1)
            found.append(
                LongReview(
                    row["id"],
                    frozenset(row["themes"]),
                    tuple(p.text for p in cut),
                    len(row["text"].split()),
                    len(doc.pages),
                    second.get(row["id"]),
                )
            )
    return found


Reader = Callable[[Sequence[str]], set[str]]


def shipped_reader() -> Reader:
    """The shipped tagger, as ``reviews tag`` runs it."""

    def read(passages: Sequence[str]) -> set[str]:
        return {s.theme_id for s in tagger.tag_passages(list(passages)).suggestions}

    return read


def figures(reviews: Sequence[LongReview], predicted: Sequence[set[str]]) -> dict[str, Any]:
    found = evaluate.score([r.themes for r in reviews], predicted)
    line: dict[str, Any] = {
        "reviews": len(reviews),
        "mean_words": sum(r.words for r in reviews) // max(len(reviews), 1),
        "micro_f1": round(found.micro_f1, 4),
        "precision": round(found.micro_p, 4),
        "recall": round(found.micro_r, 4),
        "macro_f1": round(found.macro_f1, 4),
        "themes_per_review": round(sum(len(p) for p in predicted) / max(len(predicted), 1), 2),
        "labelled_per_review": round(sum(len(r.themes) for r in reviews) / max(len(reviews), 1), 2),
    }
    seconded = [(r, p) for r, p in zip(reviews, predicted, strict=True) if r.second is not None]
    if seconded:
        line["writer_vs_second_reader_f1"] = round(
            evaluate.score([r.themes for r, _ in seconded], [set(r.second or ()) for r, _ in seconded]).micro_f1, 4
        )
        line["tagger_vs_second_reader_f1"] = round(
            evaluate.score([r.second or frozenset() for r, _ in seconded], [p for _, p in seconded]).micro_f1, 4
        )
    return line


def main(half: str, each: bool) -> None:
    reviews = [r for r in load() if half == "all" or r.half == half]
    read = shipped_reader()
    predicted = [read(r.passages) for r in reviews]
    if each:
        for r, p in zip(reviews, predicted, strict=True):
            row = {
                "id": r.id,
                "words": r.words,
                "passages": len(r.passages),
                "missed": sorted(r.themes - p),
                "extra": sorted(p - r.themes),
                "right": sorted(r.themes & p),
            }
            sys.stdout.write(json.dumps(row) + "\n")
    sys.stdout.write(json.dumps({"half": half, "reader": "shipped", **figures(reviews, predicted)}) + "\n")


if __name__ == "__main__":
    args = [a for a in sys.argv[1:] if not a.startswith("--")]
    main(args[0] if args else "develop", "--each" in sys.argv)
