"""Prepared statements for the exam-day hot path (PostgreSQL).

Django's cursors bind parameters on the client and prepare nothing (its
default, so that a pooler such as PgBouncer in transaction mode keeps
working). The few statements every candidate sends many times (the answer
save, Start from a prepared paper, the paper page's attempt, the clock) go
through ``prepared_cursor()``: PostgreSQL parses and plans each once per
connection, which halved its CPU per answer save here. Turn it off with
``ASSESSMENTS_PREPARED_STATEMENTS = False`` behind such a pooler.
"""

from django.conf import settings
from django.db import connection

try:
    import psycopg

    _ServerCursor = psycopg.Cursor
except ImportError:  # pragma: no cover - SQLite-only installs
    _ServerCursor = object


class _PreparingCursor(_ServerCursor):
    """Server-side binding, and every statement prepared on first use."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def prepared_cursor():
    """A Django cursor (query logging and execute wrappers apply); on
    PostgreSQL one whose statements are prepared, elsewhere the usual one."""
    if connection.vendor != "postgresql" or not getattr(
        settings, "ASSESSMENTS_PREPARED_STATEMENTS", True
    ):
        return connection.cursor()
    connection.ensure_connection()
    if connection.connection.prepare_threshold is None:
        # Django switches psycopg's preparing off (None), which refuses even
        # an explicit prepare=True. Its own cursors bind on the client and
        # never prepare, so a threshold changes nothing but this cursor.
        connection.connection.prepare_threshold = 2**31 - 1
    raw = _PreparingCursor(connection.connection)
    if connection.queries_logged:
        return connection.make_debug_cursor(raw)
    return connection.make_cursor(raw)
