"""Talent pools (人才库), their frozen snapshots, and report jobs."""

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from ..choices import Education


def _percent(name, **kwargs):
    return models.DecimalField(
        name,
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
        **kwargs,
    )


def _weight(name, default):
    return models.PositiveSmallIntegerField(
        name, default=default, validators=[MaxValueValidator(100)]
    )


class TalentPool(models.Model):
    """A saved set of criteria; members are computed, never stored."""

    name = models.CharField(_("name"), max_length=100)
    description = models.TextField(_("description"), blank=True)
    teams = models.ManyToManyField(
        "personnel.Team", blank=True, related_name="+", verbose_name=_("teams")
    )
    unit = models.ForeignKey(
        "personnel.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit (with units below it)"),
    )
    max_age = models.PositiveSmallIntegerField(_("maximum age"), null=True, blank=True)
    min_education = models.CharField(
        _("minimum education"), max_length=20, choices=Education.choices, blank=True
    )
    ranks = models.JSONField(_("ranks"), default=list, blank=True)
    min_hours = models.DecimalField(
        _("minimum training hours"),
        max_digits=6,
        decimal_places=1,
        null=True,
        blank=True,
    )
    hours_years = models.PositiveSmallIntegerField(
        _("hours counted over the last N years"),
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(10)],
    )
    min_exam_score = _percent(_("minimum average exam score"), null=True, blank=True)
    # {"<dimension id>": minimum score}
    dimension_minimums = models.JSONField(
        _("minimum scores per dimension"), default=dict, blank=True
    )
    appraisal_grades = models.JSONField(
        _("appraisal grades accepted"), default=list, blank=True
    )
    weight_exam = _weight(_("weight: average exam score"), 30)
    weight_dimensions = _weight(_("weight: competency dimensions"), 30)
    weight_hours = _weight(_("weight: training hours"), 20)
    weight_appraisal = _weight(_("weight: appraisal"), 20)
    weight_certificates = _weight(_("weight: certificates"), 0)
    hours_full_marks = models.DecimalField(
        _("hours that earn full marks"), max_digits=6, decimal_places=1, default=150
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("created by"),
    )
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = _("talent pool")
        verbose_name_plural = _("talent pools")

    def __str__(self):
        return self.name


class PoolOverride(models.Model):
    class Action(models.TextChoices):
        PIN = "pin", _("Pinned")
        EXCLUDE = "exclude", _("Excluded")

    pool = models.ForeignKey(
        TalentPool, on_delete=models.CASCADE, related_name="overrides"
    )
    cadre = models.ForeignKey(
        "personnel.Cadre", on_delete=models.CASCADE, related_name="+"
    )
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    reason = models.CharField(_("reason"), max_length=200)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(_("decided at"), auto_now=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["pool", "cadre"], name="pool_override_once")
        ]

    def __str__(self):
        return f"{self.pool} · {self.cadre} · {self.get_action_display()}"


class PoolSnapshot(models.Model):
    """A pool's ranked members frozen for one selection round; read-only."""

    pool = models.ForeignKey(
        TalentPool,
        on_delete=models.PROTECT,
        related_name="snapshots",
        verbose_name=_("talent pool"),
    )
    label = models.CharField(_("selection round"), max_length=100)
    taken_on = models.DateField(_("date"))
    criteria = models.JSONField(_("criteria"), default=dict)
    members = models.JSONField(_("members"), default=list)
    taken_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    taken_at = models.DateTimeField(_("taken at"), auto_now_add=True)

    class Meta:
        ordering = ["-taken_at", "-id"]
        verbose_name = _("talent pool snapshot")
        verbose_name_plural = _("talent pool snapshots")

    def __str__(self):
        return f"{self.pool} · {self.label} · {self.taken_on}"

    def save(self, *args, **kwargs):
        if self.pk is not None:
            raise ValidationError(_("A snapshot never changes once it is taken."))
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise ValidationError(_("A snapshot never changes once it is taken."))


class ReportJob(models.Model):
    """A report built in the background; the page polls done/total."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Ready")
        FAILED = "failed", _("Failed")

    kind = models.CharField(_("report"), max_length=30)
    file_format = models.CharField(_("format"), max_length=10)
    params = models.JSONField(_("parameters"), default=dict)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.PENDING
    )
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    output = models.FileField(upload_to="reports/%Y/%m/", blank=True)
    error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("report job")
        verbose_name_plural = _("report jobs")

    def __str__(self):
        return f"{self.kind} · {self.get_status_display()}"
