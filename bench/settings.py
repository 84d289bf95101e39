"""Production settings served over plain HTTP on loopback, for benchmarks.

Everything else (PostgreSQL, Redis cache and broker, real Celery, DEBUG off,
persistent connections) is production's. Only what plain HTTP on
127.0.0.1 needs changes, plus a URLconf with a bare view to compare against.
"""

from training_site.settings.production import *  # noqa: F403
from training_site.settings.production import BASE_DIR, LOGGING, STORAGES

SECURE_SSL_REDIRECT = False
SECURE_HSTS_SECONDS = 0
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
ROOT_URLCONF = "bench.urls"
# No collectstatic run for a benchmark: plain static URLs, nothing served.
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
LOGGING["root"]["level"] = "WARNING"
STATIC_ROOT = BASE_DIR / "var" / "bench" / "static"
