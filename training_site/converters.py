"""URL converters.

``<id:...>`` is Django's ``<int:...>`` limited to what a PostgreSQL bigint
primary key can hold (at most 18 digits): a longer number in a URL is a 404
before any view runs, instead of an "out of range" error from plain-SQL
statements (the exam paths use them).
"""

from django.urls import register_converter
from django.urls.converters import IntConverter


class IdConverter(IntConverter):
    regex = "[0-9]{1,18}"


register_converter(IdConverter, "id")
