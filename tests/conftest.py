import threading

import pytest
from django.conf import settings

from tests.personnel.factories import CadreFactory, unit_child, unit_root


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    """After the test database is migrated, keep a snapshot of what the
    migrations made, to put back for transactional tests (below)."""
    from django.db import connection

    with django_db_blocker.unblock():
        return connection.creation.serialize_db_to_string()


@pytest.fixture(autouse=True)
def _migrated_data_for_transactional_tests(request, django_db_blocker):
    """Transactional tests (live server, real Celery workers, concurrency on
    PostgreSQL) run on a flushed database, without what the migrations made
    (site and root page, collections, teams, role groups). Django's
    serialized rollback is meant to restore it but misses when Playwright's
    event loop gives the test another connection object; so every
    transactional test starts from the migrated snapshot, whatever ran
    before it."""
    marker = request.node.get_closest_marker("django_db")
    transactional = bool(marker and marker.kwargs.get("transaction")) or bool(
        {"transactional_db", "live_server"} & set(request.fixturenames)
    )
    if not transactional:
        return
    snapshot = request.getfixturevalue("django_db_setup")
    request.getfixturevalue("transactional_db")
    from django.contrib.contenttypes.models import ContentType
    from django.core.cache import cache
    from django.core.management import call_command
    from django.db import connection

    with django_db_blocker.unblock():
        call_command("flush", interactive=False, inhibit_post_migrate=True, verbosity=0)
        connection.creation.deserialize_db_from_string(snapshot)
        _reset_sequences(connection)
    # Content types were re-created with other ids since the process cached
    # them; a stale cache would resolve pages to the wrong models.
    ContentType.objects.clear_cache()
    cache.clear()


def _reset_sequences(connection):
    """flush restarts id sequences at 1; move them past the restored rows."""
    from django.apps import apps
    from django.core.management.color import no_style

    models = apps.get_models(include_auto_created=True)
    with connection.cursor() as cursor:
        for sql in connection.ops.sequence_reset_sql(no_style(), models):
            cursor.execute(sql)


@pytest.fixture(autouse=True)
def _media_root(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def province(db):
    """A small province: department, one centre, two cities with a county each."""
    root = unit_root()
    lanzhou = unit_child(root, name="兰州市生态环境局", code="GS-LZ")
    tianshui = unit_child(root, name="天水市生态环境局", code="GS-TS")
    return {
        "root": root,
        "centre": unit_child(
            root, name="省生态环境监测中心", code="GS-S-JC", kind="centre"
        ),
        "lanzhou": lanzhou,
        "chengguan": unit_child(
            lanzhou, name="兰州市城关分局", code="GS-LZ-CG", kind="county"
        ),
        "tianshui": tianshui,
        "qinzhou": unit_child(
            tianshui, name="天水市秦州分局", code="GS-TS-QZ", kind="county"
        ),
    }


@pytest.fixture
def learner(province):
    return CadreFactory(unit=province["chengguan"], role="learner", name="张学员")


@pytest.fixture
def trainer(province):
    return CadreFactory(unit=province["root"], role="trainer", name="王培训")


@pytest.fixture
def hr(province):
    return CadreFactory(unit=province["root"], role="hr", name="李人事")


@pytest.fixture
def unit_admin(province):
    return CadreFactory(unit=province["lanzhou"], role="unit_admin", name="赵管理")


@pytest.fixture
def client_for(client):
    """client_for(cadre) signs the test client in as that cadre's user."""

    def sign_in(cadre):
        # As a password sign-in does: the session names the backend that
        # checked the password (axes' backend only guards, it loads no one).
        client.force_login(cadre.user, backend=settings.AUTHENTICATION_BACKENDS[-1])
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service-level messages are asserted in English; requests still follow
    the LocaleMiddleware (Chinese by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_process_caches():
    """Each test starts with empty caches: the cache holds signed-in users and
    sessions, and a rolled-back test's ids come back in the next one
    (SQLite's sequences roll back; transactional tests reset PostgreSQL's)."""
    from django.core.cache import cache

    from assessments import keys, services
    from training_site import auth

    cache.clear()
    services._ITEM_SPECS.clear()
    keys._cached = None
    auth._local.clear()
    yield


class _SerialOnSharedSQLite:
    """The live server answers each request in a thread of its own. On the
    in-memory SQLite of `make test` those threads share one connection, and
    two requests at once (the exam page saves an answer and a flag together)
    interleave their BEGINs on it: "cannot start a transaction within a
    transaction". Production has a connection per thread, and so does the
    PostgreSQL run; there the live server stays concurrent. With a shared
    connection, requests take turns: each holds a lock until its body is
    read and its response closed."""

    def set_app(self, application):
        if not self.connections_override:
            return super().set_app(application)
        lock = threading.Lock()

        def serial(environ, start_response):
            with lock:
                response = application(environ, start_response)
                try:
                    return [b"".join(response)]
                finally:
                    if hasattr(response, "close"):
                        response.close()

        return super().set_app(serial)


def _serial_live_server_class():
    from django.test.testcases import LiveServerThread, ThreadedWSGIServer

    LiveServerThread.server_class = type(
        "SerialOnSharedSQLiteServer", (_SerialOnSharedSQLite, ThreadedWSGIServer), {}
    )


_serial_live_server_class()
