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
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import cache
from importlib import resources

import jellyfish

from joinedup.identity.names import nicknames


@dataclass(frozen=True)
class Thresholds:
    auto_link: float
    review: float


@cache
def thresholds() -> Thresholds:
    data = json.loads(resources.files("joinedup.identity").joinpath("data/decisions.json").read_text())
    return Thresholds(auto_link=float(data["auto_link"]), review=float(data["review"]))


@dataclass(frozen=True)
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


@dataclass
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


def hard_guard(a: Node, b: Node) -> str | None:
    """The guards no amount of name evidence can overrule."""
    if a.record_id is not None and a.record_id == b.record_id:
        return "two subjects of one record"
    if a.nhs and b.nhs and a.nhs != b.nhs:
        return "different NHS numbers"
    if a.upn and b.upn and a.upn != b.upn:
        return "different UPNs"
    if a.sex and b.sex and a.sex != b.sex:
        return "different sexes"
    if a.dob and b.dob and dates_of_birth_conflict(a.dob, b.dob):
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


def trusted(a: Node, b: Node) -> bool:
    return bool((a.nhs and a.nhs == b.nhs) or (a.upn and a.upn == b.upn))


@dataclass
class _Cluster:
    members: list[Node] = field(default_factory=list)

    @property
    def person_id(self) -> int | None:
        return next((m.person_id for m in self.members if m.person_id is not None), None)


def decide(
    pending: Iterable[Node],
    profiles: Iterable[Node],
    pairs: Iterable[tuple[str, str, float]],
    limits: Thresholds | None = None,
) -> dict[str, Outcome]:
    """An outcome for every pending subject, from the scored ``(uid_l, uid_r, probability)``."""
    limits = limits or thresholds()
    pending = list(pending)
    nodes: dict[str, Node] = {n.uid: n for n in [*profiles, *pending]}
    # Profiles of one person start in one cluster; every pending subject starts alone.
    cluster_of: dict[str, str] = {}
    clusters: dict[str, _Cluster] = {}
    for node in nodes.values():
        key = f"P{node.person_id}" if node.person_id is not None else node.uid
        cluster_of[node.uid] = key
        clusters.setdefault(key, _Cluster()).members.append(node)

    scored = [(a, b, p) for a, b, p in pairs if a in nodes and b in nodes]
    # Trusted-id agreement first (it settles a match), then by falling probability.
    # Ties broken by the pair's ids, so the same pairs give the same decisions whatever order
    # the scorer returned them in.
    edges = sorted(
        scored, key=lambda e: (not trusted(nodes[e[0]], nodes[e[1]]), -e[2], min(e[0], e[1]), max(e[0], e[1]))
    )
    joined_by: dict[str, tuple[str, float]] = {}
    best_blocked: dict[str, tuple[str, float, str]] = {}

    def note_blocked(a: str, b: str, p: float, reason: str) -> None:
        for x, y in ((a, b), (b, a)):
            if x.startswith("s") and (x not in best_blocked or best_blocked[x][1] < p):
                best_blocked[x] = (y, p, reason)

    for a, b, p in edges:
        ka, kb = cluster_of[a], cluster_of[b]
        if ka == kb:
            continue
        is_trusted = trusted(nodes[a], nodes[b])
        if not is_trusted and p < limits.auto_link:
            if p >= limits.review:
                note_blocked(a, b, p, "probability in the review band")
            continue
        ca, cb = clusters[ka], clusters[kb]
        reason = _cluster_guard(ca, cb, ignore_names=is_trusted)
        if reason:
            if p >= limits.review or is_trusted:
                note_blocked(a, b, p, reason)
            continue
        # Join the smaller into the larger, keeping an existing person's key.
        keep, drop = (ka, kb) if ca.person_id is not None or len(ca.members) >= len(cb.members) else (kb, ka)
        if clusters[drop].person_id is not None:
            keep, drop = drop, keep
        for member in clusters[drop].members:
            cluster_of[member.uid] = keep
        clusters[keep].members.extend(clusters.pop(drop).members)
        for x in (a, b):
            if x.startswith("s") and x not in joined_by:
                joined_by[x] = ("trusted_id" if is_trusted else "auto_link", 1.0 if is_trusted and p < 0.5 else p)

    outcomes: dict[str, Outcome] = {}
    seeded: set[str] = set()
    for node in pending:
        key = cluster_of[node.uid]
        cluster = clusters[key]
        if node.uid in joined_by and (cluster.person_id is not None or key in seeded):
            decision, probability = joined_by[node.uid]
        else:
            decision, probability = "new_person", None
        seeded.add(key)
        outcome = Outcome(node.uid, cluster.person_id, key, decision, probability)
        blocked = best_blocked.get(node.uid)
        if blocked and decision == "new_person" and cluster_of[blocked[0]] != key:
            outcome.decision = "review"
            outcome.review_with, outcome.review_probability, outcome.review_reason = blocked
            outcome.probability = blocked[1]
        outcomes[node.uid] = outcome
    return outcomes


def _cluster_guard(a: _Cluster, b: _Cluster, *, ignore_names: bool) -> str | None:
    """Hard guards (one record, ids, sex) hold between every pair of members. Given names need
    only one compatible pair: a person recorded as "Olivia", "Liv" and "Oliia" is one child, and
    each newcomer has to resemble one of those names, not all of them at once."""
    if a.person_id is not None and b.person_id is not None:
        return "would merge two existing persons"
    for x in a.members:
        for y in b.members:
            reason = hard_guard(x, y)
            if reason:
                return reason
    if ignore_names:
        return None
    named_a = [x for x in a.members if x.given]
    named_b = [y for y in b.members if y.given]
    if named_a and named_b and not any(given_names_compatible(x, y) for x in named_a for y in named_b):
        return NAMES_DIFFER
    return None


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
    )
