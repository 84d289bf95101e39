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


def test_object_storage_is_used_when_a_bucket_is_configured():
    import subprocess
    import sys

    code = (
        "from django.conf import settings; "
        "print(settings.STORAGES['default']['BACKEND'], settings.SERVE_PUBLIC_MEDIA)"
    )
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "training_site.settings.dev",
        "AWS_STORAGE_BUCKET_NAME": "training-files",
        "AWS_S3_ENDPOINT_URL": "http://127.0.0.1:9000",
    }
    result = subprocess.run(
        [sys.executable, "-c", "import django; django.setup(); " + code],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )
    assert result.stdout.split() == ["storages.backends.s3.S3Storage", "False"]
    from django.core.files.storage import storages

    assert storages["default"].__class__.__name__ == "FileSystemStorage"
