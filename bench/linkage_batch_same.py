"""Check that a change to the batch path leaves every outcome as it was.

Links every subject of a ``joinedup synth`` folder as ``joinedup link run`` does (``link.match``
with the lean DuckDB scorer) and writes, per subject, the person, cluster, decision,
probability, review pair, review probability and reason, and the explanation a clerk would read
for that review pair. ``--save`` keeps them as the reference; ``--against`` compares a later run
with a saved reference, exactly (floats by their shortest repr, which round-trips), and exits 1
on the first differences it prints.

    .venv/bin/joinedup synth --children 2000 --seed 1 --out /tmp/s2k
    .venv/bin/python bench/linkage_batch_same.py --truth /tmp/s2k --save /tmp/s2k-before.jsonl
    # ... change the code ...
    .venv/bin/python bench/linkage_batch_same.py --truth /tmp/s2k --against /tmp/s2k-before.jsonl
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path
from typing import Any


def outcomes_of(truth: Path, limit: int | None) -> list[dict[str, Any]]:
    from joinedup.identity.batch import lean_score
    from joinedup.identity.eval_runs import synth_subjects
    from joinedup.identity.link import explanation, match
    from joinedup.identity.model import default_model

    subjects, _, _ = synth_subjects(truth, limit)
    start = time.perf_counter()
    outcomes, explained = match(subjects, [], default_model(), {}, {}, 0, scorer=lean_score)
    print(f"linked {len(subjects)} subjects in {time.perf_counter() - start:.1f} s", file=sys.stderr)
    rows = []
    for s in subjects:
        o = outcomes[f"s{s.record_subject_id}"]
        pair = None
        if o.review_with:
            pair = explained.get((o.uid, o.review_with)) or explained.get((o.review_with, o.uid))
        rows.append(
            {
                "uid": o.uid,
                "person_id": o.person_id,
                "cluster": o.cluster,
                "decision": o.decision,
                "probability": o.probability,
                "review_with": o.review_with,
                "review_probability": o.review_probability,
                "review_reason": o.review_reason,
                "explanation": explanation(pair),
                "review_match_weight": None if pair is None else float(pair["match_weight"]),
            }
        )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, required=True, help="a `joinedup synth --out` folder")
    parser.add_argument("--limit", type=int, default=None, help="only the first N subjects")
    side = parser.add_mutually_exclusive_group(required=True)
    side.add_argument("--save", type=Path, help="write the outcomes here (the reference)")
    side.add_argument("--against", type=Path, help="compare with outcomes saved earlier")
    args = parser.parse_args()
    rows = outcomes_of(args.truth, args.limit)
    lines = [json.dumps(r, sort_keys=True) for r in rows]
    if args.save:
        args.save.write_text("\n".join(lines) + "\n")
        print(f"saved {len(lines)} outcomes to {args.save}")
        return
    before = args.against.read_text().splitlines()
    differ = [(a, b) for a, b in zip(before, lines, strict=False) if a != b]
    if len(before) != len(lines) or differ:
        print(f"DIFFERENT: {len(before)} outcomes before, {len(lines)} now, {len(differ)} lines differ")
        for a, b in differ[:5]:
            print(f"  before: {a}\n  now:    {b}")
        sys.exit(1)
    reviews = sum(1 for r in rows if r["decision"] == "review")
    print(f"IDENTICAL: all {len(lines)} outcomes ({reviews} reviews) as saved in {args.against}")


if __name__ == "__main__":
    main()
