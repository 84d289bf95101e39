"""HR report pages in the Wagtail admin, exports and background jobs."""

from django.contrib import messages
from django.http import FileResponse, Http404, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from ..models import ReportJob, TalentPool
from ..selectors import unit_from_query, units_visible_to, user_scope
from . import selectors, services
from .access import is_hr, reports_required
from .exports import compliance_merged

CONTENT_TYPES = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}


YEARS = (2000, 2100)
DEPTHS = (0, 10)


def _number(value: str, low: int, high: int) -> int | None:
    """``value`` as an int in [low, high], or None (ASCII digits only: int()
    also reads other scripts' digits, and a huge number overflows a date)."""
    if not (value.isascii() and value.isdigit()) or len(value) > 12:
        return None
    number = int(value)
    return number if low <= number <= high else None


def _params(request) -> dict:
    """The filters in the query string. A unit that does not exist or lies
    outside the user's scope is a 404; a year or level out of range is left
    out (the default applies) with a warning saying so."""
    params = {}
    if request.GET.get("unit", "").strip():
        unit = unit_from_query(user=request.user, value=request.GET["unit"])
        params["unit"] = unit.pk
    for key, (low, high) in (("year", YEARS), ("depth", DEPTHS)):
        value = request.GET.get(key, "").strip()
        if not value:
            continue
        number = _number(value, low, high)
        if number is None:
            messages.warning(
                request,
                _("Ignored %(value)s: give a number from %(low)s to %(high)s.")
                % {"value": value[:20], "low": low, "high": high},
            )
        else:
            params[key] = number
    return params


def _units(request):
    return units_visible_to(user=request.user).order_by("path")


def _export(request, kind: str, params: dict):
    """Download at once, or queue a job when the report covers the province."""
    file_format = request.GET.get("format")
    if file_format not in services.FORMATS:
        raise Http404
    if is_hr(request.user) and not params.get("unit"):
        job = services.report_job_create(
            kind=kind, file_format=file_format, params=params, user=request.user
        )
        return redirect("hr:report_job", pk=job.pk)
    filename, data = services.report_file_build(
        kind=kind, file_format=file_format, params=params, user=request.user
    )
    response = HttpResponse(data, content_type=CONTENT_TYPES[file_format])
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _default_depth(request, unit_id) -> int:
    """Roll up one level below the unit looked at (cities for HR)."""
    unit = _units(request).filter(pk=unit_id).first() if unit_id else None
    if unit is None:
        unit = user_scope(user=request.user).unit
    return unit.depth + 1 if unit is not None else 2


REPORT_TITLES = {
    "compliance": gettext_lazy("Training compliance by unit"),
    "teams": gettext_lazy("Team capability overview"),
    "pool": gettext_lazy("Talent pool"),
}


def _with_titles(jobs: list[ReportJob]) -> list[ReportJob]:
    """Give each job a ``title`` naming the report in words (the pool's
    name for a pool, the year for compliance), pools looked up at once."""
    pool_ids = {job.params.get("pool") for job in jobs if job.kind == "pool"}
    pools = dict(
        TalentPool.objects.filter(pk__in=pool_ids - {None}).values_list("pk", "name")
    )
    for job in jobs:
        title = str(REPORT_TITLES.get(job.kind, job.kind))
        if job.kind == "pool":
            title = f"{title}：{pools.get(job.params.get('pool'), '—')}"
        elif job.kind == "compliance" and job.params.get("year"):
            title = f"{title} {job.params['year']}"
        job.title = f"{title} · {job.file_format.upper()}"
    return jobs


@reports_required
def index(request):
    jobs = _with_titles(list(ReportJob.objects.filter(requested_by=request.user)[:10]))
    return render(
        request,
        "personnel/reports/index.html",
        {"jobs": jobs, "is_hr": is_hr(request.user)},
    )


@reports_required
def compliance(request):
    params = _params(request)
    params.setdefault("year", timezone.localdate().year)
    params.setdefault("depth", _default_depth(request, params.get("unit")))
    if "format" in request.GET:
        return _export(request, "compliance", params)
    cadres = services.report_scope(user=request.user, unit_id=params.get("unit"))
    report = compliance_merged(
        cadres=cadres,
        year=params["year"],
        depth=params["depth"] or None,
        progress=lambda done, total: None,
    )
    chart = {
        "bars": {
            "rate": {
                "categories": [u["unit_name"] for u in report.units],
                "series": [
                    {
                        "name": _("Completion rate (%)"),
                        "data": [u["rate"] for u in report.units],
                    }
                ],
                "yName": "%",
            }
        }
    }
    return render(
        request,
        "personnel/reports/compliance.html",
        {
            "report": report,
            "params": params,
            "units": _units(request),
            "chart": chart,
            "is_hr": is_hr(request.user),
        },
    )


@reports_required
def teams(request):
    params = _params(request)
    if "format" in request.GET:
        return _export(request, "teams", params)
    cadres = services.report_scope(user=request.user, unit_id=params.get("unit"))
    overview = selectors.team_overview(cadres=cadres)
    chart = {
        "bars": {
            "ages": {
                "categories": [t.team.name for t in overview.teams],
                "series": [
                    {"name": band, "data": [t.ages[band] for t in overview.teams]}
                    for band in overview.bands
                ],
            }
        }
    }
    return render(
        request,
        "personnel/reports/teams.html",
        {
            "overview": overview,
            "params": params,
            "units": _units(request),
            "chart": chart,
            "is_hr": is_hr(request.user),
        },
    )


def _own_job(request, pk) -> ReportJob:
    return get_object_or_404(ReportJob, pk=pk, requested_by=request.user)


@reports_required
def job_detail(request, pk):
    (job,) = _with_titles([_own_job(request, pk)])
    return render(request, "personnel/reports/job.html", {"job": job})


@reports_required
def job_status(request, pk):
    job = _own_job(request, pk)
    ready = job.status == ReportJob.Status.DONE and job.output
    return JsonResponse(
        {
            "status": job.status,
            "done": job.done,
            "total": job.total,
            "label": str(job.get_status_display()),
            "download_url": reverse("hr:report_job_download", args=[job.pk])
            if ready
            else None,
        }
    )


@reports_required
def job_download(request, pk):
    job = _own_job(request, pk)
    if job.status != ReportJob.Status.DONE or not job.output:
        raise Http404
    return FileResponse(
        job.output.open("rb"),
        as_attachment=True,
        filename=job.output.name.rsplit("/", 1)[-1],
        content_type=CONTENT_TYPES.get(job.file_format),
    )


def pool_export(request, pool: TalentPool):
    return _export(request, "pool", {"pool": pool.pk})
