"""A cache backend that is down: every call raises, as Redis does when it
restarts."""

from django.core.cache.backends.base import BaseCache


class CacheDown(ConnectionError):
    pass


class BrokenCache(BaseCache):
    def __init__(self, location, params):
        super().__init__(params)

    def _down(self, *args, **kwargs):
        raise CacheDown("cache is down")

    get = set = add = delete = touch = has_key = clear = _down
    get_many = set_many = delete_many = incr = decr = _down
