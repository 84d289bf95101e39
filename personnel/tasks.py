"""Celery tasks of personnel: thin, taking ids, each calling one service."""

import logging

from celery import shared_task
from celery.signals import worker_process_init

from .reports.tasks import *  # noqa: F401,F403  (HR report jobs)


@worker_process_init.connect
def certificate_renderer_warm_up(**kwargs):
    """Each worker process loads the certificate fonts when it starts."""
    from django.conf import settings

    if getattr(settings, "CERTIFICATE_WORKER_WARM_UP", True):
        from .certificates.pdf import renderer_warm_up

        try:
            renderer_warm_up()
        except Exception:  # a slow first certificate beats a worker that won't start
            logging.getLogger(__name__).exception("certificate renderer warm-up failed")


@shared_task(acks_late=True)
def certificate_pdfs_render_task(certificate_ids: list[int]) -> int:
    from .certificates.services import certificate_pdfs_render

    return certificate_pdfs_render(certificate_ids=certificate_ids)


@shared_task(acks_late=True)
def certificate_batch_print_task(job_id: int) -> None:
    from .certificates.services import batch_print_build

    batch_print_build(job_id=job_id)


@shared_task(acks_late=True)
def certificate_batch_chunk_task(job_id: int, index: int) -> None:
    from .certificates.services import batch_print_chunk

    batch_print_chunk(job_id=job_id, index=index)
