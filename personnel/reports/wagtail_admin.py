"""Wagtail admin wiring for competency profiles, talent pools and reports:
the "Talent & reports" (人才与报表) menu, HR's pages and two model viewsets.

Imported once from personnel/wagtail_hooks.py.
"""

from django.urls import include, path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.panels import FieldPanel, InlinePanel
from wagtail.admin.viewsets.model import ModelViewSet

from ..choosers import cadre_chooser_viewset
from ..competency import views as competency_views
from ..models import Appraisal, CompetencyFramework
from ..talent import views as talent_views
from . import views as report_views
from .access import can_view_reports, is_hr


class CompetencyFrameworkViewSet(ModelViewSet):
    model = CompetencyFramework
    icon = "list-ul"
    menu_label = _("Competency frameworks")
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = ["name", "team"]
    panels = [
        FieldPanel("team"),
        FieldPanel("name"),
        FieldPanel("description"),
        InlinePanel("dimensions", label=_("Dimensions"), min_num=1),
    ]


class AppraisalViewSet(ModelViewSet):
    model = Appraisal
    icon = "pick"
    menu_label = _("Annual appraisals")
    add_to_admin_menu = False
    copy_view_enabled = False
    list_display = ["cadre", "year", "grade"]
    list_filter = ["year", "grade"]
    search_fields = ["cadre__name", "cadre__employee_no"]
    panels = [
        FieldPanel("cadre", widget=cadre_chooser_viewset.widget_class),
        FieldPanel("year"),
        FieldPanel("grade"),
        FieldPanel("note"),
    ]


frameworks = CompetencyFrameworkViewSet("competency_frameworks")
appraisals = AppraisalViewSet("appraisals")


@hooks.register("register_admin_viewset")
def register_competency_viewsets():
    return [frameworks, appraisals]


hr_urls = [
    path("cadres/", competency_views.cadre_list, name="cadres"),
    path("cadres/<int:pk>/", competency_views.profile, name="profile"),
    path("cadres/<int:pk>/pdf/", competency_views.profile_pdf, name="profile_pdf"),
    path(
        "appraisals/import/",
        competency_views.appraisal_import,
        name="appraisal_import",
    ),
    path("pools/", talent_views.pool_list, name="pools"),
    path("pools/add/", talent_views.pool_edit, name="pool_add"),
    path("pools/<int:pk>/", talent_views.pool_detail, name="pool"),
    path("pools/<int:pk>/edit/", talent_views.pool_edit, name="pool_edit"),
    path("pools/<int:pk>/override/", talent_views.pool_override, name="pool_override"),
    path("pools/<int:pk>/snapshot/", talent_views.pool_snapshot, name="pool_snapshot"),
    path("snapshots/<int:pk>/", talent_views.snapshot_detail, name="snapshot"),
    path("reports/", report_views.index, name="reports"),
    path("reports/compliance/", report_views.compliance, name="report_compliance"),
    path("reports/teams/", report_views.teams, name="report_teams"),
    path("reports/jobs/<int:pk>/", report_views.job_detail, name="report_job"),
    path(
        "reports/jobs/<int:pk>/status/",
        report_views.job_status,
        name="report_job_status",
    ),
    path(
        "reports/jobs/<int:pk>/download/",
        report_views.job_download,
        name="report_job_download",
    ),
]


@hooks.register("register_admin_urls")
def register_hr_urls():
    return [path("hr/", include((hr_urls, "hr"), namespace="hr"))]


class _LinkItem(MenuItem):
    """A menu item shown to those ``check`` allows, its URL reversed late
    (the admin URLconf is not ready when menus are registered)."""

    def __init__(self, label, url_name, check, **kwargs):
        self.url_name = url_name
        self.check = check
        super().__init__(label, "#", **kwargs)

    def is_shown(self, request):
        return self.check(request.user)

    def render_component(self, request):
        self.url = reverse(self.url_name)
        return super().render_component(request)


@hooks.register("register_admin_menu_item")
def register_talent_menu():
    entries = [
        (_("Competency profiles"), "hr:cadres", can_view_reports, "user"),
        (_("Talent pools"), "hr:pools", is_hr, "group"),
        (_("Reports"), "hr:reports", can_view_reports, "table"),
        (
            _("Competency frameworks"),
            frameworks.get_url_name("index"),
            is_hr,
            "list-ul",
        ),
        (_("Annual appraisals"), appraisals.get_url_name("index"), is_hr, "pick"),
    ]
    items = [
        _LinkItem(label, url_name, check, icon_name=icon, order=index * 10)
        for index, (label, url_name, check, icon) in enumerate(entries, start=1)
    ]
    return SubmenuMenuItem(
        _("Talent & reports"), Menu(items=items), icon_name="table", order=350
    )
