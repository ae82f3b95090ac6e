"""Turn scored pairs into decisions: trusted id, auto-link, clerical review or new person.

The decision is made over clusters, not single pairs, and guards are checked between every
member of two clusters before they join, so a chain of plausible pairs cannot carry one twin
into the other's file:

- a valid NHS number or UPN that agrees settles it (``trusted_id``); one that disagrees forbids it;
- two subjects of one record are two people (a record lists a child and her mother, not her twice);
- clearly different given names never auto-link (twins share a date of birth, siblings a
  surname and address): "Amelia"/"Amy" is a nickname, "Oliver"/"Olivia" is two children;
- known sexes that differ never auto-link, nor do whole dates of birth years apart that no
  typing slip explains (a father and son of one name);
- a cluster holds at most one existing person: merging two people already in the index is a
  clerk's decision (a review item), never a side effect of a new record.

Given and family names swapped (a clerk's slip) count as compatible names: twins share their
family name, so a swap never describes two of them.

An agency-local person id (``other_ids``: a social-care person number, a police records id)
that the two clusters share, of one scheme and exactly the same value, with no other id of a
scheme both hold disagreeing, lets a pair past the given-name (siblings) and the age-gap
guards, except where the two clusters share a date of birth and no given name fits (the twins'
signature: one birthday, two names), where the name guard still holds. The same case-system
number on both is better evidence of one person than a given name that changed (a child who
took another name, a clerk who wrote the middle name) or a date of birth a system got wrong.
It is not a trusted id: the pair still needs the model's
auto-link probability, and the one-record, different NHS number / UPN and different-sex guards
still hold. An id of the same scheme that differs is evidence against (the model's weight),
never a veto, because ids are mistyped too.

The trade, written down. Twins: a clerk who keys one twin's number onto her sister's record
(sibling groups are registered together, so their numbers are often one keystroke apart) gives
that record the other twin's id; because the twins share a date of birth, the name guard still
refuses the join, so twins are protected as before (``tests/identity/test_local_ids.py``).
Siblings of different ages are where the trade lands: such a mistyped record whose other fields
(family name, address) fit the sibling can join the sibling, where without local ids it would
have been refused. Two things limit it: the pair still needs the auto-link probability, in
which a different given name and date of birth weigh heavily against; and the waiver needs the
clusters' ids to agree without conflict, so a cluster already holding the child's right number
beside the mistyped one waives nothing. What we buy: a person whose given name or date of birth
differs between systems (a name changed, a date keyed wrong) is linked by the number their case
system gives them, which is how FEBRL's duplicates are told apart.
"""

from __future__ import annotations

import gc
import hashlib
import json
from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from typing import Any

import jellyfish
import numpy as np
import pandas as pd

from joinedup.identity.names import nicknames


@contextmanager
def collection_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector (as a ``with`` block or a decorator). A batch
    allocates millions of small objects that all stay alive, and each allocation burst set off
    a full collection that walked all of them: half a 50,000-subject batch's time went there.
    Nothing here builds cycles that need collecting mid-batch."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


@contextmanager
def collected_after() -> Iterator[None]:
    """Collect the garbage made inside the block, and only that, when it ends. Splink's linker
    and its DuckDB connection hold reference cycles: with the collector paused they, and all of
    DuckDB's memory, would outlive the scoring by the whole decision pass (0.5 GB at 250,000
    subjects). Objects from before the block are frozen out, so the collection is cheap.

    A freeze made by someone else (the web app freezes its start-up objects) is left in place:
    ``gc.unfreeze`` cannot tell its objects from ours, and undoing it would put the libraries
    back in every collection's way for the rest of the process."""
    outer = gc.get_freeze_count() > 0
    if not outer:
        gc.freeze()
    try:
        yield
    finally:
        gc.collect()
        if not outer:
            gc.unfreeze()


@dataclass(frozen=True)
class PairColumns:
    """Scored pairs as three parallel arrays (uid, uid, probability): a batch scores millions of
    pairs, and a Python tuple for each would cost gigabytes."""

    left: np.ndarray[Any, Any]
    right: np.ndarray[Any, Any]
    probability: np.ndarray[Any, Any]
    # ``left`` and ``right`` hold positions in ``[*pending, *profiles]`` (as ``decide`` is given
    # them) instead of uids: a batch scorer numbers its records, and a string per end of each of
    # millions of pairs is what cost the memory.
    positional: bool = False

    def __len__(self) -> int:
        return len(self.probability)


Pairs = Iterable[tuple[str, str, float]] | PairColumns


@dataclass(frozen=True)
class Thresholds:
    auto_link: float
    review: float


@cache
def thresholds() -> Thresholds:
    data = json.loads(resources.files("joinedup.identity").joinpath("data/decisions.json").read_text())
    return Thresholds(auto_link=float(data["auto_link"]), review=float(data["review"]))


@dataclass(frozen=True, slots=True)
class Node:
    """What the guards need to know of a pending subject or a stored profile."""

    uid: str  # "s<record_subject_id>" or "p<profile_id>"
    person_id: int | None  # stored profiles belong to a person; pending subjects do not yet
    record_id: int | None
    given_all: tuple[str, ...]
    given: str | None
    sex: str | None
    nhs: str | None
    upn: str | None
    dob: str | None = None
    local_ids: tuple[str, ...] = ()  # agency-local ids, "scheme:VALUE" (standardise.standard_other_ids)
    family: str | None = None


@dataclass(slots=True)  # one per subject: a million of them at a time in a batch
class Outcome:
    """Where one pending subject goes: an existing person or a new cluster, and why."""

    uid: str
    person_id: int | None
    cluster: str
    decision: str
    probability: float | None
    review_with: str | None = None  # uid of the best candidate a clerk should compare
    review_probability: float | None = None
    review_reason: str | None = None


def given_names_compatible(a: Node, b: Node) -> bool:
    """Could these given names belong to one person? Unknown names are no evidence against."""
    if not a.given or not b.given:
        return True
    if a.given == b.given or set(a.given_all) & set(b.given_all):
        return True
    if a.given == b.family or b.given == a.family:
        return True  # given and family name swapped: a clerk's slip, never twins (they share the family name)
    if nicknames().equivalent(a.given, b.given):
        return True
    shorter = min(len(a.given), len(b.given))
    distance = jellyfish.damerau_levenshtein_distance(a.given, b.given)
    return (shorter >= 3 and distance <= 1) or (shorter >= 7 and distance <= 2)


NAMES_DIFFER = "different given names (twins or siblings?)"


def guard(a: Node, b: Node) -> str | None:
    """Why these two must not be auto-linked, or ``None``."""
    reason = hard_guard(a, b)
    if reason is None and not given_names_compatible(a, b):
        return NAMES_DIFFER
    return reason


def hard_guard(a: Node, b: Node, *, local_id_agrees: bool = False) -> str | None:
    """The guards no amount of name evidence can overrule (the age gap excepted when an
    agency-local id agrees, ``local_ids_agree``)."""
    if a.record_id is not None and a.record_id == b.record_id:
        return "two subjects of one record"
    if a.nhs and b.nhs and a.nhs != b.nhs:
        return "different NHS numbers"
    if a.upn and b.upn and a.upn != b.upn:
        return "different UPNs"
    if a.sex and b.sex and a.sex != b.sex:
        return "different sexes"
    if not local_id_agrees and a.dob and b.dob and dates_of_birth_conflict(a.dob, b.dob):
        return "different dates of birth (parent and child, or siblings, of one name?)"
    return None


def dates_of_birth_conflict(a: str, b: str) -> bool:
    """Two whole dates of birth (ISO) that no slip of the keyboard explains: years apart, not one
    character different, not day and month swapped. A father and son both called Michael
    Harding share every other field; their dates of birth are what tells them apart."""
    if a == b or abs(int(a[:4]) - int(b[:4])) < 2:
        return False
    if jellyfish.damerau_levenshtein_distance(a, b) <= 1:
        return False
    return not (a[:4] == b[:4] and a[5:7] == b[8:10] and a[8:10] == b[5:7])


def local_ids_agree(a: set[str] | frozenset[str], b: set[str] | frozenset[str]) -> bool:
    """Do two sets of agency-local ids ("scheme:VALUE") name one person: at least one id in
    common, and for every scheme both sides hold, one and the same id? A system gives a person
    one number, so a cluster holding two of one scheme (a mistyped number beside the right one)
    is in doubt, and then nothing is waived."""
    if not a or not b or a.isdisjoint(b):
        return False
    by_scheme_a: dict[str, set[str]] = {}
    by_scheme_b: dict[str, set[str]] = {}
    for values, target in ((a, by_scheme_a), (b, by_scheme_b)):
        for key in values:
            target.setdefault(key.split(":", 1)[0], set()).add(key)
    return all(
        len(by_scheme_a[s]) == 1 and by_scheme_a[s] == by_scheme_b[s] for s in by_scheme_a.keys() & by_scheme_b.keys()
    )


def trusted(a: Node, b: Node) -> bool:
    return bool((a.nhs and a.nhs == b.nhs) or (a.upn and a.upn == b.upn))


@dataclass(slots=True)
class _Summary:
    """What the guards need of a cluster's members, gathered as sets, so two clusters can be
    checked against each other without comparing every member with every member."""

    records: set[int] = field(default_factory=set)
    nhs: set[str] = field(default_factory=set)
    upn: set[str] = field(default_factory=set)
    sexes: set[str] = field(default_factory=set)
    dobs: set[str] = field(default_factory=set)
    givens: set[str] = field(default_factory=set)
    names: set[tuple[str, tuple[str, ...], str | None]] = field(default_factory=set)  # (given, given_all, family)
    local_ids: set[str] = field(default_factory=set)

    def add(self, node: Node) -> None:
        if node.record_id is not None:
            self.records.add(node.record_id)
        for values, value in (
            (self.nhs, node.nhs),
            (self.upn, node.upn),
            (self.sexes, node.sex),
            (self.dobs, node.dob),
        ):
            if value:
                values.add(value)
        if node.given:
            self.givens.add(node.given)
            self.names.add((node.given, node.given_all, node.family))
        self.local_ids.update(node.local_ids)

    def update(self, other: _Summary) -> None:
        self.records |= other.records
        self.nhs |= other.nhs
        self.upn |= other.upn
        self.sexes |= other.sexes
        self.dobs |= other.dobs
        self.givens |= other.givens
        self.names |= other.names
        self.local_ids |= other.local_ids


@dataclass(slots=True)
class _Cluster:
    """Members, and (built the first time a guard needs it) their summary: most subjects of a
    big batch are never guarded, and seven sets each for a million of them would cost gigabytes."""

    members: list[Node] = field(default_factory=list)
    positions: list[int] = field(default_factory=list)  # the members' places in the node list
    person_id: int | None = None
    built: _Summary | None = None

    def add(self, node: Node, position: int) -> None:
        self.members.append(node)
        self.positions.append(position)
        if self.person_id is None:
            self.person_id = node.person_id
        if self.built is not None:
            self.built.add(node)

    @property
    def summary(self) -> _Summary:
        if self.built is None:
            self.built = _Summary()
            for member in self.members:
                self.built.add(member)
        return self.built

    def absorb(self, other: _Cluster) -> None:
        self.members.extend(other.members)
        self.positions.extend(other.positions)
        if self.person_id is None:
            self.person_id = other.person_id
        if self.built is not None:
            self.built.update(other.summary)


def decide(
    pending: Iterable[Node],
    profiles: Iterable[Node],
    pairs: Pairs,
    limits: Thresholds | None = None,
) -> dict[str, Outcome]:
    """An outcome for every pending subject, from the scored ``(uid_l, uid_r, probability)``."""
    limits = limits or thresholds()
    pending, profiles = list(pending), list(profiles)
    run = _Pass(pending, profiles, limits)
    run.apply(_ordered_edges(run.node_list, pending, profiles, pairs, limits.review))
    return run.outcomes()


def decide_twice(
    pending: Iterable[Node],
    profiles: Iterable[Node],
    pairs: Pairs,
    again: Callable[[dict[str, Outcome]], Pairs],
    *,
    raised_at_most: float,
    limits: Thresholds | None = None,
) -> dict[str, Outcome]:
    """``decide``, then ``decide`` again over the pairs ``again`` makes from the first outcomes
    (``pairs`` itself when nothing changes; otherwise the same pairs with some probabilities
    raised, to at most ``raised_at_most``), with the outcomes the second pass would give.

    The second pass does not redo what the first already did: edges are taken in a fixed order,
    and every edge before the first one a raised probability can reach (those with a trusted id,
    then those above ``raised_at_most``) comes in the same order in both passes, so the state
    after them is the same. The first pass keeps a copy of its state there, and the second pass
    resumes from it; a check that both passes' leading edges are indeed the same falls back to
    a full second pass if they are not."""
    limits = limits or thresholds()
    pending, profiles = list(pending), list(profiles)
    run = _Pass(pending, profiles, limits)
    edges = _ordered_edges(run.node_list, pending, profiles, pairs, limits.review)
    shared = _leading(edges, raised_at_most)
    run.apply(edges, stop=shared)
    saved = run.copy()
    digest = _digest(edges, shared)
    run.apply(edges, start=shared)
    del edges
    first = run.outcomes()
    del run
    raised = again(first)
    if raised is pairs:
        return first
    del first
    edges = _ordered_edges(saved.node_list, pending, profiles, raised, limits.review)
    if _leading(edges, raised_at_most) == shared and _digest(edges, shared) == digest:
        saved.apply(edges, start=shared)
        return saved.outcomes()
    del saved
    run = _Pass(pending, profiles, limits)
    run.apply(edges)
    return run.outcomes()


def _leading(edges: Edges, above: float) -> int:
    """How many ordered edges come before any with no trusted id at probability ``above`` or
    lower (trusted edges come first, then probabilities fall)."""
    _, _, p, trusted = edges
    return int(np.count_nonzero(trusted | (p > above)))


def _digest(edges: Edges, count: int) -> bytes:
    digest = hashlib.blake2b(digest_size=32)
    for column in edges:
        digest.update(np.ascontiguousarray(column[:count]).tobytes())
    return digest.digest()


class _Pass:
    """One pass of decisions over ordered edges: the clusters and what each subject joined or
    was refused, copyable (``copy``) so a second pass can resume where the first left it."""

    def __init__(self, pending: list[Node], profiles: list[Node], limits: Thresholds) -> None:
        self.pending = pending
        self.limits = limits
        nodes: dict[str, Node] = {n.uid: n for n in [*profiles, *pending]}
        self.node_list = list(nodes.values())
        self.position = {uid: i for i, uid in enumerate(nodes)}
        # Profiles of one person start in one cluster; every pending subject starts alone.
        # Clusters are numbered; ``keys`` holds each one's name as outcomes report it.
        self.keys: list[str] = []
        numbered: dict[str, int] = {}
        self.cluster_of: list[int] = []
        self.clusters: dict[int, _Cluster] = {}
        for i, node in enumerate(self.node_list):
            key = f"P{node.person_id}" if node.person_id is not None else node.uid
            number = numbered.get(key)
            if number is None:
                number = numbered[key] = len(self.keys)
                self.keys.append(key)
                self.clusters[number] = _Cluster()
            self.cluster_of.append(number)
            self.clusters[number].add(node, i)
        # Clusters only ever grow, so a pair whose two ends already share a cluster when a chunk
        # of edges starts can change nothing (the loop would skip it first thing): those are
        # dropped a chunk at a time with numpy, and most pairs of a batch (a person's many
        # records scored with one another) never reach Python. ``cluster_at`` mirrors
        # ``cluster_of`` for that.
        self.cluster_at = np.asarray(self.cluster_of, dtype=np.int64)
        self.joined_by: dict[str, tuple[str, float]] = {}
        self.best_blocked: dict[str, tuple[str, float, str]] = {}

    def copy(self) -> _Pass:
        """An independent copy of the state (guard summaries are rebuilt when next needed: they
        are the union of the members' fields either way)."""
        twin = object.__new__(_Pass)
        twin.pending, twin.limits, twin.node_list, twin.position, twin.keys = (
            self.pending,
            self.limits,
            self.node_list,
            self.position,
            self.keys,
        )
        twin.cluster_of = list(self.cluster_of)
        twin.cluster_at = self.cluster_at.copy()
        twin.clusters = {
            number: _Cluster(list(c.members), list(c.positions), c.person_id) for number, c in self.clusters.items()
        }
        twin.joined_by = dict(self.joined_by)
        twin.best_blocked = dict(self.best_blocked)
        return twin

    def _note_blocked(self, a: str, b: str, p: float, reason: str) -> None:
        best_blocked = self.best_blocked
        for x, y in ((a, b), (b, a)):
            if x.startswith("s") and (x not in best_blocked or best_blocked[x][1] < p):
                best_blocked[x] = (y, p, reason)

    def apply(self, edges: Edges, start: int = 0, stop: int | None = None) -> None:
        """Take the ordered edges ``[start:stop]`` in turn."""
        review, auto_link = self.limits.review, self.limits.auto_link
        cluster_of, cluster_at, clusters, node_list = self.cluster_of, self.cluster_at, self.clusters, self.node_list
        joined_by, note_blocked = self.joined_by, self._note_blocked
        for i, j, p, is_trusted in _live_edges(edges, cluster_at, start, stop):
            ka, kb = cluster_of[i], cluster_of[j]
            if ka == kb:
                continue
            a, b = node_list[i].uid, node_list[j].uid
            if not is_trusted and p < auto_link:
                if p >= review:
                    note_blocked(a, b, p, "probability in the review band")
                continue
            ca, cb = clusters[ka], clusters[kb]
            reason = _cluster_guard(ca, cb, ignore_names=is_trusted)
            if reason:
                if p >= review or is_trusted:
                    note_blocked(a, b, p, reason)
                continue
            # Join the smaller into the larger, keeping an existing person's key.
            keep, drop = (ka, kb) if ca.person_id is not None or len(ca.members) >= len(cb.members) else (kb, ka)
            if clusters[drop].person_id is not None:
                keep, drop = drop, keep
            dropped = clusters.pop(drop)
            for member in dropped.positions:
                cluster_of[member] = keep
            cluster_at[dropped.positions] = keep
            clusters[keep].absorb(dropped)
            for x in (a, b):
                if x.startswith("s") and x not in joined_by:
                    joined_by[x] = ("trusted_id" if is_trusted else "auto_link", 1.0 if is_trusted and p < 0.5 else p)

    def outcomes(self) -> dict[str, Outcome]:
        cluster_of, clusters, position, keys = self.cluster_of, self.clusters, self.position, self.keys
        joined_by, best_blocked = self.joined_by, self.best_blocked
        outcomes: dict[str, Outcome] = {}
        seeded: set[int] = set()
        for node in self.pending:
            number = cluster_of[position[node.uid]]
            cluster = clusters[number]
            if node.uid in joined_by and (cluster.person_id is not None or number in seeded):
                decision, probability = joined_by[node.uid]
            else:
                decision, probability = "new_person", None
            seeded.add(number)
            outcome = Outcome(node.uid, cluster.person_id, keys[number], decision, probability)
            blocked = best_blocked.get(node.uid)
            if blocked and decision == "new_person" and cluster_of[position[blocked[0]]] != number:
                outcome.decision = "review"
                outcome.review_with, outcome.review_probability, outcome.review_reason = blocked
                outcome.probability = blocked[1]
            outcomes[node.uid] = outcome
        return outcomes


Edges = tuple[np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any], np.ndarray[Any, Any]]


def _ordered_edges(nodes: list[Node], pending: list[Node], profiles: list[Node], pairs: Pairs, review: float) -> Edges:
    """The pairs worth considering as arrays ``(node position, node position, probability,
    trusted)``: trusted-id agreement first (it settles a match), then by falling probability,
    ties broken by the pair's ids so the same pairs give the same decisions whatever order the
    scorer returned them in. A pair below the review band with no trusted id can change nothing
    (it neither joins nor goes to review) and is dropped. Vectorised: a batch has millions of
    pairs."""
    empty = np.zeros(0, dtype=np.int64)
    if not isinstance(pairs, PairColumns):
        listed = pairs if isinstance(pairs, list) else list(pairs)
        if not listed:
            return empty, empty, np.zeros(0), np.zeros(0, dtype=bool)
        columns = list(zip(*listed, strict=True))
        pairs = PairColumns(
            np.array(columns[0], dtype=object), np.array(columns[1], dtype=object), np.array(columns[2])
        )
    left, right, probability = pairs.left, pairs.right, pairs.probability
    if not len(probability):
        return empty, empty, np.zeros(0), np.zeros(0, dtype=bool)
    uids = pd.Index([n.uid for n in nodes])
    if pairs.positional:
        # Positions in [*pending, *profiles] -> positions in ``nodes`` (profiles, then pending).
        to_node = uids.get_indexer([n.uid for n in [*pending, *profiles]])
        ia, ib = to_node[np.asarray(left, dtype=np.int64)], to_node[np.asarray(right, dtype=np.int64)]
    else:
        ia, ib = uids.get_indexer(left), uids.get_indexer(right)
    p = np.asarray(probability, dtype=np.float64)
    known = (ia >= 0) & (ib >= 0)
    ia, ib, p = ia[known], ib[known], p[known]
    trusted = np.zeros(len(p), dtype=bool)
    for values in ([n.nhs or None for n in nodes], [n.upn or None for n in nodes]):
        codes = pd.factorize(pd.Series(values, dtype=object))[0]  # unknown -> -1
        trusted |= (codes[ia] >= 0) & (codes[ia] == codes[ib])
    wanted = trusted | (p >= review)
    ia, ib, p, trusted = ia[wanted], ib[wanted], p[wanted], trusted[wanted]
    rank = np.empty(len(uids), dtype=np.int64)
    rank[uids.argsort()] = np.arange(len(uids))
    lo, hi = np.minimum(rank[ia], rank[ib]), np.maximum(rank[ia], rank[ib])
    if pairs.positional:
        # The smaller uid on the left, as Splink gives pairs of string ids: which end comes
        # first decides which cluster keeps its name when two of one size join.
        ia, ib = np.where(rank[ia] == lo, ia, ib), np.where(rank[ia] == lo, ib, ia)
    order = np.lexsort((hi, lo, -p, ~trusted))
    return ia[order], ib[order], p[order], trusted[order]


def _live_edges(
    edges: Edges, cluster_at: np.ndarray[Any, Any], start: int = 0, stop: int | None = None, size: int = 4096
) -> Iterator[tuple[Any, ...]]:
    """The ordered edges ``[start:stop]`` as Python values, a chunk at a time, leaving out those
    whose ends share a cluster (``cluster_at``, which the caller keeps up to date as clusters
    join) when the chunk starts. Converting a chunk at a time also keeps a list of Python
    numbers for every one of millions of edges from doubling the batch's memory."""
    ia, ib, p, trusted = edges
    stop = len(ia) if stop is None else stop
    for first in range(start, stop, size):
        last = min(first + size, stop)
        a, b = ia[first:last], ib[first:last]
        live = cluster_at[a] != cluster_at[b]
        yield from zip(
            a[live].tolist(),
            b[live].tolist(),
            p[first:last][live].tolist(),
            trusted[first:last][live].tolist(),
            strict=True,
        )


def _conflicting(a: set[str], b: set[str]) -> bool:
    """Some value in ``a`` differs from some value in ``b`` (both known)."""
    return bool(a) and bool(b) and (len(a) > 1 or len(b) > 1 or a != b)


def _may_conflict(a: _Summary, b: _Summary, *, local_id_agrees: bool = False) -> bool:
    """Whether any member of ``a`` and any member of ``b`` fail a hard guard (exactly: ``False``
    means no pair of members does)."""
    return bool(
        not a.records.isdisjoint(b.records)
        or _conflicting(a.nhs, b.nhs)
        or _conflicting(a.upn, b.upn)
        or _conflicting(a.sexes, b.sexes)
        or (not local_id_agrees and any(dates_of_birth_conflict(x, y) for x in a.dobs for y in b.dobs))
    )


def _cluster_guard(a: _Cluster, b: _Cluster, *, ignore_names: bool) -> str | None:
    """Hard guards (one record, ids, sex) hold between every pair of members. Given names need
    only one compatible pair: a person recorded as "Olivia", "Liv" and "Oliia" is one child, and
    each newcomer has to resemble one of those names, not all of them at once."""
    if a.person_id is not None and b.person_id is not None:
        return "would merge two existing persons"
    sa, sb = a.summary, b.summary
    id_agrees = local_ids_agree(sa.local_ids, sb.local_ids)
    if _may_conflict(sa, sb, local_id_agrees=id_agrees):
        # Rare: find the first failing pair, member by member, for the reason a clerk reads.
        for x in a.members:
            for y in b.members:
                reason = hard_guard(x, y, local_id_agrees=id_agrees)
                if reason:
                    return reason
    if ignore_names or not sa.names or not sb.names:
        return None
    if not sa.givens.isdisjoint(sb.givens):
        return None  # one given name in common
    if not any(_names_compatible(x, y) for x in sa.names for y in sb.names):
        if id_agrees and sa.dobs.isdisjoint(sb.dobs):
            return None  # one local id, and not the twins' signature (one birthday, two names)
        return NAMES_DIFFER
    return None


def _names_compatible(a: tuple[str, tuple[str, ...], str | None], b: tuple[str, tuple[str, ...], str | None]) -> bool:
    given_a, all_a, family_a = a
    given_b, all_b, family_b = b
    return given_names_compatible(
        Node("", None, None, all_a, given_a, None, None, None, family=family_a),
        Node("", None, None, all_b, given_b, None, None, None, family=family_b),
    )


def node_from(uid: str, person_id: int | None, record_id: int | None, fields: Mapping[str, object]) -> Node:
    given_all = fields.get("given_all") or ()
    return Node(
        uid=uid,
        person_id=person_id,
        record_id=record_id,
        given_all=tuple(str(g) for g in given_all),  # type: ignore[attr-defined]
        given=fields.get("given"),  # type: ignore[arg-type]
        sex=fields.get("sex"),  # type: ignore[arg-type]
        nhs=fields.get("nhs"),  # type: ignore[arg-type]
        upn=fields.get("upn"),  # type: ignore[arg-type]
        dob=fields.get("dob"),  # type: ignore[arg-type]
        local_ids=tuple(str(k) for k in fields.get("local_ids") or ()),  # type: ignore[attr-defined]
        family=fields.get("family"),  # type: ignore[arg-type]
    )
