"""Train the default linkage model shipped in ``joinedup/identity/data/default_model.json``.

It is trained on a synthetic population (``bench/linkage_population.py``), never on real
people, so a new deployment links well from its first records; a deployment later retrains on
its own data with ``joinedup link train``.

    .venv/bin/python bench/linkage_train_default.py --children 20000

Comparisons added to the model later (names swapped, agency-local ids) are trained with
``--only-added``: the shipped model's other parameters are kept exactly as they are (so the
figures measured with them stay true), and the added comparisons' m and u are taken from a model
trained the same way on the project's own synthetic authority (``joinedup synth``), whose
social-care, early-help and police records carry local ids with typos and gaps:

    .venv/bin/python bench/linkage_train_default.py --only-added --children 3000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).parent))

from linkage_population import write_population

from joinedup.identity.eval_runs import synth_subjects
from joinedup.identity.evaluation import subject_rows
from joinedup.identity.model import DEFAULT_VERSION, TrainedModel, settings_creator
from joinedup.identity.standardise import standardise
from joinedup.identity.training import train

TARGET = Path(__file__).parents[1] / "src" / "joinedup" / "identity" / "data" / "default_model.json"


def _show(stage: str, name: str, levels: list[dict[str, Any]]) -> None:
    """Print each level's m and u, so a retrain shows what was learnt beside what ships."""
    print(
        stage, name, [(lv.get("label_for_charts"), lv.get("m_probability"), lv.get("u_probability")) for lv in levels]
    )


def subjects_from_jsonl(path: Path) -> list:
    """Every subject of a synth file, standardised as the ingest path would store it."""
    return [standardise(row) for _, row in subject_rows(path)]


ADDED = ("names_swapped", "local_id")
# Where the synthetic data cannot show a value, a documented one (level label -> m, u; None keeps
# the trained value). The synthetic authority has no swapped names, so EM never sees one: 1 in
# 100 of one person's pairs is assumed (u, how often random pairs look swapped, is measured).
# Random sampling never finds two different people with one local id or ids one keystroke apart
# (so Splink leaves u unset and training falls back to 1e-6, claiming +19.9 and +14 bits): an
# exact local id is given the weight of a valid NHS number (u = 2.5e-5, +15.3 with m = 0.96),
# no more, as it has no check digit; one keystroke apart is given u = 1e-3, because systems
# issue numbers densely and register sibling groups together, so a neighbouring number is far
# commoner within a family than the ~7e-5 of uniformly drawn ids. m are made to sum to one.
DOCUMENTED: dict[str, dict[str, tuple[float | None, float | None]]] = {
    "names_swapped": {"Given and family name swapped": (0.01, None), "All other comparisons": (0.99, None)},
    "local_id": {
        "Exact match on local_id": (0.96, 2.5e-5),
        "One character different": (0.02, 1e-3),
        "All other comparisons": (0.02, None),
    },
}


def add_comparisons(children: int, seed: int) -> None:
    """Train on a ``joinedup synth`` authority and copy only the added comparisons' parameters
    (and the current blocking rules) into the shipped model."""
    from datetime import date

    from joinedup.synth import SynthConfig, synthesise

    shipped = json.loads(TARGET.read_text())
    with tempfile.TemporaryDirectory() as tmp:
        synthesise(SynthConfig(children=children, years=3, seed=seed, start=date(2022, 1, 1)), Path(tmp), workers=1)
        subjects, _, _ = synth_subjects(Path(tmp))
    trained: TrainedModel = train(subjects, seed=seed, version="added")
    fresh = json.loads(json.dumps(settings_creator().create_settings_dict("duckdb"), default=str))
    by_name = {c["output_column_name"]: c for c in trained.settings["comparisons"]}
    kept = [c for c in shipped["comparisons"] if c["output_column_name"] not in ADDED]
    for name in ADDED:
        levels = by_name[name]["comparison_levels"]
        _show("trained", name, levels)
        for level in levels:
            m, u = DOCUMENTED[name].get(level.get("label_for_charts", ""), (None, None))
            if m is not None:
                level["m_probability"] = m
            if u is not None:
                level["u_probability"] = u
    shipped["comparisons"] = kept + [by_name[name] for name in ADDED]
    shipped["blocking_rules_to_generate_predictions"] = fresh["blocking_rules_to_generate_predictions"]
    TARGET.write_text(json.dumps(shipped, indent=2) + "\n")
    for name in ADDED:
        _show("shipped", name, by_name[name]["comparison_levels"])
    print(f"added comparisons trained on {len(subjects)} synthetic subjects; written to {TARGET}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--only-added", action="store_true", help="train only the comparisons added later")
    args = parser.parse_args()
    if args.only_added:
        add_comparisons(args.children, args.seed)
        return
    with tempfile.TemporaryDirectory() as tmp:
        write_population(Path(tmp), args.children, 4.0, args.seed)
        subjects = subjects_from_jsonl(Path(tmp) / "records.jsonl")
    model = train(subjects, seed=args.seed, version=DEFAULT_VERSION)
    TARGET.write_text(json.dumps(model.settings, indent=2) + "\n")
    print(f"trained on {len(subjects)} synthetic subjects; written to {TARGET}")


if __name__ == "__main__":
    main()
