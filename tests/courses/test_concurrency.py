"""Two requests completing the same course at the same moment write one
archive record (PostgreSQL: real row locks and a real unique index)."""

import threading

import pytest
from django.db import connection, connections
from django.utils import timezone

from courses import services
from courses.models import Enrolment, LessonPage, LessonProgress
from personnel.models import TrainingRecord
from tests.courses import factories as f

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(
        connection.vendor != "postgresql", reason="needs PostgreSQL row locks"
    ),
    # tests/conftest.py puts the migrated data back for transactional tests.
    pytest.mark.django_db(transaction=True),
]


def test_concurrent_completion_writes_one_record(learner):
    course = f.course(lessons=2)
    enrolment = services.enrolment_create(course=course, cadre=learner)
    for lesson in LessonPage.objects.child_of(course):
        LessonProgress.objects.create(
            enrolment=enrolment, lesson=lesson, seconds=600, completed_at=timezone.now()
        )
    barrier = threading.Barrier(4)
    outcomes, errors = [], []

    def complete():
        try:
            barrier.wait()
            outcomes.append(
                services.enrolment_complete_if_done(enrolment_id=enrolment.pk)
            )
        except Exception as exc:  # noqa: BLE001 - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=complete) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert errors == []
    assert sorted(outcomes) == [False, False, False, True]
    assert TrainingRecord.objects.filter(cadre=learner).count() == 1
    assert Enrolment.objects.get().completed_at is not None
