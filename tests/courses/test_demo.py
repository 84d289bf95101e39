"""The demo loader builds a living catalogue and is safe to run twice."""

import io

import pytest
from wagtail.documents import get_document_model

from courses import demo
from courses.models import CoursePage, Enrolment, LessonPage, TrainingClass
from personnel.models import TrainingRecord
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db


def test_demo_is_complete_and_idempotent(province):
    learner = CadreFactory(
        employee_no="learner", unit=province["chengguan"], teams=["enforcement"]
    )
    CadreFactory(employee_no="trainer", unit=province["root"], role="trainer")
    for team in ("supervision", "monitoring", "eia", "emergency"):
        CadreFactory(unit=province["lanzhou"], teams=[team, "enforcement"])
    demo.load_demo(stdout=io.StringIO())
    counts = (
        CoursePage.objects.live().count(),
        LessonPage.objects.live().count(),
        TrainingClass.objects.count(),
        Enrolment.objects.count(),
        TrainingRecord.objects.count(),
    )
    demo.load_demo(stdout=io.StringIO())
    again = (
        CoursePage.objects.live().count(),
        LessonPage.objects.live().count(),
        TrainingClass.objects.count(),
        Enrolment.objects.count(),
        TrainingRecord.objects.count(),
    )
    assert counts == again
    assert counts[0] >= 20
    categories = set(CoursePage.objects.values_list("category", flat=True))
    assert len(categories) == 4
    teams = set(CoursePage.objects.values_list("teams__code", flat=True))
    assert teams == {"supervision", "enforcement", "monitoring", "eia", "emergency"}
    files = set(get_document_model().objects.values_list("file", flat=True))
    assert any(f.endswith(".webm") for f in files)
    assert any(f.endswith(".pdf") for f in files)
    assert (
        TrainingRecord.objects.filter(cadre=learner, source_type="course").count() == 1
    )
    closed = TrainingClass.objects.filter(closed_at__isnull=False).get()
    assert closed.participants.exclude(outcome="pending").count() == (
        closed.participants.count()
    )
    assert all(course.cover_image_id for course in CoursePage.objects.all())
