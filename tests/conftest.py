import pytest

from tests.personnel.factories import CadreFactory, unit_child, unit_root


@pytest.fixture(autouse=True)
def django_db_serialized_rollback():
    """Overrides pytest-django's fixture of this name so that its name is in
    every test's fixtures: transactional tests (live server, real Celery
    workers, concurrency on PostgreSQL) then restore the migrated data (the
    five teams, role groups, Wagtail's root page) instead of leaving an
    empty database to the tests after them."""


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
        client.force_login(cadre.user)
        return client

    return sign_in


@pytest.fixture(autouse=True)
def _english_outside_requests():
    """Service-level messages are asserted in English; requests still follow
    the LocaleMiddleware (Chinese by default)."""
    from django.utils import translation

    with translation.override("en"):
        yield
