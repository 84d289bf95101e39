from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..admin_forms import UnitChoiceField
from ..choices import Rank
from ..models import AppraisalGrade, CompetencyDimension, TalentPool, Team, Unit


class TalentPoolForm(forms.ModelForm):
    """The pool's criteria and weights; one minimum-score field per
    competency dimension (``dim_<id>``), stored in dimension_minimums."""

    teams = forms.ModelMultipleChoiceField(
        label=_("Teams"),
        queryset=Team.objects.all(),
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    ranks = forms.MultipleChoiceField(
        label=_("Ranks"),
        choices=Rank.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )
    unit = UnitChoiceField(
        label=_("Unit (with units below it)"),
        queryset=Unit.objects.order_by("path"),
        required=False,
    )
    min_hours = forms.DecimalField(
        label=_("Minimum training hours"),
        min_value=0,
        max_digits=6,
        decimal_places=1,
        required=False,
    )
    hours_full_marks = forms.DecimalField(
        label=_("Hours that earn full marks"),
        max_digits=6,
        decimal_places=1,
        initial=150,
        help_text=_("More than zero: this many hours earn the full 100 points."),
    )
    appraisal_grades = forms.MultipleChoiceField(
        label=_("Latest appraisal grade is one of"),
        choices=AppraisalGrade.choices,
        widget=forms.CheckboxSelectMultiple,
        required=False,
    )

    class Meta:
        model = TalentPool
        fields = [
            "name", "description", "teams", "unit", "max_age", "min_education",
            "ranks", "min_hours", "hours_years", "min_exam_score",
            "appraisal_grades", "weight_exam", "weight_dimensions", "weight_hours",
            "weight_appraisal", "weight_certificates", "hours_full_marks",
        ]  # fmt: skip

    def __init__(self, *args, units=None, **kwargs):
        super().__init__(*args, **kwargs)
        if units is not None:
            self.fields["unit"].queryset = units.order_by("path")
        minimums = (self.instance.dimension_minimums or {}) if self.instance else {}
        dims = CompetencyDimension.objects.select_related("framework__team")
        for dim in dims:
            self.fields[f"dim_{dim.pk}"] = forms.DecimalField(
                label=_("Minimum score: %(team)s · %(dimension)s")
                % {"team": dim.framework.team.name, "dimension": dim.name},
                min_value=0,
                max_value=100,
                required=False,
                initial=minimums.get(str(dim.pk)),
            )

    def dimension_fields(self):
        return [self[name] for name in self.fields if name.startswith("dim_")]

    def clean_hours_full_marks(self):
        value = self.cleaned_data["hours_full_marks"]
        if value is not None and value <= 0:
            raise forms.ValidationError(_("Give a number of hours above zero."))
        return value

    def clean(self):
        data = super().clean()
        weights = [
            data.get(f) or 0 for f in self.Meta.fields if f.startswith("weight_")
        ]
        if not any(weights):
            raise forms.ValidationError(_("Give at least one weight above zero."))
        return data

    def save(self, commit=True):
        self.instance.dimension_minimums = {
            name.removeprefix("dim_"): float(value)
            for name, value in self.cleaned_data.items()
            if name.startswith("dim_") and value is not None
        }
        return super().save(commit=commit)


class SnapshotForm(forms.Form):
    label = forms.CharField(label=_("Selection round"), max_length=100)
    taken_on = forms.DateField(
        label=_("Date"),
        # A date input takes ISO dates only, whatever the language's format.
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    )


class OverrideForm(forms.Form):
    employee_no = forms.CharField(label=_("Staff number"), max_length=30)
    action = forms.ChoiceField(
        label=_("Action"),
        choices=[
            ("pin", _("Pin")),
            ("exclude", _("Exclude")),
            ("clear", pgettext_lazy("talent pool override", "Clear")),
        ],
    )
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)
