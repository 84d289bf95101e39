"""HR's talent pool pages in the Wagtail admin (HR only)."""

from django.contrib import messages
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import TalentPool
from ..reports import views as report_views
from ..reports.access import hr_required, report_cadres
from ..reports.exports import pool_sheets
from ..reports.xlsx import workbook_bytes
from ..selectors import units_visible_to
from . import services
from .forms import OverrideForm, SnapshotForm, TalentPoolForm
from .selectors import pool_evaluate


@hr_required
def pool_list(request):
    pools = TalentPool.objects.prefetch_related("teams").order_by("name")
    return render(request, "personnel/talent/pool_list.html", {"pools": pools})


@hr_required
def pool_edit(request, pk=None):
    pool = (
        get_object_or_404(TalentPool, pk=pk)
        if pk
        else TalentPool(created_by=request.user)
    )
    form = TalentPoolForm(
        request.POST or None, instance=pool, units=units_visible_to(user=request.user)
    )
    if request.method == "POST" and form.is_valid():
        pool = form.save()
        messages.success(request, _("Talent pool saved."))
        return redirect("hr:pool", pk=pool.pk)
    return render(
        request, "personnel/talent/pool_form.html", {"form": form, "pool": pool}
    )


@hr_required
def pool_detail(request, pk):
    pool = get_object_or_404(TalentPool, pk=pk)
    if "format" in request.GET:
        return report_views.pool_export(request, pool)
    result = pool_evaluate(pool=pool, cadres=report_cadres(user=request.user))
    chart = {"bars": {"scores": _score_chart(result.members[:30])}}
    context = {
        "pool": pool,
        "result": result,
        "snapshot_form": SnapshotForm(initial={"taken_on": timezone.localdate()}),
        "override_form": OverrideForm(),
        "snapshots": pool.snapshots.all(),
        "chart": chart,
    }
    return render(request, "personnel/talent/pool_detail.html", context)


def _score_chart(members: list[dict]) -> dict:
    """Stacked bars: each person's points per component of the score."""
    labels = [p["label"] for p in members[0]["breakdown"]] if members else []
    series = [
        {"name": label, "data": [m["breakdown"][i]["points"] for m in members]}
        for i, label in enumerate(labels)
    ]
    return {
        "categories": [m["name"] for m in members],
        "series": series,
        "stacked": True,
    }


@hr_required
def pool_override(request, pk):
    pool = get_object_or_404(TalentPool, pk=pk)
    form = OverrideForm(request.POST or None)
    if request.method != "POST" or not form.is_valid():
        messages.error(request, _("Give a staff number and an action."))
        return redirect("hr:pool", pk=pool.pk)
    data = form.cleaned_data
    cadre = (
        report_cadres(user=request.user).filter(employee_no=data["employee_no"]).first()
    )
    if cadre is None:
        messages.error(
            request,
            _("No cadre has staff number %(no)s.") % {"no": data["employee_no"]},
        )
    elif data["action"] == "clear":
        services.pool_override_clear(pool=pool, cadre_id=cadre.pk)
        messages.success(
            request,
            _("%(name)s is no longer pinned or excluded.") % {"name": cadre.name},
        )
    else:
        try:
            services.pool_override_set(
                pool=pool,
                cadre=cadre,
                action=data["action"],
                reason=data["reason"],
                user=request.user,
            )
        except services.TalentPoolError as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("Saved for %(name)s.") % {"name": cadre.name})
    return redirect("hr:pool", pk=pool.pk)


@hr_required
def pool_snapshot(request, pk):
    pool = get_object_or_404(TalentPool, pk=pk)
    form = SnapshotForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        snapshot = services.pool_snapshot_take(
            pool=pool,
            user=request.user,
            cadres=report_cadres(user=request.user),
            **form.cleaned_data,
        )
        messages.success(request, _("Snapshot taken: it will not change from now on."))
        return redirect("hr:snapshot", pk=snapshot.pk)
    messages.error(request, _("Name the selection round and give a date."))
    return redirect("hr:pool", pk=pool.pk)


@hr_required
def snapshot_detail(request, pk):
    from ..models import PoolSnapshot

    snapshot = get_object_or_404(PoolSnapshot.objects.select_related("pool"), pk=pk)
    dimensions = snapshot.criteria.get("dimensions", [])
    if request.GET.get("format") == "xlsx":
        data = workbook_bytes(
            pool_sheets(
                title=snapshot.label,
                members=snapshot.members,
                dimensions=dimensions,
                hours_years=snapshot.criteria.get("hours_years", 3),
                excluded=snapshot.criteria.get("excluded", []),
            )
        )
        response = HttpResponse(data, content_type=report_views.CONTENT_TYPES["xlsx"])
        response["Content-Disposition"] = (
            f'attachment; filename="snapshot-{snapshot.pk}.xlsx"'
        )
        return response
    return render(
        request,
        "personnel/talent/snapshot.html",
        {"snapshot": snapshot, "dimensions": dimensions},
    )
