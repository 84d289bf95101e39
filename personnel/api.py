"""The one door other apps use into personnel (OEP-49 style).

courses and assessments post into the training archive through these
functions; they never touch personnel's models directly for writes.
"""

import datetime as dt
from decimal import Decimal

from django.db import IntegrityError, transaction

from .choices import CourseCategory, TeamCode, TrainingKind  # noqa: F401
from .models import Cadre, ExamResultRecord, Team, TrainingRecord, Unit  # noqa: F401
from .selectors import (  # noqa: F401
    Scope,
    cadre_for_user,
    cadres_visible_to,
    unit_from_query,
    unit_subtree_cadres,
    units_visible_to,
    user_roles,
    user_scope,
)


def xlsx_fit_columns(worksheet, rows: int = 500) -> None:
    """Size an openpyxl sheet's columns as personnel's reports do, so the
    spreadsheets other apps export look the same (pandas loads on use)."""
    from .reports.xlsx import fit_columns

    fit_columns(worksheet, rows)


def training_record_post(
    *,
    cadre_id: int,
    kind: str,
    title: str,
    hours: Decimal,
    completed_on: dt.date,
    source_type: str,
    source_id: str,
    category: str = "",
    note: str = "",
    recorded_by=None,
) -> tuple[TrainingRecord, bool]:
    """Post a training record exactly once per (cadre, source).

    Safe under concurrency: a second caller racing the first gets the row
    the first wrote (the unique constraint decides), never a duplicate.

    Returns:
        (record, created)
    """
    lookup = {"cadre_id": cadre_id, "source_type": source_type, "source_id": source_id}
    existing = TrainingRecord.objects.filter(**lookup).first()
    if existing is not None:
        return existing, False
    try:
        with transaction.atomic():
            record = TrainingRecord.objects.create(
                **lookup,
                kind=kind,
                title=title,
                hours=hours,
                completed_on=completed_on,
                category=category,
                note=note,
                recorded_by=recorded_by,
            )
    except IntegrityError:
        return TrainingRecord.objects.get(**lookup), False
    return record, True


def exam_result_post(
    *,
    cadre_id: int,
    exam_ref: str,
    exam_title: str,
    attempt_ref: str,
    score: Decimal,
    max_score: Decimal,
    passed: bool,
    taken_on: dt.date,
    knowledge_point_scores: dict | None = None,
    reason: str = "",
) -> ExamResultRecord:
    """Append a final result; a changed score for the same attempt becomes
    the next revision, an unchanged one is not written again."""
    latest = (
        ExamResultRecord.objects.filter(attempt_ref=attempt_ref)
        .order_by("-revision")
        .first()
    )
    if latest is not None and latest.score == score and latest.passed == passed:
        return latest
    return ExamResultRecord.objects.create(
        cadre_id=cadre_id,
        exam_ref=exam_ref,
        exam_title=exam_title,
        attempt_ref=attempt_ref,
        revision=(latest.revision + 1) if latest else 1,
        score=score,
        max_score=max_score,
        passed=passed,
        taken_on=taken_on,
        knowledge_point_scores=knowledge_point_scores or {},
        reason=reason,
    )


def teams_all():
    return list(Team.objects.all())


# Certificates ------------------------------------------------------------
# Courses, classes and exams say which CertificateTemplate they issue (a FK
# to "personnel.CertificateTemplate" or an id from the choices below) and
# call certificate_issue / certificates_issue_bulk on completion or passing:
#   certificate_issue(*, cadre_id, template_id, subject_type, subject_id,
#       subject_title, hours, score, completed_on, issued_by_id=None)
#   certificates_issue_bulk(*, template_id, subject_type, subject_id,
#       subject_title, awards=[certificate_award(cadre_id=..., ...)], ...)
from .certificates.errors import CertificateError  # noqa: E402, F401
from .certificates.services import (  # noqa: E402, F401
    certificate_issue,
    certificate_revoke,
    certificates_issue_bulk,
)


def certificate_award(
    *,
    cadre_id: int,
    completed_on: dt.date,
    hours: Decimal | None = None,
    score: Decimal | None = None,
    started_on: dt.date | None = None,
):
    from .certificates.services import Award

    return Award(cadre_id, completed_on, hours, score, started_on)


def certificate_templates_choices() -> list[tuple[int, str]]:
    """(id, name) of the certificate templates in use, for a select box."""
    from .models import CertificateTemplate

    return list(
        CertificateTemplate.objects.filter(is_active=True).values_list("id", "name")
    )


def certificates_for_subject(*, subject_type: str, subject_id: str):
    """Valid certificates issued for one course, class or exam."""
    from .models import Certificate

    return Certificate.objects.filter(
        subject_type=subject_type, subject_id=str(subject_id), status="valid"
    )


def cadre_chooser_widget():
    """The admin widget for choosing one cadre: a search by name or staff
    number among the cadres the signed-in user may see."""
    from .choosers import cadre_chooser_viewset

    return cadre_chooser_viewset.widget_class
