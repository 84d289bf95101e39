"""Wagtail admin views for units and cadres, scoped by the user's units."""

import datetime as dt

import django_filters
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.functional import cached_property
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.filters import WagtailFilterSet
from wagtail.admin.ui.tables import Column
from wagtail.admin.views import generic
from wagtail.admin.widgets.button import HeaderButton

from .admin_forms import RosterImportForm
from .choices import Rank
from .errors import RosterImportError
from .models import Cadre, Team
from .roster import RosterFileError
from .selectors import cadres_visible_to, units_visible_to
from .services import roster_export, roster_import, roster_template, scope_label

AGE_BANDS = [
    ("under35", _("Under 35")),
    ("35to44", _("35–44")),
    ("45to54", _("45–54")),
    ("55plus", _("55 and over")),
]
AGE_LIMITS = {
    "under35": (0, 34),
    "35to44": (35, 44),
    "45to54": (45, 54),
    "55plus": (55, 99),
}


def _birth_range(band: str) -> tuple[dt.date, dt.date]:
    """Birth dates of people whose age today falls in the band."""
    today = timezone.localdate()
    youngest, oldest = AGE_LIMITS[band]
    latest = today.replace(year=today.year - youngest)
    earliest = today.replace(year=today.year - oldest - 1) + dt.timedelta(days=1)
    return earliest, latest


class CadreFilterSet(WagtailFilterSet):
    unit = django_filters.ModelChoiceFilter(
        label=_("Unit (with units below it)"),
        queryset=lambda request: units_visible_to(user=request.user).order_by("path"),
        method="filter_unit",
    )
    teams = django_filters.ModelChoiceFilter(
        label=_("Team"), queryset=Team.objects.all(), field_name="teams"
    )
    rank = django_filters.ChoiceFilter(label=_("Rank"), choices=Rank.choices)
    age_band = django_filters.ChoiceFilter(
        label=_("Age"), choices=AGE_BANDS, method="filter_age"
    )

    class Meta:
        model = Cadre
        fields = ["unit", "teams", "rank", "age_band", "is_active"]

    def filter_unit(self, queryset, name, value):
        return queryset.filter(unit__path__startswith=value.path)

    def filter_age(self, queryset, name, value):
        earliest, latest = _birth_range(value)
        return queryset.filter(birth_date__range=(earliest, latest))


class ScopeCheckMixin:
    """The object a view is about must lie in ``scope_queryset()`` (the
    user's units), or the view answers 404, even for a typed URL."""

    def get_object(self, *args, **kwargs):
        # Some generic views look the object up on the model directly;
        # check the scope here so no view can bypass it.
        obj = super().get_object(*args, **kwargs)
        if not self.scope_queryset().filter(pk=obj.pk).exists():
            raise Http404
        return obj


class ScopedObjectMixin(ScopeCheckMixin):
    """Every view reads through ``get_base_queryset`` (the user's scope): a
    unit administrator gets 404 for anything outside their subtree."""

    def get_queryset(self):
        if isinstance(self, generic.IndexView):
            return super().get_queryset()
        return self.get_base_queryset()

    def get_base_object_queryset(self):
        return self.get_base_queryset()

    def scope_queryset(self):
        return self.get_base_queryset()


class ScopedCadreMixin(ScopedObjectMixin):
    def get_base_queryset(self):
        return cadres_visible_to(user=self.request.user).select_related("unit")


class CadreIndexView(ScopedCadreMixin, generic.IndexView):
    def get_base_queryset(self):
        return super().get_base_queryset().prefetch_related("teams")

    @cached_property
    def list_display(self):
        show_id = self.request.user.has_perm("personnel.view_id_number")
        return [
            "name",
            "employee_no",
            Column(
                "id_number",
                label=_("ID number"),
                accessor="id_number" if show_id else "masked_id_number",
            ),
            Column("unit", label=_("Unit"), accessor="unit"),
            Column("rank", label=_("Rank"), accessor="get_rank_display"),
            Column(
                "teams",
                label=_("Teams"),
                accessor=lambda c: "、".join(t.name for t in c.teams.all()),
            ),
            Column("age", label=_("Age"), accessor="age_on"),
        ]

    @cached_property
    def header_more_buttons(self):
        buttons = list(super().header_more_buttons)
        query = self.request.GET.urlencode()
        buttons.append(
            HeaderButton(
                _("Export roster (.xlsx)"),
                url=reverse("personnel_roster_export") + f"?{query}",
                icon_name="download",
            )
        )
        if self.request.user.has_perms(
            ["personnel.add_cadre", "personnel.change_cadre"]
        ):
            buttons.append(
                HeaderButton(
                    _("Import roster"),
                    url=reverse("personnel_roster_import"),
                    icon_name="upload",
                )
            )
        return buttons

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["scope_label"] = scope_label(user=self.request.user)
        return context

    def render_to_response(self, context, **response_kwargs):
        # Wagtail's own ?export=csv|xlsx knows nothing of masked ID numbers
        # and wrote blank files: the roster export (scoped, masked, the
        # import template's columns) answers instead, with the same filters.
        if self.is_export:
            query = self.request.GET.copy()
            query.pop("export", None)
            url = reverse("personnel_roster_export")
            return redirect(f"{url}?{query.urlencode()}" if query else url)
        return super().render_to_response(context, **response_kwargs)


class CadreEditView(ScopedCadreMixin, generic.EditView):
    pass


class CadreDeleteView(ScopedCadreMixin, generic.DeleteView):
    pass


class CadreInspectView(ScopedCadreMixin, generic.InspectView):
    pass


class CadreHistoryView(ScopeCheckMixin, generic.history.HistoryView):
    """A cadre's change history: only for cadres in the user's units (the
    listing itself is of log entries, so only the lookup is scoped)."""

    def scope_queryset(self):
        return cadres_visible_to(user=self.request.user)


class CadreUsageView(ScopeCheckMixin, generic.usage.UsageView):
    """Where a cadre is referenced (exam accommodations, …): only for cadres
    in the user's units."""

    def scope_queryset(self):
        return cadres_visible_to(user=self.request.user)


class ScopedUnitMixin(ScopedObjectMixin):
    def get_base_queryset(self):
        return units_visible_to(user=self.request.user)


class UnitIndexView(ScopedUnitMixin, generic.IndexView):
    default_ordering = "path"

    @cached_property
    def list_display(self):
        return [
            Column(
                "name",
                label=pgettext_lazy("unit", "Name"),
                accessor=lambda u: "　" * (u.depth - 1) + u.name,
            ),
            "code",
            Column("kind", label=_("Kind"), accessor="get_kind_display"),
        ]


class UnitEditView(ScopedUnitMixin, generic.EditView):
    pass


class UnitDeleteView(ScopedUnitMixin, generic.DeleteView):
    pass


class UnitHistoryView(ScopeCheckMixin, generic.history.HistoryView):
    def scope_queryset(self):
        return units_visible_to(user=self.request.user)


class UnitUsageView(ScopeCheckMixin, generic.usage.UsageView):
    def scope_queryset(self):
        return units_visible_to(user=self.request.user)


def _require(request, *perms):
    if not request.user.has_perms(perms):
        raise PermissionDenied


def roster_import_view(request):
    _require(request, "personnel.add_cadre", "personnel.change_cadre")
    form = RosterImportForm(request.POST or None, request.FILES or None)
    errors, file_error = [], None
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        try:
            result = roster_import(
                content=upload.read(), filename=upload.name, user=request.user
            )
        except RosterFileError as exc:
            file_error = str(exc)
        except RosterImportError as exc:
            errors = exc.errors
        else:
            messages.success(
                request,
                _("Roster imported: %(created)d new cadres, %(updated)d updated.")
                % {"created": result.created, "updated": result.updated},
            )
            return redirect("personnel_cadre:index")
    return render(
        request,
        "personnel/admin/roster_import.html",
        {
            "form": form,
            "errors": errors,
            "file_error": file_error,
            "scope_label": scope_label(user=request.user),
        },
    )


def roster_template_view(request):
    _require(request, "personnel.add_cadre")
    return _xlsx_response(roster_template(), "roster-template.xlsx")


def roster_export_view(request):
    _require(request, "personnel.view_cadre")
    queryset = cadres_visible_to(user=request.user)
    filterset = CadreFilterSet(request.GET or None, queryset=queryset, request=request)
    cadres = filterset.qs if filterset.is_bound and filterset.is_valid() else queryset
    # The list's search box (the export button carries the list's query).
    if search := request.GET.get("q", "").strip():
        cadres = cadres.filter(
            Q(name__icontains=search) | Q(employee_no__icontains=search)
        )
    stamp = timezone.localdate().isoformat()
    return _xlsx_response(
        roster_export(cadres=cadres, user=request.user), f"roster-{stamp}.xlsx"
    )


def _xlsx_response(content: bytes, filename: str) -> HttpResponse:
    response = HttpResponse(
        content,
        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    )
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
