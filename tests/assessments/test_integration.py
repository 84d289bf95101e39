"""Passing an exam that belongs to a course and issues a certificate."""

import pytest

from assessments import services
from courses.models import Enrolment
from personnel.models import Certificate, ExamResultRecord
from tests.assessments.factories import BankFactory, fixed_exam, sit, true_false
from tests.courses.factories import course
from tests.personnel.certificate_helpers import make_template

pytestmark = pytest.mark.django_db


def test_passing_tells_the_course_and_issues_a_certificate(
    learner, django_capture_on_commit_callbacks
):
    page = course("执法实务", lessons=0, requires_exam=True)
    template = make_template()
    bank = BankFactory()
    question = true_false(bank, answer=True, points=10)
    exam = fixed_exam(
        [question], course=page, certificate_template=template, pass_mark=6
    )
    with django_capture_on_commit_callbacks(execute=True):
        sit(exam, learner, {question: True})
    assert ExamResultRecord.objects.get(cadre=learner).passed
    assert Enrolment.objects.get(course=page, cadre=learner).exam_passed_at
    certificate = Certificate.objects.get(cadre=learner)
    assert certificate.subject_type == "exam" and certificate.subject_id == str(exam.pk)


def test_failing_issues_nothing(learner, django_capture_on_commit_callbacks):
    template = make_template()
    bank = BankFactory()
    question = true_false(bank, answer=True, points=10)
    exam = fixed_exam([question], certificate_template=template, pass_mark=6)
    attempt = services.attempt_start(exam=exam, cadre=learner)
    with django_capture_on_commit_callbacks(execute=True):
        services.attempt_submit(attempt_id=attempt.pk, user_id=learner.user_id)
    assert not ExamResultRecord.objects.get(cadre=learner).passed
    assert not Certificate.objects.exists()
