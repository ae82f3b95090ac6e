"""How fast ``joinedup synth`` builds an authority: 50,000 children over 3 years (the issue's
goal is under a minute on this 2-core machine), or 5,000 with ``--quick``.

    .venv/bin/python bench/synth.py [--quick] [--workers N] [--keep DIR]

Prints seconds, records and records per second, and the CPU load at the start (others' work on
a shared machine slows every figure; say so when quoting one).
"""

from __future__ import annotations

import argparse
import os
import shutil
import tempfile
import time
from datetime import date
from pathlib import Path

from joinedup.synth import SynthConfig, synthesise


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="5,000 children instead of 50,000")
    parser.add_argument("--workers", type=int, default=None)
    parser.add_argument("--keep", type=Path, default=None, help="write here and keep the files")
    args = parser.parse_args()
    children = 5_000 if args.quick else 50_000
    out = args.keep or Path(tempfile.mkdtemp(prefix="bench-synth-"))
    load = os.getloadavg()[0]
    began = time.perf_counter()
    cpu_began = time.process_time()
    result = synthesise(
        SynthConfig(children=children, years=3, seed=1, start=date(2023, 11, 1)), out, workers=args.workers
    )
    seconds = time.perf_counter() - began
    size = (out / "records.jsonl").stat().st_size
    print(f"children            {children:,} over 3 years (load average at start {load:.1f} on {os.cpu_count()} cores)")
    print(f"records             {result.records:,} ({result.records / children / 3:.1f} per child-year)")
    print(
        f"subjects            {result.manifest['subjects']:,}; persons {result.persons:,}; families {result.families:,}"
    )
    print(f"harmed children     {result.harmed:,}")
    print(f"records.jsonl       {size / 1e6:,.0f} MB")
    print(f"seconds             {seconds:.1f} (main process CPU {time.process_time() - cpu_began:.1f})")
    print(f"records per second  {result.records / seconds:,.0f}")
    if args.keep is None:
        shutil.rmtree(out)


if __name__ == "__main__":
    main()
