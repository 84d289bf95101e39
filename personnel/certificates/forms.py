from django import forms
from django.utils.translation import gettext_lazy as _

from ..models import Unit
from ..models.certificates import SubjectType
from ..selectors import units_visible_to
from .selectors import code_normalise
from .services import CODE_LENGTH


class VerifyForm(forms.Form):
    code = forms.CharField(
        label=_("Verification code"),
        max_length=40,
        help_text=_(
            "The 16 letters and digits under the QR code, e.g. ABCD-EFGH-JKLM-NPQR."
        ),
    )

    def clean_code(self):
        code = code_normalise(self.cleaned_data["code"])
        if len(code) != CODE_LENGTH:
            raise forms.ValidationError(
                _("A verification code has %(n)s letters and digits; you typed %(m)s.")
                % {"n": CODE_LENGTH, "m": len(code)}
            )
        return code


class BatchPrintForm(forms.Form):
    unit = forms.ModelChoiceField(
        label=_("Unit (with units below it)"),
        queryset=Unit.objects.none(),
        required=False,
    )
    subject_type = forms.ChoiceField(
        label=_("For"),
        required=False,
        choices=[("", _("Courses, classes and exams"))] + SubjectType.choices,
    )
    subject_query = forms.CharField(
        label=_("Course, class or exam"),
        required=False,
        max_length=100,
        help_text=_("Part of its title, or its id."),
    )
    date_from = forms.DateField(
        label=_("Issued from"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    date_to = forms.DateField(
        label=_("Issued until"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = units_visible_to(user=user).order_by("path")

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("date_from"), cleaned.get("date_to")
        if start and end and start > end:
            self.add_error("date_to", _("The end date is before the start date."))
        return cleaned


class RevokeForm(forms.Form):
    reason = forms.CharField(
        label=_("Reason"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=500,
        help_text=_("Shown on the public verification page."),
    )
    reissue = forms.BooleanField(
        label=_("Issue a corrected certificate in its place"),
        required=False,
        help_text=_(
            "The new certificate gets a new number and today's name, unit and template."
        ),
    )
