"""A noisy synthetic population with ground truth, for training the default linkage model and
for benchmarks when the project's own synth (``joinedup synth``) is not to hand.

Writes the same layout ``joinedup synth`` does: ``DIR/records.jsonl`` (agency record format v1),
``DIR/truth/subjects.jsonl`` ({agency, source_record_id, subject_index, person_id}) and
``DIR/truth/persons.jsonl`` ({person_id, twin_of}). Every name is invented from short lists;
no real person is described.

    .venv/bin/python bench/linkage_population.py --children 2000 --seed 1 --out /tmp/pop
"""

from __future__ import annotations

import argparse
import json
import random
import string
from dataclasses import dataclass, field
from datetime import date, timedelta
from pathlib import Path

import nhs_number
from stdnum.gb import upn as upn_lib

GIRLS = [
    "amelia",
    "olivia",
    "isla",
    "ava",
    "emily",
    "sophia",
    "grace",
    "mia",
    "poppy",
    "ella",
    "lily",
    "evie",
    "isabella",
    "sophie",
    "freya",
    "charlotte",
    "amira",
    "aisha",
    "fatima",
    "zara",
    "hannah",
    "ruby",
    "daisy",
    "phoebe",
    "millie",
    "florence",
    "willow",
    "eleanor",
    "matilda",
    "harriet",
    "chloe",
    "jessica",
    "lucy",
    "megan",
    "holly",
    "erin",
    "maya",
    "layla",
    "nadia",
    "priya",
    "anya",
    "leah",
    "molly",
    "rosie",
    "scarlett",
    "imogen",
    "abigail",
    "alice",
    "elsie",
    "esme",
    "eva",
    "iris",
    "jasmine",
    "katie",
    "lola",
    "maisie",
    "niamh",
    "orla",
    "sienna",
    "summer",
    "thea",
    "violet",
]
BOYS = [
    "oliver",
    "george",
    "harry",
    "noah",
    "jack",
    "leo",
    "arthur",
    "muhammad",
    "oscar",
    "charlie",
    "jacob",
    "thomas",
    "freddie",
    "alfie",
    "theo",
    "william",
    "james",
    "henry",
    "archie",
    "joshua",
    "ethan",
    "isaac",
    "lucas",
    "max",
    "samuel",
    "daniel",
    "adam",
    "ali",
    "omar",
    "yusuf",
    "ibrahim",
    "liam",
    "logan",
    "dylan",
    "finley",
    "joseph",
    "benjamin",
    "edward",
    "alexander",
    "reuben",
    "callum",
    "connor",
    "kai",
    "louis",
    "mason",
    "nathan",
    "owen",
    "ryan",
    "sebastian",
    "toby",
    "tyler",
    "zachary",
    "aaron",
    "ben",
    "caleb",
    "david",
    "elliot",
    "felix",
    "hugo",
    "jake",
]
ADULT_WOMEN = [
    "joanne",
    "sarah",
    "emma",
    "rebecca",
    "laura",
    "claire",
    "nicola",
    "kelly",
    "lisa",
    "michelle",
    "samantha",
    "rachel",
    "gemma",
    "victoria",
    "natalie",
]
ADULT_MEN = [
    "michael",
    "david",
    "paul",
    "mark",
    "andrew",
    "richard",
    "daniel",
    "christopher",
    "stephen",
    "matthew",
    "robert",
    "lee",
    "craig",
    "wayne",
    "darren",
]
SURNAMES = [
    "smith",
    "jones",
    "williams",
    "taylor",
    "brown",
    "davies",
    "evans",
    "wilson",
    "thomas",
    "johnson",
    "roberts",
    "robinson",
    "thompson",
    "wright",
    "walker",
    "white",
    "edwards",
    "hughes",
    "green",
    "hall",
    "lewis",
    "harris",
    "clarke",
    "patel",
    "jackson",
    "wood",
    "turner",
    "martin",
    "cooper",
    "hill",
    "ward",
    "morris",
    "moore",
    "clark",
    "lee",
    "king",
    "baker",
    "harrison",
    "morgan",
    "allen",
    "james",
    "scott",
    "phillips",
    "watson",
    "davis",
    "parker",
    "price",
    "bennett",
    "young",
    "griffiths",
    "mitchell",
    "kelly",
    "cook",
    "carter",
    "richardson",
    "bailey",
    "collins",
    "bell",
    "shaw",
    "murphy",
    "miller",
    "cox",
    "richards",
    "khan",
    "marshall",
    "anderson",
    "simpson",
    "ellis",
    "adams",
    "singh",
    "begum",
    "wilkinson",
    "foster",
    "chapman",
    "powell",
    "webb",
    "rogers",
    "gray",
    "mason",
    "ali",
    "hunt",
    "hussain",
    "campbell",
    "matthews",
    "owen",
    "palmer",
    "holmes",
    "mills",
    "barnes",
    "knight",
    "lloyd",
    "butler",
    "russell",
    "barker",
    "fisher",
    "stevens",
    "jenkins",
    "murray",
    "dixon",
    "harvey",
    "graham",
    "pearson",
    "ahmed",
    "fletcher",
    "walsh",
    "kaur",
    "gibson",
    "howard",
    "andrews",
    "stewart",
    "elliott",
    "reynolds",
    "saunders",
    "payne",
    "fox",
    "ford",
    "pearce",
    "brook",
    "brooke",
    "ahmed",
    "rahman",
    "mahmood",
    "nowak",
    "kowalski",
    "okafor",
    "adeyemi",
    "mensah",
    "osei",
]
NICKS = {
    "william": "bill",
    "thomas": "tom",
    "james": "jim",
    "joshua": "josh",
    "alexander": "alex",
    "benjamin": "ben",
    "samuel": "sam",
    "daniel": "danny",
    "joseph": "joe",
    "edward": "eddie",
    "charlotte": "lottie",
    "elizabeth": "beth",
    "isabella": "bella",
    "amelia": "amy",
    "florence": "flo",
    "matilda": "tilly",
    "eleanor": "ellie",
    "rebecca": "becky",
    "jessica": "jess",
    "abigail": "abby",
    "alfie": "alf",
    "zachary": "zach",
    "frederick": "fred",
    "nicola": "nicky",
    "victoria": "vicky",
    "samantha": "sam",
    "michael": "mike",
    "christopher": "chris",
    "stephen": "steve",
    "matthew": "matt",
    "robert": "rob",
    "richard": "rich",
    "andrew": "andy",
    "david": "dave",
    "harriet": "hattie",
    "sophia": "sophie",
}
STREETS = [
    "mill lane",
    "church road",
    "high street",
    "station road",
    "park avenue",
    "victoria street",
    "elm road",
    "green lane",
    "queens road",
    "manor close",
]
TOWNS = [("Northtown", "NT"), ("Southby", "SB"), ("Eastham", "EH"), ("Westford", "WF")]
CHILD_AGENCIES = [
    ("school", "attendance_concern", "upn"),
    ("school", "absence", "upn"),
    ("education_welfare", "absence", "upn"),
    ("gp", "missed_appointment_was_not_brought", "nhs"),
    ("gp", "appointment_attended", "nhs"),
    ("health_visitor", "home_visit_child_seen", "nhs"),
    ("hospital_ed", "ed_attendance", "nhs"),
    ("police", "domestic_abuse_incident", None),
    ("housing", "house_move", None),
    ("childrens_social_care", "referral_to_social_care", None),
    ("early_help", "neglect_concern", None),
]


@dataclass
class Person:
    person_id: str
    given: str
    family: str
    dob: date
    sex: str
    nhs: str | None = None
    upn: str | None = None
    twin_of: str | None = None
    other_names: list[str] = field(default_factory=list)


@dataclass
class Household:
    adults: list[Person]
    children: list[Person]
    addresses: list[tuple[str, str, str]]  # (line1, town, postcode)


def _nhs(rng: random.Random) -> str:
    while True:
        body = "9" + "".join(rng.choice(string.digits) for _ in range(8))
        check = nhs_number.calculate_checksum(body)
        if 0 <= int(check) <= 9:
            return body + str(check)


def _upn(rng: random.Random) -> str:
    body = "".join(rng.choice(string.digits) for _ in range(12))
    return upn_lib.calc_check_digit(body) + body


def _address(rng: random.Random) -> tuple[str, str, str]:
    town, area = rng.choice(TOWNS)
    postcode = f"{area}{rng.randint(1, 19)} {rng.randint(1, 9)}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}{rng.choice('ABDEFGHJLNPQRSTUWXYZ')}"
    return f"{rng.randint(1, 200)} {rng.choice(STREETS).title()}", town, postcode


def _typo(rng: random.Random, text: str) -> str:
    if len(text) < 3:
        return text
    i = rng.randrange(1, len(text))
    kind = rng.random()
    if kind < 0.33:
        return text[:i] + text[i + 1 :]
    if kind < 0.66 and i < len(text) - 1:
        return text[:i] + text[i + 1] + text[i] + text[i + 2 :]
    return text[:i] + rng.choice(string.ascii_lowercase) + text[i + 1 :]


def make_households(children: int, seed: int) -> list[Household]:
    rng = random.Random(seed)
    households: list[Household] = []
    made = 0
    next_id = 1
    while made < children:
        family = rng.choice(SURNAMES)
        mother = Person(
            f"P{next_id}",
            rng.choice(ADULT_WOMEN),
            family if rng.random() < 0.8 else rng.choice(SURNAMES),
            date(rng.randint(1975, 2000), rng.randint(1, 12), rng.randint(1, 28)),
            "F",
            _nhs(rng),
        )
        next_id += 1
        adults = [mother]
        if rng.random() < 0.6:
            adults.append(
                Person(
                    f"P{next_id}",
                    rng.choice(ADULT_MEN),
                    family,
                    date(rng.randint(1970, 1998), rng.randint(1, 12), rng.randint(1, 28)),
                    "M",
                    _nhs(rng),
                )
            )
            next_id += 1
        kids: list[Person] = []
        for _ in range(rng.choice((1, 1, 2, 2, 3))):
            sex = rng.choice("FM")
            dob = date(rng.randint(2008, 2023), rng.randint(1, 12), rng.randint(1, 28))
            used = {k.given for k in kids}
            names = [n for n in (GIRLS if sex == "F" else BOYS) if n not in used]
            kid = Person(f"P{next_id}", rng.choice(names), family, dob, sex, _nhs(rng), _upn(rng))
            next_id += 1
            kids.append(kid)
            if rng.random() < 0.04:  # twins: same date of birth, different given names
                sex2 = rng.choice("FM")
                names2 = [n for n in (GIRLS if sex2 == "F" else BOYS) if n not in {k.given for k in kids}]
                twin = Person(
                    f"P{next_id}", rng.choice(names2), family, dob, sex2, _nhs(rng), _upn(rng), twin_of=kid.person_id
                )
                next_id += 1
                kids.append(twin)
        addresses = [_address(rng)] + ([_address(rng)] if rng.random() < 0.25 else [])
        households.append(Household(adults, kids, addresses))
        made += len(kids)
    return households


def _subject(
    rng: random.Random, person: Person, role: str, address: tuple[str, str, str], ident: str | None, full: bool
) -> dict[str, object]:
    given, family = person.given, person.family
    if person.given in NICKS and rng.random() < 0.10:
        given = NICKS[person.given]
    if rng.random() < 0.05:
        given = _typo(rng, given)
    if rng.random() < 0.05:
        family = _typo(rng, family)
    subject: dict[str, object] = {"role": role, "given_name": given.title(), "family_name": family.title()}
    if rng.random() < 0.03:
        subject["given_name"] = given.upper()
    if full or rng.random() < 0.3:
        dob = person.dob.isoformat()
        roll = rng.random()
        if roll < 0.03 and person.dob.day <= 12:
            dob = f"{person.dob.year}-{person.dob.day:02d}-{person.dob.month:02d}"
        elif roll < 0.05:
            dob = _typo_digit(rng, dob)
        elif roll < 0.08:
            dob = None  # type: ignore[assignment]
        subject["date_of_birth"] = dob
        if rng.random() < 0.8:
            subject["sex"] = person.sex
        if rng.random() < 0.75:
            line1, town, postcode = address
            if rng.random() < 0.1:
                postcode = postcode.replace(" ", "").lower()
            subject["address"] = {"line1": line1, "town": town, "postcode": postcode}
    if ident == "nhs" and person.nhs and rng.random() < 0.85:
        subject["nhs_number"] = person.nhs if rng.random() > 0.01 else _typo_digit(rng, person.nhs)
    if ident == "upn" and person.upn and rng.random() < 0.85:
        subject["upn"] = person.upn
    return subject


def _typo_digit(rng: random.Random, text: str) -> str:
    positions = [i for i, c in enumerate(text) if c.isdigit()]
    i = rng.choice(positions)
    return text[:i] + str((int(text[i]) + rng.randint(1, 9)) % 10) + text[i + 1 :]


def write_population(out: Path, children: int, records_per_child: float, seed: int) -> int:
    rng = random.Random(seed + 1)
    households = make_households(children, seed)
    (out / "truth").mkdir(parents=True, exist_ok=True)
    n = 0
    with (out / "records.jsonl").open("w") as records, (out / "truth" / "subjects.jsonl").open("w") as truth:
        for h_index, household in enumerate(households):
            for child in household.children:
                for r in range(max(1, int(rng.expovariate(1 / records_per_child)) + 1)):
                    agency, event, ident = rng.choice(CHILD_AGENCIES)
                    source_id = f"{agency[:3].upper()}-{h_index}-{child.person_id}-{r}"
                    address = rng.choice(household.addresses)
                    subjects = [(child, _subject(rng, child, "child", address, ident, True))]
                    for adult in household.adults:
                        if rng.random() < 0.5:
                            subjects.append((adult, _subject(rng, adult, "parent", address, ident, agency == "police")))
                    year = rng.randint(max(child.dob.year, 2019), 2025)
                    occurred = date(year, 1, 1) + timedelta(days=rng.randint(0, 360))
                    record = {
                        "agency": agency,
                        "source_record_id": source_id,
                        "occurred_at": occurred.isoformat(),
                        "event_type": event,
                        "local_authority": address[1],
                        "subjects": [s for _, s in subjects],
                    }
                    records.write(json.dumps(record) + "\n")
                    for index, (person, _) in enumerate(subjects):
                        truth.write(
                            json.dumps(
                                {
                                    "agency": agency,
                                    "source_record_id": source_id,
                                    "subject_index": index,
                                    "person_id": person.person_id,
                                }
                            )
                            + "\n"
                        )
                    n += 1
    with (out / "truth" / "persons.jsonl").open("w") as persons:
        for household in households:
            for person in household.adults + household.children:
                persons.write(json.dumps({"person_id": person.person_id, "twin_of": person.twin_of}) + "\n")
    return n


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--children", type=int, default=2000)
    parser.add_argument("--records-per-child", type=float, default=4.0)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--out", type=Path, required=True)
    args = parser.parse_args()
    n = write_population(args.out, args.children, args.records_per_child, args.seed)
    print(f"{n} records written to {args.out}")


if __name__ == "__main__":
    main()
