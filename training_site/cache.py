"""Django's Redis cache, keeping one client object per connection pool.

Django's RedisCacheClient builds a new ``redis.Redis`` for every cache call;
on redis-py 5+ that constructor is a noticeable part of a fast request (an
answer save reads its session and its user from the cache). A client over a
connection pool is thread-safe, so one per pool is kept and shared.

Django also checks every key, character by character, for what memcached
could not store (spaces, control characters, more than 250 characters) and
warns. Redis keys are binary-safe, and that loop cost a tenth of a
millisecond per key: two keys (the session and its user) on every signed-in
request. The Redis cache skips it.
"""

from django.core.cache.backends.redis import RedisCache, RedisCacheClient


class PooledRedisCacheClient(RedisCacheClient):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self._clients = {}

    def get_client(self, key=None, *, write=False):
        pool = self._get_connection_pool(write)
        client = self._clients.get(id(pool))
        if client is None:
            client = self._clients[id(pool)] = self._client(connection_pool=pool)
        return client


class PooledRedisCache(RedisCache):
    def __init__(self, server, params):
        super().__init__(server, params)
        self._class = PooledRedisCacheClient

    def validate_key(self, key):
        """Redis takes any key: no memcached portability warnings."""
