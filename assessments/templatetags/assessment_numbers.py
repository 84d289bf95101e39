"""Scores, marks and points as candidates read them: one format everywhere,
without trailing zeros (2 / 2, 24, 26.5, 14.17), not 2.00 / 2.0 and 24.0."""

from decimal import Decimal

from django import template

from ..numbers import number_text

register = template.Library()


@register.filter(name="number")
def number_filter(value) -> str:
    return number_text(value)


@register.filter(name="percent")
def percent_filter(value) -> str:
    """A share (0.5, -1, 0.333333) as a percentage: 50%, -100%, 33.3333%."""
    if value is None or value == "":
        return "—"
    return f"{number_text(Decimal(str(value)) * 100)}%"
