"""Signed-in users from the cache: one Redis GET instead of a query a request.

Every request of a signed-in user loads the user (Django's get_user) to check
the session's password hash; on an exam day that query is a good share of an
answer save. The user row is cached for a short time and dropped from the
cache whenever the user is saved or deleted (a password change, deactivation,
last_login), so the hash check and ``is_active`` stay as strict as before
(other worker processes keep a local copy for at most ``LOCAL_SECONDS``).
Writes that bypass ``save()`` (queryset ``update()``) are not seen until
``USER_CACHE_SECONDS`` pass; the project makes none on users.

A cache outage is a cache miss: the user is read from the database.
"""

import copy
import logging
import time

from django.conf import settings
from django.contrib.auth.backends import ModelBackend
from django.core.cache import cache

logger = logging.getLogger(__name__)


def user_cache_key(user_id) -> str:
    return f"auth:user:{user_id}"


def _local_keep(key: str, user) -> None:
    if len(_local) > 10_000:
        _local.clear()
    _local[key] = (time.monotonic() + LOCAL_SECONDS, copy.copy(user))


def user_cache_drop(user_id) -> None:
    _local.pop(user_cache_key(user_id), None)
    try:
        cache.delete(user_cache_key(user_id))
    except Exception:  # noqa: BLE001 - a cache outage must not fail a save
        logger.warning("user cache unavailable; entry %s expires by itself", user_id)


# A few seconds' copy in this process in front of Redis: a signed-in
# candidate saving answers sends several requests a minute to the same
# worker. A change made through another process reaches this one within
# LOCAL_SECONDS; one made here drops the local copy at once.
LOCAL_SECONDS = 5.0
_local: dict = {}


class CachedModelBackend(ModelBackend):
    """ModelBackend whose get_user reads through the cache."""

    def get_user(self, user_id):
        key = user_cache_key(user_id)
        held = _local.get(key)
        if held is not None and held[0] > time.monotonic():
            user = copy.copy(held[1])  # each request gets its own object
            return user if self.user_can_authenticate(user) else None
        try:
            user = cache.get(key)
        except Exception:  # noqa: BLE001 - outage: fall back to the database
            user = None
        if user is not None:
            _local_keep(key, user)
            return user if self.user_can_authenticate(user) else None
        user = super().get_user(user_id)
        if user is not None:
            _local_keep(key, user)
            try:
                cache.set(key, user, getattr(settings, "USER_CACHE_SECONDS", 300))
            except Exception:  # noqa: BLE001
                logger.warning("user cache unavailable")
        return user


def _user_changed(sender, instance, **kwargs):
    user_cache_drop(instance.pk)


def connect_signals() -> None:
    from django.contrib.auth import get_user_model
    from django.db.models.signals import post_delete, post_save

    model = get_user_model()
    post_save.connect(_user_changed, sender=model, dispatch_uid="user-cache-save")
    post_delete.connect(_user_changed, sender=model, dispatch_uid="user-cache-del")
