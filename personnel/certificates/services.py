"""Writes: issuing, rendering, revoking and batch printing certificates."""

import datetime as dt
import hashlib
import io
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.core.files.base import ContentFile
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import (
    BatchPrintJob,
    Cadre,
    Certificate,
    CertificateEvent,
    CertificateTemplate,
)
from ..models.certificates import CertificateStatus, SubjectType
from ..selectors import units_visible_to, user_scope
from . import pdf
from .errors import CertificateError, TemplateUnusable
from .selectors import certificates_for_print
from .serials import serials_allocate

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O, 1/I
CODE_LENGTH = 16  # 80 random bits
RENDER_CHUNK = 100


@dataclass(frozen=True)
class Award:
    """One person's facts for a certificate about one subject."""

    cadre_id: int
    completed_on: dt.date
    hours: Decimal | None = None
    score: Decimal | None = None
    started_on: dt.date | None = None


def verification_code_new() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_LENGTH))


def _optional_number(value: Decimal | None) -> str | None:
    return None if value is None else pdf.number_text(value)


def printed_facts(
    *, template: CertificateTemplate, certificate: Certificate, cadre: Cadre
) -> dict:
    """Everything printed on the certificate, frozen into the row at issue."""
    values = {
        "name": cadre.name,
        "unit": cadre.unit.name,
        "subject": certificate.subject_title,
        # None, not "—": the renderer leaves out the clause that names it.
        "hours": _optional_number(certificate.hours),
        "score": _optional_number(certificate.score),
        "start_date": pdf.date_zh(certificate.started_on or certificate.completed_on),
        "end_date": pdf.date_zh(certificate.completed_on),
        "issued_on": pdf.date_zh(certificate.issued_on),
    }
    return {
        "title": template.title,
        "paragraphs": pdf.body_paragraphs(template.body, values),
        "organisation": template.issuing_organisation,
        "signatory": template.signatory,
        "issued_on_text": pdf.date_zh_upper(certificate.issued_on),
        "seal_id": template.seal_id,
        "background_id": template.background_id,
        "size": template.paper_size,
        "orientation": template.orientation,
        "serial": certificate.serial,
        "code": certificate.verification_code,
        "verify_url": pdf.verify_url(certificate.verification_code),
    }


def _template_usable(template_id: int) -> CertificateTemplate:
    template = CertificateTemplate.objects.filter(
        pk=template_id, is_active=True
    ).first()
    if template is None:
        raise TemplateUnusable(template_id)
    return template


def _check_subject(subject_type: str, subject_id: str) -> None:
    if subject_type not in SubjectType.values:
        raise CertificateError(
            _("Unknown subject type %(type)s: use course, class or exam.")
            % {"type": subject_type}
        )
    if not str(subject_id):
        raise CertificateError(_("A certificate needs the id of what it is for."))


def certificate_issue(
    *,
    cadre_id: int,
    template_id: int,
    subject_type: str,
    subject_id: str,
    subject_title: str,
    hours: Decimal | None,
    score: Decimal | None,
    completed_on: dt.date,
    issued_by_id: int | None = None,
    started_on: dt.date | None = None,
) -> Certificate:
    """Issue one certificate, or return the valid one that already exists.

    The PDF is rendered right after the transaction commits (in a task).

    Raises:
        TemplateUnusable, CertificateError
    """
    issued = certificates_issue_bulk(
        template_id=template_id,
        subject_type=subject_type,
        subject_id=subject_id,
        subject_title=subject_title,
        awards=[Award(cadre_id, completed_on, hours, score, started_on)],
        issued_by_id=issued_by_id,
    )
    if issued:
        return issued[0]
    return Certificate.objects.get(
        cadre_id=cadre_id,
        subject_type=subject_type,
        subject_id=str(subject_id),
        status=CertificateStatus.VALID,
    )


def certificates_issue_bulk(
    *,
    template_id: int,
    subject_type: str,
    subject_id: str,
    subject_title: str,
    awards: list[Award],
    issued_by_id: int | None = None,
    replaces: dict[int, Certificate] | None = None,
) -> list[Certificate]:
    """Issue certificates about one subject to many people at once.

    People who already hold a valid certificate for the subject are skipped
    (issuing is idempotent). Numbers come from one locked counter update for
    the whole batch; PDFs are rendered after commit, in chunks.

    Returns:
        The certificates newly issued (possibly none).
    """
    _check_subject(subject_type, str(subject_id))
    template = _template_usable(template_id)
    subject_id = str(subject_id)
    try:
        with transaction.atomic():
            certificates = _issue_rows(
                template,
                subject_type,
                subject_id,
                subject_title,
                awards,
                issued_by_id,
                replaces or {},
            )
    except IntegrityError:
        # A concurrent issuer won the race for someone in this batch: the
        # whole batch (and its numbers) rolled back; issue the rest again.
        with transaction.atomic():
            certificates = _issue_rows(
                template,
                subject_type,
                subject_id,
                subject_title,
                awards,
                issued_by_id,
                replaces or {},
            )
    ids = [certificate.pk for certificate in certificates]
    transaction.on_commit(lambda: certificate_pdfs_enqueue(certificate_ids=ids))
    return certificates


def _issue_rows(
    template, subject_type, subject_id, subject_title, awards, issued_by_id, replaces
):
    held = set(
        Certificate.objects.filter(
            subject_type=subject_type,
            subject_id=subject_id,
            status=CertificateStatus.VALID,
            cadre_id__in=[award.cadre_id for award in awards],
        ).values_list("cadre_id", flat=True)
    )
    todo = {a.cadre_id: a for a in awards if a.cadre_id not in held}
    cadres = Cadre.objects.select_related("unit").in_bulk(list(todo))
    missing = sorted(set(todo) - set(cadres))
    if missing:
        raise CertificateError(
            _("No cadre with id %(ids)s.") % {"ids": ", ".join(map(str, missing))}
        )
    today = timezone.localdate()
    serials = serials_allocate(
        prefix=template.serial_prefix, year=today.year, count=len(todo)
    )
    certificates = []
    for serial, (cadre_id, award) in zip(serials, todo.items(), strict=True):
        certificate = Certificate(
            cadre_id=cadre_id,
            template=template,
            subject_type=subject_type,
            subject_id=subject_id,
            subject_title=subject_title,
            hours=award.hours,
            score=award.score,
            started_on=award.started_on,
            completed_on=award.completed_on,
            issued_on=today,
            serial=serial,
            verification_code=verification_code_new(),
            issued_by_id=issued_by_id,
            holder_name=cadres[cadre_id].name,
            holder_unit=cadres[cadre_id].unit.name,
            replaces=replaces.get(cadre_id),
        )
        certificate.printed = printed_facts(
            template=template, certificate=certificate, cadre=cadres[cadre_id]
        )
        certificates.append(certificate)
    Certificate.objects.bulk_create(certificates)
    CertificateEvent.objects.bulk_create(
        CertificateEvent(
            certificate=c,
            action=CertificateEvent.Action.ISSUED,
            actor_id=issued_by_id,
            reason=_("Re-issued") if c.replaces_id else "",
        )
        for c in certificates
    )
    return certificates


def certificate_pdfs_enqueue(*, certificate_ids: list[int]) -> None:
    from ..tasks import certificate_pdfs_render_task

    for start in range(0, len(certificate_ids), RENDER_CHUNK):
        certificate_pdfs_render_task.delay(
            certificate_ids[start : start + RENDER_CHUNK]
        )


def certificate_pdfs_render(*, certificate_ids: list[int]) -> int:
    """Render and store the PDFs of certificates that have none yet.

    Each stored PDF is written once: a row that already has a file (another
    worker got there first) keeps it.

    Returns:
        How many PDFs were stored.
    """
    certificates = list(
        Certificate.objects.filter(pk__in=certificate_ids, pdf="").order_by("pk")
    )
    if not certificates:
        return 0
    outputs = pdf.pdf_render_each([c.printed for c in certificates])
    storage = Certificate._meta.get_field("pdf").storage
    saved = []
    for certificate, data in zip(certificates, outputs, strict=True):
        name = storage.save(
            certificate.pdf.field.generate_filename(
                certificate, f"{certificate.serial}.pdf"
            ),
            ContentFile(data),
        )
        saved.append((certificate, name, hashlib.sha256(data).hexdigest()))
    stored = 0
    with transaction.atomic():  # one commit for the chunk, not one per row
        for certificate, name, digest in saved:
            updated = Certificate.objects.filter(pk=certificate.pk, pdf="").update(
                pdf=name, pdf_sha256=digest
            )
            if updated:
                stored += 1
            else:
                transaction.on_commit(lambda name=name: storage.delete(name))
    return stored


def certificate_pdf_ensure(*, certificate: Certificate) -> Certificate:
    """The stored PDF of a certificate, rendering it now if the background
    task has not run yet (e.g. the worker is behind)."""
    if not certificate.pdf:
        certificate_pdfs_render(certificate_ids=[certificate.pk])
        certificate.refresh_from_db()
    return certificate


def certificate_revoke(*, certificate_id: int, reason: str, revoked_by_id: int | None):
    """Mark a certificate revoked; the reason is shown on its public page.

    Raises:
        CertificateError: no reason given, or it is already revoked.
    """
    reason = (reason or "").strip()
    if not reason:
        raise CertificateError(_("Give the reason for revoking the certificate."))
    with transaction.atomic():
        certificate = Certificate.objects.select_for_update().get(pk=certificate_id)
        if certificate.status == CertificateStatus.REVOKED:
            raise CertificateError(
                _("Certificate %(serial)s is already revoked.")
                % {"serial": certificate.serial}
            )
        certificate.status = CertificateStatus.REVOKED
        certificate.revoked_reason = reason
        certificate.revoked_at = timezone.now()
        certificate.save(update_fields=["status", "revoked_reason", "revoked_at"])
        CertificateEvent.objects.create(
            certificate=certificate,
            action=CertificateEvent.Action.REVOKED,
            actor_id=revoked_by_id,
            reason=reason,
        )
    return certificate


def certificate_reissue(
    *,
    certificate_id: int,
    reason: str,
    issued_by_id: int | None,
    template_id: int | None = None,
) -> Certificate:
    """Revoke a certificate and issue a new one with today's facts (name,
    unit, template), which points back at the one it replaces."""
    with transaction.atomic():
        old = certificate_revoke(
            certificate_id=certificate_id, reason=reason, revoked_by_id=issued_by_id
        )
        (new,) = certificates_issue_bulk(
            template_id=template_id or old.template_id,
            subject_type=old.subject_type,
            subject_id=old.subject_id,
            subject_title=old.subject_title,
            awards=[
                Award(
                    old.cadre_id, old.completed_on, old.hours, old.score, old.started_on
                )
            ],
            issued_by_id=issued_by_id,
            replaces={old.cadre_id: old},
        )
    return new


# Batch printing ---------------------------------------------------------

PRINT_CHUNK = 250
PRINT_MAX = 5000


def batch_print_create(
    *,
    user,
    unit=None,
    subject_type: str = "",
    subject_query: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> BatchPrintJob:
    """Freeze a selection of certificates (within the user's scope) into a
    print job and build its PDF in the background.

    Raises:
        CertificateError: nothing matches, or too many for one file.
    """
    from ..tasks import certificate_batch_print_task

    scope = user_scope(user=user)
    if unit is not None and not units_visible_to(user=user).filter(pk=unit.pk).exists():
        raise CertificateError(
            _("You cannot print certificates of %(unit)s.") % {"unit": unit.name}
        )
    ids = list(
        certificates_for_print(
            user=user,
            unit=unit,
            subject_type=subject_type,
            subject_query=subject_query,
            date_from=date_from,
            date_to=date_to,
        ).values_list("pk", flat=True)
    )
    if not ids:
        raise CertificateError(_("No valid certificates match these filters."))
    if len(ids) > PRINT_MAX:
        raise CertificateError(
            _(
                "%(count)s certificates match; print at most %(max)s at a time "
                "(narrow the dates or choose a smaller unit)."
            )
            % {"count": len(ids), "max": PRINT_MAX}
        )
    job = BatchPrintJob.objects.create(
        requested_by=user,
        unit=unit or scope.unit,
        certificate_ids=ids,
        total=len(ids),
        filters={
            "subject_type": subject_type,
            "subject_query": subject_query,
            "date_from": date_from.isoformat() if date_from else "",
            "date_to": date_to.isoformat() if date_to else "",
        },
    )
    transaction.on_commit(lambda: certificate_batch_print_task.delay(job.pk))
    return job


def _part_name(job_id: int, index: int) -> str:
    return f"certificate-batches/parts/job-{job_id}-{index:04d}.pdf"


def batch_print_build(*, job_id: int) -> None:
    """Start a print job: one rendering task per chunk of pages, so that
    every worker process (every core) can take a share."""
    from ..tasks import certificate_batch_chunk_task

    job = BatchPrintJob.objects.get(pk=job_id)
    if job.status != BatchPrintJob.Status.PENDING:
        return
    job.status = BatchPrintJob.Status.RUNNING
    job.save(update_fields=["status"])
    for index in range(_chunk_count(job)):
        certificate_batch_chunk_task.delay(job_id, index)


def _chunk_count(job: BatchPrintJob) -> int:
    return (job.total + PRINT_CHUNK - 1) // PRINT_CHUNK


def batch_print_chunk(*, job_id: int, index: int) -> None:
    """Render one chunk of a print job from the certificates' frozen facts;
    the chunk that completes the job joins the parts into one PDF.

    Safe to run again for the same chunk (tasks are acknowledged late, so a
    worker lost mid-task means a second delivery): a chunk is counted in the
    progress once, and a job whose parts are all in but which is not joined
    yet (the join was interrupted) is joined by the next delivery.
    """
    job = BatchPrintJob.objects.get(pk=job_id)
    if job.status != BatchPrintJob.Status.RUNNING:
        return
    if index not in job.chunks_done:
        _batch_print_part(job, index)
    with transaction.atomic():
        job = BatchPrintJob.objects.select_for_update().get(pk=job_id)
        if index not in job.chunks_done:
            job.chunks_done = sorted([*job.chunks_done, index])
            job.done = sum(
                min(PRINT_CHUNK, job.total - done * PRINT_CHUNK)
                for done in job.chunks_done
            )
            job.save(update_fields=["chunks_done", "done"])
        complete = len(job.chunks_done) == _chunk_count(job)
    if complete and job.status == BatchPrintJob.Status.RUNNING:
        _batch_print_join(job)


def _batch_print_part(job: BatchPrintJob, index: int) -> None:
    ids = job.certificate_ids[index * PRINT_CHUNK : (index + 1) * PRINT_CHUNK]
    printed = Certificate.objects.in_bulk(ids)
    try:
        data = pdf.pdf_render_document([printed[pk].printed for pk in ids])
    except Exception as exc:
        BatchPrintJob.objects.filter(pk=job.pk).update(
            status=BatchPrintJob.Status.FAILED, error=str(exc)[:500]
        )
        raise
    storage = job.output.storage
    storage.delete(_part_name(job.pk, index))
    storage.save(_part_name(job.pk, index), ContentFile(data))


def _batch_print_join(job: BatchPrintJob) -> None:
    import pikepdf

    storage = job.output.storage
    parts = [_part_name(job.pk, index) for index in range(_chunk_count(job))]
    joined = pikepdf.new()
    sources = []
    for name in parts:
        with storage.open(name, "rb") as handle:
            source = pikepdf.open(io.BytesIO(handle.read()))
        sources.append(source)  # pages reference their source until saved
        joined.pages.extend(source.pages)
    buffer = io.BytesIO()
    joined.save(
        buffer,
        compress_streams=False,
        stream_decode_level=pikepdf.StreamDecodeLevel.none,
    )
    job.output.save(
        f"certificates-{job.pk}.pdf", ContentFile(buffer.getvalue()), save=False
    )
    job.status = BatchPrintJob.Status.DONE
    job.finished_at = timezone.now()
    job.save(update_fields=["output", "status", "finished_at"])
    for name in parts:
        storage.delete(name)
