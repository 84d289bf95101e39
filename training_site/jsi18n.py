"""The JavaScript translation catalogue (`/jsi18n/`), cached.

Every page loads it; Django's JavaScriptCatalog rebuilds it from the
installed apps' catalogues on each request (3.4 ms of CPU here, about half
the exam paper page after Start). The page asks for it under a URL that
names the catalogue's version (a hash of Django's version and every
compiled ``djangojs.mo``) and the language, so it is built once per version
and language and kept (in the cache, and by browsers for a year); new
translations give a new URL.
"""

import hashlib
from functools import lru_cache
from pathlib import Path

import django
from django.apps import apps
from django.conf import settings
from django.views.decorators.cache import cache_page
from django.views.i18n import JavaScriptCatalog

ONE_YEAR = 365 * 24 * 3600


@lru_cache(maxsize=1)
def catalog_version() -> str:
    digest = hashlib.sha256(django.get_version().encode())
    folders = [Path(path) for path in settings.LOCALE_PATHS]
    folders += [Path(app.path) / "locale" for app in apps.get_app_configs()]
    for folder in folders:
        for compiled in sorted(folder.glob("*/LC_MESSAGES/djangojs.mo")):
            digest.update(str(compiled).encode())
            digest.update(compiled.read_bytes())
    return digest.hexdigest()[:12]


def javascript_catalog_view():
    """Cached only under the URL the pages use (this version, a language of
    the site): any other query is served as Django serves it, uncached, so
    made-up URLs cannot fill the cache with year-long entries."""
    catalog = JavaScriptCatalog.as_view()
    cached = cache_page(ONE_YEAR, key_prefix="jsi18n")(catalog)
    languages = {code for code, _name in settings.LANGUAGES}

    def view(request, *args, **kwargs):
        query = request.GET
        if (
            len(query) == 2
            and query.get("v") == catalog_version()
            and query.get("l") in languages
        ):
            return cached(request, *args, **kwargs)
        return catalog(request, *args, **kwargs)

    return view
