"""Recognising a review already in the library: exactly, or nearly (another edition, a
re-typeset PDF, the same text saved as HTML).

The exact test is a SHA-256 of the normalised words. The near test estimates the Jaccard
resemblance of the two texts' word 5-gram sets from bottom-k MinHash sketches (one hash per
shingle, keep the k smallest): two reviews sharing at least ``NEAR_DUPLICATE`` of their
shingles are the same document for a reader. Sketches are small (k integers) and stored.
"""

from __future__ import annotations

import hashlib
import re

SHINGLE = 5
SKETCH_SIZE = 256
NEAR_DUPLICATE = 0.8


def words(text: str) -> list[str]:
    return re.findall(r"[a-z0-9]+", text.lower())


def content_hash(text: str) -> str:
    return hashlib.sha256(" ".join(words(text)).encode()).hexdigest()


def sketch(text: str) -> list[int]:
    """The k smallest 60-bit hashes of the text's word shingles, ascending."""
    tokens = words(text)
    if len(tokens) < SHINGLE:
        grams = {" ".join(tokens)}
    else:
        grams = {" ".join(tokens[i : i + SHINGLE]) for i in range(len(tokens) - SHINGLE + 1)}
    hashes = {int.from_bytes(hashlib.blake2b(g.encode(), digest_size=8).digest()) >> 4 for g in grams}
    return sorted(hashes)[:SKETCH_SIZE]


def resemblance(a: list[int], b: list[int]) -> float:
    """Estimated Jaccard similarity of the two shingle sets from their sketches."""
    if not a or not b:
        return 0.0
    k = min(SKETCH_SIZE, len(a), len(b))
    union_smallest = sorted(set(a) | set(b))[:k]
    both = set(a) & set(b)
    return sum(1 for h in union_smallest if h in both) / k
