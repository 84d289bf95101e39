"""Demo certificates: two templates with a generated seal, and certificates
for what the demo cadres have completed. Safe to run again."""

import datetime as dt
import io
from decimal import Decimal

from django.core.files.images import ImageFile
from wagtail.images import get_image_model

from .certificates.artwork import seal_png
from .certificates.services import Award, certificates_issue_bulk
from .models import (
    Cadre,
    Certificate,
    CertificateTemplate,
    ExamResultRecord,
    TrainingRecord,
)

ORGANISATION = "甘肃省生态环境厅"
TEMPLATES = [
    {
        "name": "培训合格证书（通用）",
        "title": "培训合格证书",
        "body": (
            "{name} 同志：\n"
            "于 {start_date} 至 {end_date} 参加{subject}，完成全部学习内容，"
            "共计 {hours} 学时，经考核成绩合格，特发此证。"
        ),
        "orientation": "landscape",
    },
    {
        "name": "结业证书（培训班）",
        "title": "结业证书",
        "body": (
            "{name} 同志（{unit}）：\n"
            "于 {start_date} 至 {end_date} 参加{subject}学习，"
            "修完规定课程，共计 {hours} 学时，准予结业。"
        ),
        "orientation": "portrait",
    },
]
DEMO_CLASS = ("class", "demo-2026-01", "2026年全省生态环境执法能力提升培训班")
DEMO_EXAM = ("exam", "demo-2026-01", "生态环境行政处罚办案规范考试")


def load_demo(*, stdout) -> None:
    seal = _seal()
    templates = [_template(spec, seal) for spec in TEMPLATES]
    before = Certificate.objects.count()
    _from_archive(templates)
    _demo_subjects(templates)
    stdout.write(
        f"certificates: {len(templates)} templates, "
        f"{Certificate.objects.count() - before} certificates issued"
    )


def _seal():
    Image = get_image_model()
    seal = Image.objects.filter(title="甘肃省生态环境厅培训专用章").first()
    if seal is None:
        data = seal_png(ORGANISATION, centre_text="培训专用章")
        seal = Image.objects.create(
            title="甘肃省生态环境厅培训专用章",
            file=ImageFile(io.BytesIO(data), name="demo-seal.png"),
        )
    return seal


def _template(spec, seal):
    template, _created = CertificateTemplate.objects.get_or_create(
        name=spec["name"],
        defaults={**spec, "issuing_organisation": ORGANISATION, "seal": seal},
    )
    return template


def _from_archive(templates) -> None:
    """Certificates for a few completions and passes the other apps posted
    into the training archive (when their demo data exist)."""
    records = (
        TrainingRecord.objects.filter(source_type__in=["course", "class"])
        .exclude(source_id="")
        .order_by("id")[:20]
    )
    for record in records:
        certificates_issue_bulk(
            template_id=templates[0 if record.source_type == "course" else 1].pk,
            subject_type=record.source_type,
            subject_id=record.source_id,
            subject_title=record.title,
            awards=[Award(record.cadre_id, record.completed_on, record.hours)],
        )
    passes = ExamResultRecord.objects.filter(passed=True).order_by("id")[:10]
    for result in passes:
        certificates_issue_bulk(
            template_id=templates[0].pk,
            subject_type="exam",
            subject_id=result.exam_ref,
            subject_title=result.exam_title,
            awards=[Award(result.cadre_id, result.taken_on, None, result.score)],
        )


def _demo_subjects(templates) -> None:
    """A closed class and a passed exam in the learner's city, so that every
    demo account has certificates to list, download and print."""
    learner = (
        Cadre.objects.filter(user__username="learner").select_related("unit").first()
    )
    if learner is None:
        return
    classmates = list(
        Cadre.objects.filter(unit__path__startswith=learner.unit.get_parent().path)
        .exclude(pk=learner.pk)
        .order_by("employee_no")[:11]
    )
    people = [learner, *classmates]
    subject_type, subject_id, title = DEMO_CLASS
    certificates_issue_bulk(
        template_id=templates[1].pk,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_title=title,
        awards=[
            Award(c.pk, dt.date(2026, 3, 20), Decimal("40"), None, dt.date(2026, 3, 16))
            for c in people
        ],
    )
    subject_type, subject_id, title = DEMO_EXAM
    certificates_issue_bulk(
        template_id=templates[0].pk,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_title=title,
        awards=[
            Award(
                c.pk,
                dt.date(2026, 4, 8),
                Decimal("8"),
                Decimal(88 + i % 10),
                dt.date(2026, 4, 8),
            )
            for i, c in enumerate(people[:6])
        ],
    )
