"""Resident ID numbers (GB 11643-1999): checksum, birth date, gender, masking."""

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_CHECK_CODES = "10X98765432"


@dataclass(frozen=True)
class IdNumberFacts:
    birth_date: dt.date
    gender: str  # "male" or "female"


def id_number_check_code(first17: str) -> str:
    total = sum(
        int(digit) * weight for digit, weight in zip(first17, _WEIGHTS, strict=True)
    )
    return _CHECK_CODES[total % 11]


def id_number_parse(value: str) -> IdNumberFacts:
    """Validate an 18-character ID number and return what it encodes.

    Raises:
        ValidationError: with a message naming what is wrong.
    """
    value = (value or "").strip().upper()
    if len(value) != 18:
        raise ValidationError(
            _("ID number must have 18 characters, not %(n)d.") % {"n": len(value)}
        )
    if not value[:17].isdigit() or not (value[17].isdigit() or value[17] == "X"):
        raise ValidationError(
            _("ID number must be 17 digits followed by a digit or X.")
        )
    if id_number_check_code(value[:17]) != value[17]:
        raise ValidationError(_("ID number checksum is wrong (GB 11643)."))
    try:
        birth = dt.date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError as exc:
        raise ValidationError(
            _("ID number contains an impossible birth date.")
        ) from exc
    gender = "male" if int(value[16]) % 2 == 1 else "female"
    return IdNumberFacts(birth_date=birth, gender=gender)


def id_number_mask(value: str) -> str:
    """Keep the first 4 and last 4 characters: 6201**********123X."""
    if not value:
        return ""
    if len(value) <= 8:
        return "*" * len(value)
    return value[:4] + "*" * (len(value) - 8) + value[-4:]


def id_number_make(*, region: str, birth_date: dt.date, sequence: int) -> str:
    """Build a valid ID number; used by demo data and test factories."""
    first17 = f"{region}{birth_date:%Y%m%d}{sequence:03d}"
    return first17 + id_number_check_code(first17)
