from .certificates import admin as certificate_admin  # noqa: F401, I001
from .reports import wagtail_admin as hr_reports_admin  # noqa: F401, I001
from . import admin_hours  # noqa: F401, I001
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import MenuItem
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views
from .admin_forms import CadreForm, UnitForm
from .choosers import cadre_chooser_viewset
from .models import Cadre, Unit
from .panels import scope_panel_for


class UnitViewSet(ModelViewSet):
    model = Unit
    icon = "site"
    menu_label = _("Units")
    menu_order = 100
    index_view_class = admin_views.UnitIndexView
    edit_view_class = admin_views.UnitEditView
    delete_view_class = admin_views.UnitDeleteView
    history_view_class = admin_views.UnitHistoryView
    usage_view_class = admin_views.UnitUsageView
    copy_view_enabled = False
    search_fields = ["name", "code"]
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return UnitForm


class CadreViewSet(ModelViewSet):
    model = Cadre
    icon = "user"
    menu_label = _("Cadres")
    menu_order = 200
    index_view_class = admin_views.CadreIndexView
    edit_view_class = admin_views.CadreEditView
    delete_view_class = admin_views.CadreDeleteView
    inspect_view_class = admin_views.CadreInspectView
    history_view_class = admin_views.CadreHistoryView
    usage_view_class = admin_views.CadreUsageView
    inspect_view_enabled = True
    inspect_view_fields = [
        "employee_no",
        "name",
        "masked_id_number",
        "gender",
        "birth_date",
        "education",
        "rank",
        "position",
        "unit",
        "teams",
        "joined_on",
        "phone",
    ]
    copy_view_enabled = False
    filterset_class = admin_views.CadreFilterSet
    search_fields = ["name", "employee_no"]
    list_per_page = 50

    def get_form_class(self, for_update=False):
        return CadreForm


class OrganisationGroup(ViewSetGroup):
    menu_label = _("Organisation & people")
    menu_icon = "group"
    menu_order = 150
    items = (UnitViewSet("personnel_unit"), CadreViewSet("personnel_cadre"))


@hooks.register("register_admin_viewset")
def register_organisation():
    return OrganisationGroup()


@hooks.register("register_admin_urls")
def register_roster_urls():
    return [
        path(
            "personnel/roster/import/",
            admin_views.roster_import_view,
            name="personnel_roster_import",
        ),
        path(
            "personnel/roster/template/",
            admin_views.roster_template_view,
            name="personnel_roster_template",
        ),
        path(
            "personnel/roster/export/",
            admin_views.roster_export_view,
            name="personnel_roster_export",
        ),
    ]


class RosterImportMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perms(["personnel.add_cadre", "personnel.change_cadre"])


@hooks.register("register_admin_menu_item")
def roster_import_menu_item():
    return RosterImportMenuItem(
        _("Import roster"),
        reverse("personnel_roster_import"),
        icon_name="upload",
        order=160,
    )


@hooks.register("register_admin_viewset")
def register_cadre_chooser():
    return cadre_chooser_viewset


@hooks.register("construct_homepage_panels")
def scope_panel(request, panels):
    """HR and unit administrators start from their scope's figures."""
    panel = scope_panel_for(request.user)
    if panel is not None:
        panels.insert(0, panel)
