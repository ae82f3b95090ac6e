"""What a page says about who a child is, read off their chronology's provenance: the names
and dates of birth each agency recorded, how sure the link is, and one name to head the page.

Nothing here is resolved or guessed beyond the records: the identity panel shows each
agency's own spelling so a practitioner can see at a glance whether the records agree.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import date

from sqlalchemy import Connection

from joinedup.chronology.assemble import Chronology, ChronologyEntry
from joinedup.storage.identity_review_repo import subject_rows_of

# agency, organisation, given name, family name, date of birth, postcode: as one agency recorded them
IdentityKey = tuple[str, str | None, str | None, str | None, str | None, str | None]
UNCERTAIN_BELOW = 0.95  # a probabilistic link weaker than this is worth a second look


@dataclass(frozen=True)
class RecordedIdentity:
    agency: str
    organisation: str | None
    given_name: str | None
    family_name: str | None
    date_of_birth: str | None
    postcode: str | None
    records: int
    first_on: date
    last_on: date
    link_decision: str | None
    weakest_probability: float | None

    @property
    def uncertain(self) -> bool:
        if self.link_decision == "review":
            return True
        return self.weakest_probability is not None and self.weakest_probability < UNCERTAIN_BELOW


def recorded_identities(story: Chronology) -> list[RecordedIdentity]:
    groups: dict[IdentityKey, list[ChronologyEntry]] = {}
    for entry in story.entries:
        if entry.kind != "record" or entry.about != "child" or entry.provenance is None:
            continue
        seen = entry.provenance.recorded_as
        key: IdentityKey = (
            entry.provenance.agency,
            entry.provenance.organisation,
            seen.given_name if seen else None,
            seen.family_name if seen else None,
            seen.date_of_birth if seen else None,
            seen.postcode if seen else None,
        )
        groups.setdefault(key, []).append(entry)
    rows = []
    for key, entries in groups.items():
        probabilities = [
            e.provenance.match_probability
            for e in entries
            if e.provenance is not None and e.provenance.match_probability is not None
        ]
        decisions = {e.provenance.link_decision for e in entries if e.provenance is not None}
        rows.append(
            RecordedIdentity(
                agency=str(key[0]),
                organisation=key[1],
                given_name=key[2],
                family_name=key[3],
                date_of_birth=key[4],
                postcode=key[5],
                records=len(entries),
                first_on=min(e.on for e in entries),
                last_on=max(e.on for e in entries),
                link_decision="review" if "review" in decisions else min((d for d in decisions if d), default=None),
                weakest_probability=min(probabilities) if probabilities else None,
            )
        )
    rows.sort(key=lambda r: (r.first_on, r.agency))
    return rows


def display_name(identities: list[RecordedIdentity]) -> str:
    """The name most records use, for the page heading."""
    names: Counter[str] = Counter()
    for row in identities:
        name = " ".join(p for p in (row.given_name, row.family_name) if p)
        if name:
            names[name] += row.records
    return names.most_common(1)[0][0] if names else "Name not recorded"


def names_of(conn: Connection, story: Chronology, person_ids: list[int]) -> dict[int, str]:
    """A name for each person on the page, as their records spell it most often.

    The chronology names only people a record is *about*; an adult who appears only as a
    co-subject of a record about the child (a partner named in a police incident) is still in
    the household panel, so their name is read from the subjects linked to them.
    """
    names: dict[int, str] = {}
    for entry in story.entries:
        seen = entry.provenance.recorded_as if entry.provenance else None
        if seen and entry.about_person_id not in names:
            name = " ".join(p for p in (seen.given_name, seen.family_name) if p)
            if name:
                names[entry.about_person_id] = name
    missing = sorted(set(person_ids) - set(names))
    spellings: dict[int, Counter[str]] = {}
    if missing:  # one query for every unnamed member, not one each
        for row in subject_rows_of(conn, missing):
            name = " ".join(p for p in (row.get("given_name"), row.get("family_name")) if p)
            if name:
                spellings.setdefault(row["linked_person_id"], Counter())[name] += 1
    for person_id, counts in spellings.items():
        names[person_id] = counts.most_common(1)[0][0]
    return names
