"""Suggesting the learning themes of a review, each with a confidence and its evidence.

How a theme is scored, in plain words: every clause of the review is embedded with the
bundled model and given two scores per theme. The *prototype classifier*, a one-vs-rest
logistic regression fitted on the taxonomy's own texts (each theme's definition and exemplar
sentences), gives a probability. The *clause neighbours* give the share of the clause's
nearest clauses among those careful readers marked in the labelled training reviews
(``data/clause_evidence.jsonl``: the dev reviews and the fictional ones, never a test review)
that were marked as the theme's evidence. The neighbours carry how reviews actually word a
finding they only imply (a sibling removed elsewhere, an explanation taken at face value),
which definitions alone do not teach; their vectors and marks are written by
``python -m joinedup.learning.evaluate`` to ``data/clause_neighbours.npz``. A clause that
also contains one of the theme's cue phrases earns ``cue_bonus``; the cues are the taxonomy's
plus ``data/tagging_cues.json``'s, because the taxonomy lists a few wordings per theme and a
review that says "mental ill-health" or "lied to professionals" means the same finding (that
file also names look-alikes, such as a court's "supervision order", that are not the theme). A
theme's two evidence scores are its best clause's score under each. Beside them, on a short
review (a summary, the JSON form: at most ``text_model.GATE_WORDS`` words), a word model reads
the review as a whole (``text_model``: a logistic regression per theme on its TF-IDF words and
word pairs, ``data/text_model.npz``), for themes a review carries across many sentences
without one clause that says them. A small logistic regression (the *calibrator*, fitted on
the labelled training reviews) turns those scores and how often the theme is found in reviews
(its prior) into the probability that a careful reader would tag the theme. A long review is
scored by a classifier and clause neighbours that also learnt from invented neutral sentences
(``data/neutral_sentences.json``: routine chronology, background, review method), which vote
against every theme, and decided by its own calibrator without the word model: a published
review is mostly chronology, which the summary-trained parts read as findings. The theme is
suggested when that probability reaches ``threshold``, and the probability is the confidence
shown. The evidence is the passages holding the best clauses under the clause neighbours.

The settings and the calibrator's coefficients live in ``data/tagger_settings.json``;
``joinedup eval themes`` says how they were chosen and what they achieve.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING, Any

from joinedup.learning import embedding, taxonomy, text_model
from joinedup.learning.errors import ModelUnavailable
from joinedup.learning.passages import sentences

if TYPE_CHECKING:
    import numpy as np

MAX_EVIDENCE = 3
MAX_SENTENCE_WORDS = 60
MIN_CLAUSE_WORDS = 4
REGULARISATION = 10.0  # chosen by leave-one-out on the training reviews (docs/learning.md)
# How many marked training clauses vote on a clause's themes. Chosen with the method by the mean
# of dev and fictional cross-validation (5-40 tried; a logistic regression on the same marks
# scored lower on every one of four fold assignments; docs/learning.md).
NEIGHBOURS = 10
NEIGHBOUR_BLOCK = 2048
CLAUSE_NEIGHBOURS_FILE = "clause_neighbours.npz"
# The long-review calibrator (fitted on labelled reviews of 2,274-2,983 words) decides reviews of
# at least this many words; shorter ones over the word model's gate keep the long-text one.
LONG_REVIEW_WORDS = 1000
PASSAGE_RANK = 3  # passage_evidence: a theme's score in its third-best passage
EVIDENCE_MARGIN = 0.15  # evidence: clauses within this of the theme's best clause
# Where one sentence lists several findings ("the review found that X, that Y, and that Z";
# "X; Y"; "X, but Y"), each finding is scored on its own: a sentence's vector is a blend of
# everything in it, and a blend of three findings resembles none of them well.
CLAUSE_BREAK = re.compile(
    r";\s+"
    r"|,\s+(?:and\s+|but\s+|so\s+|while\s+|yet\s+)?(?=that\s)"
    r"|\s+and\s+(?:\w+\s+)?(?=that\s)"
    r"|,\s+(?:but|so|yet|while|and)\s+(?=\w)"
)


_NESTED = frozenset({"ranker", "long_text", "long_review"})  # TaggerSettings fields that are settings


@dataclass(frozen=True)
class TaggerSettings:
    """How a theme's evidence becomes a suggestion (``data/tagger_settings.json``).

    ``threshold`` is the calibrated probability at which a theme is suggested. The calibrator
    is ``sigmoid(evidence_weight * logit(best prototype-classifier score) + clause_weight *
    logit(best clause-neighbours score) + text_weight * logit(word model's probability) +
    prior_weight * prior + bias)``, where ``prior`` is the theme's log-odds of being tagged in
    the training reviews (each clause score with ``cue_bonus`` added where the clause holds a cue
    phrase). ``clause_weight`` 0 is the tagger before the clause neighbours, ``text_weight`` 0
    the tagger before the word model (settings written before it load with 0).

    ``passage_weight`` weighs the logit of the theme's score in its ``PASSAGE_RANK``-th best
    passage (``passage_evidence``): how widely the review carries it. Only the long-text
    calibrator uses it (fitted on labelled long reviews, thirteenth session); 0 leaves it out.

    ``long_review`` is the calibrator for a review of at least ``LONG_REVIEW_WORDS`` words,
    fitted on labelled long reviews (``data/long_reviews.jsonl``): ``long_text``, fitted on
    summaries, suggested 21 of the 30 themes for such a review that carries 7 or 8
    (thirteenth session).

    ``max_themes`` caps how many themes are suggested, the strongest kept (0: no cap). Only the
    long-review settings set it: the long-text calibrator ranks a written review's themes well
    but lets through 21 of 30, and a cap fixes the count without moving the bar that a summary
    set in chronology must clear, which is what both recalibrations broke (fourteenth session).
    ``ranker``, where given, chooses which themes the cap keeps: another calibrator, whose
    probability orders the themes that passed this one's threshold but decides none of them
    (the confidence shown is still this one's).

    ``long_text`` is the calibrator for a review the word model does not read (longer than
    ``text_model.GATE_WORDS``): fitted the same way without the word model's reading, because
    on long text that reading made tagging worse, and on scores from the classifier and clause
    neighbours that know the neutral sentences, because without them routine chronology was
    read as findings (docs/learning.md, eleventh and twelfth sessions). ``decide`` chooses
    between the two; None means this one serves both.
    """

    threshold: float = 0.5
    cue_bonus: float = 0.5
    evidence_weight: float = 1.0
    clause_weight: float = 0.0
    text_weight: float = 0.0
    prior_weight: float = 0.0
    bias: float = 0.0
    priors: dict[str, float] = field(default_factory=dict, hash=False, compare=False)
    passage_weight: float = 0.0
    max_themes: int = 0
    ranker: TaggerSettings | None = None
    long_text: TaggerSettings | None = None
    long_review: TaggerSettings | None = None

    @classmethod
    def load(cls) -> TaggerSettings:
        return cls.from_json(
            json.loads(resources.files("joinedup.learning").joinpath("data", "tagger_settings.json").read_text("utf-8"))
        )

    @classmethod
    def from_json(cls, raw: dict[str, Any]) -> TaggerSettings:
        """Settings as written by ``as_json``; a weight an older file lacks is 0 (that part unused)."""
        numbers = {
            k: float(v)
            for k, v in raw.items()
            if k in cls.__dataclass_fields__ and k not in _NESTED | {"priors", "max_themes"}
        }

        def nested(key: str) -> TaggerSettings | None:
            return cls.from_json(raw[key]) if raw.get(key) else None

        return cls(
            **numbers,
            max_themes=int(raw.get("max_themes", 0)),
            priors={k: float(v) for k, v in raw.get("priors", {}).items()},
            ranker=nested("ranker"),
            long_text=nested("long_text"),
            long_review=nested("long_review"),
        )

    def for_scores(self, scores: SentenceScores) -> TaggerSettings:
        """The calibrator for these scores: where the long-text parts scored them, ``long_review``'s
        for a review of at least ``LONG_REVIEW_WORDS`` words and ``long_text``'s below that."""
        if not scores.long:
            return self
        if self.long_review is not None and scores.words() >= LONG_REVIEW_WORDS:
            return self.long_review
        return self.long_text if self.long_text is not None else self

    def as_json(self) -> dict[str, object]:
        return {
            "threshold": self.threshold,
            "cue_bonus": self.cue_bonus,
            "evidence_weight": round(self.evidence_weight, 4),
            "clause_weight": round(self.clause_weight, 4),
            "text_weight": round(self.text_weight, 4),
            "prior_weight": round(self.prior_weight, 4),
            "bias": round(self.bias, 4),
            **({"passage_weight": round(self.passage_weight, 4)} if self.passage_weight else {}),
            **({"max_themes": self.max_themes} if self.max_themes else {}),
            **({"ranker": self.ranker.as_json()} if self.ranker is not None else {}),
            "priors": {k: round(v, 4) for k, v in sorted(self.priors.items())},
            **({"long_text": self.long_text.as_json()} if self.long_text is not None else {}),
            **({"long_review": self.long_review.as_json()} if self.long_review is not None else {}),
        }


@dataclass(frozen=True)
class ThemeSuggestion:
    theme_id: str
    confidence: float
    score: float
    evidence: list[tuple[int, float]]  # (passage index, score), best first


@dataclass
class TaggingResult:
    passage_vectors: np.ndarray
    suggestions: list[ThemeSuggestion]
    scores: dict[str, float] = field(default_factory=dict)


@dataclass(frozen=True)
class SentenceScores:
    """Per-clause theme scores of one document, kept so settings can be re-tried cheaply."""

    owner: list[int]  # passage index of each clause
    similarity: np.ndarray  # clauses x themes: the prototype classifier's probability
    cue: np.ndarray  # clauses x themes: 1.0 where a cue phrase occurs
    sentence_vectors: np.ndarray
    clause: np.ndarray | None = None  # clauses x themes: the clause neighbours'; None: not scored
    units: tuple[str, ...] = ()  # the clauses' texts
    text: np.ndarray | None = None  # themes: the word model's probability; None: not read
    long: bool = False  # scored by the long-text parts, so decided by the long-text calibrator

    def words(self) -> int:
        """The words of the review these clauses were cut from (clauses keep every word)."""
        return sum(len(unit.split()) for unit in self.units)

    def clause_or_similarity(self) -> np.ndarray:
        return self.similarity if self.clause is None else self.clause

    def with_clause_neighbours(self, neighbours: ClauseNeighbours) -> SentenceScores:
        """The same clauses scored against other marked clauses (cross-validation uses a fold's)."""
        import dataclasses

        return dataclasses.replace(self, clause=neighbours.scores(self.sentence_vectors))

    def for_long_text(self) -> SentenceScores:
        """The same clauses as the long-text calibrator reads them: prototype scores from the
        classifier that knows the neutral sentences, no clause column and no word model yet."""
        import dataclasses

        similarity = probabilities(self.sentence_vectors, *_classifier(neutral=True))
        return dataclasses.replace(self, similarity=similarity, clause=None, text=None, long=True)

    def with_text(self, probabilities: np.ndarray | None) -> SentenceScores:
        """The same clauses with the word model's reading of the whole review (None: not read)."""
        import dataclasses

        return dataclasses.replace(self, text=probabilities)


@dataclass(frozen=True)
class ClauseNeighbours:
    """The marked training clauses: their vectors and, per theme, 1 marked as its evidence, 0
    from a review without the theme, -1 from a review with it but not marked (no vote).

    A clause's score for a theme is the share of its ``NEIGHBOURS`` most similar training
    clauses that were marked for the theme, among those that have a vote on it, smoothed
    towards 0.1 so that one or two voters do not give certainty.
    """

    vectors: np.ndarray
    labels: np.ndarray

    def with_examples(self, example: tuple[np.ndarray, np.ndarray]) -> ClauseNeighbours:
        """These neighbours and one more (vectors, labels) example after them."""
        import numpy as np

        vectors, labels = example
        return ClauseNeighbours(
            np.concatenate([self.vectors, vectors.astype(np.float32)]), np.concatenate([self.labels, labels])
        )

    def scores(self, vectors: np.ndarray, block: int = NEIGHBOUR_BLOCK) -> np.ndarray:
        import numpy as np

        themes = len(taxonomy.theme_ids())
        if len(self.vectors) == 0 or len(vectors) == 0:
            return np.full((len(vectors), themes), 0.1, dtype=np.float32)
        k = min(NEIGHBOURS, len(self.vectors))
        found = np.empty((len(vectors), themes), dtype=np.float32)
        # In blocks, so a long inquiry report (tens of thousands of clauses) never holds its
        # whole clauses x training-clauses similarity matrix at once.
        for start in range(0, len(vectors), block):
            similarity = vectors[start : start + block] @ self.vectors.T
            nearest = np.argpartition(-similarity, k - 1, axis=1)[:, :k]
            votes = self.labels[nearest]  # clauses x k x themes
            marked = (votes == 1).sum(axis=1)
            voting = (votes >= 0).sum(axis=1)
            found[start : start + block] = (marked + 0.1) / (voting + 1.0)
        return found


NEUTRAL = -1  # the owner of a neutral sentence: a negative for every theme


def _prototype_texts(neutral: bool = False) -> tuple[list[str], list[int]]:
    """The definition and exemplar sentences of every theme, and which theme each belongs to,
    then, for the long-text classifier (``neutral``), the neutral sentences (owner ``NEUTRAL``).

    Cue phrases are left out: two- and three-word fragments embed poorly and taught the
    classifier to score whole findings low (cross-validated micro-F1 0.785 with them, 0.803
    without, see docs/learning.md); they still count, as exact matches, through ``cue_bonus``.

    The neutral sentences (``data/neutral_sentences.json``: invented routine chronology, family
    background, review method) are there because a classifier that has only ever seen findings
    finds one in every sentence: without them a routine line such as "the family was visited at
    home and the plan was reviewed" scores 0.87 for disguised compliance, and a long review,
    mostly such lines, is tagged with themes its chronology never raised. They serve long text
    only: on summaries, where nearly every sentence is a finding, they cost a little
    (docs/learning.md, twelfth session).
    """
    texts: list[str] = []
    owners: list[int] = []
    for index, theme in enumerate(taxonomy.themes()):
        for text in (f"{theme.label}. {theme.definition}", *theme.exemplars):
            texts.append(re.sub(r"\([^)]*\)", "", text).strip())
            owners.append(index)
    for text in neutral_sentences() if neutral else ():
        texts.append(text)
        owners.append(NEUTRAL)
    return texts, owners


def neutral_clauses() -> tuple[np.ndarray, np.ndarray]:
    """The neutral sentences' clauses as clause-neighbour examples: (vectors, labels), every label
    0, a vote against every theme. Without them a routine line's nearest marked clauses are
    whatever findings happen to be worded like it, and a long review is mostly routine lines."""
    import numpy as np

    units = _units(list(neutral_sentences()))[0]
    return prototype_vectors(units), np.zeros((len(units), len(taxonomy.theme_ids())), dtype=np.int8)


@cache
def neutral_sentences() -> tuple[str, ...]:
    raw = json.loads(resources.files("joinedup.learning").joinpath("data", "neutral_sentences.json").read_text("utf-8"))
    return tuple(str(s).strip() for s in raw["sentences"])


@cache
def _classifier(neutral: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """One-vs-rest logistic regression per theme on the prototypes' vectors: (weights, biases).

    Trained on the taxonomy's own texts (never on the evaluation set), with balanced class
    weights, so each theme's probability is calibrated against every other theme's phrasing.
    The fitted weights are cached on disk beside the prototype vectors (fitting takes seconds).
    """
    import numpy as np

    texts, owners = _prototype_texts(neutral)
    path = _cache_path("theme-classifier", [f"C={REGULARISATION}", *texts], ".npz")
    if path.is_file():
        try:
            with np.load(path) as saved:
                return np.asarray(saved["weights"], dtype=np.float32), np.asarray(saved["biases"], dtype=np.float32)
        except (OSError, ValueError, KeyError):
            pass
    weights, biases = _fit_classifier(prototype_vectors(texts), np.asarray(owners))
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez(path, weights=weights, biases=biases)
    except OSError:
        pass
    return weights, biases


def _cache_path(kind: str, texts: list[str], suffix: str) -> Path:
    import hashlib

    key = hashlib.sha256(
        "\n".join([embedding.MODEL_NAME, embedding.backend(), embedding.precision(), *texts]).encode()
    ).hexdigest()[:16]
    return embedding.cache_dir() / f"{kind}-{key}{suffix}"


def _fit_classifier(vectors: np.ndarray, labels: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One BLAS thread: these are thirty small fits, and on a two-core machine threaded BLAS
    made such fits several times slower."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression
    from threadpoolctl import threadpool_limits

    weights = np.zeros((len(taxonomy.theme_ids()), vectors.shape[1]), dtype=np.float32)
    biases = np.zeros(len(taxonomy.theme_ids()), dtype=np.float32)
    with threadpool_limits(limits=1):
        for t in range(len(taxonomy.theme_ids())):
            model = LogisticRegression(C=REGULARISATION, class_weight="balanced", max_iter=3000)
            model.fit(vectors, (labels == t).astype(int))
            weights[t], biases[t] = model.coef_[0], model.intercept_[0]
    return weights, biases


def probabilities(vectors: np.ndarray, weights: np.ndarray, biases: np.ndarray) -> np.ndarray:
    import numpy as np

    return np.asarray(1.0 / (1.0 + np.exp(-(vectors @ weights.T + biases))), dtype=np.float32)


@cache
def clause_evidence() -> dict[str, dict[str, frozenset[str]]]:
    """Review id -> clause text -> the themes a reader marked it as evidence of.

    Read once per process: cross-validation asks for it in every fold."""
    text = resources.files("joinedup.learning").joinpath("data", "clause_evidence.jsonl").read_text("utf-8")
    found: dict[str, dict[str, frozenset[str]]] = {}
    for line in text.splitlines():
        if line.strip():
            raw = json.loads(line)
            found[raw["review"]] = {item["text"]: frozenset(item["themes"]) for item in raw["evidence"]}
    return found


def clause_labels(units: tuple[str, ...], themes: frozenset[str], marked: dict[str, frozenset[str]]) -> np.ndarray:
    """One review's clauses x themes for the clause neighbours: 1 marked as the theme's evidence,
    0 the review does not hold the theme, -1 it does but this clause was not marked."""
    import numpy as np

    ids = taxonomy.theme_ids()
    labels = np.zeros((len(units), len(ids)), dtype=np.int8)
    for t, theme_id in enumerate(ids):
        if theme_id in themes:
            labels[:, t] = [1 if theme_id in marked.get(unit, ()) else -1 for unit in units]
    return labels


def clause_neighbours(examples: list[tuple[np.ndarray, np.ndarray]]) -> ClauseNeighbours:
    """The clause neighbours of these (vectors, labels) pairs, one pair per training review."""
    import numpy as np

    if not examples:
        themes = len(taxonomy.theme_ids())
        return ClauseNeighbours(np.zeros((0, embedding.DIMENSIONS), np.float32), np.zeros((0, themes), np.int8))
    return ClauseNeighbours(
        np.concatenate([v for v, _ in examples]).astype(np.float32), np.concatenate([y for _, y in examples])
    )


def clause_neighbours_key() -> str:
    """What the shipped clause neighbours were made from: their training texts and labels (the
    marks, the dev and fictional reviews and the neutral sentences; not the test reviews, which
    never train anything) and the encoder."""
    import hashlib

    data = resources.files("joinedup.learning").joinpath("data")
    digest = hashlib.sha256()
    digest.update(data.joinpath("clause_evidence.jsonl").read_bytes())
    for line in data.joinpath("eval_reviews.jsonl").read_text("utf-8").splitlines():
        if line.strip() and json.loads(line)["split"] != "test":
            digest.update(line.encode())
    digest.update(data.joinpath("fictional_reviews.jsonl").read_bytes())
    digest.update("\n".join(neutral_sentences()).encode())  # the sentences, not the file's note
    digest.update(embedding.MODEL_NAME.encode())
    return digest.hexdigest()[:16]


@cache
def shipped_settings() -> TaggerSettings:
    """The package's settings, read once a process: every tag and every review page view asks
    for them, and they change only with a new release. ``TaggerSettings.load`` still reads the
    file afresh for the evaluation, which rewrites it."""
    return TaggerSettings.load()


@cache
def shipped_text_model() -> text_model.TextModel:
    """The word model, keyed to the same training data as the clause neighbours (the one
    command that remakes either remakes both)."""
    return text_model.shipped(clause_neighbours_key())


@cache
def shipped_long_clause_neighbours() -> ClauseNeighbours:
    """The shipped neighbours with the neutral sentences' clauses voting no on every theme."""
    return shipped_clause_neighbours().with_examples(neutral_clauses())


@cache
def shipped_clause_neighbours() -> ClauseNeighbours:
    with resources.as_file(resources.files("joinedup.learning").joinpath("data", CLAUSE_NEIGHBOURS_FILE)) as path:
        return load_clause_neighbours(path)


def load_clause_neighbours(path: Path) -> ClauseNeighbours:
    """Saved clause neighbours; ones made from other data than the package's are refused, so
    editing the training data without remaking them fails loudly instead of tagging quietly
    with neighbours that no longer match what ``eval themes`` reports."""
    import numpy as np

    with np.load(path) as saved:
        key = str(saved["key"])
        found = ClauseNeighbours(
            np.asarray(saved["vectors"], dtype=np.float32), np.asarray(saved["labels"], dtype=np.int8)
        )
    if key != clause_neighbours_key():
        raise ModelUnavailable(
            f"{path.name} was made from other training data than the package holds: "
            "run python -m joinedup.learning.evaluate to remake it"
        )
    return found


def write_clause_neighbours(neighbours: ClauseNeighbours, path: Path) -> None:
    """Vectors are kept as float16 (half the size; cosines move by about 1e-3, too little to
    reorder ten neighbours in a way the scores notice)."""
    import numpy as np

    with path.open("wb") as out:
        np.savez_compressed(
            out,
            vectors=neighbours.vectors.astype(np.float16),
            labels=neighbours.labels.astype(np.int8),
            key=np.asarray(clause_neighbours_key()),
        )


def prototype_vectors(texts: list[str]) -> np.ndarray:
    """The prototypes' vectors, cached on disk by content so each process does not re-embed them."""
    import numpy as np

    path = _cache_path("theme-prototypes", texts, ".npy")
    if path.is_file():
        try:
            cached = np.load(path)
            if cached.shape == (len(texts), embedding.DIMENSIONS):
                return np.asarray(cached, dtype=np.float32)
        except (OSError, ValueError):
            pass
    vectors = embedding.encode(texts)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.save(path, vectors)
    except OSError:
        pass  # a read-only home only costs a few seconds per process
    return vectors


def clauses(sentence: str) -> list[str]:
    """The findings of one sentence; a fragment too short to mean much stays with its neighbour."""
    found: list[str] = []
    for part in (p.strip() for p in CLAUSE_BREAK.split(sentence)):
        if not part:
            continue
        if found and (len(part.split()) < MIN_CLAUSE_WORDS or len(found[-1].split()) < MIN_CLAUSE_WORDS):
            found[-1] = f"{found[-1]} {part}"
        else:
            found.append(part)
    return found or [sentence]


def _units(passages: list[str]) -> tuple[list[str], list[int]]:
    """The pieces that are embedded and scored (clauses of sentences), and each one's passage."""
    units: list[str] = []
    owner: list[int] = []
    for index, passage in enumerate(passages):
        for sentence in sentences(passage) or [passage]:
            for clause in clauses(sentence):
                words = clause.split()
                for start in range(0, max(len(words), 1), MAX_SENTENCE_WORDS):
                    units.append(" ".join(words[start : start + MAX_SENTENCE_WORDS]))
                    owner.append(index)
    return units, owner


def sentence_scores(passages: list[str], *, score_neighbours: bool = True) -> SentenceScores:
    """Every clause's scores; without ``score_neighbours`` the clause column and the word
    model's reading are left for the caller to fill (evaluation remakes both per fold, so it
    must not need the shipped ones). A review longer than the word model's gate is scored for
    the long-text calibrator: by the classifier and the neighbours that know the neutral
    sentences."""
    units, owner = _units(passages)
    vectors = embedding.encode(units)
    long = not text_model.reads(passages)
    neighbours = (
        (shipped_long_clause_neighbours() if long else shipped_clause_neighbours()) if score_neighbours else None
    )
    return SentenceScores(
        owner,
        probabilities(vectors, *_classifier(neutral=long)),
        _cue_matrix(passages, units, owner),
        vectors,
        neighbours.scores(vectors) if neighbours is not None else None,
        tuple(units),
        shipped_text_model().read(passages) if score_neighbours else None,
        long,
    )


def _cue_matrix(passages: list[str], units: list[str], owner: list[int]) -> np.ndarray:
    """1.0 where a unit holds one of a theme's cue phrases (units x themes).

    A unit is its passage's words in order, so a unit can only match where its passage does:
    the passage is searched first, and only a matching passage's units are searched again.
    """
    import numpy as np

    ids = taxonomy.theme_ids()
    cue = np.zeros((len(units), len(ids)), dtype=np.float32)
    members: dict[int, list[int]] = {}
    for s, passage_index in enumerate(owner):
        members.setdefault(passage_index, []).append(s)
    for t, theme_id in enumerate(ids):
        cues = taxonomy.tagging_cues(theme_id)
        for passage_index, unit_rows in members.items():
            if cues.search(passages[passage_index]):
                for s in unit_rows:
                    if cues.search(units[s]):
                        cue[s, t] = 1.0
    return cue


def logit(p: float) -> float:
    clipped = min(max(p, 1e-4), 1.0 - 1e-4)
    return math.log(clipped / (1.0 - clipped))


def evidence_scores(scores: SentenceScores, cue_bonus: float, *, clause: bool = False) -> np.ndarray:
    """Each theme's evidence score: its best clause's probability plus the cue bonus (themes,),
    under the prototype classifier or (``clause``) the clause neighbours."""
    import numpy as np

    if scores.similarity.shape[0] == 0:
        return np.zeros(len(taxonomy.theme_ids()), dtype=np.float32)
    probability = scores.clause_or_similarity() if clause else scores.similarity
    return np.asarray((probability + cue_bonus * scores.cue).max(axis=0), dtype=np.float32)


def passage_evidence(scores: SentenceScores, cue_bonus: float) -> np.ndarray:
    """Each theme's score in its ``PASSAGE_RANK``-th best passage (a passage scores as its best
    clause, under the clause neighbours; the last passage's where a review has fewer) (themes,).

    A long review that carries a theme names it in its summary, its analysis and its
    recommendations; one that only brushes against it has one or two passages that do. The best
    clause cannot tell those apart; on long reviews this ranks themes better (thirteenth session).
    """
    import numpy as np

    themes = len(taxonomy.theme_ids())
    if scores.similarity.shape[0] == 0:
        return np.zeros(themes, dtype=np.float32)
    combined = scores.clause_or_similarity() + cue_bonus * scores.cue
    per_passage = np.zeros((max(scores.owner) + 1, themes), dtype=np.float32)
    np.maximum.at(per_passage, np.asarray(scores.owner), combined)
    ranked = -np.sort(-per_passage, axis=0)
    return np.asarray(ranked[min(PASSAGE_RANK, len(ranked)) - 1], dtype=np.float32)


def calibrated(
    evidence: float,
    prior: float,
    settings: TaggerSettings,
    clause_evidence: float | None = None,
    text: float | None = None,
    passage: float | None = None,
) -> float:
    """The calibrator's probability; ``clause_evidence`` defaults to ``evidence``, and no word
    model reading (``text`` None) counts as even odds, adding nothing."""
    clause_score = evidence if clause_evidence is None else clause_evidence
    z = (
        settings.evidence_weight * logit(evidence)
        + settings.clause_weight * logit(clause_score)
        + (settings.text_weight * logit(text) if text is not None else 0.0)
        + (settings.passage_weight * logit(passage) if passage is not None else 0.0)
        + settings.prior_weight * prior
        + settings.bias
    )
    return 1.0 / (1.0 + math.exp(-z))


def confidences(scores: SentenceScores, settings: TaggerSettings) -> list[float]:
    """Each theme's calibrated probability under exactly these settings (no length dispatch)."""
    if scores.similarity.shape[0] == 0:
        return [0.0 for _ in taxonomy.theme_ids()]
    prototype = evidence_scores(scores, settings.cue_bonus)
    best = evidence_scores(scores, settings.cue_bonus, clause=True)
    spread = passage_evidence(scores, settings.cue_bonus) if settings.passage_weight else None
    return [
        calibrated(
            float(prototype[t]),
            settings.priors.get(theme_id, 0.0),
            settings,
            float(best[t]),
            None if scores.text is None else float(scores.text[t]),
            None if spread is None else float(spread[t]),
        )
        for t, theme_id in enumerate(taxonomy.theme_ids())
    ]


def _kept(passed: list[int], scores: SentenceScores, settings: TaggerSettings) -> set[int]:
    """The themes (indices) the cap keeps of those that passed the threshold: the strongest by
    this calibrator, or by its ranker where it has one."""
    if not settings.max_themes or len(passed) <= settings.max_themes:
        return set(passed)
    order = confidences(scores, settings.ranker if settings.ranker is not None else settings)
    return set(sorted(passed, key=lambda t: -order[t])[: settings.max_themes])


def decide(scores: SentenceScores, settings: TaggerSettings, n_passages: int) -> list[ThemeSuggestion]:
    """The suggested themes given clause scores: cheap, so evaluation can sweep settings."""
    import numpy as np

    settings = settings.for_scores(scores)
    combined = scores.clause_or_similarity() + settings.cue_bonus * scores.cue
    suggestions: list[ThemeSuggestion] = []
    if combined.shape[0] == 0:
        return suggestions
    confidence_of = confidences(scores, settings)
    passed = [t for t, c in enumerate(confidence_of) if c >= settings.threshold]
    kept = _kept(passed, scores, settings)
    for t, theme_id in enumerate(taxonomy.theme_ids()):
        if t not in kept:
            continue
        column = combined[:, t]
        order = np.argsort(-column)
        best = float(column[order[0]])
        confidence = confidence_of[t]
        evidence: list[tuple[int, float]] = []
        seen: set[int] = set()
        for s in order:
            if float(column[s]) < best - EVIDENCE_MARGIN or len(evidence) >= MAX_EVIDENCE:
                break
            passage = scores.owner[int(s)]
            if passage not in seen:
                seen.add(passage)
                evidence.append((passage, round(float(column[s]), 4)))
        suggestions.append(ThemeSuggestion(theme_id, round(confidence, 3), round(best, 4), evidence))
    suggestions.sort(key=lambda s: -s.confidence)
    return suggestions


def passage_vectors(scores: SentenceScores, n_passages: int) -> np.ndarray:
    """Each passage's vector: the normalised mean of its sentences' vectors."""
    import numpy as np

    dims = scores.sentence_vectors.shape[1] if scores.sentence_vectors.size else embedding.DIMENSIONS
    sums = np.zeros((n_passages, dims), dtype=np.float32)
    np.add.at(sums, np.asarray(scores.owner, dtype=int), scores.sentence_vectors)
    norms = np.linalg.norm(sums, axis=1, keepdims=True)
    return np.asarray(sums / np.where(norms == 0, 1.0, norms), dtype=np.float32)


def tag_passages(passages: list[str], settings: TaggerSettings | None = None) -> TaggingResult:
    """Suggested themes and passage vectors for one review's passages."""
    settings = settings or shipped_settings()
    scores = sentence_scores(passages)
    suggestions = decide(scores, settings, len(passages))
    return TaggingResult(passage_vectors(scores, len(passages)), suggestions)


def keyword_baseline(text: str) -> set[str]:
    """The themes whose cue phrases occur in the text: the baseline the model must beat."""
    return {theme_id for theme_id in taxonomy.theme_ids() if taxonomy.cue_pattern(theme_id).search(text)}
