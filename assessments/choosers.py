"""A question chooser for the fixed questions of an exam: searches the question
text (a substring match, as Chinese is not split into words), filters by bank
and type, and lists type, difficulty and points so that a trainer picks from
tens of thousands of questions without a select of all of them."""

import html

from django import forms
from django.core.exceptions import PermissionDenied
from django.db.models import Q
from django.utils.html import strip_tags
from django.utils.text import Truncator, capfirst
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from wagtail.admin.forms.choosers import BaseFilterForm
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic.chooser import (
    ChooseResultsView,
    ChooseView,
    ChosenMultipleView,
    ChosenView,
)
from wagtail.admin.viewsets.chooser import ChooserViewSet

from .choices import QuestionType
from .models import Question, QuestionBank


def question_title(question: Question, length: int = 60) -> str:
    """The question as trainers know it: its text, plain and cut short (the
    short name alone, such as "ph", says little in a list)."""
    text = " ".join(html.unescape(strip_tags(question.stem)).split())
    return Truncator(text).chars(length)


class QuestionSearchForm(BaseFilterForm):
    q = forms.CharField(
        label=_("Question text"),
        required=False,
        widget=forms.TextInput(attrs={"placeholder": _("Words of the question")}),
    )
    bank = forms.ModelChoiceField(
        label=_("Question bank"),
        queryset=QuestionBank.objects.order_by("name"),
        required=False,
        empty_label=_("All banks"),
    )
    qtype = forms.ChoiceField(
        label=pgettext_lazy("question", "Type"),
        choices=[("", pgettext_lazy("question", "All types")), *QuestionType.choices],
        required=False,
    )

    def filter(self, objects):
        objects = super().filter(objects)
        if bank := self.cleaned_data.get("bank"):
            objects = objects.filter(bank=bank)
        if qtype := self.cleaned_data.get("qtype"):
            objects = objects.filter(qtype=qtype)
        query = (self.cleaned_data.get("q") or "").strip()
        if query:
            objects = objects.filter(
                Q(stem__icontains=query) | Q(name__icontains=query)
            )
            self.is_searching, self.search_query = True, query
        return objects


_short_name = Question._meta.get_field("name").verbose_name


class _QuestionAccess:
    """Whoever may list questions in the admin may list them here."""

    def dispatch(self, request, *args, **kwargs):
        if not request.user.has_perm("assessments.view_question"):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)


class _QuestionsInUse(_QuestionAccess):
    filter_form_class = QuestionSearchForm

    def get_object_list(self):
        # As the draw rules do: questions taken out of use are not offered.
        return Question.objects.filter(is_active=True).select_related("bank")

    @property
    def title_column(self):
        column = super().title_column
        column.label, column.accessor = _("Question text"), question_title
        return column

    @property
    def columns(self):
        return [
            *super().columns,
            Column("name", label=capfirst(_short_name), accessor="name"),
            Column("bank", label=_("Question bank"), accessor="bank"),
            Column(
                "qtype",
                label=pgettext_lazy("question", "Type"),
                accessor="get_qtype_display",
            ),
            Column("difficulty", label=_("Difficulty"), accessor="difficulty"),
            Column("points", label=_("Points"), accessor="points"),
        ]


class QuestionChooseView(_QuestionsInUse, ChooseView):
    ordering = ["bank__name", "qtype", "pk"]


class QuestionChooseResultsView(_QuestionsInUse, ChooseResultsView):
    ordering = ["bank__name", "qtype", "pk"]


class QuestionChosenView(_QuestionAccess, ChosenView):
    pass


class QuestionChosenMultipleView(_QuestionAccess, ChosenMultipleView):
    pass


class QuestionChooserViewSet(ChooserViewSet):
    model = Question
    icon = "help"
    choose_one_text = _("Choose a question")
    choose_another_text = _("Choose another question")
    per_page = 30
    register_widget = False
    choose_view_class = QuestionChooseView
    choose_results_view_class = QuestionChooseResultsView
    chosen_view_class = QuestionChosenView
    chosen_multiple_view_class = QuestionChosenMultipleView


question_chooser_viewset = QuestionChooserViewSet("question_chooser")


class _PreloadedChooser:
    """A chooser widget that shows a chosen item from ``preloaded`` (filled by
    the form, one query for all its rows) rather than one query per row."""

    preloaded: dict | None = None

    def get_instance(self, value):
        if self.preloaded is not None and str(value) in self.preloaded:
            return self.preloaded[str(value)]
        return super().get_instance(value)


def preloaded_chooser(widget_class):
    return type(
        f"Preloaded{widget_class.__name__}", (_PreloadedChooser, widget_class), {}
    )
