"""Celery tasks for reports: thin, taking ids, calling one service."""

from celery import shared_task

__all__ = ["report_job_run"]


@shared_task(acks_late=True)
def report_job_run(job_id: int) -> None:
    from .services import report_job_execute

    report_job_execute(job_id=job_id)
