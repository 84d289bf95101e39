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
