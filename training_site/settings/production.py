"""Production: PostgreSQL, Redis, real Celery workers, HTTPS.

Refuses to start without its secrets: env() raises ImproperlyConfigured
when DJANGO_SECRET_KEY, DATABASE_URL or CELERY_BROKER_URL is missing.
"""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
SECRET_KEY = env("DJANGO_SECRET_KEY")
ALLOWED_HOSTS = env.list("DJANGO_ALLOWED_HOSTS")
DATABASES = {"default": env.db("DATABASE_URL")}
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=60)
# Off by default: with it, every request that touches the database first
# sends a "SELECT 1" round trip (measured: an eighth of an answer save's
# time). Without it a connection broken by a database restart fails one
# request per thread and is then replaced; the paper page retries its saves.
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool(
    "DB_CONN_HEALTH_CHECKS", default=False
)
CELERY_BROKER_URL = env("CELERY_BROKER_URL")
CELERY_TASK_ALWAYS_EAGER = False
CACHES = {"default": env.cache("CACHE_URL", default=CELERY_BROKER_URL)}
if CACHES["default"]["BACKEND"] == REDIS_CACHE:  # noqa: F405
    CACHES["default"]["BACKEND"] = "training_site.cache.PooledRedisCache"

SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_SSL_REDIRECT = env.bool("DJANGO_SECURE_SSL_REDIRECT", default=True)
SECURE_HSTS_SECONDS = env.int("DJANGO_SECURE_HSTS_SECONDS", default=31_536_000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_CONTENT_TYPE_NOSNIFF = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_HTTPONLY = True
# Wagtail's live preview and the PDF previews show our own pages in an
# iframe, so frames stay allowed from the same origin (not DENY); W019 is
# the check that asks for DENY.
X_FRAME_OPTIONS = "SAMEORIGIN"
SILENCED_SYSTEM_CHECKS = ["security.W019"]
AXES_IPWARE_PROXY_COUNT = env.int("AXES_PROXY_COUNT", default=1)

LOGGING["root"]["level"] = env("LOG_LEVEL", default="INFO")  # noqa: F405
