"""gunicorn settings for the production shape (docker-compose.yml) and the
exam-day benchmark: ``gunicorn -c python:training_site.gunicorn_conf ...``.

The project is imported once, in the master, and warmed up there
(training_site/warmup.py) before the workers fork: a worker, new or
recycled by ``--max-requests``, serves its first request as fast as its
thousandth. The rest of the settings stay on the command line.
"""

preload_app = True


def when_ready(server):  # noqa: ARG001 - gunicorn's hook signature
    from training_site.warmup import warm_up

    warm_up()
