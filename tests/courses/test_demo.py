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


def _documents(lesson):
    return [
        b.value["document"].title for b in lesson.body if b.block_type == "document"
    ]


def test_demo_handout_only_on_penalty_case_courses(province):
    CadreFactory(
        employee_no="learner", unit=province["chengguan"], teams=["enforcement"]
    )
    CadreFactory(employee_no="trainer", unit=province["root"], role="trainer")
    demo.load_demo(stdout=io.StringIO())
    theory = LessonPage.objects.get(url_path__endswith="/course-02/lesson-2/")
    assert theory.get_parent().title == "党的二十大精神与生态环境保护"
    assert _documents(theory) == []
    case_review = LessonPage.objects.get(url_path__endswith="/course-05/lesson-2/")
    assert _documents(case_review) == [demo.HANDOUT_TITLE]
    for lesson in LessonPage.objects.live().specific():
        if _documents(lesson):
            assert demo._handout_fits(lesson.get_parent().title), lesson.url_path
    # A demo loaded by an earlier version: loading again takes it away.
    handout = get_document_model().objects.get(title=demo.HANDOUT_TITLE)
    theory.body.append(("document", {"document": handout, "label": ""}))
    theory.save_revision().publish()
    demo.load_demo(stdout=io.StringIO())
    theory = LessonPage.objects.get(pk=theory.pk)
    assert _documents(theory) == []
    assert theory.live and not theory.has_unpublished_changes
