"""Sessions read from the cache (Redis) and kept in the database.

Django's ``cached_db`` store, except that a cache outage is a cache miss
rather than a server error: when Redis restarts in the middle of an exam,
every request still finds its session in the database.
"""

import logging

from django.contrib.sessions.backends import cached_db

logger = logging.getLogger(__name__)


class _SafeCache:
    """Wraps the session cache: errors become misses and no-ops."""

    def __init__(self, cache):
        self._inner = cache

    def get(self, key, default=None):
        try:
            return self._inner.get(key, default)
        except Exception:  # noqa: BLE001
            logger.warning("session cache unavailable; reading the database")
            return default

    def set(self, *args, **kwargs):
        try:
            self._inner.set(*args, **kwargs)
        except Exception:  # noqa: BLE001
            logger.warning("session cache unavailable; not cached")

    def delete(self, *args, **kwargs):
        try:
            self._inner.delete(*args, **kwargs)
        except Exception:  # noqa: BLE001
            logger.warning("session cache unavailable; not deleted from it")

    def __contains__(self, key):
        try:
            return key in self._inner
        except Exception:  # noqa: BLE001
            return False

    def __getattr__(self, name):
        return getattr(self._inner, name)


class SessionStore(cached_db.SessionStore):
    def __init__(self, session_key=None):
        super().__init__(session_key)
        self._cache = _SafeCache(self._cache)
