"""The training archive (培训档案): append-only records other apps post into.

Rows are never updated or deleted by the application: corrections are new
rows that point at what they correct, with who, when and why.
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..choices import RankLevel, TrainingKind


class TrainingRecord(models.Model):
    cadre = models.ForeignKey(
        "personnel.Cadre",
        on_delete=models.PROTECT,
        related_name="training_records",
        verbose_name=_("cadre"),
    )
    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    title = models.CharField(pgettext_lazy("training record", "title"), max_length=200)
    category = models.CharField(_("category"), max_length=30, blank=True)
    hours = models.DecimalField(_("hours"), max_digits=6, decimal_places=1)
    completed_on = models.DateField(_("date"), db_index=True)
    # Where the record comes from, e.g. ("course", "42"), ("class", "7"),
    # ("external", "") or ("correction", ""). A non-empty source is unique
    # per cadre: that is what makes posting idempotent.
    source_type = models.CharField(_("source"), max_length=20)
    source_id = models.CharField(_("source id"), max_length=40, blank=True)
    corrects = models.ForeignKey(
        "self",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="corrections",
        verbose_name=_("corrects"),
    )
    evidence = models.FileField(
        _("evidence"), upload_to="training-evidence/%Y/", blank=True
    )
    approver = models.CharField(_("approved by"), max_length=50, blank=True)
    note = models.TextField(_("note"), blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("recorded by"),
    )
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-completed_on", "-id"]
        verbose_name = _("training record")
        verbose_name_plural = _("training records")
        constraints = [
            models.UniqueConstraint(
                fields=["cadre", "source_type", "source_id"],
                condition=~Q(source_id=""),
                name="training_record_once_per_source",
            )
        ]
        indexes = [models.Index(fields=["cadre", "completed_on"])]

    def __str__(self):
        return f"{self.cadre.name} · {self.title} · {self.hours}"


class ExamResultRecord(models.Model):
    """A final exam result as posted by assessments; a regrade appends a new
    revision of the same attempt rather than changing the old one."""

    cadre = models.ForeignKey(
        "personnel.Cadre",
        on_delete=models.PROTECT,
        related_name="exam_results",
        verbose_name=_("cadre"),
    )
    exam_ref = models.CharField(_("exam"), max_length=40, db_index=True)
    exam_title = models.CharField(_("exam title"), max_length=200)
    attempt_ref = models.CharField(_("attempt"), max_length=40)
    revision = models.PositiveIntegerField(_("revision"), default=1)
    score = models.DecimalField(_("score"), max_digits=7, decimal_places=2)
    max_score = models.DecimalField(_("full marks"), max_digits=7, decimal_places=2)
    passed = models.BooleanField(_("passed"))
    taken_on = models.DateField(_("date"), db_index=True)
    # {"knowledge point": percentage 0-100}
    knowledge_point_scores = models.JSONField(
        _("scores per knowledge point"), default=dict
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    recorded_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    class Meta:
        ordering = ["-taken_on", "-id"]
        verbose_name = _("exam result")
        verbose_name_plural = _("exam results")
        constraints = [
            models.UniqueConstraint(
                fields=["attempt_ref", "revision"], name="exam_result_revision_once"
            )
        ]

    def __str__(self):
        return f"{self.cadre.name} · {self.exam_title} · {self.score}"

    @property
    def percentage(self) -> float:
        if not self.max_score:
            return 0.0
        return float(self.score) / float(self.max_score) * 100


class HourRequirement(models.Model):
    """An hours rule (年度学时要求): who it applies to, over how many years."""

    name = models.CharField(_("name"), max_length=100)
    rank_level = models.CharField(
        _("rank level"),
        max_length=30,
        choices=RankLevel.choices,
        blank=True,
        help_text=_("Leave empty to apply to every rank."),
    )
    teams = models.ManyToManyField(
        "personnel.Team",
        blank=True,
        verbose_name=_("teams"),
        help_text=_("Leave empty to apply to every team."),
    )
    period_years = models.PositiveSmallIntegerField(_("period (years)"), default=1)
    total_hours = models.DecimalField(
        _("required hours"), max_digits=6, decimal_places=1
    )
    online_hours_min = models.DecimalField(
        _("minimum online hours per year"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
    )
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["id"]
        verbose_name = _("hour requirement")
        verbose_name_plural = _("hour requirements")

    def __str__(self):
        return self.name
