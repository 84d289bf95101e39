"""Fixed vocabularies of the assessment domain (see DOMAIN.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class QuestionType(models.TextChoices):
    SINGLE_CHOICE = "single_choice", _("Single choice")
    MULTIPLE_CHOICE = "multiple_choice", _("Multiple choice")
    TRUE_FALSE = "true_false", _("True/false")
    FILL_BLANK = "fill_blank", _("Fill in the blank")
    SHORT_ANSWER = "short_answer", _("Short answer")


CHOICE_TYPES = {QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE}
MANUAL_TYPES = {QuestionType.SHORT_ANSWER}


class PaperMode(models.TextChoices):
    FIXED = "fixed", _("Fixed questions")
    DRAW = "draw", _("Random draw by rules")


class MultiChoicePolicy(models.TextChoices):
    ALL_OR_NOTHING = "all_or_nothing", _("All or nothing")
    PARTIAL = "partial", _("Share per correct option; any wrong option scores 0")
    SUM_FRACTIONS = "sum_fractions", _("Sum of option fractions, not below 0")


class ScoreRelease(models.TextChoices):
    IMMEDIATE = "immediate", _("As soon as graded")
    AFTER_CLOSE = "after_close", _("After the exam closes")


class AnswerRelease(models.TextChoices):
    AFTER_CLOSE = "after_close", _("After the exam closes")
    NEVER = "never", _("Never")


class AttemptStatus(models.TextChoices):
    IN_PROGRESS = "in_progress", pgettext_lazy("exam attempt", "In progress")
    AWAITING_GRADING = "awaiting_grading", _("Awaiting marking")
    GRADED = "graded", _("Graded")


# A paper drawn in advance (Exam.prepare_papers) is an Attempt row in this
# status with its PaperItem rows, so that Start only flips the row to
# in_progress. Not among AttemptStatus's choices: such an attempt is no
# attempt yet; Attempt.objects and PaperItem.objects never return it or its
# items (Attempt.all_objects and PaperItem.all_objects do).
ATTEMPT_PREPARED = "prepared"


class CloseReason(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted by the candidate")
    DEADLINE = "deadline", _("Closed at the deadline")


class GradeChangeKind(models.TextChoices):
    AUTO = "auto", _("Automatic grading")
    MANUAL = "manual", _("Marked by hand")
    KEY_CORRECTION = "key_correction", _("Answer key corrected")
    REVIEW = "review", _("Result review")


class ReviewStatus(models.TextChoices):
    OPEN = "open", _("Awaiting answer")
    UPHELD = "upheld", _("Result upheld")
    CHANGED = "changed", _("Result changed")
