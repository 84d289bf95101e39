"""Scores, marks and points as candidates read them: one format everywhere,
without trailing zeros (2 / 2, 24, 26.5, 14.17), not 2.00 / 2.0 and 24.0."""

from django import template

from ..numbers import number_text

register = template.Library()


@register.filter(name="number")
def number_filter(value) -> str:
    return number_text(value)
