"""Standardisation: what must meet meets, and nothing unknown is guessed."""

from datetime import date

import pytest

from joinedup.identity.errors import NicknameTableError
from joinedup.identity.names import NicknameTable, family_forms, fold, nicknames
from joinedup.identity.standardise import (
    birth_date,
    standard_address,
    standard_postcode,
    standardise,
    valid_nhs_number,
    valid_upn,
)


def test_names_lose_case_accents_and_punctuation() -> None:
    assert fold("  ZOË  O'Brien ") == "zoe obrien"
    assert fold("Jean-Luc") == "jean luc"
    assert fold(None) == ""


def test_double_barrelled_surnames_keep_the_whole_and_each_barrel() -> None:
    assert family_forms("Smith-Jones") == ["smithjones", "smith", "jones"]
    assert family_forms("van der Berg") == ["vanderberg"]
    assert family_forms("Brooke") == ["brooke"]


def test_nicknames_meet_their_full_names_and_not_strangers() -> None:
    table = nicknames()
    assert table.equivalent("bill", "william")
    assert table.equivalent("amy", "amelia")
    assert not table.equivalent("amy", "amira")  # left to fuzzy comparison
    assert not table.equivalent("william", "thomas")


def test_a_malformed_nickname_table_lists_every_problem() -> None:
    with pytest.raises(NicknameTableError, match=r"group 1.*group 3"):
        NicknameTable([["solo"], ["tom", "thomas"], ["", "x"]])


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2016-04-09", ("2016-04-09", 2016, 4)),
        ("2016-04", (None, 2016, 4)),
        ("2016", (None, 2016, None)),
        ("2016-02-30", (None, None, None)),  # impossible: unknown, never "nearly"
        ("2016-13-01", (None, None, None)),
        ("1066-01-01", (None, None, None)),
        ("2031-01-01", (None, None, None)),  # future
        ("not a date", (None, None, None)),
        (None, (None, None, None)),
    ],
)
def test_dates_of_birth_are_read_never_guessed(raw: str | None, expected: tuple[object, ...]) -> None:
    born = birth_date(raw, today=date(2026, 1, 1))
    assert (born.iso, born.year, born.month) == expected


def test_postcodes_take_the_royal_mail_form_with_sector_and_district() -> None:
    code = standard_postcode(" nt14ab ")
    assert code is not None
    assert (code.full, code.sector, code.district) == ("NT1 4AB", "NT1 4", "NT1")
    assert standard_postcode("EC1A1BB") is not None
    assert standard_postcode("not a postcode") is None
    assert standard_postcode("") is None


def test_only_ids_with_good_check_digits_are_used_for_matching() -> None:
    assert valid_nhs_number("943 476 5919") == "9434765919"
    assert valid_nhs_number("9434765918") is None  # check digit wrong
    assert valid_nhs_number("12345") is None
    assert valid_upn("b801200005001") == "B801200005001"
    assert valid_upn("A801200005001") is None  # check letter wrong


def test_addresses_spell_out_street_types() -> None:
    assert standard_address("12, Mill Ln.") == "12 mill lane"
    assert standard_address(None) is None


def test_a_subject_row_becomes_comparable() -> None:
    row = {
        "id": 7,
        "record_id": 3,
        "subject_index": 0,
        "role": "child",
        "given_name": "Bill",
        "family_name": "Smith-Jones",
        "other_names": ["Billy Jones"],
        "date_of_birth": "2016-02-30",
        "sex": "m",
        "nhs_number": "9434765918",
        "upn": "B801200005001",
        "address_line1": "4 Elm Rd",
        "address_postcode": "b11 4aa",
    }
    subject = standardise(row)
    assert subject.given == "bill"
    assert subject.given_canon == "william"
    assert {"bill", "william", "billy", "jones"} <= set(subject.given_all)
    assert subject.family == "smithjones"
    assert {"smith", "jones"} <= set(subject.family_all)
    assert subject.dob is None and subject.dob_year is None
    assert subject.sex == "M"
    assert subject.nhs is None  # invalid: ignored for matching
    assert subject.upn == "B801200005001"
    assert subject.postcode == "B11 4AA" and subject.address == "4 elm road"
