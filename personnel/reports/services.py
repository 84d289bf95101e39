"""Build report files (xlsx, pdf) and run report jobs.

A report file is built by ``report_file_build`` whether the user downloads
it straight away or a Celery task builds it in the background
(``report_job_run``), reporting progress on the ReportJob row.
"""

import logging

from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from ..errors import PersonnelError
from ..models import ReportJob, TalentPool
from ..selectors import units_visible_to
from . import exports
from .access import report_cadres

logger = logging.getLogger(__name__)
KINDS = ("compliance", "teams", "pool")
FORMATS = ("xlsx", "pdf")


class ReportError(PersonnelError):
    pass


def report_scope(*, user, unit_id=None):
    """The cadres a report covers: the user's scope, narrowed to a unit."""
    cadres = report_cadres(user=user)
    if unit_id:
        unit = units_visible_to(user=user).filter(pk=unit_id).first()
        if unit is None:
            raise ReportError(_("That unit does not exist or is outside your scope."))
        cadres = cadres.filter(unit__path__startswith=unit.path)
    return cadres


def report_file_build(
    *, kind: str, file_format: str, params: dict, user, progress=None
):
    """Returns (filename, bytes). ``progress(done, total)`` is called as
    the work advances."""
    if kind not in KINDS or file_format not in FORMATS:
        raise ReportError(_("Unknown report or format."))
    progress = progress or (lambda done, total: None)
    cadres = report_scope(user=user, unit_id=params.get("unit"))
    with translation.override("zh-hans"):
        if kind == "compliance":
            return exports.compliance_export(
                cadres=cadres,
                year=int(params.get("year") or timezone.localdate().year),
                depth=params.get("depth") or None,
                file_format=file_format,
                progress=progress,
            )
        if kind == "teams":
            return exports.teams_export(
                cadres=cadres, file_format=file_format, progress=progress
            )
        pool = TalentPool.objects.get(pk=params["pool"])
        return exports.pool_export(
            pool=pool, cadres=cadres, file_format=file_format, progress=progress
        )


def report_job_create(*, kind: str, file_format: str, params: dict, user) -> ReportJob:
    """Queue a report for the background; the task starts on commit."""
    from .tasks import report_job_run

    if kind not in KINDS or file_format not in FORMATS:
        raise ReportError(_("Unknown report or format."))
    job = ReportJob.objects.create(
        kind=kind, file_format=file_format, params=params, requested_by=user
    )
    transaction.on_commit(lambda: report_job_run.delay(job.pk))
    return job


def report_job_execute(*, job_id: int) -> ReportJob:
    job = ReportJob.objects.select_related("requested_by").get(pk=job_id)
    if job.status == ReportJob.Status.DONE:
        return job
    ReportJob.objects.filter(pk=job.pk).update(status=ReportJob.Status.RUNNING)

    def progress(done, total):
        ReportJob.objects.filter(pk=job.pk).update(done=done, total=total)

    try:
        filename, data = report_file_build(
            kind=job.kind,
            file_format=job.file_format,
            params=job.params,
            user=job.requested_by,
            progress=progress,
        )
    except Exception as exc:  # recorded on the job so the page can say so
        logger.exception("Report job %s failed", job.pk)
        ReportJob.objects.filter(pk=job.pk).update(
            status=ReportJob.Status.FAILED, error=str(exc)[:2000]
        )
        return job
    job.refresh_from_db()
    job.output.save(filename, ContentFile(data), save=False)
    job.status = ReportJob.Status.DONE
    job.finished_at = timezone.now()
    job.done = job.total = max(job.total, 1)
    job.save()
    return job
