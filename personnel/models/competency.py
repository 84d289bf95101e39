"""Competency frameworks (能力框架), appraisal grades and HR notes.

A framework belongs to one team and has a handful of dimensions. Each
dimension lists the question knowledge points and course categories that
count towards it, so exam results and training hours can be read per
dimension without the assessments or courses apps knowing about it.
"""

from django import forms
from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from modelcluster.models import ClusterableModel

from ..choices import CourseCategory


class CategoryListField(models.JSONField):
    """A list of course category codes, edited as a set of checkboxes."""

    def formfield(self, **kwargs):
        return forms.MultipleChoiceField(
            choices=CourseCategory.choices,
            widget=forms.CheckboxSelectMultiple,
            required=False,
            label=self.verbose_name,
            help_text=self.help_text,
        )


class CompetencyFramework(ClusterableModel):
    team = models.OneToOneField(
        "personnel.Team",
        on_delete=models.CASCADE,
        related_name="competency_framework",
        verbose_name=_("team"),
    )
    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)

    class Meta:
        ordering = ["team_id"]
        verbose_name = _("competency framework")
        verbose_name_plural = _("competency frameworks")

    def __str__(self):
        return self.name


class CompetencyDimension(models.Model):
    framework = ParentalKey(
        CompetencyFramework,
        on_delete=models.CASCADE,
        related_name="dimensions",
        verbose_name=_("competency framework"),
    )
    sort_order = models.PositiveSmallIntegerField(_("order"), default=0)
    name_zh = models.CharField(_("Chinese name"), max_length=40)
    name_en = models.CharField(_("English name"), max_length=80)
    knowledge_points = models.TextField(
        _("knowledge points"),
        blank=True,
        help_text=_(
            "One knowledge point per line, written exactly as on the questions."
        ),
    )
    course_categories = CategoryListField(
        _("course categories"),
        default=list,
        blank=True,
        help_text=_("Training hours in these course categories count here."),
    )

    class Meta:
        ordering = ["framework_id", "sort_order", "id"]
        verbose_name = _("competency dimension")
        verbose_name_plural = _("competency dimensions")

    def __str__(self):
        return self.name

    @property
    def name(self) -> str:
        if (get_language() or "zh-hans").startswith("zh"):
            return self.name_zh
        return self.name_en

    @property
    def knowledge_point_list(self) -> list[str]:
        lines = (line.strip() for line in self.knowledge_points.splitlines())
        return [line for line in lines if line]


class AppraisalGrade(models.TextChoices):
    EXCELLENT = "excellent", _("Excellent")
    COMPETENT = "competent", _("Competent")
    BASICALLY_COMPETENT = "basically_competent", _("Basically competent")
    INCOMPETENT = "incompetent", _("Incompetent")


# Points per grade in the composite score of talent pools (0-100).
APPRAISAL_POINTS = {
    AppraisalGrade.EXCELLENT: 100,
    AppraisalGrade.COMPETENT: 80,
    AppraisalGrade.BASICALLY_COMPETENT: 60,
    AppraisalGrade.INCOMPETENT: 0,
}

# The grades as written in Chinese in imported spreadsheets.
APPRAISAL_GRADE_BY_CHINESE = {
    "优秀": AppraisalGrade.EXCELLENT,
    "称职": AppraisalGrade.COMPETENT,
    "基本称职": AppraisalGrade.BASICALLY_COMPETENT,
    "不称职": AppraisalGrade.INCOMPETENT,
}


class Appraisal(models.Model):
    """An annual appraisal grade (年度考核等次) entered or imported by HR."""

    cadre = models.ForeignKey(
        "personnel.Cadre",
        on_delete=models.CASCADE,
        related_name="appraisals",
        verbose_name=_("cadre"),
    )
    year = models.PositiveSmallIntegerField(
        _("year"), validators=[MinValueValidator(1990), MaxValueValidator(2100)]
    )
    grade = models.CharField(_("grade"), max_length=30, choices=AppraisalGrade.choices)
    note = models.CharField(_("note"), max_length=200, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now=True)

    class Meta:
        ordering = ["cadre_id", "-year"]
        verbose_name = _("annual appraisal")
        verbose_name_plural = _("annual appraisals")
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "year"], name="appraisal_once_per_year"
            )
        ]

    def __str__(self):
        return f"{self.cadre} · {self.year} · {self.get_grade_display()}"


class HRNote(models.Model):
    """HR's own remark on a cadre; never shown to the cadre."""

    cadre = models.ForeignKey(
        "personnel.Cadre",
        on_delete=models.CASCADE,
        related_name="hr_notes",
        verbose_name=_("cadre"),
    )
    text = models.TextField(_("note"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("author"),
    )
    created_at = models.DateTimeField(_("written at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("HR note")
        verbose_name_plural = _("HR notes")

    def __str__(self):
        return self.text[:40]
