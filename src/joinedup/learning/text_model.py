"""The review-level word model: one probability per theme from the words of the whole review.

Why it exists beside the clause scores: every other score the calibrator reads is a *best
clause*. A theme that a review carries across many sentences without one clause that says it
(a chronology of missed appointments that is neglect, a run of accepted explanations that is a
lack of curiosity) has no strong clause, but its vocabulary is all over the text. A
one-vs-rest logistic regression per theme on the review's TF-IDF word and word-pair weights
sees that vocabulary directly. Added as the calibrator's fourth input it raised micro-F1 on
both fresh sets of real reviews held out of everything (0.711 to 0.727 on 47, 0.680 to 0.704
on 38) and on dev and fictional cross-validation (docs/learning.md, eleventh session).

The model is fitted on the labelled training reviews (dev and fictional, never test) and
shipped as numbers (``data/text_model.npz``: vocabulary, inverse document frequencies,
weights), not as a pickle, so it loads under any scikit-learn that reads the same analyser
settings. It is keyed to its training data like the clause neighbours, so editing the reviews
without remaking it fails loudly.

The training reviews are summaries of at most 160 words; a published review runs to hundreds
of pages. On long text the model is worse than no model: buried in routine chronology, the 47
reviews of the first fresh set lost 0.01 micro-F1 with it read whole and 0.02-0.03 with it read
in summary-sized windows (docs/learning.md, eleventh session). So it reads only a review of at
most ``GATE_WORDS`` words, and a longer one is tagged by a calibrator fitted without it
(``TaggerSettings.long_text``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from joinedup.learning import taxonomy
from joinedup.learning.errors import ModelUnavailable

if TYPE_CHECKING:
    import numpy as np
    from sklearn.feature_extraction.text import TfidfVectorizer

TEXT_MODEL_FILE = "text_model.npz"
REGULARISATION = 4.0  # fixed before the experiment that adopted the model, not tuned
MIN_DOCUMENT_FREQUENCY = 2  # a term in one training review only says which review it is
ABSENT_PROBABILITY = 0.01  # a theme no training review carries (or every one does: 0.99)
GATE_WORDS = 200  # a little over the longest training review (160); 400 was worse (docs/learning.md)


def _vectorizer(vocabulary: dict[str, int] | None = None) -> TfidfVectorizer:
    from sklearn.feature_extraction.text import TfidfVectorizer

    return TfidfVectorizer(
        ngram_range=(1, 2),
        min_df=MIN_DOCUMENT_FREQUENCY if vocabulary is None else 1,
        sublinear_tf=True,
        stop_words="english",
        vocabulary=vocabulary,
    )


@dataclass(frozen=True)
class TextModel:
    """Per theme, ``sigmoid(weights[t] . tfidf(text) + biases[t])``."""

    vocabulary: tuple[str, ...]  # the term of each column
    idf: np.ndarray  # (terms,)
    weights: np.ndarray  # (themes, terms)
    biases: np.ndarray  # (themes,)

    def probabilities(self, texts: Sequence[str]) -> np.ndarray:
        """(texts, themes): each text read whole."""
        import numpy as np

        if not self.vocabulary:
            z = np.broadcast_to(self.biases, (len(texts), len(self.biases)))
        else:
            words = _vectorizer({term: i for i, term in enumerate(self.vocabulary)})
            words.idf_ = self.idf
            z = np.asarray(words.transform(list(texts)) @ self.weights.T) + self.biases
        return np.asarray(1.0 / (1.0 + np.exp(-z)), dtype=np.float64)

    def read(self, passages: Sequence[str]) -> np.ndarray | None:
        """(themes,): a review's probabilities, read whole; None for a review it does not read."""
        return self.probabilities(["\n\n".join(passages)])[0] if reads(passages) else None


def reads(passages: Sequence[str]) -> bool:
    """Whether the word model reads a review of these passages (see the module docstring)."""
    return sum(len(p.split()) for p in passages) <= GATE_WORDS


def fit(texts: Sequence[str], gold: Sequence[frozenset[str]]) -> TextModel:
    """The word model of these reviews (each text read whole, as the labelled reviews are short)."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    ids = taxonomy.theme_ids()
    words = _vectorizer()
    try:
        x = words.fit_transform(list(texts))
    except ValueError:  # too few reviews to leave any term after MIN_DOCUMENT_FREQUENCY
        x = None
    vocabulary: tuple[str, ...] = ()
    if x is not None:
        by_index = sorted(words.vocabulary_.items(), key=lambda item: item[1])
        vocabulary = tuple(term for term, _ in by_index)
    weights = np.zeros((len(ids), len(vocabulary)), dtype=np.float64)
    biases = np.zeros(len(ids), dtype=np.float64)
    for t, theme_id in enumerate(ids):
        y = np.asarray([int(theme_id in g) for g in gold])
        if x is None or len(y) == 0 or y.min() == y.max():
            share = 1.0 - ABSENT_PROBABILITY if len(y) and y.min() == 1 else ABSENT_PROBABILITY
            biases[t] = np.log(share / (1.0 - share))
            continue
        model = LogisticRegression(C=REGULARISATION, max_iter=2000).fit(x, y)
        weights[t] = model.coef_[0]
        biases[t] = model.intercept_[0]
    idf = np.asarray(words.idf_ if x is not None else np.zeros(0), dtype=np.float64)
    return TextModel(vocabulary, idf, weights, biases)


def cross_fitted(texts: Sequence[str], gold: Sequence[frozenset[str]], folds: int) -> np.ndarray:
    """(texts, themes): each review's probabilities from a model fitted without it, so the
    calibrator learns from what a review never seen gets, as with the clause neighbours."""
    import numpy as np

    found = np.zeros((len(texts), len(taxonomy.theme_ids())), dtype=np.float64)
    for fold in range(folds):
        held = list(range(fold, len(texts), folds))
        if not held:
            continue
        rest = [i for i in range(len(texts)) if i % folds != fold]
        model = fit([texts[i] for i in rest], [gold[i] for i in rest])
        found[held] = model.probabilities([texts[i] for i in held])
    return found


def write(model: TextModel, path: Path, key: str) -> None:
    """Weights as float32 (logits move by about 1e-6, far below any threshold's reach)."""
    import numpy as np

    with path.open("wb") as out:
        np.savez_compressed(
            out,
            vocabulary=np.asarray(model.vocabulary, dtype=str),
            idf=model.idf.astype(np.float32),
            weights=model.weights.astype(np.float32),
            biases=model.biases.astype(np.float64),
            themes=np.asarray(taxonomy.theme_ids(), dtype=str),
            key=np.asarray(key),
        )


def load(path: Path, key: str) -> TextModel:
    """A saved model; one made from other training data, or for other themes, is refused."""
    import numpy as np

    with np.load(path) as saved:
        if str(saved["key"]) != key:
            raise ModelUnavailable(
                f"{path.name} was made from other training data than the package holds: "
                "run python -m joinedup.learning.evaluate to remake it"
            )
        if tuple(str(t) for t in saved["themes"]) != taxonomy.theme_ids():
            raise ModelUnavailable(f"{path.name} was made for another theme list: remake it")
        return TextModel(
            tuple(str(t) for t in saved["vocabulary"]),
            np.asarray(saved["idf"], dtype=np.float64),
            np.asarray(saved["weights"], dtype=np.float64),
            np.asarray(saved["biases"], dtype=np.float64),
        )


@cache
def shipped(key: str) -> TextModel:
    with resources.as_file(resources.files("joinedup.learning").joinpath("data", TEXT_MODEL_FILE)) as path:
        return load(path, key)
