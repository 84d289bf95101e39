"""Demo certificates: three templates (course, class, exam) with a generated
seal, and certificates for what the demo cadres have in their training
archive. Safe to run again."""

import io

from django.core.files.images import ImageFile
from wagtail.images import get_image_model

from .certificates.artwork import seal_png
from .certificates.services import Award, certificate_revoke, certificates_issue_bulk
from .models import (
    Cadre,
    Certificate,
    CertificateTemplate,
    ExamResultRecord,
    TrainingRecord,
)
from .models.certificates import CertificateStatus

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
    {
        # An exam awards no hours: its certificate says it was passed.
        "name": "考试合格证书（考试）",
        "title": "考试合格证书",
        "body": (
            "{name} 同志：\n"
            "于 {end_date} 参加{subject}，考试成绩 {score} 分，成绩合格，特发此证。"
        ),
        "orientation": "landscape",
    },
]
COURSE, CLASS, EXAM = range(3)
# Earlier versions of this loader issued certificates for a class and an exam
# that exist nowhere else in the demo (no class, no hours record): they are
# revoked when the demo is loaded again.
FICTIONAL_SUBJECT_ID = "demo-2026-01"
FICTIONAL_REASON = "演示数据更正：该培训班或考试不存在，培训档案中没有对应记录。"


def load_demo(*, stdout) -> None:
    seal = _seal()
    templates = [_template(spec, seal) for spec in TEMPLATES]
    before = Certificate.objects.count()
    _fictional_revoke()
    _from_archive(templates)
    _learner_archive(templates)
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


def _fictional_revoke() -> None:
    fictional = Certificate.objects.filter(
        subject_id=FICTIONAL_SUBJECT_ID, status=CertificateStatus.VALID
    )
    for certificate_id in fictional.values_list("pk", flat=True):
        certificate_revoke(
            certificate_id=certificate_id, reason=FICTIONAL_REASON, revoked_by_id=None
        )


def _from_archive(templates) -> None:
    """Certificates for a few completions and passes the other apps posted
    into the training archive (when their demo data exist)."""
    records = (
        TrainingRecord.objects.filter(source_type__in=["course", "class"])
        .exclude(source_id="")
        .order_by("id")[:20]
    )
    _records_certify(templates, records)
    passes = ExamResultRecord.objects.filter(passed=True).order_by("id")[:10]
    _passes_certify(templates, passes)


def _learner_archive(templates) -> None:
    """Every course, class and exam in the archive of the learner and of a
    few colleagues in their city gets its certificate, so that every demo
    account has certificates to list, download and print, each backed by a
    record in the training archive."""
    learner = (
        Cadre.objects.filter(user__username="learner").select_related("unit").first()
    )
    if learner is None:
        return
    colleagues = Cadre.objects.filter(
        unit__path__startswith=learner.unit.get_parent().path
    ).order_by("employee_no")[:12]
    people = [learner.pk, *colleagues.values_list("pk", flat=True)]
    records = (
        TrainingRecord.objects.filter(
            cadre_id__in=people, source_type__in=["course", "class"]
        )
        .exclude(source_id="")
        .order_by("id")
    )
    _records_certify(templates, records)
    passes = ExamResultRecord.objects.filter(cadre_id__in=people, passed=True)
    _passes_certify(templates, passes.order_by("id"))


def _records_certify(templates, records) -> None:
    for record in records:
        template = templates[COURSE if record.source_type == "course" else CLASS]
        award = Award(
            record.cadre_id, record.completed_on, record.hours,
            started_on=_started_on(record),
        )  # fmt: skip
        certificates_issue_bulk(
            template_id=template.pk,
            subject_type=record.source_type,
            subject_id=record.source_id,
            subject_title=record.title,
            awards=[award],
        )


def _started_on(record):
    """When the training began, as the real issuing paths say it: the class's
    first day, or the day the cadre joined the course (the archive keeps only
    the end). None when the demo has no such class or enrolment."""
    from django.apps import apps
    from django.utils import timezone

    if not record.source_id.isdigit():
        return None
    if record.source_type == "class":
        model = apps.get_model("courses", "TrainingClass")
        found = model.objects.filter(pk=record.source_id).first()
        return found.start_date if found else None
    model = apps.get_model("courses", "Enrolment")
    found = model.objects.filter(
        course_id=record.source_id, cadre_id=record.cadre_id
    ).first()
    if found is None:
        return None
    return min(timezone.localdate(found.enrolled_at), record.completed_on)


def _passes_certify(templates, passes) -> None:
    for result in passes:
        certificates_issue_bulk(
            template_id=templates[EXAM].pk,
            subject_type="exam",
            subject_id=result.exam_ref,
            subject_title=result.exam_title,
            awards=[Award(result.cadre_id, result.taken_on, None, result.score)],
        )
