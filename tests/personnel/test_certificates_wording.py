"""What a certificate says when it has no hours (an exam) and what the demo
certificates say: each backed by a record in the training archive."""

import datetime as dt
import io
from decimal import Decimal

import pytest

from personnel import api as personnel_api
from personnel import demo_certificates
from personnel.certificates import pdf
from personnel.models import Certificate, TrainingRecord
from tests.personnel.certificate_helpers import (
    issue,
    issue_rendered,
    make_template,
    pdf_path,
    pdftotext,
)
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db

EXAM_TITLE = "2026年第一季度生态环境监测岗位考试"


def flat(text: str) -> str:
    return "".join(text.split())


def test_clause_naming_a_missing_value_is_left_out():
    body = "参加{subject}，完成全部学习内容，共计 {hours} 学时，成绩合格。"
    (paragraph,) = pdf.body_paragraphs(body, {"subject": "考试", "hours": None})
    assert paragraph["html"] == "参加考试，完成全部学习内容，成绩合格。"
    (paragraph,) = pdf.body_paragraphs(
        "参加{subject}，共计 {hours} 学时。",
        {
            "subject": "考试",
            "hours": None,
        },
    )
    assert paragraph["html"] == "参加考试。"  # the full stop is kept
    (paragraph,) = pdf.body_paragraphs(body, {"subject": "课程", "hours": "8"})
    assert "共计 8 学时" in paragraph["html"]


def _exam_certificate_text(cadre, template, capture, tmp_path) -> str:
    """The printed text of an exam certificate (no hours, score 88)."""
    certificate = issue_rendered(
        cadre,
        template,
        capture,
        subject_type="exam",
        title=EXAM_TITLE,
        hours=None,
        score=Decimal("88"),
    )
    return flat(pdftotext(pdf_path(certificate, tmp_path)))


def test_exam_certificate_prints_no_hours_sentence(
    learner, tmp_path, django_capture_on_commit_callbacks
):
    # A template that names hours, used for an exam, which awards none.
    text = _exam_certificate_text(
        learner, make_template(), django_capture_on_commit_callbacks, tmp_path
    )
    assert f"参加{EXAM_TITLE}" in text
    assert "考核成绩88分，成绩合格" in text
    assert "学时" not in text and "—" not in text


def test_demo_exam_template_says_the_exam_was_passed(
    learner, tmp_path, django_capture_on_commit_callbacks
):
    spec = demo_certificates.TEMPLATES[demo_certificates.EXAM]
    template = make_template(name=spec["name"], title=spec["title"], body=spec["body"])
    text = _exam_certificate_text(
        learner, template, django_capture_on_commit_callbacks, tmp_path
    )
    assert f"参加{EXAM_TITLE}，考试成绩88分，成绩合格，特发此证。" in text
    assert "完成全部学习内容" not in text and "学时" not in text


def test_demo_certificates_are_backed_by_the_archive(province):
    learner = CadreFactory(
        employee_no="learner", unit=province["chengguan"], name="张明"
    )
    colleague = CadreFactory(unit=province["chengguan"])
    personnel_api.training_record_post(
        cadre_id=learner.pk,
        kind="online",
        title="生态环境执法案卷评查实务",
        hours=Decimal("6"),
        completed_on=dt.date(2026, 3, 2),
        source_type="course",
        source_id="7",
    )
    personnel_api.exam_result_post(
        cadre_id=colleague.pk,
        exam_ref="3",
        exam_title=EXAM_TITLE,
        attempt_ref="a-1",
        score=Decimal("90"),
        max_score=Decimal("100"),
        passed=True,
        taken_on=dt.date(2026, 4, 8),
    )
    # A class that began on 20 October and ended (in the archive) on the 24th.
    from tests.courses.factories import training_class

    klass = training_class(organiser=province["root"], start=dt.date(2026, 10, 20))
    personnel_api.training_record_post(
        cadre_id=learner.pk,
        kind="centralized",
        title=klass.title,
        hours=Decimal("28"),
        completed_on=dt.date(2026, 10, 24),
        source_type="class",
        source_id=str(klass.pk),
    )
    # A certificate an earlier demo issued for a class that never existed.
    old = make_template(name="旧模板")
    issue(
        learner,
        old,
        subject_id=demo_certificates.FICTIONAL_SUBJECT_ID,
        title="2026年全省生态环境执法能力提升培训班",
    )

    demo_certificates.load_demo(stdout=io.StringIO())
    demo_certificates.load_demo(stdout=io.StringIO())

    valid = Certificate.objects.filter(status="valid")
    assert not valid.filter(subject_id=demo_certificates.FICTIONAL_SUBJECT_ID)
    for certificate in valid.exclude(subject_type="exam"):
        assert TrainingRecord.objects.filter(
            cadre_id=certificate.cadre_id,
            source_type=certificate.subject_type,
            source_id=certificate.subject_id,
            hours=certificate.hours,
        ).exists()
    exam = valid.get(subject_type="exam")
    assert (exam.cadre_id, exam.hours) == (colleague.pk, None)
    assert exam.printed["title"] == "考试合格证书"
    assert valid.filter(cadre=learner, subject_type="course").count() == 1
    # The class's certificate runs from its first day to its last, not from
    # the last day to the last day.
    class_certificate = valid.get(subject_type="class")
    assert class_certificate.started_on == dt.date(2026, 10, 20)
    body = "".join(p["html"] for p in class_certificate.printed["paragraphs"])
    assert "于 2026年10月20日 至 2026年10月24日" in body
