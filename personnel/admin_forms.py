from django import forms
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.contrib.auth.password_validation import validate_password
from django.utils.translation import gettext_lazy as _
from wagtail.admin.forms import WagtailAdminModelForm

from . import roles
from .models import Cadre, Unit
from .selectors import units_visible_to


class UnitChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj):
        return "　" * (obj.depth - 1) + obj.name


class CadreForm(WagtailAdminModelForm):
    """Cadre edit form; the unit list is limited to what the user may see,
    and a new cadre gets a sign-in account named by their staff number."""

    unit = UnitChoiceField(queryset=Unit.objects.none(), label=_("Unit"))
    new_password = forms.CharField(
        label=_("Set password"),
        required=False,
        widget=forms.PasswordInput(render_value=False),
        help_text=_("Leave empty to keep the current password."),
    )

    class Meta:
        model = Cadre
        fields = [
            "employee_no",
            "name",
            "id_number",
            "gender",
            "birth_date",
            "education",
            "rank",
            "position",
            "unit",
            "teams",
            "joined_on",
            "phone",
            "is_active",
        ]
        widgets = {"teams": forms.CheckboxSelectMultiple}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        user = getattr(self, "for_user", None)
        units = units_visible_to(user=user) if user else Unit.objects.none()
        self.fields["unit"].queryset = units.order_by("path")
        # Without the full-ID permission the number stays masked here too:
        # sent back unchanged it keeps the stored number; a full new number
        # replaces it.
        self._id_masked = bool(
            self.instance.pk and user and not user.has_perm("personnel.view_id_number")
        )
        if self._id_masked:
            self.initial["id_number"] = self.instance.masked_id_number
            self.fields["id_number"].help_text = _(
                "Shown masked. Leave it as it is to keep the number, or type "
                "the full new number to change it."
            )
        if self.instance.pk is None:
            self.fields["new_password"].required = True
            self.fields["new_password"].help_text = _(
                "The cadre signs in with the staff number and this password."
            )

    def clean_id_number(self):
        value = (self.cleaned_data.get("id_number") or "").strip()
        if self._id_masked and value == self.instance.masked_id_number:
            return self.instance.id_number
        return value

    def clean_new_password(self):
        password = self.cleaned_data.get("new_password")
        if password:
            validate_password(password)
        return password

    def save(self, commit=True):
        cadre = super().save(commit=False)
        password = self.cleaned_data.get("new_password")
        if cadre.user_id is None:
            user, _created = get_user_model().objects.get_or_create(
                username=cadre.employee_no, defaults={"first_name": cadre.name}
            )
            user.groups.add(Group.objects.get(name=roles.GROUP_NAMES[roles.LEARNER]))
            cadre.user = user
        if password:
            cadre.user.set_password(password)
            cadre.user.save(update_fields=["password"])
        if commit:
            cadre.save()
            self.save_m2m()
        return cadre


class UnitForm(WagtailAdminModelForm):
    parent = UnitChoiceField(
        queryset=Unit.objects.order_by("path"), required=False, label=_("Parent unit")
    )

    class Meta:
        model = Unit
        fields = ["name", "code", "kind"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["parent"].initial = self.instance.get_parent()
            descendants = Unit.get_tree(self.instance).values_list("pk", flat=True)
            self.fields["parent"].queryset = Unit.objects.exclude(
                pk__in=list(descendants)
            ).order_by("path")

    def clean_parent(self):
        parent = self.cleaned_data.get("parent")
        if parent is None and (self.instance.pk is None or not self.instance.is_root()):
            if Unit.get_root_nodes().exists():
                raise forms.ValidationError(_("Choose the unit this one belongs to."))
        return parent

    def save(self, commit=True):
        unit = super().save(commit=False)
        parent = self.cleaned_data.get("parent")
        if unit.pk is None:
            if parent is None:
                return Unit.add_root(instance=unit)
            return Unit.objects.get(pk=parent.pk).add_child(instance=unit)
        unit.save()
        if parent is not None and unit.get_parent() != parent:
            unit.move(Unit.objects.get(pk=parent.pk), pos="sorted-child")
            unit.refresh_from_db()
        return unit


class RosterImportForm(forms.Form):
    file = forms.FileField(
        label=_("Roster file"),
        help_text=_("An .xlsx or .csv file with the template's columns."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith((".xlsx", ".csv")):
            raise forms.ValidationError(_("Upload an .xlsx or .csv file."))
        if upload.size > 10 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 10 MB."))
        return upload
