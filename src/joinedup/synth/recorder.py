"""An event as one agency writes it down: organisation, authority, date, a short phrase, and
each person as that agency knows them (noise included). The truth of who each subject is
travels beside the record, never inside it.
"""

from __future__ import annotations

import random
from typing import NamedTuple

import orjson

from joinedup.synth import lexicon
from joinedup.synth.events import Event
from joinedup.synth.identifiers import issue_upn
from joinedup.synth.local_ids import other_ids
from joinedup.synth.noise import ADDRESS_KEPT, EDUCATION_UPN, Noise
from joinedup.synth.places import Address, Places
from joinedup.synth.population import YEAR, Family, Person

OLD_ADDRESS_DAYS = 180
UPN_ESTABLISHMENT_BASE = 2000


class Drafted(NamedTuple):
    """A record serialised but for its source id, which is given in date order at write time.

    ``head`` is ``{"agency":…,"organisation":…`` and ``tail`` is the rest of the object from
    ``,"local_authority"`` on, so the writer only splices the id in between.
    """

    day: int
    tod: int
    family: int
    seq: int
    agency: str
    year: str
    event_type: str
    head: bytes
    tail: bytes
    person_ids: tuple[str, ...]


class Recorder:
    def __init__(self, places: Places, noise: Noise) -> None:
        self.places = places
        self.noise = noise
        self.phrases = lexicon.narratives()
        self._addresses: dict[int, dict[str, str]] = {}
        self._heads: dict[tuple[str, str], bytes] = {}

    def draft(self, rng: random.Random, event: Event, seq: int) -> Drafted:
        family, day, agency = event.family, event.day, event.agency
        seg = family.segment(day)
        la = family.addresses[seg].la
        organisation = self._organisation(family, seg, la, agency, event.focus, day)
        subjects: list[dict[str, object]] = []
        for position, (person, role) in enumerate(event.people):
            if agency in EDUCATION_UPN and person.kind == "child" and person.upn is None:
                self._issue_upn(person, la)
            subjects.append(self._subject(rng, person, role, agency, family, seg, day, position))
        occurred = self.noise.iso(day)
        if event.tod is not None:
            occurred = f"{occurred}T{event.tod // 3600:02d}:{event.tod % 3600 // 60:02d}:00"
        tail: dict[str, object] = {}
        if rng.random() >= self.noise.rates.record_la_missing:
            tail["local_authority"] = self.places.authorities[la].name
        tail["occurred_at"] = occurred
        tail["event_type"] = event.event
        tail["narrative"] = self._phrase(rng, event)
        tail["subjects"] = subjects
        return Drafted(
            day,
            event.tod or 0,
            family.idx,
            seq,
            agency,
            occurred[:4],
            event.event,
            self._head(agency, organisation),
            b"," + orjson.dumps(tail)[1:] + b"\n",
            tuple(p.pid for p, _ in event.people),
        )

    def _head(self, agency: str, organisation: str) -> bytes:
        key = (agency, organisation)
        head = self._heads.get(key)
        if head is None:
            head = self._heads[key] = orjson.dumps({"agency": agency, "organisation": organisation})[:-1]
        return head

    def _organisation(self, family: Family, seg: int, la: int, agency: str, focus: Person | None, day: int) -> str:
        key = family.idx * 31 + family.service_epoch[seg] * 7
        if agency == "school":
            secondary = focus is not None and (day - focus.dob) / YEAR >= 11.5
            return self.places.org(la, "secondary" if secondary else "primary", key)
        return self.places.org(la, agency, key)

    def _issue_upn(self, child: Person, la: int) -> None:
        """A UPN issued by the authority the child first meets a school in; serial from the
        person's number, so it is unique and does not depend on the order records are drafted."""
        authority = self.places.authorities[la]
        establishment = UPN_ESTABLISHMENT_BASE + (child.idx // 1000) % 8000
        entry_day = child.dob + int(4.5 * YEAR)
        child.upn = issue_upn(authority.upn_la, establishment, self.noise.iso(entry_day)[:4], child.idx % 1000)

    def _subject(
        self,
        rng: random.Random,
        person: Person,
        role: str,
        agency: str,
        family: Family,
        seg: int,
        day: int,
        position: int,
    ) -> dict[str, object]:
        given, family_name, other, dob, sex, nhs, upn = self.noise.view(rng, person, agency, day)
        subject: dict[str, object] = {"role": role}
        given = self.noise.given_slip(rng, given)
        if given:
            subject["given_name"] = given
        if family_name:
            subject["family_name"] = family_name
        if other:
            subject["other_names"] = other
        if dob:
            subject["date_of_birth"] = dob
        if sex:
            subject["sex"] = sex
        if nhs:
            subject["nhs_number"] = nhs
        if upn:
            subject["upn"] = upn
        ids = other_ids(
            person.idx,
            agency,
            self.places.authorities[family.addresses[seg].la].upn_la,
            day,
            position,
            self.noise.rates.record_local_id_missing,
            self.noise.rates.record_local_id_typo,
        )
        if ids:
            subject["other_ids"] = ids
        keep = ADDRESS_KEPT[agency] * (1.0 if position < 2 else 0.5)
        if rng.random() < keep:
            subject["address"] = self._address(rng, family, seg, day)
        return subject

    def _address(self, rng: random.Random, family: Family, seg: int, day: int) -> dict[str, str]:
        address: Address = family.addresses[seg]
        recent_move = seg > 0 and day - family.move_days[seg] < OLD_ADDRESS_DAYS
        if recent_move and rng.random() < self.noise.rates.record_old_address:
            address = family.addresses[seg - 1]
        out = self._addresses.get(id(address))
        if out is None:
            out = {"line1": address.line1}
            if address.line2:
                out["line2"] = address.line2
            out["town"] = address.town
            out["postcode"] = address.postcode
            self._addresses[id(address)] = out
        postcode = self.noise.postcode(rng, address.postcode)
        if postcode is not address.postcode:
            out = {**out, "postcode": postcode}
        return out

    def _phrase(self, rng: random.Random, event: Event) -> str:
        tones = self.phrases[event.event]
        options = tones.get(event.tone) or tones.get("concern") or tones.get("routine") or next(iter(tones.values()))
        return rng.choice(options)
