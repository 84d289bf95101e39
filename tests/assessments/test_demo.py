import io

import pytest

from assessments import demo
from assessments.models import Attempt, Exam, Question, QuestionBank
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db


def test_demo_loads_and_is_idempotent(province, django_capture_on_commit_callbacks):
    for _ in range(6):
        CadreFactory(unit=province["chengguan"], teams=["monitoring"])
    with django_capture_on_commit_callbacks(execute=True):
        demo.load_demo(stdout=io.StringIO())
    counts = (
        QuestionBank.objects.count(),
        Question.objects.count(),
        Exam.objects.count(),
        Attempt.objects.count(),
    )
    assert counts[0] == 5 and counts[2] == 2 and counts[3] == 6
    assert set(Question.objects.values_list("qtype", flat=True)) == {
        "single_choice",
        "multiple_choice",
        "true_false",
        "fill_blank",
        "short_answer",
    }
    closed = Exam.objects.get(title=demo.CLOSED_EXAM)
    pending = closed.attempts.filter(status="awaiting_grading").count()
    assert pending == demo.LEFT_TO_MARK
    demo.load_demo(stdout=io.StringIO())
    assert counts == (
        QuestionBank.objects.count(),
        Question.objects.count(),
        Exam.objects.count(),
        Attempt.objects.count(),
    )
