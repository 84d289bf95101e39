# ruff: noqa: F811 - pytest fixtures imported from tests/browser/conftest.py
"""Study in a real browser: the lesson page's script sends heartbeats while
the page is visible, the server counts the time, and the course completes."""

import pytest
from django.contrib.contenttypes.models import ContentType

from courses import selectors, services
from courses.models import Enrolment, LessonPage, LessonProgress
from personnel.models import TrainingRecord
from tests.browser.conftest import (  # noqa: F401 - fixtures
    browser_context_args,
    browser_type_launch_args,
    sign_in,
)
from tests.courses import factories as f
from tests.personnel.factories import PASSWORD, CadreFactory, unit_root

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def quick_beats(monkeypatch):
    monkeypatch.setattr(selectors, "HEARTBEAT_INTERVAL", 1)


def test_heartbeats_count_time_and_complete_course(
    page, live_server, sign_in, quick_beats
):
    """One test on purpose: each transactional test flushes the database.
    Builds what it needs itself (an earlier transactional test may have
    flushed the migrations' data: role groups, teams, site)."""
    ContentType.objects.clear_cache()  # a flush may have removed cached rows
    learner = CadreFactory(unit=unit_root(), name="张学员")
    long_course = f.course("案卷评查", lessons=1, minutes=5)
    short_course = f.course("现场检查规范", lessons=1, minutes=0)
    for course in (long_course, short_course):
        services.enrolment_create(course=course, cadre=learner)
    sign_in(learner.user.username, PASSWORD)

    # Time accumulates from the page's beats, but 5 minutes are not reached.
    long_lesson = LessonPage.objects.child_of(long_course).get()
    page.goto(f"{live_server.url}{long_lesson.url}")
    page.wait_for_selector("[data-heartbeat-url]")
    progress = None
    for _ in range(120):  # up to a minute on a loaded machine
        progress = LessonProgress.objects.filter(lesson=long_lesson).first()
        if progress is not None and progress.seconds >= 2:
            break
        page.wait_for_timeout(500)
    assert progress is not None and progress.seconds >= 2
    assert progress.completed_at is None

    # A lesson with no minimum completes at once, and with it the course.
    short_lesson = LessonPage.objects.child_of(short_course).get()
    page.goto(f"{live_server.url}{short_lesson.url}")
    page.wait_for_function(
        "document.querySelector('.study-status').textContent.includes('课程已完成')",
        timeout=30000,
    )
    assert Enrolment.objects.get(course=short_course).completed_at is not None
    assert TrainingRecord.objects.filter(cadre=learner).count() == 1
