"""Public verification and the learner's own certificates."""

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from ..selectors import cadre_for_user
from .forms import VerifyForm
from .ratelimit import verify_limited
from .selectors import (
    certificate_by_code,
    certificates_of_cadre,
    certificates_visible_to,
    name_mask,
)
from .services import certificate_pdf_ensure


def _too_many(request):
    response = render(request, "personnel/certificates/too_many.html", status=429)
    response["Retry-After"] = "60"
    return response


@never_cache
def verify_form(request):
    form = VerifyForm(request.GET or None)
    if request.GET:
        if verify_limited(request):
            return _too_many(request)
        if form.is_valid():
            return redirect(
                "personnel:certificate_verify", code=form.cleaned_data["code"]
            )
    return render(request, "personnel/certificates/verify_form.html", {"form": form})


@never_cache
@require_GET
def verify(request, code):
    if verify_limited(request):
        return _too_many(request)
    certificate = certificate_by_code(code=code)
    context = {"certificate": certificate, "code": code}
    if certificate is not None:
        context["masked_name"] = name_mask(certificate.holder_name)
    return render(
        request,
        "personnel/certificates/verify.html",
        context,
        status=200 if certificate else 404,
    )


@login_required
def my_certificates(request):
    cadre = cadre_for_user(user=request.user)
    certificates = certificates_of_cadre(cadre=cadre) if cadre else []
    return render(
        request,
        "personnel/certificates/my_certificates.html",
        {"cadre": cadre, "certificates": certificates},
    )


@login_required
def download(request, pk):
    """The stored, frozen PDF: for its holder, their unit administrators,
    HR and trainers; anyone else gets 404 (existence is not revealed)."""
    certificate = get_object_or_404(certificates_visible_to(user=request.user), pk=pk)
    certificate = certificate_pdf_ensure(certificate=certificate)
    if not certificate.pdf:
        raise Http404
    return FileResponse(
        certificate.pdf.open("rb"),
        content_type="application/pdf",
        as_attachment=request.GET.get("inline") != "1",
        filename=f"{certificate.serial}.pdf",
    )
