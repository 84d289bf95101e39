"""Prepared statements for the exam-day hot path (PostgreSQL).

Django's cursors bind parameters on the client and prepare nothing (its
default, so that a pooler such as PgBouncer in transaction mode keeps
working). The few statements every candidate sends many times (the answer
save, Start from a prepared paper, the paper page's attempt, the clock) go
through ``prepared_fetchone()`` (or ``prepared_cursor()``): PostgreSQL
parses and plans each once per connection, which halved its CPU per answer
save here, and the psycopg cursor is kept with the connection. Turn it off with
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


class _Kept:
    """``with prepared_cursor() as cursor:`` for the kept cursor: the block
    gets it, and leaving the block leaves it open for the next statement."""

    __slots__ = ("cursor",)

    def __init__(self, cursor):
        self.cursor = cursor

    def __enter__(self):
        return self.cursor

    def __exit__(self, *exc_info):
        return None


def prepared_cursor():
    """A Django cursor (query logging and execute wrappers apply); on
    PostgreSQL one whose statements are prepared, elsewhere the usual one.

    On PostgreSQL the cursor is kept with the connection (each thread has its
    own) and used again by the next hot-path statement: a new psycopg cursor
    and its adapters cost more than the statement's own Python work. A new
    database connection gets a new cursor. While queries are being logged
    (DEBUG, tests counting queries) each call gets a fresh debug cursor.
    """
    db = connections[DEFAULT_DB_ALIAS]
    if db.vendor != "postgresql" or not getattr(
        settings, "ASSESSMENTS_PREPARED_STATEMENTS", True
    ):
        return db.cursor()
    db.ensure_connection()
    server = db.connection
    if db.queries_logged:
        return db.make_debug_cursor(_server_cursor(server))
    kept = db.__dict__.get("_assessments_cursor")
    if kept is None or kept[0] is not server:
        kept = (server, db.make_cursor(_server_cursor(server)))
        db._assessments_cursor = kept
    return _Kept(kept[1])


def _server_cursor(server):
    if server.prepare_threshold is None:
        # Django switches psycopg's preparing off (None), which refuses even
        # an explicit prepare=True. Its own cursors bind on the client and
        # never prepare, so a threshold changes nothing but this cursor.
        server.prepare_threshold = 2**31 - 1
    return _PreparingCursor(server)


def prepared_fetchone(sql: str, params) -> tuple | None:
    """Run one hot-path statement (prepared, on PostgreSQL) and return its
    first row.

    With the kept cursor and nothing watching the connection's statements
    (no query logging, no execute wrapper, no health check due), the
    statement goes to psycopg directly, with the checks and the error
    translation of Django's own cursor (a broken transaction is refused,
    psycopg's errors become django.db's); otherwise through
    ``prepared_cursor()``, the same statement the long way.
    """
    db = connections[DEFAULT_DB_ALIAS]
    kept = db.__dict__.get("_assessments_cursor")
    server = db.connection
    if (
        kept is None
        or kept[0] is not server
        or db.execute_wrappers
        or db.queries_logged
        or (db.health_check_enabled and not db.health_check_done)
    ):
        with prepared_cursor() as cursor:
            cursor.execute(sql, params)
            return cursor.fetchone()
    raw = kept[1].cursor
    db.validate_no_broken_transaction()
    with db.wrap_database_errors:
        _ServerCursor.execute(raw, sql, params, prepare=True)
        return raw.fetchone()
