"""Work a fresh process would otherwise do on its first requests.

gunicorn imports the project once, in its master (``preload_app`` in
``training_site/gunicorn_conf.py``), and calls :func:`warm_up` there before
forking the workers, so every worker, including one that ``--max-requests``
has just recycled in the middle of an exam day, starts with the URL
configuration imported, the template engine and its tag libraries loaded,
the translations read and the exam paper's shells rendered. Without it the
first requests of each worker paid for all of that (the exam-day spike
benchmark saw it as a fifth of the workers' time).

It opens no database or cache connection (a connection must not be shared
by forked workers), and closes any that something opened anyway.
"""

from __future__ import annotations

import logging

logger = logging.getLogger(__name__)

# The pages an exam day serves most.
TEMPLATES = (
    "assessments/paper.html",
    "assessments/my_exams.html",
    "assessments/exam_detail.html",
    "assessments/result.html",
)


def warm_up() -> None:
    from importlib import import_module

    from django.conf import settings
    from django.core.cache import caches, close_caches
    from django.db import connections
    from django.template import TemplateDoesNotExist
    from django.template.loader import get_template
    from django.urls import get_resolver
    from django.utils import translation

    from assessments import paper_page
    from training_site.jsi18n import catalog_version

    try:
        # Imports every view module and builds the reverse lookups.
        logger.debug("warm-up: %d URL names", len(get_resolver().reverse_dict))
        catalog_version()
        for name in TEMPLATES:
            try:
                get_template(name)
            except TemplateDoesNotExist:
                logger.warning("warm-up: no template %s", name)
        for code, _name in settings.LANGUAGES:
            with translation.override(code):
                paper_page.shell()
        # Modules that are imported on first use, not at start-up: the
        # session store, the messages storage, and the cache client (for
        # Redis, redis-py with its asyncio and cluster modules: about 70
        # modules that each worker imported in its first request, while
        # that request's siblings waited on the import lock).
        import_module(settings.SESSION_ENGINE)
        import_module(settings.SESSION_SERIALIZER.rpartition(".")[0])
        import_module(settings.MESSAGE_STORAGE.rpartition(".")[0])
        for alias in settings.CACHES:
            # RedisCache builds its client (and imports redis) lazily; no
            # connection is opened until a command is sent.
            getattr(caches[alias], "_cache", None)
    finally:
        connections.close_all()
        close_caches()
