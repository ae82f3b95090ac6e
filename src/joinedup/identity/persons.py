"""Who a person is for the other stages: their records, the person they were merged into, and
the household around them over time.

A household is read from the records themselves: the co-subjects of a child's records, with the
roles the agency gave them (a parent, a partner of a parent, an adult in the household, a
sibling), and persons recorded at the child's address. Each member carries the first and last
date the records show them there; a new adult appearing in a child's household is an event the
rules use ("invisible men").
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from joinedup.storage import identity_persons_repo as repo

ADULT_ROLES = frozenset({"parent", "carer", "partner_of_parent", "adult_in_household"})
_MAX_MERGE_CHAIN = 100


@dataclass(frozen=True)
class HouseholdMember:
    person_id: int
    # parent | carer | partner_of_parent | adult_in_household | sibling | child | other
    # | adult_at_address | same_address (recorded at this person's address, not on one record)
    relationship: str
    from_date: date
    to_date: date


def current_person(conn: Connection, person_id: int) -> int:
    """The person ``person_id`` is now (following merges); itself when never merged."""
    current = person_id
    for _ in range(_MAX_MERGE_CHAIN):
        target = repo.merged_into(conn, current)
        if target is None:
            return current
        current = target
    return current


def records_of_person(conn: Connection, person_id: int) -> list[int]:
    """Ids of every stored record (any version) with a subject linked to this person."""
    return repo.record_ids(conn, current_person(conn, person_id))


def person_of_subject(conn: Connection, record_id: int, subject_index: int) -> int | None:
    return repo.person_of_subject(conn, record_id, subject_index)


def _relationship(my_role: str | None, their_role: str | None) -> str:
    """Their relationship to me, from the roles one record gave us both."""
    if my_role == "child":
        return their_role if their_role in {*ADULT_ROLES, "sibling", "child"} else "other"
    if their_role == "child":
        return "child"
    if my_role in ADULT_ROLES and their_role in ADULT_ROLES:
        return "adult_in_household"
    return "other"


def household_of(conn: Connection, person_id: int, as_of: date | None = None) -> list[HouseholdMember]:
    """Members of this person's household, each with when the records show them (first, last).

    With ``as_of``, only members already seen by that date. One row per member and relationship.
    """
    person_id = current_person(conn, person_id)
    spans: dict[tuple[int, str], tuple[date, date]] = {}

    def note(pid: int, relationship: str, first: date, last: date) -> None:
        key = (pid, relationship)
        if key in spans:
            old = spans[key]
            spans[key] = (min(old[0], first), max(old[1], last))
        else:
            spans[key] = (first, last)

    for row in repo.co_subjects(conn, person_id):
        relationship = _relationship(row["my_role"], row["their_role"])
        if relationship == "child" and row["their_role"] == "child" and row["my_role"] == "child":
            relationship = "sibling"
        note(row["person_id"], relationship, row["occurred_on"], row["occurred_on"])
    related = {pid for pid, _ in spans}
    for row in repo.address_sharers(conn, person_id):
        if row["person_id"] not in related:
            label = "adult_at_address" if ADULT_ROLES & set(row["roles"]) else "same_address"
            note(row["person_id"], label, row["first"], row["last"])
    members = [HouseholdMember(pid, rel, first, last) for (pid, rel), (first, last) in spans.items()]
    if as_of is not None:
        members = [m for m in members if m.from_date <= as_of]
    return sorted(members, key=lambda m: (m.from_date, m.person_id, m.relationship))


def new_adults_in_household(conn: Connection, child_person_id: int) -> list[tuple[int, date]]:
    """Adults who appear in a child's household after the child's records begin, with the date
    the records first show them (an adult there from the first record is not new)."""
    child = current_person(conn, child_person_id)
    members = household_of(conn, child)
    if not members:
        return []
    adults = [m for m in members if m.relationship in ADULT_ROLES or m.relationship == "adult_at_address"]
    first_record = repo.first_record_date(conn, child) or min(m.from_date for m in members)
    first_seen: dict[int, date] = {}
    for member in adults:
        first_seen[member.person_id] = min(first_seen.get(member.person_id, member.from_date), member.from_date)
    return sorted(((pid, seen) for pid, seen in first_seen.items() if seen > first_record), key=lambda x: (x[1], x[0]))
