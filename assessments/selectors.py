"""Reads: eligibility, windows, what a user may see."""

import datetime as dt
from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q, QuerySet
from django.utils import timezone

from personnel import api as personnel_api

from .choices import AnswerRelease, AttemptStatus, ScoreRelease
from .models import Accommodation, AnswerStep, Attempt, Exam, PaperItem


def save_grace() -> dt.timedelta:
    """How long after the deadline a save in flight is still accepted."""
    return dt.timedelta(seconds=getattr(settings, "ASSESSMENTS_SAVE_GRACE_SECONDS", 30))


@dataclass(frozen=True)
class Window:
    opens_at: dt.datetime
    closes_at: dt.datetime
    extra_minutes: int = 0

    def is_open(self, now: dt.datetime) -> bool:
        return self.opens_at <= now < self.closes_at


def exam_window_for(*, exam: Exam, cadre) -> Window:
    """The exam's window for one cadre, with their accommodation applied."""
    accommodation = Accommodation.objects.filter(exam=exam, cadre=cadre).first()
    if accommodation is None:
        return Window(exam.opens_at, exam.closes_at)
    return Window(
        accommodation.opens_at or exam.opens_at,
        accommodation.closes_at or exam.closes_at,
        accommodation.extra_minutes,
    )


def _eligibility_q(cadre) -> Q:
    team_ids = list(cadre.teams.values_list("pk", flat=True))
    unit_paths = [
        cadre.unit.path[:end]
        for end in range(len(cadre.unit.path), 0, -cadre.unit.steplen)
    ]
    unrestricted = Q(
        eligible_teams__isnull=True,
        eligible_units__isnull=True,
        eligible_cadres__isnull=True,
    )
    return (
        unrestricted
        | Q(eligible_cadres=cadre)
        | Q(eligible_teams__in=team_ids)
        | Q(eligible_units__path__in=unit_paths)
        | Q(accommodations__cadre=cadre)
    )


def exams_for_cadre(*, cadre) -> QuerySet[Exam]:
    """Published exams this cadre may sit (teams, unit subtree, named)."""
    if cadre is None:
        return Exam.objects.none()
    ids = Exam.objects.filter(is_published=True).filter(_eligibility_q(cadre))
    return Exam.objects.filter(pk__in=ids.values("pk")).order_by("-opens_at")


def exam_is_eligible(*, exam: Exam, cadre) -> bool:
    return exams_for_cadre(cadre=cadre).filter(pk=exam.pk).exists()


def attempts_of(*, exam: Exam, cadre) -> QuerySet[Attempt]:
    return Attempt.objects.filter(exam=exam, cadre=cadre).select_related("result")


def attempt_for_user(*, attempt_id: int, user) -> Attempt | None:
    """The attempt if it belongs to this user's cadre; None otherwise."""
    return (
        Attempt.objects.select_related("exam", "cadre")
        .filter(pk=attempt_id, cadre__user_id=user.pk)
        .first()
    )


def latest_responses(*, attempt: Attempt) -> dict[int, tuple[int, object]]:
    """{item_id: (seq, response)} from the newest step of each item."""
    latest: dict[int, tuple[int, object]] = {}
    steps = AnswerStep.objects.filter(attempt=attempt).order_by(
        "item_id", "-seq", "-id"
    )
    for item_id, seq, response in steps.values_list("item_id", "seq", "response"):
        latest.setdefault(item_id, (seq, response))
    return latest


def exam_has_closed(*, exam: Exam, now: dt.datetime | None = None) -> bool:
    """Closed for everyone, including the latest accommodation."""
    now = now or timezone.now()
    later = exam.accommodations.exclude(closes_at=None).order_by("-closes_at").first()
    last_close = max(exam.closes_at, later.closes_at) if later else exam.closes_at
    return now >= last_close


def score_visible(*, attempt: Attempt, now: dt.datetime | None = None) -> bool:
    if attempt.status != AttemptStatus.GRADED:
        return False
    if attempt.exam.score_release == ScoreRelease.IMMEDIATE:
        return True
    return exam_has_closed(exam=attempt.exam, now=now)


def answers_visible(*, attempt: Attempt, now: dt.datetime | None = None) -> bool:
    if attempt.status != AttemptStatus.GRADED:
        return False
    if attempt.exam.answer_release == AnswerRelease.NEVER:
        return False
    return exam_has_closed(exam=attempt.exam, now=now)


def attempts_visible_to(*, user) -> QuerySet[Attempt]:
    """Attempts whose results this user may see (unit subtree for unit admins)."""
    cadres = personnel_api.cadres_visible_to(user=user)
    return Attempt.objects.filter(cadre__in=cadres).select_related(
        "cadre", "cadre__unit", "exam", "result"
    )


def marking_queue(*, exam_id: int | None = None) -> QuerySet[PaperItem]:
    items = PaperItem.objects.filter(
        needs_marking=True, attempt__status=AttemptStatus.AWAITING_GRADING
    ).select_related("attempt", "attempt__exam", "question")
    if exam_id:
        items = items.filter(attempt__exam_id=exam_id)
    return items.order_by("attempt__exam_id", "question_id", "attempt_id")
