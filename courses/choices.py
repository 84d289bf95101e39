"""Vocabularies of the courses app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

from personnel.api import CourseCategory, TrainingKind

__all__ = [
    "AttendanceMethod",
    "AttendanceStatus",
    "CLASS_KINDS",
    "COURSE_KINDS",
    "CourseCategory",
    "EnrolmentSource",
    "ParticipantOutcome",
    "TrainingKind",
]

# The kinds a course page may carry (what its completion is archived as).
COURSE_KINDS = [
    (TrainingKind.ONLINE.value, TrainingKind.ONLINE.label),
    (TrainingKind.ON_THE_JOB.value, TrainingKind.ON_THE_JOB.label),
    (TrainingKind.FOLLOW_UP.value, TrainingKind.FOLLOW_UP.label),
]
# The kinds of offline class (集中培训, 岗位培训, 跟踪培训).
CLASS_KINDS = [
    (TrainingKind.CENTRALIZED.value, TrainingKind.CENTRALIZED.label),
    (TrainingKind.ON_THE_JOB.value, TrainingKind.ON_THE_JOB.label),
    (TrainingKind.FOLLOW_UP.value, TrainingKind.FOLLOW_UP.label),
]


class EnrolmentSource(models.TextChoices):
    SELF = "self", _("Self-enrolled")
    ASSIGNED = "assigned", _("Assigned as required")


class AttendanceStatus(models.TextChoices):
    PRESENT = "present", _("Present")
    ABSENT = "absent", _("Absent")
    LEAVE = "leave", _("On leave")


class AttendanceMethod(models.TextChoices):
    ADMIN = "admin", _("Marked by trainer")
    IMPORT = "import", _("Imported")
    QR = "qr", _("QR sign-in")


class ParticipantOutcome(models.TextChoices):
    PENDING = "pending", _("Class not closed")
    EARNED = "earned", _("Hours earned")
    REFUSED = "refused", _("No hours")
