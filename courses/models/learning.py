"""Who learns what: enrolments, required-course assignments, lesson progress."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from ..choices import EnrolmentSource


class Enrolment(models.Model):
    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="enrolments",
        verbose_name=_("course"),
    )
    cadre = models.ForeignKey(
        "personnel.Cadre",
        on_delete=models.CASCADE,
        related_name="course_enrolments",
        verbose_name=_("cadre"),
    )
    source = models.CharField(
        _("source"),
        max_length=20,
        choices=EnrolmentSource.choices,
        default=EnrolmentSource.SELF,
    )
    required = models.BooleanField(
        pgettext_lazy("enrolment", "required"), default=False
    )
    due_date = models.DateField(_("due date"), null=True, blank=True)
    enrolled_at = models.DateTimeField(_("enrolled at"), auto_now_add=True)
    exam_passed_at = models.DateTimeField(_("exam passed at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        ordering = ["-enrolled_at"]
        verbose_name = _("enrolment")
        verbose_name_plural = _("enrolments")
        constraints = [
            models.UniqueConstraint(
                fields=["course", "cadre"], name="enrolment_once_per_course"
            )
        ]

    def __str__(self):
        return f"{self.cadre_id} · {self.course_id}"


class CourseAssignment(models.Model):
    """A course made required (必修) for a team, a unit subtree or named
    cadres; assigning creates (or upgrades) their enrolments."""

    course = models.ForeignKey(
        "courses.CoursePage",
        on_delete=models.CASCADE,
        related_name="assignments",
        verbose_name=_("course"),
    )
    unit = models.ForeignKey(
        "personnel.Unit",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        verbose_name=_("unit and its sub-units"),
    )
    teams = models.ManyToManyField(
        "personnel.Team", blank=True, related_name="+", verbose_name=_("teams")
    )
    cadres = models.ManyToManyField(
        "personnel.Cadre", blank=True, related_name="+", verbose_name=_("named cadres")
    )
    due_date = models.DateField(_("due date"))
    assigned_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("assigned by"),
    )
    assigned_at = models.DateTimeField(_("assigned at"), auto_now_add=True)
    enrolled_count = models.PositiveIntegerField(_("cadres enrolled"), default=0)

    class Meta:
        ordering = ["-assigned_at"]
        verbose_name = _("required-course assignment")
        verbose_name_plural = _("required-course assignments")

    def __str__(self):
        return f"{self.course} · {self.due_date}"


class LessonProgress(models.Model):
    """Study time on one lesson, measured by the server from heartbeats."""

    enrolment = models.ForeignKey(
        Enrolment,
        on_delete=models.CASCADE,
        related_name="lesson_progress",
        verbose_name=_("enrolment"),
    )
    lesson = models.ForeignKey(
        "courses.LessonPage",
        on_delete=models.CASCADE,
        related_name="progress",
        verbose_name=_("lesson"),
    )
    seconds = models.PositiveIntegerField(_("seconds studied"), default=0)
    last_beat_at = models.DateTimeField(_("last heartbeat"), null=True, blank=True)
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("lesson progress")
        verbose_name_plural = _("lesson progress")
        constraints = [
            models.UniqueConstraint(
                fields=["enrolment", "lesson"], name="progress_once_per_lesson"
            )
        ]

    def __str__(self):
        return f"{self.enrolment_id} · {self.lesson_id} · {self.seconds}s"
