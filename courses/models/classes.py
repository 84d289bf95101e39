"""Offline training classes (培训班): sessions, roster and attendance."""

import secrets
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey, ParentalManyToManyField
from modelcluster.models import ClusterableModel
from wagtail.admin.panels import FieldPanel, FieldRowPanel, InlinePanel
from wagtail.models import Orderable

from ..choices import (
    CLASS_KINDS,
    AttendanceMethod,
    AttendanceStatus,
    ParticipantOutcome,
)
from ..class_forms import RosterPanel, TrainingClassForm


def _new_token() -> str:
    return secrets.token_urlsafe(16)


class TrainingClass(ClusterableModel):
    kind = models.CharField(_("kind"), max_length=20, choices=CLASS_KINDS)
    title = models.CharField(_("title"), max_length=200)
    organiser = models.ForeignKey(
        "personnel.Unit",
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("organiser unit"),
    )
    start_date = models.DateField(_("start date"))
    end_date = models.DateField(_("end date"))
    place = models.CharField(_("place"), max_length=200)
    credit_hours = models.DecimalField(
        _("credit hours"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    teams = ParentalManyToManyField(
        "personnel.Team", blank=True, related_name="+", verbose_name=_("teams")
    )
    absence_limit_divisor = models.PositiveSmallIntegerField(
        _("absence limit (1/N of class hours)"),
        default=7,
        validators=[MinValueValidator(1)],
        help_text=_(
            "A participant whose absences exceed 1/N of the class hours earns "
            "no hours. Cadre-training practice is 7 (one seventh)."
        ),
    )
    certificate_template = models.ForeignKey(
        "personnel.CertificateTemplate",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("certificate template"),
        help_text=_("Participants who earn the hours get this certificate."),
    )
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("closed by"),
    )

    panels = [
        FieldPanel("title"),
        FieldRowPanel([FieldPanel("kind"), FieldPanel("organiser")]),
        FieldRowPanel([FieldPanel("start_date"), FieldPanel("end_date")]),
        FieldRowPanel([FieldPanel("place"), FieldPanel("credit_hours")]),
        FieldPanel("teams", widget=forms.CheckboxSelectMultiple),
        FieldRowPanel(
            [FieldPanel("absence_limit_divisor"), FieldPanel("certificate_template")]
        ),
        InlinePanel("sessions", heading=_("Sessions"), label=_("session")),
        RosterPanel("participants", heading=_("Roster"), label=_("participant")),
    ]
    base_form_class = TrainingClassForm

    class Meta:
        ordering = ["-start_date", "-id"]
        verbose_name = _("training class")
        verbose_name_plural = _("training classes")

    def __str__(self):
        return self.title

    @property
    def is_closed(self) -> bool:
        return self.closed_at is not None


class ClassSession(Orderable):
    training_class = ParentalKey(
        TrainingClass, on_delete=models.CASCADE, related_name="sessions"
    )
    title = models.CharField(_("title"), max_length=200)
    starts_at = models.DateTimeField(_("starts at"))
    ends_at = models.DateTimeField(_("ends at"))
    hours = models.DecimalField(
        _("hours"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    sign_in_token = models.CharField(
        _("sign-in code"),
        max_length=40,
        unique=True,
        default=_new_token,
        editable=False,
    )

    panels = [
        FieldPanel("title"),
        FieldRowPanel(
            [FieldPanel("starts_at"), FieldPanel("ends_at"), FieldPanel("hours")]
        ),
    ]

    class Meta(Orderable.Meta):
        verbose_name = _("session")
        verbose_name_plural = _("sessions")

    def __str__(self):
        return self.title

    def clean(self):
        super().clean()
        if self.starts_at and self.ends_at and self.ends_at <= self.starts_at:
            raise ValidationError({"ends_at": _("A session must end after it starts.")})


class ClassParticipant(Orderable):
    training_class = ParentalKey(
        TrainingClass, on_delete=models.CASCADE, related_name="participants"
    )
    cadre = models.ForeignKey(
        "personnel.Cadre",
        on_delete=models.PROTECT,
        related_name="class_places",
        verbose_name=_("cadre"),
    )
    outcome = models.CharField(
        _("outcome"),
        max_length=20,
        choices=ParticipantOutcome.choices,
        default=ParticipantOutcome.PENDING,
        editable=False,
    )
    absent_hours = models.DecimalField(
        _("hours absent"), max_digits=5, decimal_places=1, null=True, editable=False
    )
    hours_earned = models.DecimalField(
        _("hours earned"), max_digits=5, decimal_places=1, null=True, editable=False
    )
    reason = models.CharField(_("reason"), max_length=200, blank=True, editable=False)

    panels = [FieldPanel("cadre")]

    class Meta(Orderable.Meta):
        verbose_name = _("participant")
        verbose_name_plural = _("participants")
        constraints = [
            models.UniqueConstraint(
                fields=["training_class", "cadre"], name="participant_once_per_class"
            )
        ]

    def __str__(self):
        return str(self.cadre)


class Attendance(models.Model):
    session = models.ForeignKey(
        ClassSession,
        on_delete=models.CASCADE,
        related_name="attendance",
        verbose_name=_("session"),
    )
    cadre = models.ForeignKey(
        "personnel.Cadre",
        on_delete=models.PROTECT,
        related_name="attendance",
        verbose_name=_("cadre"),
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AttendanceStatus.choices
    )
    method = models.CharField(
        _("method"), max_length=10, choices=AttendanceMethod.choices
    )
    marked_at = models.DateTimeField(_("marked at"), auto_now=True)
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("marked by"),
    )

    class Meta:
        verbose_name = _("attendance")
        verbose_name_plural = _("attendance")
        constraints = [
            models.UniqueConstraint(
                fields=["session", "cadre"], name="attendance_once_per_session"
            )
        ]

    def __str__(self):
        return f"{self.session_id} · {self.cadre_id} · {self.status}"
