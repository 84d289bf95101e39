"""Question banks (题库): questions of five types, tagged with knowledge points."""

from decimal import Decimal

from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from ..choices import QuestionType


class KnowledgePoint(models.Model):
    """A tag on questions; later mapped onto competency dimensions."""

    name = models.CharField(_("name"), max_length=80, unique=True)
    description = models.TextField(
        pgettext_lazy("knowledge point", "description"), blank=True
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("knowledge point")
        verbose_name_plural = _("knowledge points")

    def __str__(self):
        return self.name


class QuestionBank(models.Model):
    name = models.CharField(_("name"), max_length=120, unique=True)
    description = models.TextField(
        pgettext_lazy("question bank", "description"), blank=True
    )
    teams = models.ManyToManyField(
        "personnel.Team", blank=True, related_name="+", verbose_name=_("teams")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("question bank")
        verbose_name_plural = _("question banks")

    def __str__(self):
        return self.name


class Question(ClusterableModel):
    bank = models.ForeignKey(
        QuestionBank,
        on_delete=models.PROTECT,
        related_name="questions",
        verbose_name=_("question bank"),
    )
    qtype = models.CharField(_("type"), max_length=20, choices=QuestionType.choices)
    name = models.CharField(_("short name"), max_length=120, blank=True)
    stem = models.TextField(_("question text"))
    difficulty = models.PositiveSmallIntegerField(
        _("difficulty"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
        help_text=_("1 (easy) to 5 (hard)"),
    )
    points = models.DecimalField(
        _("points"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("1"),
        validators=[MinValueValidator(Decimal("0.1"))],
    )
    explanation = models.TextField(_("explanation"), blank=True)
    knowledge_points = models.ManyToManyField(
        KnowledgePoint,
        blank=True,
        related_name="questions",
        verbose_name=_("knowledge points"),
    )
    correct_bool = models.BooleanField(
        _("statement is true"),
        null=True,
        blank=True,
        help_text=_("True/false questions only."),
    )
    accepted_answers = models.JSONField(
        _("accepted answers"),
        default=list,
        blank=True,
        help_text=_("Fill in the blank: every answer that counts as correct."),
    )
    numeric_tolerance = models.DecimalField(
        _("numeric tolerance"),
        max_digits=12,
        decimal_places=4,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
        help_text=_("Fill in the blank: accept numbers within this distance."),
    )
    reference_answer = models.TextField(
        _("reference answer"),
        blank=True,
        help_text=_("Short answer: what markers compare against."),
    )
    is_active = models.BooleanField(_("in use"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["bank", "id"]
        verbose_name = _("question")
        verbose_name_plural = _("questions")
        indexes = [models.Index(fields=["bank", "qtype", "difficulty"])]

    def __str__(self):
        text = self.name or self.stem
        return text if len(text) <= 40 else text[:40] + "…"


class QuestionChoice(models.Model):
    """An option of a choice question; fraction 1 = fully correct, may be
    negative (Moodle-style penalties)."""

    sort_order_field = "sort_order"
    question = ParentalKey(Question, on_delete=models.CASCADE, related_name="choices")
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    text = models.CharField(_("option text"), max_length=500)
    fraction = models.DecimalField(
        _("fraction"),
        max_digits=6,
        decimal_places=4,
        default=Decimal("0"),
        validators=[MinValueValidator(Decimal("-1")), MaxValueValidator(Decimal("1"))],
        help_text=_("1 = fully correct, 0 = wrong, between for partial credit."),
    )
    feedback = models.CharField(_("feedback"), max_length=500, blank=True)

    class Meta:
        ordering = ["sort_order", "id"]
        verbose_name = _("option")
        verbose_name_plural = _("options")

    def __str__(self):
        return self.text

    @property
    def is_correct(self) -> bool:
        return self.fraction > 0
