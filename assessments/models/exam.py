"""Exams (考试): a paper recipe, a window, rules, and who may sit it."""

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from ..choices import (
    AnswerRelease,
    MultiChoicePolicy,
    PaperMode,
    QuestionType,
    ScoreRelease,
)

# A day, for both the time limit and an accommodation's extra time. The
# longest sittings a provincial department sets (the 3-hour written exam of a
# skills contest, a 4-hour case-handling exercise) fit many times over, and
# extra time is given as a share of that (a quarter to a half more); anything
# longer is a typing slip, and an unbounded number would put the deadline
# past the calendar's end (Start failed with an OverflowError).
MAX_MINUTES = 24 * 60


class Exam(ClusterableModel):
    title = models.CharField(_("title"), max_length=200)
    instructions = models.TextField(_("rules and instructions"), blank=True)
    paper_mode = models.CharField(
        _("paper"), max_length=10, choices=PaperMode.choices, default=PaperMode.DRAW
    )
    opens_at = models.DateTimeField(_("opens at"))
    closes_at = models.DateTimeField(_("closes at"))
    time_limit_minutes = models.PositiveIntegerField(
        _("time limit (minutes)"),
        null=True,
        blank=True,
        # 0 is refused rather than read as "no limit": empty says that.
        validators=[MinValueValidator(1), MaxValueValidator(MAX_MINUTES)],
        help_text=_(
            "1 to 1440 minutes. Leave empty for no limit other than the closing time."
        ),
    )
    attempts_allowed = models.PositiveSmallIntegerField(
        _("attempts allowed"), default=1, validators=[MinValueValidator(1)]
    )
    pass_mark = models.DecimalField(
        _("pass mark"),
        max_digits=6,
        decimal_places=1,
        default=Decimal("60"),
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("In points, at most the paper's total."),
    )
    shuffle_questions = models.BooleanField(_("shuffle questions"), default=True)
    shuffle_options = models.BooleanField(_("shuffle options"), default=True)
    multi_choice_policy = models.CharField(
        _("multiple-choice credit"),
        max_length=20,
        choices=MultiChoicePolicy.choices,
        default=MultiChoicePolicy.ALL_OR_NOTHING,
    )
    score_release = models.CharField(
        _("show score"),
        max_length=20,
        choices=ScoreRelease.choices,
        default=ScoreRelease.IMMEDIATE,
    )
    answer_release = models.CharField(
        _("show answers and explanations"),
        max_length=20,
        choices=AnswerRelease.choices,
        default=AnswerRelease.AFTER_CLOSE,
    )
    review_days = models.PositiveSmallIntegerField(
        _("days to ask for a result review"),
        default=7,
        help_text=_("0 = result reviews are not offered."),
    )
    eligible_teams = models.ManyToManyField(
        "personnel.Team", blank=True, related_name="+", verbose_name=_("teams")
    )
    eligible_units = models.ManyToManyField(
        "personnel.Unit",
        blank=True,
        related_name="+",
        verbose_name=_("units (with everything below them)"),
    )
    eligible_cadres = models.ManyToManyField(
        "personnel.Cadre",
        through="assessments.ExamNamedCadre",
        blank=True,
        related_name="+",
        verbose_name=_("named cadres"),
    )
    course = models.ForeignKey(
        "courses.CoursePage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("course"),
        help_text=_("Passing this exam counts towards completing the course."),
    )
    certificate_template = models.ForeignKey(
        "personnel.CertificateTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("certificate on passing"),
        help_text=_("Leave empty to issue no certificate."),
    )
    is_published = models.BooleanField(_("published"), default=False)
    prepare_papers = models.BooleanField(
        _("draw papers in advance"),
        default=False,
        help_text=_(
            "For large exams: every candidate's paper is drawn and frozen ahead "
            "of time (when the exam is saved, and every 10 minutes from a day "
            "before it opens), so pressing Start only opens it. Saving the exam "
            "or editing one of its questions draws the unused papers again."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-opens_at", "-id"]
        verbose_name = _("exam")
        verbose_name_plural = _("exams")

    def __str__(self):
        return self.title


class ExamFixedQuestion(models.Model):
    sort_order_field = "sort_order"
    exam = ParentalKey(Exam, on_delete=models.CASCADE, related_name="fixed_questions")
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    question = models.ForeignKey(
        "assessments.Question",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("question"),
    )
    points = models.DecimalField(
        _("points"),
        max_digits=5,
        decimal_places=1,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0.1"))],
        help_text=_("Leave empty to use the question's own points."),
    )

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("fixed question")
        verbose_name_plural = _("fixed questions")

    def __str__(self):
        return str(self.question)


class ExamNamedCadre(models.Model):
    """A cadre named as a candidate: the rows behind ``Exam.eligible_cadres``,
    a child relation so that the exam form can pick them with a chooser."""

    exam = ParentalKey(Exam, on_delete=models.CASCADE, related_name="named_cadres")
    cadre = models.ForeignKey(
        "personnel.Cadre",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("cadre"),
    )

    class Meta:
        ordering = ["id"]
        verbose_name = _("named cadre")
        verbose_name_plural = _("named cadres")
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "cadre"], name="exam_names_a_cadre_once"
            )
        ]

    def __str__(self):
        return str(self.cadre)


class ExamDrawRule(models.Model):
    """Draw N questions from bank B of type T (difficulty D, knowledge point K),
    P points each."""

    sort_order_field = "sort_order"
    exam = ParentalKey(Exam, on_delete=models.CASCADE, related_name="draw_rules")
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    bank = models.ForeignKey(
        "assessments.QuestionBank",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("question bank"),
    )
    qtype = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (easy) to 5 (hard); leave empty for any."),
    )
    knowledge_point = models.ForeignKey(
        "assessments.KnowledgePoint",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("knowledge point"),
    )
    count = models.PositiveSmallIntegerField(
        _("number of questions"), validators=[MinValueValidator(1)]
    )
    points_each = models.DecimalField(
        _("points each"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.1"))],
    )

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("draw rule")
        verbose_name_plural = _("draw rules")

    def __str__(self):
        return f"{self.bank} · {self.get_qtype_display()} × {self.count}"


class Accommodation(models.Model):
    """Extra time or a later window for one named cadre (考试特殊安排)."""

    exam = models.ForeignKey(
        Exam,
        on_delete=models.CASCADE,
        related_name="accommodations",
        verbose_name=_("exam"),
    )
    cadre = models.ForeignKey(
        "personnel.Cadre",
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("cadre"),
    )
    extra_minutes = models.PositiveIntegerField(
        _("extra minutes"), default=0, validators=[MaxValueValidator(MAX_MINUTES)]
    )
    opens_at = models.DateTimeField(_("opens at instead"), null=True, blank=True)
    closes_at = models.DateTimeField(_("closes at instead"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("accommodation")
        verbose_name_plural = _("accommodations")
        constraints = [
            models.UniqueConstraint(
                fields=["exam", "cadre"], name="accommodation_once_per_cadre"
            )
        ]

    def __str__(self):
        return f"{self.exam} · {self.cadre}"
