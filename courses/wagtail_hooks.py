"""Wagtail admin for courses: offline training classes (with attendance,
QR sign-in and closing) and required-course assignments."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from . import admin_views
from .forms import CourseAssignmentForm
from .models import CourseAssignment, TrainingClass


class TrainingClassViewSet(ModelViewSet):
    model = TrainingClass
    icon = "group"
    menu_label = _("Training classes")
    index_view_class = admin_views.TrainingClassIndexView
    edit_view_class = admin_views.TrainingClassEditView
    delete_view_class = admin_views.TrainingClassDeleteView
    edit_template_name = "courses/admin/class_edit.html"
    list_display = ["title", "kind", "start_date", "end_date", "organiser", "closed_at"]
    list_filter = ["kind", "closed_at"]
    search_fields = ["title", "place"]
    copy_view_enabled = False
    list_per_page = 30


class CourseAssignmentViewSet(ModelViewSet):
    model = CourseAssignment
    icon = "clipboard-list"
    menu_label = _("Required courses")
    index_view_class = admin_views.AssignmentIndexView
    add_view_class = admin_views.AssignmentCreateView
    edit_view_class = admin_views.AssignmentEditView
    inspect_view_class = admin_views.AssignmentInspectView
    delete_view_class = admin_views.AssignmentDeleteView
    form_fields = ["course", "unit", "teams", "cadres", "due_date"]
    list_display = ["course", "unit", "due_date", "enrolled_count", "assigned_at"]
    copy_view_enabled = False
    inspect_view_enabled = True

    def get_form_class(self, for_update=False):
        return CourseAssignmentForm


class TrainingGroup(ViewSetGroup):
    menu_label = _("Training")
    menu_icon = "calendar"
    menu_order = 120
    items = (
        TrainingClassViewSet("courses_trainingclass"),
        CourseAssignmentViewSet("courses_assignment"),
    )


@hooks.register("register_admin_viewset")
def register_training():
    return TrainingGroup()


@hooks.register("register_admin_urls")
def register_class_urls():
    views = [
        ("attendance", admin_views.class_attendance_view, "courses_class_attendance"),
        ("import", admin_views.class_import_view, "courses_class_import"),
        ("template", admin_views.class_template_view, "courses_class_template"),
        ("qr", admin_views.class_qr_view, "courses_class_qr"),
        ("close", admin_views.class_close_view, "courses_class_close"),
    ]
    return [
        path(f"courses/classes/<int:pk>/{slug}/", view, name=name)
        for slug, view, name in views
    ]
