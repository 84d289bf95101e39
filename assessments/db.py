"""Prepared statements for the exam-day hot path (PostgreSQL).

Django's cursors bind parameters on the client and prepare nothing (its
default, so that a pooler such as PgBouncer in transaction mode keeps
working). The few statements every candidate sends many times (the answer
save, Start from a prepared paper, the paper page's attempt, the clock) go
through ``prepared_fetchone()``: PostgreSQL parses and plans each once per
connection, which halved its CPU per answer save here, and the psycopg
cursor is kept with the connection. Turn it off with
``ASSESSMENTS_PREPARED_STATEMENTS = False`` behind such a pooler.
"""

from django.conf import settings
from django.db import DEFAULT_DB_ALIAS, connections

try:
    import psycopg

    _ServerCursor = psycopg.Cursor
except ImportError:  # pragma: no cover - SQLite-only installs
    _ServerCursor = object


class _PreparingCursor(_ServerCursor):
    """Server-side binding, and every statement prepared on first use."""

    def execute(self, query, params=None, *, prepare=None, binary=None):
        return super().execute(query, params, prepare=True, binary=binary)


def prepared_fetchone(sql: str, params) -> tuple | None:
    """Run one hot-path statement and return its first row: on PostgreSQL
    prepared, elsewhere (or with ASSESSMENTS_PREPARED_STATEMENTS off) through
    Django's usual cursor.

    On PostgreSQL each thread's connection keeps one psycopg cursor for these
    statements (a new cursor and its adapters cost more than the statement's
    own Python work); a new connection gets a new one. The statement goes to
    it directly, with what Django's cursor adds on the way: the health check
    when one is due, a broken transaction refused, psycopg's errors turned
    into django.db's. While something watches the connection's statements
    (query logging, an execute wrapper) it goes through a Django cursor
    instead, so it is logged and wrapped like any other.
    """
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql" or not getattr(
        settings, "ASSESSMENTS_PREPARED_STATEMENTS", True
    ):
        with db.cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    kept = db.__dict__.get("_assessments_cursor")
    if kept is None or kept[0] is not db.connection or db.health_check_enabled:
        db.close_if_health_check_failed()
        db.ensure_connection()
        if kept is None or kept[0] is not db.connection:
            kept = db._assessments_cursor = (db.connection, _cursor(db.connection))
    if db.execute_wrappers or db.queries_logged:
        wrap = db.make_debug_cursor if db.queries_logged else db.make_cursor
        with wrap(_cursor(db.connection)) as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:
        kept[1].execute(sql, params)
        return kept[1].fetchone()


def _cursor(server) -> _PreparingCursor:
    if server.prepare_threshold is None:
        # Django switches psycopg's preparing off (None), which refuses even
        # an explicit prepare=True. Its own cursors bind on the client and
        # never prepare, so a threshold changes nothing but this cursor.
        server.prepare_threshold = 2**31 - 1
    return _PreparingCursor(server)
