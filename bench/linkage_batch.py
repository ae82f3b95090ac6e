"""Batch linkage benchmark: every subject of a ``joinedup synth`` population linked end to end
(standardise, predict, cluster/decide) by our matching and by a plain Splink model, each in its
own process so wall time and peak memory are measured apart, then scored against the truth.

    .venv/bin/python bench/linkage_batch.py --truth /tmp/s200k [--limit 200000]

Prints one line per method and the ratios (ours / plain). Time and memory depend on the machine
and its load: quote the figures with the machine and say if it was shared.
"""

from __future__ import annotations

import argparse
import contextlib
import gc
import json
import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any


def _status_gb(field: str) -> float:
    """A memory figure of this process from /proc/self/status (``VmRSS`` now, ``VmHWM`` peak)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1]) / 1024 / 1024  # kB
    return 0.0


def _reset_peak() -> None:
    """Start the peak (VmHWM) afresh from what is resident now (Linux >= 4.0), so the peak read
    after linking is the linking's, the input it was handed included, not the reading's."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def _subjects(truth: Path, limit: int | None) -> list[Any]:
    """The standardised subjects, and nothing else: the truth is read after the clock stops."""
    from joinedup.identity.evaluation import subject_rows
    from joinedup.identity.standardise import standardise

    subjects: list[Any] = []
    for _, row in subject_rows(truth / "records.jsonl"):
        if limit is not None and len(subjects) >= limit:
            break
        subjects.append(standardise(row))
    return subjects


def _true_persons(truth: Path, limit: int | None) -> tuple[dict[int, str], list[tuple[str, str]]]:
    from joinedup.identity.evaluation import read_truth, subject_rows

    known = read_truth(truth)
    true_of: dict[int, str] = {}
    for n, (key, row) in enumerate(subject_rows(truth / "records.jsonl")):
        if limit is not None and n >= limit:
            break
        if key in known.subjects:
            true_of[int(row["id"])] = known.subjects[key]
    return true_of, known.twins


def run_method(method: str, truth: Path, limit: int | None) -> dict[str, object]:
    """In this process: link, time and score (called in a child process). Only the linking's
    input is held while the clock runs (our standardised subjects, or plain Splink's frame built
    from them), and its size is reported apart (``input_gb``) from the peak."""
    from joinedup.identity.baseline import plain_splink
    from joinedup.identity.batch import lean_score
    from joinedup.identity.eval_runs import plain_frame
    from joinedup.identity.evaluation import score_clusters
    from joinedup.identity.link import match
    from joinedup.identity.model import default_model

    started_gb = _status_gb("VmRSS")  # Python and the imported libraries
    subjects = _subjects(truth, limit)
    count = len(subjects)
    frame = None
    if method == "plain":
        frame = plain_frame(subjects)
        del subjects
    gc.collect()
    input_gb = _status_gb("VmRSS")
    _reset_peak()
    start, cpu = time.perf_counter(), time.process_time()
    if method == "ours":
        # What `joinedup link run` runs: match() with the batch's lean DuckDB scorer.
        outcomes, _ = match(subjects, [], default_model(), {}, {}, 0, scorer=lean_score)
        clusters = {s.record_subject_id: outcomes[f"s{s.record_subject_id}"].cluster for s in subjects}
    else:
        clusters = {int(k): v for k, v in plain_splink(frame).clusters.items()}
    seconds, cpu_seconds = time.perf_counter() - start, time.process_time() - cpu
    peak_gb = _status_gb("VmHWM")
    true_of, twins = _true_persons(truth, limit)
    scores = score_clusters(clusters, true_of, twins)
    return {
        "method": method,
        "subjects": count,
        "seconds": round(seconds, 1),
        "cpu_seconds": round(cpu_seconds, 1),  # all threads (DuckDB uses both cores)
        "start_gb": round(started_gb, 2),
        "input_gb": round(input_gb, 2),
        "link_peak_gb": round(peak_gb, 2),
        **scores.as_dict(),
    }


def measure(method: str, truth: Path, limit: int | None) -> dict[str, object]:
    """Run one method in a child process; add its peak resident memory."""
    args = [sys.executable, __file__, "--truth", str(truth), "--child", method]
    if limit:
        args += ["--limit", str(limit)]
    child = subprocess.Popen(args, stdout=subprocess.PIPE, text=True)
    assert child.stdout is not None
    output = child.stdout.read()
    _, status, usage = os.wait4(child.pid, 0)
    if status != 0:  # killed (e.g. out of memory): say so, keep the other method's figures
        print(f"{method} failed (status {status}, peak {usage.ru_maxrss / 1024 / 1024:.2f} GB)", flush=True)
        return {"method": method, "failed": status, "peak_memory_gb": round(usage.ru_maxrss / 1024 / 1024, 2)}
    result: dict[str, object] = json.loads(output.strip().splitlines()[-1])
    # The whole child's peak, reading the input and scoring against the truth included.
    result["peak_memory_gb"] = round(usage.ru_maxrss / 1024 / 1024, 2)  # ru_maxrss is in KiB on Linux
    # CPU seconds of the whole child (reading and standardising included): steadier than wall
    # time on a shared machine, where another job's load stretches the wall clock.
    result["cpu_seconds_process"] = round(usage.ru_utime + usage.ru_stime, 1)
    return result


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--truth", type=Path, required=True, help="a `joinedup synth --out` folder")
    parser.add_argument("--limit", type=int, default=None, help="link only the first N subjects")
    parser.add_argument(
        "--methods", default="ours,plain", help="comma-separated: ours, plain (default both, ours first)"
    )
    parser.add_argument("--child", choices=("ours", "plain"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(run_method(args.child, args.truth, args.limit)))
        return
    print(f"load average before: {os.getloadavg()[0]:.1f}", flush=True)
    methods = [m for m in ("ours", "plain") if m in args.methods.split(",")]
    results = {m: measure(m, args.truth, args.limit) for m in methods}
    print(f"load average after: {os.getloadavg()[0]:.1f}")
    print(json.dumps(results))
    results = {m: r for m, r in results.items() if "failed" not in r}
    for r in results.values():
        print(
            f"{r['method']:>5}: {r['subjects']} subjects in {r['seconds']} s (CPU {r['cpu_seconds']} s), "
            f"peak while linking {r['link_peak_gb']} GB (input held {r['input_gb']} GB of it, "
            f"Python and libraries {r['start_gb']} GB; whole process {r['peak_memory_gb']} GB); "
            f"precision {r['precision']:.4f} recall {r['recall']:.4f} F1 {r['f1']:.4f} "
            f"false merges {r['false_merges']} twin merges {r['twin_merges']}"
        )
    if len(results) < 2:
        return
    ours, plain = results["ours"], results["plain"]
    print(
        f"ratio ours/plain: time {float(ours['seconds']) / float(plain['seconds']):.2f}x, "  # type: ignore[arg-type]
        f"CPU {float(ours['cpu_seconds']) / float(plain['cpu_seconds']):.2f}x, "  # type: ignore[arg-type]
        f"memory while linking {float(ours['link_peak_gb']) / float(plain['link_peak_gb']):.2f}x, "  # type: ignore[arg-type]
        f"above the input {(float(ours['link_peak_gb']) - float(ours['input_gb'])):.2f} GB "  # type: ignore[arg-type]
        f"vs {(float(plain['link_peak_gb']) - float(plain['input_gb'])):.2f} GB"  # type: ignore[arg-type]
    )


if __name__ == "__main__":
    main()
