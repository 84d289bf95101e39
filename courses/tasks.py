"""Thin Celery tasks: ids in, one service call (enqueued on commit)."""

from celery import shared_task


@shared_task
def course_certificate_issue(enrolment_id: int) -> None:
    from .services import enrolment_certificate_issue

    enrolment_certificate_issue(enrolment_id=enrolment_id)


@shared_task
def class_certificates_issue(training_class_id: int) -> None:
    from .services import class_certificates_issue as issue

    issue(training_class_id=training_class_id)
