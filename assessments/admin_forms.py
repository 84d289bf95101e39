"""Forms of the Wagtail admin for banks, questions, exams, marking, reviews."""

from decimal import Decimal

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms import WagtailAdminModelForm

from .choices import CHOICE_TYPES, QuestionType
from .models import PaperItem, QuestionBank


class LinesField(forms.CharField):
    """A list of strings edited as one item per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(value)
        return value

    def to_python(self, value):
        text = super().to_python(value) or ""
        return [line.strip() for line in text.splitlines() if line.strip()]


def question_key(question, choices=None) -> tuple:
    """Everything grading depends on, to tell whether an edit changed the key.

    ``choices`` are (pk, fraction) pairs, pk None for a new option; without
    them the question's stored options are read.
    """
    if choices is None:
        choices = [(c.pk, c.fraction) for c in question.choices.all()]
    return (
        question.qtype,
        tuple(sorted(choices, key=lambda c: (c[0] is None, c[0] or 0, c[1]))),
        question.correct_bool,
        tuple(question.accepted_answers or []),
        question.numeric_tolerance,
    )


class TrueFalseKeySelect(forms.NullBooleanSelect):
    """The key of a true/false question in the words of the paper (正确 /
    错误), not Django's 是 / 否 / 未知."""

    def __init__(self, attrs=None):
        super().__init__(attrs)
        self.choices = (
            ("unknown", "—"),
            ("true", pgettext_lazy("true/false answer", "True")),
            ("false", pgettext_lazy("true/false answer", "False")),
        )


class QuestionForm(WagtailAdminModelForm):
    accepted_answers = LinesField(
        label=_("Accepted answers"),
        required=False,
        help_text=_("Fill in the blank: one accepted answer per line."),
    )
    regrade_reason = forms.CharField(
        label=_("Why the key changed"),
        required=False,
        max_length=300,
        help_text=_(
            "If you correct the key of a question that candidates have already "
            "answered, every such attempt is regraded and this reason is recorded."
        ),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "correct_bool" in self.fields:
            self.fields["correct_bool"].widget = TrueFalseKeySelect()

    def clean(self):
        cleaned = super().clean()
        qtype = cleaned.get("qtype")
        if qtype == QuestionType.TRUE_FALSE and cleaned.get("correct_bool") is None:
            self.add_error("correct_bool", _("Say whether the statement is true."))
        if qtype == QuestionType.FILL_BLANK and not cleaned.get("accepted_answers"):
            self.add_error("accepted_answers", _("Give at least one accepted answer."))
        if qtype == QuestionType.SHORT_ANSWER and not cleaned.get("reference_answer"):
            self.add_error(
                "reference_answer", _("Give a reference answer for the markers.")
            )
        return cleaned

    def is_valid(self):
        valid = super().is_valid()
        if valid and self.cleaned_data.get("qtype") in CHOICE_TYPES:
            self._check_choices()
        if valid and not self.errors:
            self._require_regrade_reason()
        return valid and not self.errors

    def _kept_choices(self) -> list[dict]:
        return [
            f.cleaned_data
            for f in self.formsets["choices"].forms
            if f.cleaned_data and not f.cleaned_data.get("DELETE")
        ]

    def _require_regrade_reason(self) -> None:
        """A changed key of a question candidates have answered regrades their
        attempts: the audit trail needs the reason, so it cannot be left out.
        (The form has applied its values to ``self.instance`` by now.)"""
        if not self.instance.pk or self.cleaned_data.get("regrade_reason", "").strip():
            return
        stored = type(self.instance).objects.get(pk=self.instance.pk)
        edited = [
            (c["id"].pk if c.get("id") else None, c.get("fraction") or Decimal("0"))
            for c in self._kept_choices()
        ]
        if question_key(self.instance, edited) == question_key(stored):
            return
        if PaperItem.objects.filter(question_id=stored.pk).exists():
            self.add_error(
                "regrade_reason",
                _(
                    "Candidates have answered this question, so changing its key "
                    "regrades their attempts: say why the key changed."
                ),
            )

    def _check_choices(self) -> None:
        choices = self._kept_choices()
        fractions = [c.get("fraction") or Decimal("0") for c in choices]
        if len(choices) < 2:
            self.add_error(None, _("A choice question needs at least two options."))
        elif not any(f > 0 for f in fractions):
            self.add_error(
                None, _("Mark at least one option as correct (fraction above 0).")
            )
        elif self.cleaned_data["qtype"] == QuestionType.SINGLE_CHOICE and max(
            fractions
        ) != Decimal("1"):
            self.add_error(
                None, _("A single-choice question needs one option with fraction 1.")
            )


class ExamForm(WagtailAdminModelForm):
    # Child rows shown with a chooser: (relation, field).
    chooser_rows = (("fixed_questions", "question"), ("named_cadres", "cadre"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for relation, field in self.chooser_rows:
            if relation in self.formsets:
                _preload_chosen(self.formsets[relation].forms, field)

    def clean(self):
        cleaned = super().clean()
        opens, closes = cleaned.get("opens_at"), cleaned.get("closes_at")
        if opens and closes and closes <= opens:
            self.add_error("closes_at", _("The exam must close after it opens."))
        return cleaned


def _preload_chosen(forms_, field: str) -> None:
    """Load the items chosen in every row in one query, for their widgets."""
    values = {str(form[field].value()) for form in forms_}
    ids = [value for value in values if value.isdigit()]
    if not ids:
        return
    model = forms_[0].fields[field].queryset.model
    loaded = {str(pk): item for pk, item in model.objects.in_bulk(ids).items()}
    for form in forms_:
        form.fields[field].widget.preloaded = loaded


class ImportForm(forms.Form):
    bank = forms.ModelChoiceField(
        label=_("Into question bank"), queryset=QuestionBank.objects.all()
    )
    file = forms.FileField(
        label=_("File"),
        help_text=_("The .xlsx template, or a Moodle GIFT text file (.gift or .txt)."),
    )


class ExportForm(forms.Form):
    bank = forms.ModelChoiceField(
        label=_("Question bank"), queryset=QuestionBank.objects.all()
    )


class MarkForm(forms.Form):
    mark = forms.DecimalField(label=_("Mark"), min_value=0, decimal_places=2)
    comment = forms.CharField(
        label=_("Comment to the candidate"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, points: Decimal, **kwargs):
        super().__init__(*args, **kwargs)
        self.points = points
        self.fields["mark"].help_text = _("0 to %(points)s") % {"points": points}

    def clean_mark(self):
        mark = self.cleaned_data["mark"]
        if mark > self.points:
            raise forms.ValidationError(
                _("The mark must be between 0 and %(points)s.")
                % {"points": self.points}
            )
        return mark


class ReviewAnswerForm(forms.Form):
    answer = forms.CharField(
        label=_("Answer to the candidate"), widget=forms.Textarea(attrs={"rows": 3})
    )


class KeyCorrectionForm(forms.Form):
    reason = forms.CharField(label=_("Why the key was corrected"), max_length=300)
