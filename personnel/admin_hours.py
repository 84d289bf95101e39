"""Wagtail admin for training hours: hour rules, hand-recorded external
training, and the compliance view (with .xlsx export).

Scoping: every cadre list comes from ``cadres_visible_to`` (a unit
administrator sees their unit subtree only).
"""

from io import BytesIO

import pandas as pd
from django import forms
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponse
from django.shortcuts import redirect, render
from django.urls import path
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.menu import MenuItem
from wagtail.admin.ui.tables import StatusFlagColumn
from wagtail.admin.viewsets.base import ViewSet, ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet
from wagtail.admin.widgets import AdminDateInput

from .choices import TrainingKind
from .compliance import compliance_frames
from .models import HourRequirement, TrainingRecord
from .selectors import cadres_visible_to, units_visible_to


class HourRequirementViewSet(ModelViewSet):
    model = HourRequirement
    icon = "time"
    menu_label = gettext_lazy("Hour requirements")
    form_fields = [
        "name",
        "rank_level",
        "teams",
        "period_years",
        "total_hours",
        "online_hours_min",
        "is_active",
    ]
    list_display = [
        "name",
        "rank_level",
        "period_years",
        "total_hours",
        "online_hours_min",
        # A tag in words, not Python's True/False.
        StatusFlagColumn(
            "is_active",
            label=gettext_lazy("Active"),
            true_label=gettext_lazy("Active"),
            false_label=gettext_lazy("Inactive"),
        ),
    ]
    copy_view_enabled = False


# ------------------------------------------------------------ external hours


class ExternalHoursForm(forms.Form):
    cadre = forms.ModelChoiceField(queryset=None, label=gettext_lazy("Cadre"))
    title = forms.CharField(label=gettext_lazy("Training"), max_length=200)
    hours = forms.DecimalField(
        label=gettext_lazy("Hours"), min_value=0.5, max_digits=6, decimal_places=1
    )
    completed_on = forms.DateField(label=gettext_lazy("Date"), widget=AdminDateInput)
    evidence = forms.FileField(
        label=gettext_lazy("Evidence"),
        help_text=gettext_lazy("Certificate, notice or attendance proof (PDF, image)."),
    )
    approver = forms.CharField(label=gettext_lazy("Approved by"), max_length=50)
    note = forms.CharField(
        label=gettext_lazy("Note"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["cadre"].queryset = cadres_visible_to(user=user).select_related(
            "unit"
        )

    def clean_completed_on(self):
        day = self.cleaned_data["completed_on"]
        if day > timezone.localdate():
            raise forms.ValidationError(_("The date cannot be in the future."))
        return day


def external_record_create(*, data: dict, recorded_by) -> TrainingRecord:
    """Hand-record external training; the record is appended, never edited."""
    with transaction.atomic():
        return TrainingRecord.objects.create(
            cadre=data["cadre"],
            kind=TrainingKind.EXTERNAL,
            title=data["title"],
            hours=data["hours"],
            completed_on=data["completed_on"],
            source_type="external",
            source_id="",
            evidence=data["evidence"],
            approver=data["approver"],
            note=data["note"],
            recorded_by=recorded_by,
        )


def _require(request, perm: str):
    if not request.user.has_perm(perm):
        raise PermissionDenied


def external_hours_view(request):
    _require(request, "personnel.add_trainingrecord")
    form = ExternalHoursForm(
        request.POST or None, request.FILES or None, user=request.user
    )
    if request.method == "POST" and form.is_valid():
        record = external_record_create(
            data=form.cleaned_data, recorded_by=request.user
        )
        messages.success(
            request,
            _("%(hours)s hours recorded for %(name)s.")
            % {"hours": record.hours, "name": record.cadre.name},
        )
        return redirect("personnel_hours_external:index")
    recent = TrainingRecord.objects.filter(
        kind=TrainingKind.EXTERNAL, cadre__in=cadres_visible_to(user=request.user)
    ).select_related("cadre", "cadre__unit")[:20]
    return render(
        request,
        "personnel/admin/external_hours.html",
        {"form": form, "recent": recent},
    )


# ------------------------------------------------------------- compliance


class ComplianceFilterForm(forms.Form):
    year = forms.IntegerField(
        label=gettext_lazy("Year"), min_value=2000, max_value=2100
    )
    unit = forms.ModelChoiceField(
        queryset=None, required=False, label=gettext_lazy("Unit and its sub-units")
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user=user).order_by("path")


def _compliance_frames(request):
    data = request.GET.copy()
    data.setdefault("year", str(timezone.localdate().year))
    form = ComplianceFilterForm(data, user=request.user)
    cadres = cadres_visible_to(user=request.user).filter(is_active=True)
    year = timezone.localdate().year
    if form.is_valid():
        year = form.cleaned_data["year"]
        if form.cleaned_data["unit"] is not None:
            cadres = cadres.filter(
                unit__path__startswith=form.cleaned_data["unit"].path
            )
    table, units = compliance_frames(cadres=cadres, year=year)
    return form, year, table, units


EXPORT_HEADINGS = {
    "unit_name": gettext_lazy("Unit"),
    "headcount": gettext_lazy("Headcount"),
    "required_hours": gettext_lazy("Required hours"),
    "completed_hours": gettext_lazy("Completed hours"),
    "rate": gettext_lazy("Completion rate"),
    "behind": gettext_lazy("Behind"),
    "name": pgettext_lazy("person", "Name"),
    "employee_no": gettext_lazy("Staff number"),
    "rank": gettext_lazy("Rank"),
    "online_hours": gettext_lazy("Online hours"),
    "online_required": gettext_lazy("Online hours required"),
    "met": gettext_lazy("Met"),
}


def _export(table: pd.DataFrame, units: pd.DataFrame, year: int) -> HttpResponse:
    buffer = BytesIO()
    people = table.drop(columns=["cadre_id", "unit_id"]).copy()
    people["met"] = people["met"].map({True: _("Yes"), False: _("No")})
    with pd.ExcelWriter(buffer, engine="openpyxl") as writer:
        for frame, sheet in (
            (units.drop(columns=["unit_id"]), _("By unit")),
            (people, _("By cadre")),
            (people[table["met"] == False], _("Behind")),  # noqa: E712
        ):
            frame = frame.astype(object).rename(
                columns={k: str(v) for k, v in EXPORT_HEADINGS.items()}
            )
            frame.to_excel(writer, sheet_name=sheet, index=False)
    response = HttpResponse(
        buffer.getvalue(),
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="compliance-{year}.xlsx"'
    return response


def compliance_view(request):
    _require(request, "personnel.view_trainingrecord")
    form, year, table, units = _compliance_frames(request)
    if request.GET.get("export") == "xlsx":
        return _export(table, units, year)
    behind = table[table["met"] == False]  # noqa: E712 - pandas mask
    return render(
        request,
        "personnel/admin/compliance.html",
        {
            "form": form,
            "year": year,
            "units": units.to_dict("records"),
            "behind": behind.to_dict("records"),
            "headcount": len(table),
            "behind_count": len(behind),
            "export_query": request.GET.urlencode(),
        },
    )


class PermissionMenuViewSet(ViewSet):
    """A plain admin view with a menu entry shown only to holders of
    ``permission``."""

    permission = ""
    view = None

    def get_urlpatterns(self):
        return [path("", type(self).view, name="index")]

    def get_menu_item(self, order=None):
        permission = self.permission

        class Item(MenuItem):
            def is_shown(self, request):
                return request.user.has_perm(permission)

        return Item(
            label=self.menu_label,
            url=self.menu_url,
            name=self.menu_name,
            icon_name=self.menu_icon,
            order=self.get_menu_item_order(order),
        )


class ExternalHoursViewSet(PermissionMenuViewSet):
    menu_label = gettext_lazy("External training hours")
    icon = "doc-full-inverse"
    permission = "personnel.add_trainingrecord"
    view = staticmethod(external_hours_view)


class ComplianceViewSet(PermissionMenuViewSet):
    menu_label = gettext_lazy("Hours compliance")
    icon = "table"
    permission = "personnel.view_trainingrecord"
    view = staticmethod(compliance_view)


class HoursGroup(ViewSetGroup):
    menu_label = gettext_lazy("Training hours")
    menu_icon = "time"
    menu_order = 170
    items = (
        ComplianceViewSet("personnel_hours_compliance", url_prefix="hours/compliance"),
        ExternalHoursViewSet("personnel_hours_external", url_prefix="hours/external"),
        HourRequirementViewSet("personnel_hourrequirement"),
    )


@hooks.register("register_admin_viewset")
def register_hours():
    return HoursGroup()
