# ruff: noqa: F811 - pytest fixtures imported from tests/browser/conftest.py
"""Study in a real browser: the lesson page's script sends heartbeats while
the page is visible, the server counts the time, and the course completes."""

import pytest

from courses import selectors, services
from courses.models import Enrolment, LessonPage, LessonProgress
from personnel.models import TrainingRecord
from tests.browser.conftest import (  # noqa: F401 - fixtures
    browser_context_args,
    browser_type_launch_args,
    sign_in,
)
from tests.courses import factories as f
from tests.personnel.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def quick_beats(monkeypatch):
    monkeypatch.setattr(selectors, "HEARTBEAT_INTERVAL", 1)


def test_heartbeats_count_time_and_complete_course(
    page,
    live_server,
    sign_in,
    transactional_db,
    learner,
    quick_beats,
):
    course = f.course("现场检查规范", lessons=1, minutes=0)
    services.enrolment_create(course=course, cadre=learner)
    lesson = LessonPage.objects.child_of(course).get()
    sign_in(learner.user.username, PASSWORD)
    page.goto(f"{live_server.url}{lesson.url}")
    page.wait_for_function(
        "document.querySelector('.study-status').textContent.includes('课程已完成')",
        timeout=15000,
    )
    assert Enrolment.objects.get().completed_at is not None
    assert TrainingRecord.objects.filter(cadre=learner).count() == 1


def test_time_accumulates_only_from_beats(
    page,
    live_server,
    sign_in,
    transactional_db,
    learner,
    quick_beats,
):
    course = f.course("案卷评查", lessons=1, minutes=5)
    services.enrolment_create(course=course, cadre=learner)
    lesson = LessonPage.objects.child_of(course).get()
    sign_in(learner.user.username, PASSWORD)
    page.goto(f"{live_server.url}{lesson.url}")
    for _ in range(40):
        progress = LessonProgress.objects.filter(lesson=lesson).first()
        if progress is not None and progress.seconds >= 2:
            break
        page.wait_for_timeout(500)
    assert progress is not None and progress.seconds >= 2
    assert progress.completed_at is None  # 5 minutes are not reached
