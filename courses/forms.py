from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms.models import WagtailAdminModelForm
from wagtail.admin.widgets import AdminDateInput

from personnel import api as personnel_api

from .models import CourseAssignment, CoursePage


class AttendanceImportForm(forms.Form):
    file = forms.FileField(
        label=_("Attendance sheet (.xlsx)"),
        help_text=_("Download the sheet for this class, fill it in and upload it."),
    )


class CourseAssignmentForm(WagtailAdminModelForm):
    """Assign a course as required; targets are limited to what the user
    may see (a unit administrator: their unit subtree)."""

    class Meta:
        model = CourseAssignment
        fields = ["course", "unit", "teams", "cadres", "due_date"]
        widgets = {
            "teams": forms.CheckboxSelectMultiple,
            "due_date": AdminDateInput,
        }

    def __init__(self, *args, for_user=None, **kwargs):
        super().__init__(*args, for_user=for_user, **kwargs)
        self.fields["course"].queryset = CoursePage.objects.live().order_by("title")
        if for_user is not None:
            self.fields["unit"].queryset = personnel_api.units_visible_to(user=for_user)
            self.fields["cadres"].queryset = personnel_api.cadres_visible_to(
                user=for_user
            ).select_related("unit")
