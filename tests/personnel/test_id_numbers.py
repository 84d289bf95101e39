import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from personnel.id_numbers import id_number_make, id_number_mask, id_number_parse


def test_known_valid_number_parses_birth_and_gender():
    # The GB 11643 worked example: check code X.
    facts = id_number_parse("11010519491231002X")
    assert facts.birth_date == dt.date(1949, 12, 31)
    assert facts.gender == "female"


@pytest.mark.parametrize(
    ("value", "fragment"),
    [
        ("110105194912310021", "checksum"),
        ("1101051949123100", "18"),
        ("11010519491331002X", "checksum"),
        ("A10105194912310021", "digits"),
    ],
)
def test_bad_numbers_say_why(value, fragment):
    with pytest.raises(ValidationError) as exc:
        id_number_parse(value)
    assert fragment in " ".join(exc.value.messages)


def test_impossible_date_with_valid_checksum_is_refused():
    bad = id_number_make(region="620102", birth_date=dt.date(2000, 1, 1), sequence=1)
    bad = bad[:10] + "13" + bad[12:17]  # month 13
    from personnel.id_numbers import id_number_check_code

    bad += id_number_check_code(bad)
    with pytest.raises(ValidationError, match="birth date"):
        id_number_parse(bad)


def test_mask_keeps_ends_only():
    assert id_number_mask("11010519491231002X") == "1101**********002X"
