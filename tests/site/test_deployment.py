from pathlib import Path

import yaml
from django.conf import settings


def test_compose_file_has_the_production_shape():
    compose = yaml.safe_load(Path(settings.BASE_DIR, "docker-compose.yml").read_text())
    services = compose["services"]
    assert set(services) == {"web", "worker", "beat", "postgres", "redis"}
    assert "gunicorn" in services["web"]["command"]
    assert services["worker"]["command"].startswith("celery -A training_site worker")
    assert services["beat"]["command"].startswith("celery -A training_site beat")
    env = services["worker"]["environment"]
    assert env["DATABASE_URL"].startswith("postgres://")
    assert env["CELERY_BROKER_URL"].startswith("redis://")


def test_dockerfile_installs_weasyprint_libraries_and_cjk_fonts():
    dockerfile = Path(settings.BASE_DIR, "Dockerfile").read_text()
    for package in ("libpango-1.0-0", "libpangoft2-1.0-0", "fonts-noto-cjk"):
        assert package in dockerfile
