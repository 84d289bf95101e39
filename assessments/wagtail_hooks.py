"""Wagtail admin: question banks, questions, exams, accommodations, and the
marking, results, review and import pages."""

from django.forms import CheckboxSelectMultiple
from django.urls import path, reverse
from django.utils.translation import gettext_lazy as _
from wagtail import hooks
from wagtail.admin.menu import Menu, MenuItem, SubmenuMenuItem
from wagtail.admin.panels import (
    FieldPanel,
    InlinePanel,
    MultiFieldPanel,
    MultipleChooserPanel,
    ObjectList,
)
from wagtail.admin.ui.tables import BooleanColumn
from wagtail.admin.viewsets.base import ViewSetGroup
from wagtail.admin.viewsets.model import ModelViewSet

from personnel import api as personnel_api

from . import admin_views
from .admin_forms import ExamForm, QuestionForm
from .choosers import preloaded_chooser, question_chooser_viewset
from .models import Accommodation, Exam, KnowledgePoint, Question, QuestionBank
from .panels import TrainerTodoPanel


class QuestionBankViewSet(ModelViewSet):
    delete_view_class = admin_views.InUseDeleteView
    model = QuestionBank
    icon = "folder-open-inverse"
    menu_label = _("Question banks")
    form_fields = ["name", "description", "teams"]
    list_display = ["name", "created_at"]
    search_fields = ["name"]
    copy_view_enabled = False


class KnowledgePointViewSet(ModelViewSet):
    delete_view_class = admin_views.InUseDeleteView
    model = KnowledgePoint
    icon = "tag"
    menu_label = _("Knowledge points")
    form_fields = ["name", "description"]
    list_display = ["name"]
    search_fields = ["name"]
    copy_view_enabled = False


class QuestionViewSet(ModelViewSet):
    delete_view_class = admin_views.InUseDeleteView
    model = Question
    icon = "help"
    menu_label = _("Questions")
    index_view_class = admin_views.QuestionIndexView
    list_display = ["stem", "name", "bank", "qtype", "difficulty", "points"]
    list_filter = ["bank", "qtype", "difficulty", "knowledge_points", "is_active"]
    search_fields = ["stem", "name"]
    list_per_page = 50
    inspect_view_enabled = True
    inspect_view_class = admin_views.QuestionInspectView
    edit_view_class = admin_views.QuestionEditView
    list_export = ["id", "bank", "qtype", "stem", "difficulty", "points"]
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("bank"),
                    FieldPanel("qtype"),
                    FieldPanel("name"),
                    FieldPanel("stem"),
                    FieldPanel("difficulty"),
                    FieldPanel("points"),
                    FieldPanel("knowledge_points", widget=CheckboxSelectMultiple),
                    FieldPanel("is_active"),
                ],
                heading=_("Question"),
            ),
            InlinePanel(
                "choices",
                heading=_("Options (single and multiple choice)"),
                panels=[
                    FieldPanel("text"),
                    FieldPanel("fraction"),
                    FieldPanel("feedback"),
                ],
            ),
            MultiFieldPanel(
                [
                    FieldPanel("correct_bool"),
                    FieldPanel("accepted_answers"),
                    FieldPanel("numeric_tolerance"),
                    FieldPanel("reference_answer"),
                ],
                heading=_("Key (other types)"),
            ),
            FieldPanel("explanation"),
            FieldPanel("regrade_reason"),
        ],
        base_form_class=QuestionForm,
    )


class ExamViewSet(ModelViewSet):
    delete_view_class = admin_views.InUseDeleteView
    model = Exam
    icon = "form"
    menu_label = _("Exams")
    index_view_class = admin_views.ExamIndexView
    add_view_class = admin_views.ExamCreateView
    edit_view_class = admin_views.ExamEditView
    list_display = [
        "title",
        "opens_at",
        "closes_at",
        BooleanColumn("is_published", label=_("Published")),
    ]
    list_filter = ["is_published", "paper_mode"]
    search_fields = ["title"]
    copy_view_enabled = False
    edit_handler = ObjectList(
        [
            MultiFieldPanel(
                [
                    FieldPanel("title"),
                    FieldPanel("instructions"),
                    FieldPanel("is_published"),
                ],
                heading=_("Exam"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("opens_at"),
                    FieldPanel("closes_at"),
                    FieldPanel("time_limit_minutes"),
                    FieldPanel("attempts_allowed"),
                    FieldPanel("pass_mark"),
                ],
                heading=_("Window and rules"),
            ),
            MultiFieldPanel(
                [
                    FieldPanel("paper_mode"),
                    FieldPanel("shuffle_questions"),
                    FieldPanel("shuffle_options"),
                    FieldPanel("multi_choice_policy"),
                    FieldPanel("prepare_papers"),
                ],
                heading=_("Paper"),
            ),
            InlinePanel(
                "draw_rules",
                heading=_("Draw rules"),
                panels=[
                    FieldPanel("bank"),
                    FieldPanel("qtype"),
                    FieldPanel("difficulty"),
                    FieldPanel("knowledge_point"),
                    FieldPanel("count"),
                    FieldPanel("points_each"),
                ],
            ),
            MultipleChooserPanel(
                "fixed_questions",
                chooser_field_name="question",
                heading=_("Fixed questions"),
                panels=[
                    FieldPanel(
                        "question",
                        widget=preloaded_chooser(question_chooser_viewset.widget_class),
                    ),
                    FieldPanel("points"),
                ],
            ),
            MultiFieldPanel(
                [
                    FieldPanel("eligible_teams", widget=CheckboxSelectMultiple),
                    FieldPanel("eligible_units"),
                ],
                heading=_("Who may sit it (leave all empty for everyone)"),
            ),
            MultipleChooserPanel(
                "named_cadres",
                chooser_field_name="cadre",
                heading=_("Named cadres who may sit it"),
                panels=[
                    FieldPanel(
                        "cadre",
                        widget=preloaded_chooser(personnel_api.cadre_chooser_widget()),
                    )
                ],
            ),
            MultiFieldPanel(
                [
                    FieldPanel("score_release"),
                    FieldPanel("answer_release"),
                    FieldPanel("review_days"),
                ],
                heading=_("Review policy"),
            ),
            MultiFieldPanel(
                [FieldPanel("course"), FieldPanel("certificate_template")],
                heading=_("Course and certificate"),
            ),
        ],
        base_form_class=ExamForm,
    )


class AccommodationViewSet(ModelViewSet):
    model = Accommodation
    add_view_class = admin_views.AccommodationCreateView
    edit_view_class = admin_views.AccommodationEditView
    icon = "time"
    menu_label = _("Accommodations")
    panels = [
        FieldPanel("exam"),
        FieldPanel("cadre", widget=personnel_api.cadre_chooser_widget()),
        FieldPanel("extra_minutes"),
        FieldPanel("opens_at"),
        FieldPanel("closes_at"),
        FieldPanel("note"),
    ]
    list_display = ["exam", "cadre", "extra_minutes", "closes_at"]
    list_filter = ["exam"]
    copy_view_enabled = False


class AssessmentsGroup(ViewSetGroup):
    menu_label = _("Exams")
    menu_icon = "form"
    menu_order = 250
    items = (
        QuestionBankViewSet("assessments_bank"),
        QuestionViewSet("assessments_question"),
        KnowledgePointViewSet("assessments_knowledge_point"),
        ExamViewSet("assessments_exam"),
        AccommodationViewSet("assessments_accommodation"),
    )


@hooks.register("register_admin_viewset")
def register_assessments():
    return AssessmentsGroup()


@hooks.register("register_admin_viewset")
def register_question_chooser():
    return question_chooser_viewset


@hooks.register("register_admin_urls")
def register_assessment_urls():
    v = admin_views
    return [
        path("assessments/import/", v.import_view, name="assessments_admin_import"),
        path(
            "assessments/template/", v.template_view, name="assessments_admin_template"
        ),
        path("assessments/export/", v.export_view, name="assessments_admin_export"),
        path(
            "assessments/marking/",
            v.marking_queue_view,
            name="assessments_admin_marking",
        ),
        path(
            "assessments/marking/<int:item_id>/",
            v.mark_item_view,
            name="assessments_admin_mark_item",
        ),
        path("assessments/reviews/", v.reviews_view, name="assessments_admin_reviews"),
        path(
            "assessments/reviews/<int:review_id>/",
            v.review_answer_view,
            name="assessments_admin_review",
        ),
        path(
            "assessments/attempts/<int:attempt_id>/",
            v.attempt_detail_view,
            name="assessments_admin_attempt",
        ),
        path(
            "assessments/exams/<int:exam_id>/results/",
            v.results_view,
            name="assessments_admin_results",
        ),
        path(
            "assessments/exams/<int:exam_id>/analysis/",
            v.analysis_view,
            name="assessments_admin_analysis",
        ),
    ]


class PermissionMenuItem(MenuItem):
    def __init__(self, *args, permission: str, **kwargs):
        self.permission = permission
        super().__init__(*args, **kwargs)

    def is_shown(self, request):
        return request.user.has_perm(self.permission)


@hooks.register("register_admin_menu_item")
def marking_menu():
    items = [
        PermissionMenuItem(
            _("Marking queue"),
            reverse("assessments_admin_marking"),
            icon_name="edit",
            order=10,
            permission="assessments.change_result",
        ),
        PermissionMenuItem(
            _("Result reviews"),
            reverse("assessments_admin_reviews"),
            icon_name="comment",
            order=20,
            permission="assessments.change_result",
        ),
        PermissionMenuItem(
            _("Import questions"),
            reverse("assessments_admin_import"),
            icon_name="upload",
            order=30,
            permission="assessments.add_question",
        ),
    ]
    return SubmenuMenuItem(
        _("Marking & import"), Menu(items=items), icon_name="tasks", order=260
    )


@hooks.register("construct_homepage_panels")
def trainer_todo_panel(request, panels):
    """Trainers (whoever may mark) see what waits for them first."""
    if request.user.has_perm("assessments.change_result"):
        panels.insert(0, TrainerTodoPanel())
