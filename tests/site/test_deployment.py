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


def test_gunicorn_warms_the_project_up_in_the_master(monkeypatch, settings):
    from django.db import connections
    from django.template import engines

    from assessments import paper_page
    from training_site import gunicorn_conf

    assert gunicorn_conf.preload_app is True
    settings.DEBUG = False
    paper_page._shells.clear()
    closed = []
    monkeypatch.setattr(connections, "close_all", lambda: closed.append(True))
    gunicorn_conf.when_ready(server=None)
    languages = {language for language, _version in paper_page._shells}
    assert languages == {code for code, _name in settings.LANGUAGES}
    # Templates compiled and kept by the cached loader.
    loader = engines["django"].engine.template_loaders[0]
    assert any("paper.html" in str(key) for key in loader.get_template_cache)
    # No connection left open for the forked workers to share.
    assert closed == [True]


def test_gunicorn_serves_with_the_configuration(tmp_path):
    """A real gunicorn with preload and the warm-up boots and answers."""
    import os
    import socket
    import subprocess
    import sys
    import time
    import urllib.request

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "training_site.settings.dev",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    gunicorn = Path(sys.executable).parent / "gunicorn"
    server = subprocess.Popen(
        [
            str(gunicorn), "-c", "python:training_site.gunicorn_conf",
            "training_site.wsgi:application", "--bind", f"127.0.0.1:{port}",
            "--workers", "2", "--worker-class", "gthread", "--threads", "2",
        ],
        env=env, cwd=settings.BASE_DIR,
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT,
    )  # fmt: skip
    try:
        body = None
        for _ in range(100):
            try:
                url = f"http://127.0.0.1:{port}/jsi18n/"
                with urllib.request.urlopen(url, timeout=2) as reply:
                    body = reply.read().decode()
                break
            except OSError:
                time.sleep(0.2)
        assert body is not None and "django.catalog" in body
    finally:
        server.terminate()
        output = server.communicate(timeout=20)[0].decode()
    assert "Traceback" not in output, output


def test_warm_up_imports_what_first_requests_would(tmp_path):
    """The Redis cache client (redis-py with its asyncio and cluster
    modules, some 70 in all) is imported in the master, not by each
    worker's first request; and no cache connection is opened (nothing
    listens on port 1)."""
    import json
    import os
    import subprocess
    import sys

    code = (
        "import json, sys, django; django.setup(); "
        "import training_site.wsgi; "
        "names = ('redis', 'redis.client', 'redis.cluster'); "
        "before = [m in sys.modules for m in names]; "
        "from training_site.warmup import warm_up; warm_up(); "
        "print(json.dumps([before, [m in sys.modules for m in names]]))"
    )
    env = {
        **os.environ,
        # Production's settings over plain static files (no manifest here).
        "DJANGO_SETTINGS_MODULE": "bench.settings",
        "DJANGO_SECRET_KEY": "warm-up-test-" + "x" * 40,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:1/0",
        "DJANGO_ALLOWED_HOSTS": "127.0.0.1",
    }
    env.pop("CACHE_URL", None)
    result = subprocess.run(
        [sys.executable, "-c", code],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=True,
    )
    before, after = json.loads(result.stdout)
    assert before == [False, False, False]
    assert after == [True, True, True]
