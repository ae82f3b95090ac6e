"""Tagging speed: a synthetic 150-page review PDF loaded and tagged end to end (goal: < 30 s).

The PDF is written fresh (running header, footer and page number on every page, about 330
words a page of review-style prose mixing findings and chronology). It is then loaded the way
``joinedup reviews add`` loads a file: read with pypdf, cleaned, cut into passages, stored in a
fresh SQLite database, every clause embedded with the bundled model, themes scored, evidence
and passage vectors stored. Beside it, side by side, the keyword-only baseline tags the same
passages (cue phrases only, no model), so the ratio shows what the model costs.

Model loading is timed apart (once per process; the web app and CLI keep it loaded). The
machine is shared with other work: the load average and the process CPU seconds are printed
so figures from a busy machine can be read for what they are.

Run: ``.venv/bin/python bench/learning_tagging.py [--pages 150] [--pdf-only OUT.pdf]``; set
``JOINEDUP_EMBED_BACKEND=torch`` to time the PyTorch path instead of ONNX Runtime, and
``JOINEDUP_EMBED_PRECISION=float32`` to time it in full precision. Model load with the ONNX
backend includes the one-off export when the cache holds none (``JOINEDUP_CACHE_DIR``).
``--pdf-only`` writes the synthetic PDF and stops, for timing ``joinedup reviews add`` cold.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parents[1] / "tests"))
from joinedup.learning import embedding, library, tagger
from joinedup.storage import learning_reviews as repo
from joinedup.storage.db import make_engine, migrate
from learning.pdf_files import wrap, write_pdf

FINDINGS = [
    "The health visitor was not told that police had been called to the address after a domestic abuse incident.",
    "The child was not seen alone and nobody asked her what life at home was like.",
    "Professionals accepted the mother's explanation of the bruising without question.",
    "The referral was closed with no further action although the concerns had not been resolved.",
    "The family moved three times in a year and records did not follow the children between areas.",
    "The mother's partner lived in the household but was never assessed or checked with the police.",
    "Appointments at the paediatric clinic were missed repeatedly and the child was not brought.",
    "The school raised concerns about hunger and poor hygiene but these were not put together as neglect.",
    "Staff were carrying very high caseloads and supervision was infrequent and focused on process.",
    "The mother had a history of postnatal depression that adult mental health services did not share.",
    "The father's heavy drinking was known to the GP but not to the social worker.",
    "After the school's concerns the parents withdrew the children to be educated at home.",
    "The nursery's concerns were not escalated when the social worker did not respond.",
    "Neighbours and relatives made several reports that were treated as malicious.",
    "A strategy discussion was not held and no section 47 enquiry took place.",
]
CHRONOLOGY = [
    "In {month} the family was visited at home by the allocated worker.",
    "A core group meeting was held in {month} and the plan was reviewed.",
    "The GP saw the child in {month} for a chest infection and prescribed antibiotics.",
    "In {month} the school reported that attendance had fallen to 82 per cent.",
    "The case was discussed at the team's weekly allocation meeting in {month}.",
    "In {month} the housing officer completed a tenancy check at the property.",
    "A letter was sent to the mother in {month} offering an appointment at the children's centre.",
    "The review panel met in {month} to consider the agencies' chronologies.",
]
MONTHS = ["January", "February", "March", "April", "May", "June", "July", "August", "September", "October"]


def synthetic_pdf(path: Path, pages: int, seed: int = 8) -> Path:
    rng = random.Random(seed)
    laid_out = []
    for number in range(1, pages + 1):
        sentences = []
        while sum(len(s.split()) for s in sentences) < 330:
            if rng.random() < 0.3:
                sentences.append(rng.choice(FINDINGS))
            else:
                sentences.append(rng.choice(CHRONOLOGY).format(month=rng.choice(MONTHS)))
        lines = ["Child Safeguarding Practice Review: Child X (synthetic)", "OFFICIAL", ""]
        paragraph: list[str] = []
        for sentence in sentences:
            paragraph.append(sentence)
            if len(paragraph) == 4:
                lines += [*wrap(" ".join(paragraph)), ""]
                paragraph = []
        lines += [*wrap(" ".join(paragraph)), "", f"Page {number} of {pages}"]
        laid_out.append(lines)
    return write_pdf(path, laid_out, title="Child Safeguarding Practice Review: Child X (synthetic, 2024)")


def cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--pages", type=int, default=150)
    parser.add_argument("--pdf-only", type=Path, help="write the synthetic PDF here and stop")
    args = parser.parse_args()
    if args.pdf_only:
        print(synthetic_pdf(args.pdf_only, args.pages))
        return
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        pdf = synthetic_pdf(folder / "review.pdf", args.pages)
        engine = make_engine(f"sqlite:///{folder / 'bench.sqlite'}")
        migrate(engine)

        t0, c0 = time.perf_counter(), cpu_seconds()
        embedding.model()
        tagger._classifier()
        tagger.shipped_clause_neighbours()
        load_s, load_cpu = time.perf_counter() - t0, cpu_seconds() - c0

        t0, c0 = time.perf_counter(), cpu_seconds()
        added = library.add_review_file(engine, pdf, added_by="bench")
        read_s = time.perf_counter() - t0
        themes = library.tag_review(engine, added.id)
        total_s, total_cpu = time.perf_counter() - t0, cpu_seconds() - c0

        with engine.connect() as conn:
            passages = repo.passages(conn, added.id)
        t0 = time.perf_counter()
        baseline = [tagger.keyword_baseline(p.text) for p in passages]
        baseline_s = time.perf_counter() - t0
        units = len(tagger._units([p.text for p in passages])[0])
        words = sum(len(p.text.split()) for p in passages)

    load1, load5, _ = os.getloadavg()
    print(f"pages {args.pages}, words {words:,}, passages {len(passages)}, clauses embedded {units:,}")
    print(f"model load (once per process)     {load_s:7.1f} s   ({load_cpu:.1f} CPU s)")
    print(f"read + clean + split + store      {read_s:7.1f} s")
    print(f"load-to-tagged, end to end        {total_s:7.1f} s   ({total_cpu:.1f} CPU s)  goal < 30 s")
    print(f"keyword baseline on same passages {baseline_s:7.2f} s   ({len(set().union(*baseline))} themes)")
    print(f"model / baseline                  {total_s / max(baseline_s + read_s, 1e-9):7.1f} x")
    if embedding.backend() == "torch":
        threads = f"torch threads {__import__('torch').get_num_threads()}"
    else:
        threads = f"onnxruntime {__import__('onnxruntime').__version__}, torch imported {'torch' in sys.modules}"
    print(
        f"themes suggested {themes}; backend {embedding.backend()} ({threads}); "
        f"precision {embedding.precision()}, batch {embedding.BATCH_SIZE}"
    )
    print(f"load average {load1:.1f} (1 min) {load5:.1f} (5 min) on {os.cpu_count()} cores: the machine was shared")


if __name__ == "__main__":
    main()
