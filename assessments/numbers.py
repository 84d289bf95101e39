"""Numbers as people read them: one format for scores, marks and points on
every page and in the spreadsheets the importers write back."""

from decimal import Decimal, InvalidOperation


def number_text(value) -> str:
    """A number as plain text without exponent or trailing zeros (2, 24,
    26.5, 14.17; not 2.00, 24.0 or 1E+1); "—" for None."""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text
