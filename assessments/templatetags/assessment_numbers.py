"""Scores, marks and points as candidates read them: one format everywhere,
without trailing zeros (2 / 2, 24, 26.5, 14.17), not 2.00 / 2.0 and 24.0."""

from decimal import Decimal, InvalidOperation

from django import template

register = template.Library()


def number_text(value) -> str:
    """A number as plain text without exponent or trailing zeros; "—" for
    None. (The importers do the same for numbers they write back.)"""
    if value is None or value == "":
        return "—"
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        return str(value)
    text = format(number.normalize(), "f")
    return "0" if text in ("-0", "") else text


@register.filter(name="number")
def number_filter(value) -> str:
    return number_text(value)
