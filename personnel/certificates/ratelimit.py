"""A small fixed-window rate limit per client address, kept in the cache."""

from django.conf import settings
from django.core.cache import cache

DEFAULT_VERIFY_RATE = 30  # look-ups per address per minute


def client_address(request) -> str:
    # Behind the reverse proxy the real address is the last hop it appends;
    # without a proxy REMOTE_ADDR is the client.
    forwarded = request.META.get("HTTP_X_FORWARDED_FOR", "")
    if forwarded and getattr(settings, "CERTIFICATE_TRUST_X_FORWARDED_FOR", False):
        return forwarded.split(",")[-1].strip()
    return request.META.get("REMOTE_ADDR", "unknown")


def rate_limit_hit(*, key: str, limit: int, window_seconds: int = 60) -> bool:
    """Count one hit; True when the caller is over the limit."""
    cache_key = f"ratelimit:{key}"
    cache.add(cache_key, 0, timeout=window_seconds)
    try:
        count = cache.incr(cache_key)
    except ValueError:  # expired between add and incr
        cache.set(cache_key, 1, timeout=window_seconds)
        count = 1
    return count > limit


def verify_limited(request) -> bool:
    limit = getattr(settings, "CERTIFICATE_VERIFY_RATE", DEFAULT_VERIFY_RATE)
    return rate_limit_hit(key=f"verify:{client_address(request)}", limit=limit)
