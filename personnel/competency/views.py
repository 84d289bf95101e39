"""HR's profile pages in the Wagtail admin, and the profile PDF."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from ..reports import charts
from ..reports.access import hr_required, is_hr, report_cadres, reports_required
from ..reports.pdf import render_pdf
from ..selectors import units_visible_to
from . import services
from .errors import AppraisalImportError
from .forms import AppraisalForm, AppraisalImportForm, CadreFilterForm, HRNoteForm
from .profile import cadre_profile


@reports_required
def cadre_list(request):
    form = CadreFilterForm(
        request.GET or None, units=units_visible_to(user=request.user)
    )
    cadres = form.filter(report_cadres(user=request.user).select_related("unit"))
    page = Paginator(cadres.order_by("unit__path", "employee_no"), 50).get_page(
        request.GET.get("p")
    )
    query = request.GET.copy()
    query.pop("p", None)
    return render(
        request,
        "personnel/hr/cadre_list.html",
        {
            "page_obj": page,
            "form": form,
            "query_string": query.urlencode(),
            "is_hr": is_hr(request.user),
        },
    )


def _visible_cadre(request, pk):
    return get_object_or_404(
        report_cadres(user=request.user).select_related("unit"), pk=pk
    )


@reports_required
def profile(request, pk):
    cadre = _visible_cadre(request, pk)
    hr = is_hr(request.user)
    note_form = HRNoteForm(request.POST or None, prefix="note")
    appraisal_form = AppraisalForm(request.POST or None, prefix="appraisal")
    if request.method == "POST" and hr:
        if "note-text" in request.POST and note_form.is_valid():
            services.hr_note_add(
                cadre=cadre, text=note_form.cleaned_data["text"], user=request.user
            )
            messages.success(request, _("Note saved."))
            return redirect("hr:profile", pk=cadre.pk)
        if "appraisal-year" in request.POST and appraisal_form.is_valid():
            services.appraisal_set(
                cadre=cadre, user=request.user, **appraisal_form.cleaned_data
            )
            messages.success(request, _("Appraisal grade saved."))
            return redirect("hr:profile", pk=cadre.pk)
    context = {
        "profile": cadre_profile(cadre=cadre, include_notes=hr),
        "is_hr": hr,
        "note_form": note_form,
        "appraisal_form": appraisal_form,
    }
    return render(request, "personnel/hr/profile.html", context)


def _radar_labels(chart: dict) -> list[str]:
    """Dimension names; one the cadre has no score in says so (the chart
    leaves a gap there rather than drawing a 0)."""
    return [
        label
        if score is not None
        else pgettext("radar chart", "%(name)s (no score)") % {"name": label}
        for label, score in zip(chart["dimensions"], chart["cadre"], strict=True)
    ]


def profile_pdf_context(profile) -> dict:
    radars = [
        charts.radar_svg(
            labels=_radar_labels(chart),
            series=[
                (profile.cadre.name, chart["cadre"]),
                (_("Team average"), chart["team"]),
            ],
        )
        for chart in (f.chart for f in profile.frameworks)
        if chart["dimensions"]
    ]
    hours = profile.chart_data["hours"]
    hours_svg = ""
    if hours["years"]:
        hours_svg = charts.bar_svg(
            categories=hours["years"],
            series=[(s["name"], s["data"]) for s in hours["series"]],
        )
    return {"profile": profile, "radars": radars, "hours_svg": hours_svg}


@reports_required
def profile_pdf(request, pk):
    cadre = _visible_cadre(request, pk)
    profile_data = cadre_profile(cadre=cadre, include_notes=is_hr(request.user))
    pdf = render_pdf(
        template="personnel/hr/profile_pdf.html",
        context=profile_pdf_context(profile_data),
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = (
        f'inline; filename="profile-{cadre.employee_no}.pdf"'
    )
    return response


@hr_required
def appraisal_import(request):
    form = AppraisalImportForm(request.POST or None, request.FILES or None)
    errors = []
    if request.method == "POST" and form.is_valid():
        try:
            count = services.appraisal_import(
                data=form.cleaned_data["file"].read(),
                user=request.user,
                cadres=report_cadres(user=request.user),
            )
        except AppraisalImportError as exc:
            errors = exc.errors
        else:
            messages.success(
                request, _("%(count)d appraisal grades imported.") % {"count": count}
            )
            return redirect("hr:appraisal_import")
    return render(
        request, "personnel/hr/appraisal_import.html", {"form": form, "errors": errors}
    )
