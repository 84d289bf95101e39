"""Wagtail admin views: template preview, certificate list, revocation and
batch printing. Every list and object goes through the user's scope."""

import datetime as dt
from decimal import Decimal

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from ..models import BatchPrintJob, Cadre
from ..selectors import user_scope
from . import pdf
from .admin_forms import CertificateTemplateForm
from .errors import CertificateError
from .forms import BatchPrintForm, RevokeForm
from .selectors import certificates_filtered, certificates_visible_to
from .services import (
    Award,
    batch_print_create,
    certificate_reissue,
    certificate_revoke,
    printed_facts,
)

SAMPLE_CODE = "SAMPLECERTIFICAT"


def _require(request, *perms):
    if not request.user.has_perms(perms):
        raise PermissionDenied


def _sample_printed(template) -> dict:
    from ..models import Certificate, Unit

    cadre = Cadre(name="王小明", unit=Unit(name="兰州市城关分局"))
    award = Award(
        0, dt.date(2026, 3, 5), Decimal("40"), Decimal("92.5"), dt.date(2026, 3, 1)
    )
    certificate = Certificate(
        subject_title="2026年生态环境执法能力提升培训班",
        hours=award.hours,
        score=award.score,
        started_on=award.started_on,
        completed_on=award.completed_on,
        issued_on=dt.date(2026, 3, 6),
        serial=f"{template.serial_prefix or 'GSEE'}-2026-000123",
        verification_code=SAMPLE_CODE,
    )
    return printed_facts(template=template, certificate=certificate, cadre=cadre)


@require_POST
def template_preview(request):
    """A PDF of the template as currently typed in the form (not saved)."""
    if not (
        request.user.has_perm("personnel.add_certificatetemplate")
        or request.user.has_perm("personnel.change_certificatetemplate")
    ):
        raise PermissionDenied
    form = CertificateTemplateForm(request.POST)
    form.is_valid()  # fills cleaned_data for the fields that are valid
    template = form.instance
    for name, value in form.cleaned_data.items():
        setattr(template, name, value)
    template.title = template.title or _("Certificate")
    template.body = form.data.get("body", "")
    data = pdf.pdf_render_document([_sample_printed(template)])
    response = HttpResponse(data, content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="preview.pdf"'
    return response


def certificate_index(request):
    _require(request, "personnel.view_certificate")
    form = BatchPrintForm(request.GET or None, user=request.user)
    filters = form.cleaned_data if form.is_valid() else {}
    certificates = certificates_filtered(user=request.user, **filters).order_by(
        "-issued_on", "serial"
    )
    page = Paginator(certificates, 50).get_page(request.GET.get("p"))
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "personnel/certificates/admin/index.html",
        {
            "form": form,
            "page_obj": page,
            "total": page.paginator.count,
            "query": query.urlencode(),
            "can_revoke": request.user.has_perm("personnel.change_certificate"),
            "jobs": BatchPrintJob.objects.filter(requested_by=request.user)[:5],
        },
    )


def certificate_revoke_view(request, pk):
    _require(request, "personnel.view_certificate", "personnel.change_certificate")
    certificate = get_object_or_404(certificates_visible_to(user=request.user), pk=pk)
    form = RevokeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            if form.cleaned_data["reissue"]:
                new = certificate_reissue(
                    certificate_id=certificate.pk,
                    reason=form.cleaned_data["reason"],
                    issued_by_id=request.user.pk,
                )
                messages.success(
                    request,
                    _("Revoked %(old)s and issued %(new)s.")
                    % {"old": certificate.serial, "new": new.serial},
                )
            else:
                certificate_revoke(
                    certificate_id=certificate.pk,
                    reason=form.cleaned_data["reason"],
                    revoked_by_id=request.user.pk,
                )
                messages.success(
                    request,
                    _("Certificate %(serial)s revoked.")
                    % {"serial": certificate.serial},
                )
            return redirect("certificate_admin_index")
        except CertificateError as exc:
            form.add_error(None, str(exc))
    return render(
        request,
        "personnel/certificates/admin/revoke.html",
        {
            "form": form,
            "certificate": certificate,
            "events": certificate.events.select_related("actor"),
        },
    )


@require_POST
def batch_print_start(request):
    _require(request, "personnel.view_certificate")
    form = BatchPrintForm(request.POST, user=request.user)
    if not form.is_valid():
        messages.error(
            request,
            _("Check the filters: %(errors)s") % {"errors": form.errors.as_text()},
        )
        return redirect("certificate_admin_index")
    try:
        job = batch_print_create(user=request.user, **form.cleaned_data)
    except CertificateError as exc:
        messages.error(request, str(exc))
        return redirect(
            reverse("certificate_admin_index") + "?" + request.POST.urlencode()
        )
    return redirect("certificate_batch_job", pk=job.pk)


def _job_for(request, pk) -> BatchPrintJob:
    """A job is visible to whoever asked for it and to anyone whose scope
    covers the unit it was limited to; others get 404."""
    _require(request, "personnel.view_certificate")
    job = get_object_or_404(BatchPrintJob.objects.select_related("unit"), pk=pk)
    if job.requested_by_id == request.user.pk:
        return job
    scope = user_scope(user=request.user)
    if scope.everything:
        return job
    if (
        scope.unit is not None
        and job.unit is not None
        and job.unit.path.startswith(scope.unit.path)
    ):
        return job
    raise Http404


def batch_print_job(request, pk):
    job = _job_for(request, pk)
    return render(request, "personnel/certificates/admin/job.html", {"job": job})


def batch_print_status(request, pk):
    job = _job_for(request, pk)
    return JsonResponse(
        {
            "status": job.status,
            "status_label": job.get_status_display(),
            "done": job.done,
            "total": job.total,
            "percent": job.percent,
            "error": job.error,
            "download_url": reverse("certificate_batch_download", args=[job.pk])
            if job.status == BatchPrintJob.Status.DONE
            else "",
        }
    )


def batch_print_download(request, pk):
    job = _job_for(request, pk)
    if job.status != BatchPrintJob.Status.DONE or not job.output:
        raise Http404
    return FileResponse(
        job.output.open("rb"),
        content_type="application/pdf",
        as_attachment=True,
        filename=f"certificates-{job.pk}.pdf",
    )
