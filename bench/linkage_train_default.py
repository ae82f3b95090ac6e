"""Train the default linkage model shipped in ``joinedup/identity/data/default_model.json``.

It is trained on a synthetic population (``bench/linkage_population.py``), never on real
people, so a new deployment links well from its first records; a deployment later retrains on
its own data with ``joinedup link train``.

    .venv/bin/python bench/linkage_train_default.py --children 20000
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

from linkage_population import write_population

from joinedup.identity.model import DEFAULT_VERSION
from joinedup.identity.standardise import standardise
from joinedup.identity.training import train

TARGET = Path(__file__).parents[1] / "src" / "joinedup" / "identity" / "data" / "default_model.json"


def subjects_from_jsonl(path: Path) -> list:
    subjects = []
    next_id = 1
    for record_id, line in enumerate(path.open(), start=1):
        record = json.loads(line)
        for index, subject in enumerate(record["subjects"]):
            address = subject.get("address") or {}
            row = {
                "id": next_id,
                "record_id": record_id,
                "subject_index": index,
                **{
                    k: subject.get(k)
                    for k in (
                        "role",
                        "given_name",
                        "family_name",
                        "other_names",
                        "date_of_birth",
                        "sex",
                        "nhs_number",
                        "upn",
                    )
                },
                "address_line1": address.get("line1"),
                "address_postcode": address.get("postcode"),
            }
            subjects.append(standardise(row))
            next_id += 1
    return subjects


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=20_000)
    parser.add_argument("--seed", type=int, default=7)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        write_population(Path(tmp), args.children, 4.0, args.seed)
        subjects = subjects_from_jsonl(Path(tmp) / "records.jsonl")
    model = train(subjects, seed=args.seed, version=DEFAULT_VERSION)
    TARGET.write_text(json.dumps(model.settings, indent=2) + "\n")
    print(f"trained on {len(subjects)} synthetic subjects; written to {TARGET}")


if __name__ == "__main__":
    main()
