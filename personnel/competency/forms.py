from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from ..admin_forms import UnitChoiceField
from ..models import AppraisalGrade, Team, Unit


class HRNoteForm(forms.Form):
    text = forms.CharField(
        label=_("New note"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )


class AppraisalForm(forms.Form):
    year = forms.IntegerField(label=_("Year"), min_value=1990, max_value=2100)
    grade = forms.ChoiceField(label=_("Grade"), choices=AppraisalGrade.choices)


class AppraisalImportForm(forms.Form):
    file = forms.FileField(
        label=_("Workbook (.xlsx)"),
        help_text=_("Columns 工号 (staff number), 年度 (year), 考核等次 (grade)."),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if not upload.name.lower().endswith(".xlsx"):
            raise forms.ValidationError(_("Upload an .xlsx workbook."))
        if upload.size > 5 * 1024 * 1024:
            raise forms.ValidationError(_("The file is larger than 5 MB."))
        return upload


class CadreFilterForm(forms.Form):
    """Search and filters of the profile list; the units offered are the
    viewer's, in tree order."""

    q = forms.CharField(
        label=_("Name or staff number"),
        required=False,
        widget=forms.TextInput(
            attrs={"type": "search", "placeholder": _("Name or staff number")}
        ),
    )
    unit = UnitChoiceField(
        label=_("Unit (with units below it)"),
        queryset=Unit.objects.none(),
        required=False,
        empty_label=_("All units I may see"),
    )
    team = forms.ModelChoiceField(
        label=_("Team"),
        queryset=Team.objects.order_by("id"),
        required=False,
        empty_label=_("All teams"),
    )

    def __init__(self, *args, units, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units.order_by("path")

    def filter(self, cadres):
        """``cadres`` narrowed by the valid filters (invalid ones are shown
        as field errors and left out)."""
        self.is_valid()
        data = getattr(self, "cleaned_data", {})
        if query := (data.get("q") or "").strip():
            cadres = cadres.filter(Q(name__contains=query) | Q(employee_no=query))
        if unit := data.get("unit"):
            cadres = cadres.filter(unit__path__startswith=unit.path)
        if team := data.get("team"):
            cadres = cadres.filter(teams=team)
        return cadres
