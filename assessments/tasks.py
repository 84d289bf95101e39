"""Thin Celery tasks: take ids, call one service."""

from celery import shared_task


@shared_task
def close_expired_attempts() -> int:
    """Periodic (every minute): close and grade attempts past deadline+grace."""
    from .services import attempts_close_expired

    return attempts_close_expired()


@shared_task
def result_post_to_archive(attempt_id: int, reason: str = "") -> None:
    from .services import result_post

    result_post(attempt_id=attempt_id, reason=reason)


@shared_task
def prepare_exam_papers(exam_id: int) -> int:
    """Draw the papers of an exam that prepares them (after it is saved)."""
    from .services import exam_papers_prepare

    return exam_papers_prepare(exam_id=exam_id)


@shared_task
def prepare_due_exam_papers() -> int:
    """Periodic (every 10 minutes): papers for exams opening within a day."""
    from .services import exam_papers_prepare_due

    return exam_papers_prepare_due()
