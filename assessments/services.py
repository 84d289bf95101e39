"""Writes: start (draw and freeze), save, submit/close, grade, regrade, review.

Concurrency rules (proved on PostgreSQL in tests/assessments/test_concurrency.py):
- a save is one conditional UPDATE of the attempt row plus one INSERT of an
  AnswerStep; the UPDATE takes the row lock, so a save either lands before
  a submit/close (and is graded) or is refused after it - never lost;
- submit/close lock the attempt row (select_for_update) and are idempotent;
- one Result per attempt and one open attempt per cadre are unique
  constraints; archive posting happens on commit.
"""

import datetime as dt
import json
import logging
import random
import secrets
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import F, Max, Q, Subquery
from django.utils import timezone
from django.utils.translation import gettext as _

from personnel.api import Cadre, Unit

try:  # PostgreSQL only (the one-statement save)
    from psycopg.types.json import Jsonb
except ImportError:  # pragma: no cover - SQLite-only installs
    Jsonb = None

from . import grading
from .choices import (
    ATTEMPT_PREPARED,
    AttemptStatus,
    CloseReason,
    GradeChangeKind,
    PaperMode,
    QuestionType,
    ReviewStatus,
)
from .db import prepared_fetchone
from .errors import (
    AttemptClosed,
    AttemptKeyRetired,
    AttemptNotFound,
    ExamNotAvailable,
    GradingError,
    PaperCannotBeDrawn,
    ReviewError,
)
from .models import (
    Accommodation,
    AnswerStep,
    Attempt,
    Exam,
    GradeChange,
    PaperItem,
    PreparedPaper,
    Question,
    Result,
    ResultReview,
)
from .selectors import (
    exam_is_eligible,
    exam_window_for,
    item_is_hand_marked,
    latest_responses,
    paper_attempt,
    save_grace,
)

ZERO = Decimal("0")
logger = logging.getLogger(__name__)


# --- Paper -----------------------------------------------------------------


def _rule_candidates(rule):
    questions = Question.objects.filter(
        bank_id=rule.bank_id, qtype=rule.qtype, is_active=True
    )
    if rule.difficulty:
        questions = questions.filter(difficulty=rule.difficulty)
    if rule.knowledge_point_id:
        questions = questions.filter(knowledge_points=rule.knowledge_point_id)
    return questions


def exam_paper_problems(*, exam: Exam) -> list[str]:
    """Why this exam's paper cannot be drawn (empty when it can)."""
    problems = []
    if exam.paper_mode == PaperMode.FIXED:
        if not exam.fixed_questions.exists():
            problems.append(_("The paper has no questions."))
        return problems
    rules = list(exam.draw_rules.all())
    if not rules:
        problems.append(_("The paper has no draw rules."))
    for number, rule in enumerate(rules, start=1):
        available = _rule_candidates(rule).count()
        if available < rule.count:
            problems.append(
                _(
                    "Draw rule %(n)s asks for %(count)s questions but the bank "
                    "has only %(available)s that match."
                )
                % {"n": number, "count": rule.count, "available": available}
            )
    return problems


def paper_draw(
    *, exam: Exam, rng: random.Random, pools: dict | None = None
) -> list[tuple[Question, Decimal]]:
    """Choose this candidate's questions and their points.

    ``pools`` (from _draw_pools) holds the rules' candidates and the
    questions loaded once, for drawing many papers; the draw is the same.

    Raises:
        PaperCannotBeDrawn: a rule asks for more questions than match.
    """
    if exam.paper_mode == PaperMode.FIXED:
        fixed = pools["fixed"] if pools else None
        if fixed is None:
            fixed = exam.fixed_questions.select_related("question")
        picked = [(f.question, f.points or f.question.points) for f in fixed]
    else:
        picked, taken = [], set()
        rules = pools["rules"] if pools else exam.draw_rules.all()
        for rule in rules:
            candidates = (
                pools["candidates"][rule.pk]
                if pools
                else set(_rule_candidates(rule).values_list("pk", flat=True))
            )
            ids = sorted(candidates - taken)
            if len(ids) < rule.count:
                raise PaperCannotBeDrawn(
                    _("This exam's paper cannot be drawn; tell the trainer.")
                )
            chosen = rng.sample(ids, rule.count)
            taken.update(chosen)
            by_id = pools["questions"] if pools else Question.objects.in_bulk(chosen)
            picked += [(by_id[pk], rule.points_each) for pk in chosen]
    if not picked:
        raise PaperCannotBeDrawn(_("This exam has no questions yet; tell the trainer."))
    if exam.shuffle_questions:
        rng.shuffle(picked)
    return picked


# --- Start -------------------------------------------------------------------


def _deadline(*, exam: Exam, window, started_at: dt.datetime) -> dt.datetime:
    deadline = window.closes_at
    if exam.time_limit_minutes:
        minutes = exam.time_limit_minutes + window.extra_minutes
        # Compared in minutes, not as started_at + minutes: a limit longer
        # than the window (saved before the fields had a maximum) would put
        # that sum past year 9999 and raise OverflowError.
        if minutes < (deadline - started_at) / dt.timedelta(minutes=1):
            deadline = started_at + dt.timedelta(minutes=minutes)
    return deadline


def _open_attempt(*, exam: Exam, cadre, now: dt.datetime) -> Attempt | None:
    attempt = Attempt.objects.filter(
        exam=exam, cadre=cadre, status=AttemptStatus.IN_PROGRESS
    ).first()
    if attempt is not None and now > attempt.deadline + save_grace():
        attempt_close(attempt_id=attempt.pk, now=now)
        return None
    return attempt


def _check_can_start(*, exam: Exam, cadre, window, now: dt.datetime) -> int:
    if not exam.is_published or not exam_is_eligible(exam=exam, cadre=cadre):
        raise ExamNotAvailable(
            _("You are not on the list of candidates for this exam.")
        )
    if now < window.opens_at:
        raise ExamNotAvailable(_("This exam has not opened yet."))
    if now >= window.closes_at:
        raise ExamNotAvailable(_("This exam has closed."))
    used = Attempt.objects.filter(exam=exam, cadre=cadre).aggregate(n=Max("number"))[
        "n"
    ]
    used = used or 0
    if used >= exam.attempts_allowed:
        raise ExamNotAvailable(_("You have used all the attempts this exam allows."))
    return used + 1


def attempt_start(*, exam: Exam, cadre, now: dt.datetime | None = None) -> Attempt:
    """Start (or resume) a cadre's attempt: draw the paper and freeze it.

    Returns:
        the open attempt (an existing one is resumed, never duplicated).
    Raises:
        ExamNotAvailable, PaperCannotBeDrawn
    """
    now = now or timezone.now()
    existing = _open_attempt(exam=exam, cadre=cadre, now=now)
    if existing is not None:
        return existing
    window = exam_window_for(exam=exam, cadre=cadre)
    try:
        number = _check_can_start(exam=exam, cadre=cadre, window=window, now=now)
    except ExamNotAvailable:
        # A double click: the other request may have just started the attempt
        # that now counts as used; resume it rather than refuse.
        existing = _open_attempt(exam=exam, cadre=cadre, now=now)
        if existing is None:
            raise
        return existing
    deadline = _deadline(exam=exam, window=window, started_at=now)
    try:
        return _attempt_create(
            exam=exam, cadre=cadre, number=number, now=now, deadline=deadline
        )
    except IntegrityError:
        # A double click: the other request created it; resume that one.
        existing = _open_attempt(exam=exam, cadre=cadre, now=now)
        if existing is not None:
            return existing
        # Or the worker drew this candidate's paper in advance at this very
        # moment (its prepared attempt holds number 1): open that one.
        if not PreparedPaper.objects.filter(exam=exam, cadre=cadre).exists():
            raise
    return _attempt_create(
        exam=exam, cadre=cadre, number=number, now=now, deadline=deadline
    )


def _attempt_create(*, exam: Exam, cadre, number: int, now, deadline) -> Attempt:
    """The attempt in progress: from the paper drawn in advance when there is
    one (locked, so that a double click opens it once), else drawn now."""
    with transaction.atomic():
        prepared = (
            PreparedPaper.objects.select_for_update()
            .filter(exam=exam, cadre=cadre)
            .first()
        )
        if prepared is not None:
            attempt = _prepared_open(
                prepared=prepared, number=number, now=now, deadline=deadline
            )
            if attempt is not None:
                return attempt
        seed = secrets.randbits(62)
        attempt = Attempt.objects.create(
            exam=exam,
            cadre=cadre,
            number=number,
            started_at=now,
            seed=seed,
            deadline=deadline,
        )
        _paper_freeze(attempt=attempt, exam=exam, rng=random.Random(seed))  # noqa: S311
    return attempt


def _paper_freeze(*, attempt: Attempt, exam: Exam, rng: random.Random) -> None:
    picked = paper_draw(exam=exam, rng=rng)
    questions = Question.objects.prefetch_related(
        "choices", "knowledge_points"
    ).in_bulk([q.pk for q, _points in picked])
    PaperItem.objects.bulk_create(
        PaperItem(
            attempt=attempt,
            position=position,
            question_id=question.pk,
            points=points,
            snapshot=grading.question_snapshot(
                questions[question.pk], rng=rng, shuffle_options=exam.shuffle_options
            ),
        )
        for position, (question, points) in enumerate(picked, start=1)
    )


def _prepared_open(
    *, prepared: PreparedPaper, number: int, now: dt.datetime, deadline
) -> Attempt | None:
    """The paper drawn in advance (locked by the caller) becomes the attempt
    in progress (general path). None, and the paper dropped, when it cannot
    be this attempt (another number: the candidate has attempts already)."""
    attempt = Attempt.all_objects.select_for_update().get(pk=prepared.attempt_id)
    prepared.delete()
    if attempt.status != ATTEMPT_PREPARED or attempt.number != number:
        prepared_attempts_delete([attempt.pk])
        return None
    attempt.status = AttemptStatus.IN_PROGRESS
    attempt.started_at = now
    attempt.deadline = deadline
    attempt.save(update_fields=["status", "started_at", "deadline"])
    return attempt


def attempt_unseal(*, exam_id: int, user_id: int, now=None) -> Attempt | None:
    """PostgreSQL: start an attempt from a prepared paper in one statement.

    Only the plain case: a published exam whose window is open, a candidate
    with a prepared paper, no attempt yet and no accommodation. Returns the
    new attempt as the paper page needs it (selectors.paper_attempt: with its
    exam's title, the cadre's name and unit, and the paper's prepared markup
    as ``prepared_markup``, from the same statement), or
    None for anything else (then attempt_start decides, with its messages);
    a double click finds the paper gone and resumes.
    """
    if connection.vendor != "postgresql":
        return None
    now = now or timezone.now()
    tables = {
        "exam": Exam._meta.db_table,
        "unit": Unit._meta.db_table,
        "prepared": PreparedPaper._meta.db_table,
        "attempt": Attempt._meta.db_table,
        "cadre": Cadre._meta.db_table,
        "accommodation": Accommodation._meta.db_table,
    }
    sql = _UNSEAL_SQL.format(**tables)
    params = {
        "exam": exam_id,
        "user": user_id,
        "now": now,
        "prepared": ATTEMPT_PREPARED,
    }
    try:
        row = prepared_fetchone(sql, params)
    except IntegrityError:
        return None  # a concurrent Start created the attempt: resume it
    if not row:
        return None
    attempt = paper_attempt(row[:-1])
    attempt.prepared_markup = row[-1]  # for the page Start answers with
    return attempt


# One statement: delete the prepared paper's row (only if every condition
# holds) and turn its prepared attempt, paper items and all, into the attempt
# in progress with its deadline. Nothing is copied: the worker wrote the
# items when it drew the paper. Table names come from the models; values
# are parameters.
_UNSEAL_SQL = """
WITH exam AS (
    SELECT id, title, closes_at, time_limit_minutes FROM "{exam}"
    WHERE id = %(exam)s AND is_published
      AND opens_at <= %(now)s AND closes_at > %(now)s
), paper AS (
    DELETE FROM "{prepared}" p USING exam
    WHERE p.exam_id = exam.id
      AND p.cadre_id = (SELECT id FROM "{cadre}" WHERE user_id = %(user)s)
      AND NOT EXISTS (SELECT 1 FROM "{attempt}" a
                      WHERE a.exam_id = p.exam_id AND a.cadre_id = p.cadre_id
                        AND a.status <> %(prepared)s)
      AND NOT EXISTS (SELECT 1 FROM "{accommodation}" c
                      WHERE c.exam_id = p.exam_id AND c.cadre_id = p.cadre_id)
    RETURNING p.attempt_id, p.markup, exam.closes_at, exam.time_limit_minutes
), attempt AS (
    UPDATE "{attempt}" a
    SET status = 'in_progress', started_at = %(now)s,
        deadline = CASE WHEN coalesce(paper.time_limit_minutes, 0) = 0
                        THEN paper.closes_at
                        ELSE least(paper.closes_at, %(now)s
                                   + make_interval(mins => paper.time_limit_minutes))
                   END
    FROM paper
    WHERE a.id = paper.attempt_id AND a.status = %(prepared)s
    RETURNING a.id, a.status, a.deadline, a.started_at, a.number, a.seed,
              a.exam_id, a.cadre_id, a.key_version
)
-- What the paper page shows (the columns of selectors.paper_attempt), and
-- the markup built with the paper.
SELECT a.id, a.status, a.deadline, a.started_at, a.number, a.seed, a.exam_id,
       exam.title, a.cadre_id, c.name, c.unit_id, u.name, a.key_version,
       paper.markup
FROM attempt a, exam, paper, "{cadre}" c, "{unit}" u
WHERE c.id = a.cadre_id AND u.id = c.unit_id
"""


# --- Prepared papers ------------------------------------------------------------


def _draw_pools(*, exam: Exam) -> dict:
    """Everything paper_draw reads, loaded once for drawing many papers."""
    if exam.paper_mode == PaperMode.FIXED:
        fixed = list(
            exam.fixed_questions.select_related("question").prefetch_related(
                "question__choices", "question__knowledge_points"
            )
        )
        return {"fixed": fixed, "questions": {f.question_id: f.question for f in fixed}}
    rules = list(exam.draw_rules.all())
    candidates = {
        rule.pk: set(_rule_candidates(rule).values_list("pk", flat=True))
        for rule in rules
    }
    ids = set().union(*candidates.values()) if candidates else set()
    questions = Question.objects.prefetch_related(
        "choices", "knowledge_points"
    ).in_bulk(list(ids))
    return {"rules": rules, "candidates": candidates, "questions": questions}


def _prepared_items(*, exam: Exam, pools: dict, rng: random.Random) -> list[dict]:
    picked = paper_draw(exam=exam, rng=rng, pools=pools)
    return [
        {
            "position": position,
            "question_id": question.pk,
            "points": str(points),
            "snapshot": grading.question_snapshot(
                pools["questions"][question.pk],
                rng=rng,
                shuffle_options=exam.shuffle_options,
            ),
        }
        for position, (question, points) in enumerate(picked, start=1)
    ]


def exam_papers_prepare(*, exam_id: int, now: dt.datetime | None = None) -> int:
    """Draw a paper for every candidate of the exam who has none yet.

    Each paper is written as Start will use it: an attempt in status
    "prepared" with its paper items, and the PreparedPaper row that links it
    to the candidate with the first page's markup (all or nothing per batch).
    Idempotent; does nothing (and drops what is left) once the exam is closed,
    unpublished or no longer prepares papers. Returns how many were drawn.
    """
    now = now or timezone.now()
    exam = Exam.objects.filter(pk=exam_id).first()
    if exam is None:
        return 0
    if not (exam.prepare_papers and exam.is_published and now < exam.closes_at):
        prepared_papers_drop(exam_ids=[exam.pk])
        return 0
    if exam_paper_problems(exam=exam):
        return 0
    from .selectors import exam_candidates

    waiting = (
        exam_candidates(exam=exam)
        .exclude(pk__in=Attempt.all_objects.filter(exam=exam).values("cadre_id"))
        .exclude(pk__in=PreparedPaper.objects.filter(exam=exam).values("cadre_id"))
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    cadre_ids = list(waiting)
    pools = _draw_pools(exam=exam)
    drawn = 0
    for start in range(0, len(cadre_ids), 500):
        drawn += _papers_prepare_batch(
            exam=exam, cadre_ids=cadre_ids[start : start + 500], pools=pools, now=now
        )
    return drawn


def _papers_prepare_batch(*, exam: Exam, cadre_ids: list, pools: dict, now) -> int:
    """Prepared attempts, their items and PreparedPaper rows for these
    candidates, in one transaction. A candidate who started meanwhile (or
    whose paper a concurrent run drew) keeps what they have: "attempt
    number once" refuses the second attempt number 1."""
    drawn = {}
    for cadre_id in cadre_ids:
        seed = secrets.randbits(62)
        rng = random.Random(seed)  # noqa: S311 - not a secret, a draw
        items = _prepared_items(exam=exam, pools=pools, rng=rng)
        drawn[cadre_id] = (seed, items, _prepared_markup(items))
    with transaction.atomic():
        Attempt.all_objects.bulk_create(
            (
                Attempt(
                    exam=exam,
                    cadre_id=cadre_id,
                    number=1,
                    status=ATTEMPT_PREPARED,
                    started_at=now,
                    deadline=exam.closes_at,
                    seed=seed,
                )
                for cadre_id, (seed, _items, _markup) in drawn.items()
            ),
            ignore_conflicts=True,
        )
        # Ours are the prepared attempts with the seeds drawn here.
        mine = {
            cadre_id: pk
            for pk, cadre_id, seed in Attempt.all_objects.filter(
                exam=exam, status=ATTEMPT_PREPARED, cadre_id__in=list(drawn)
            ).values_list("pk", "cadre_id", "seed")
            if drawn[cadre_id][0] == seed
        }
        PaperItem.all_objects.bulk_create(
            PaperItem(
                attempt_id=mine[cadre_id],
                position=item["position"],
                question_id=item["question_id"],
                points=Decimal(item["points"]),
                snapshot=item["snapshot"],
            )
            for cadre_id in mine
            for item in drawn[cadre_id][1]
        )
        PreparedPaper.objects.bulk_create(
            PreparedPaper(
                exam=exam,
                cadre_id=cadre_id,
                attempt_id=pk,
                markup=drawn[cadre_id][2],
                prepared_at=now,
            )
            for cadre_id, pk in mine.items()
        )
    return len(mine)


def prepared_papers_drop(*, exam_ids) -> int:
    """Delete the papers drawn in advance for these exams: their
    PreparedPaper rows, paper items and prepared attempts. Returns how many.

    Locks as Start does (the PreparedPaper row first, then the attempt), so
    a Start at the same moment either got its paper first (then it is an
    attempt in progress and stays) or finds none (and draws one).
    """
    exam_ids = list(exam_ids)
    if not exam_ids:
        return 0
    with transaction.atomic():
        ids = set(
            PreparedPaper.objects.select_for_update()
            .filter(exam_id__in=exam_ids)
            .values_list("attempt_id", flat=True)
        )
        PreparedPaper.objects.filter(attempt_id__in=ids).delete()
        ids |= set(
            Attempt.all_objects.select_for_update()
            .filter(exam_id__in=exam_ids, status=ATTEMPT_PREPARED)
            .values_list("pk", flat=True)
        )
        prepared_attempts_delete(ids)
    return len(ids)


def prepared_attempts_delete(ids) -> None:
    """Delete the attempts with these ids that are prepared ones, with their
    items (in the caller's transaction, their PreparedPaper rows already
    gone). Such an attempt has no answers and no grades, so its items go in
    one plain DELETE (the ORM would load every item to look for them)."""
    ids = sorted(ids)
    attempts, items = Attempt._meta.db_table, PaperItem._meta.db_table
    with connection.cursor() as cursor:
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            cursor.execute(
                f'DELETE FROM "{items}" WHERE attempt_id IN '  # noqa: S608 - table names from the models
                f'(SELECT id FROM "{attempts}" WHERE status = %s '
                f"AND id IN ({', '.join(['%s'] * len(chunk))}))",
                [ATTEMPT_PREPARED, *chunk],
            )
    Attempt.all_objects.filter(pk__in=ids, status=ATTEMPT_PREPARED).delete()


def _prepared_markup(items: list) -> bytes:
    """A prepared paper's first page markup, in the site's language (see
    selectors: Start answers with it)."""
    from django.utils import translation

    from .selectors import blank_paper_markup, pack_markup

    with translation.override(settings.LANGUAGE_CODE):
        return pack_markup(*blank_paper_markup(items))


def exam_papers_refresh(*, exam: Exam) -> None:
    """The exam (or one of its questions) changed: drop the unused papers and
    draw them again after commit (by a worker)."""
    prepared_papers_drop(exam_ids=[exam.pk])
    if exam.prepare_papers and exam.is_published:
        from .tasks import prepare_exam_papers

        transaction.on_commit(lambda: prepare_exam_papers.delay(exam.pk))


def question_papers_refresh(*, question: Question) -> None:
    """Prepared papers that may hold this question are drawn again."""
    exams = Exam.objects.filter(prepare_papers=True).filter(
        Q(draw_rules__bank_id=question.bank_id) | Q(fixed_questions__question=question)
    )
    for exam in exams.distinct():
        exam_papers_refresh(exam=exam)


def exam_papers_prepare_due(*, now: dt.datetime | None = None) -> int:
    """Periodic: prepare papers for exams opening within a day or open now
    (new candidates since the last run); drop those of closed exams."""
    now = now or timezone.now()
    prepared_papers_drop(
        exam_ids=Exam.objects.filter(closes_at__lte=now, prepared_papers__isnull=False)
        .distinct()
        .values_list("pk", flat=True)
    )
    due = Exam.objects.filter(
        prepare_papers=True,
        is_published=True,
        closes_at__gt=now,
        opens_at__lte=now + dt.timedelta(days=1),
    )
    return sum(
        exam_papers_prepare(exam_id=pk, now=now)
        for pk in due.values_list("pk", flat=True)
    )


def accommodation_apply(*, exam: Exam, cadre, now: dt.datetime | None = None) -> int:
    """An accommodation was granted or changed: the cadre's open attempt gets
    the deadline it would have had with it (extra time given in the middle
    of an attempt counts at once). Returns how many attempts changed."""
    now = now or timezone.now()
    window = exam_window_for(exam=exam, cadre=cadre)
    changed = 0
    with transaction.atomic():
        for attempt in Attempt.objects.select_for_update().filter(
            exam=exam, cadre=cadre, status=AttemptStatus.IN_PROGRESS
        ):
            deadline = _deadline(
                exam=exam, window=window, started_at=attempt.started_at
            )
            if deadline != attempt.deadline:
                attempt.deadline = deadline
                attempt.save(update_fields=["deadline"])
                changed += 1
    return changed


# --- Save ----------------------------------------------------------------


class _Owner:
    """Who may write to an attempt: its cadre's signed-in user, or the
    holder of a key at the attempt's current version (assessments/keys.py).
    """

    __slots__ = ("user_id", "key_version")

    def __init__(self, *, user_id: int | None, key_version: int | None):
        if (user_id is None) == (key_version is None):
            raise TypeError("give exactly one of user_id and key_version")
        self.user_id, self.key_version = user_id, key_version

    def attempt_filter(self) -> dict:
        if self.user_id is None:
            return {"key_version": self.key_version}
        return {"cadre__user_id": self.user_id}

    def attempt_filter_flat(self) -> dict:
        """The same, as plain conditions on the attempt row (no join)."""
        if self.user_id is None:
            return {"key_version": self.key_version}
        own = Cadre.objects.filter(user_id=self.user_id).order_by().values("pk")[:1]
        return {"cadre_id": Subquery(own)}

    def sql(self) -> tuple[str, int]:
        """A condition on the attempt row for plain SQL, and its parameter."""
        if self.user_id is None:
            return "key_version = %s", self.key_version
        cadres = Cadre._meta.db_table
        return (
            f'cadre_id = (SELECT id FROM "{cadres}" WHERE user_id = %s LIMIT 1)',  # noqa: S608 - table name from the model
            self.user_id,
        )


def _save_refusal(*, attempt_id: int, owner: _Owner, now: dt.datetime) -> Exception:
    attempt = Attempt.objects.filter(pk=attempt_id, **owner.attempt_filter()).first()
    if attempt is None:
        if owner.user_id is None:
            return AttemptKeyRetired(
                _("This page's key for the attempt is no longer valid.")
            )
        return AttemptNotFound(_("No such attempt."))
    if attempt.is_open and now > attempt.deadline + save_grace():
        attempt_close(attempt_id=attempt.pk, now=now)
        return AttemptClosed(
            _(
                "Time is up: answers can no longer be saved. Your saved answers "
                "have been submitted."
            )
        )
    return AttemptClosed(
        _("This attempt has been submitted; answers can no longer be changed.")
    )


@dataclass(frozen=True, slots=True)
class SavedAnswer:
    """What answer_save stored (or found stored, for a retry): the step's
    fields without a model instance, which costs more than the save's own
    Python work on the exam day's most frequent request."""

    attempt_id: int
    item_id: int
    seq: int
    response: object
    saved_at: dt.datetime


def answer_save(
    *,
    attempt_id: int,
    response,
    seq: int,
    user_id: int | None = None,
    key_version: int | None = None,
    question_id: int | None = None,
    item_id: int | None = None,
    now: dt.datetime | None = None,
) -> SavedAnswer:
    """Append one save of one answer (latest seq wins).

    The writer is either the attempt's signed-in user (``user_id``) or the
    paper page's key (``key_version``, already checked for this attempt by
    ``keys.key_version``). On PostgreSQL one statement; elsewhere three
    queries: UPDATE the attempt row (ownership, open, deadline+grace, and
    the row lock that orders saves against submit), SELECT the item, INSERT
    the step.

    Raises:
        AttemptNotFound, AttemptKeyRetired, AttemptClosed,
        grading.ResponseInvalid
    """
    now = now or timezone.now()
    owner = _Owner(user_id=user_id, key_version=key_version)
    if connection.vendor == "postgresql":
        step = _answer_save_one_statement(
            attempt_id=attempt_id,
            owner=owner,
            response=response,
            seq=seq,
            question_id=question_id,
            item_id=item_id,
            now=now,
        )
        if step is not None:
            return step
    items = PaperItem.objects.filter(attempt_id=attempt_id)
    items = (
        items.filter(pk=item_id) if item_id else items.filter(question_id=question_id)
    )
    with transaction.atomic():
        # Plain conditions on the attempt row only (no join), so PostgreSQL
        # re-checks them after waiting for a submit's row lock. The UPDATE
        # changes nothing: it takes the lock (SQLite: the write lock) first.
        touched = Attempt.objects.filter(
            pk=attempt_id,
            status=AttemptStatus.IN_PROGRESS,
            deadline__gte=now - save_grace(),
            **owner.attempt_filter_flat(),
        ).update(key_version=F("key_version"))
        if touched:
            return _step_append(items=items, seq=seq, response=response, now=now)
    raise _save_refusal(attempt_id=attempt_id, owner=owner, now=now)


def item_flag(
    *,
    attempt_id: int,
    question_id: int,
    flagged: bool,
    user_id: int | None = None,
    key_version: int | None = None,
    now: dt.datetime | None = None,
) -> bool:
    """Set or clear the candidate's flag on one question of their paper.

    One UPDATE, with the same conditions as a save (the candidate's own
    attempt, or the page's key; still open, before the deadline plus
    grace); not graded and not part of the answer history.

    Raises:
        AttemptNotFound, AttemptKeyRetired, AttemptClosed
    """
    now = now or timezone.now()
    owner = _Owner(user_id=user_id, key_version=key_version)
    on_attempt = {f"attempt__{k}": v for k, v in owner.attempt_filter().items()}
    touched = PaperItem.objects.filter(
        attempt_id=attempt_id,
        question_id=question_id,
        attempt__status=AttemptStatus.IN_PROGRESS,
        attempt__deadline__gte=now - save_grace(),
        **on_attempt,
    ).update(flagged=flagged)
    if touched:
        return flagged
    if Attempt.objects.filter(
        pk=attempt_id,
        status=AttemptStatus.IN_PROGRESS,
        deadline__gte=now - save_grace(),
        **owner.attempt_filter(),
    ).exists():
        raise AttemptNotFound(_("That question is not on your paper."))
    raise _save_refusal(attempt_id=attempt_id, owner=owner, now=now)


# (attempt id, "q"|"i", question or item id) -> (item id, {"qtype", "choices"}).
# A frozen paper never changes, so what a save validates against can be kept.
# A plain dict, emptied when full: each operation is atomic under the GIL, so
# gunicorn's threads share it without a lock.
_ITEM_SPECS: dict = {}
_ITEM_SPECS_MAX = 50_000


def _item_spec(*, attempt_id: int, question_id, item_id):
    """The item a save is for and what its answer is checked against."""
    key = (attempt_id, "i" if item_id else "q", item_id or question_id)
    spec = _ITEM_SPECS.get(key)
    if spec is not None:
        return spec
    column = "id" if item_id else "question_id"
    table = PaperItem._meta.db_table
    where = f'FROM "{table}" WHERE attempt_id = %s AND {column} = %s'
    sql = "SELECT id, snapshot->>'qtype', " + (
        "jsonb_path_query_array(snapshot, '$.choices[*].id') " + where
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, [attempt_id, item_id or question_id])
        row = cursor.fetchone()
    if row is None:
        return None
    choices = row[2] if isinstance(row[2], list) else json.loads(row[2])
    spec = (row[0], {"qtype": row[1], "choices": [{"id": c} for c in choices]})
    if len(_ITEM_SPECS) >= _ITEM_SPECS_MAX:
        _ITEM_SPECS.clear()
    _ITEM_SPECS[key] = spec
    return spec


# The fast save's statement, by owner condition (key or signed-in user).
_SAVE_SQL: dict[str, str] = {}


def _answer_save_one_statement(
    *, attempt_id, owner: _Owner, response, seq, question_id, item_id, now
) -> SavedAnswer | None:
    """PostgreSQL: the whole save in one statement (one round trip, no
    explicit transaction). None when it did not store the save, for whatever
    reason (closed, not yours, not on the paper, invalid answer): the
    general path then gives the precise answer.

    The attempt row is read with the general path's conditions and locked
    FOR SHARE: saves of one attempt do not wait for each other, but a save
    waits for a submit's FOR UPDATE lock and PostgreSQL re-checks the
    conditions on the row the submit left (so it is refused), and a submit
    waits for every save that got in first (so grading sees it). The INSERT
    only runs when that row qualified. No new row version per save.
    """
    spec = _item_spec(attempt_id=attempt_id, question_id=question_id, item_id=item_id)
    if spec is None:
        return None
    try:
        cleaned = grading.response_clean(spec[1], response)
    except grading.ResponseInvalid:
        return None
    whose, owner_param = owner.sql()
    sql = _SAVE_SQL.get(whose)
    if sql is None:
        attempts, steps = Attempt._meta.db_table, AnswerStep._meta.db_table
        sql = _SAVE_SQL[whose] = (
            f'WITH touched AS (SELECT id FROM "{attempts}" '  # noqa: S608
            f"WHERE id = %s AND status = %s AND deadline >= %s AND {whose} "
            "FOR SHARE), "
            f'stored AS (INSERT INTO "{steps}" '
            "(attempt_id, item_id, seq, response, saved_at) "
            "SELECT id, %s, %s, %s, %s FROM touched "
            "ON CONFLICT DO NOTHING RETURNING 1) "
            "SELECT (SELECT count(*) FROM touched), (SELECT count(*) FROM stored)"
        )
    touched, _stored = prepared_fetchone(
        sql,
        [
            attempt_id,
            AttemptStatus.IN_PROGRESS,
            now - save_grace(),
            owner_param,
            spec[0],
            seq,
            None if cleaned is None else Jsonb(cleaned),
            now,
        ],
    )
    if not touched:
        return None
    # Not stored means the same (item, seq) is already there: a retry.
    return SavedAnswer(attempt_id, spec[0], seq, cleaned, now)


def _step_append(*, items, seq: int, response, now: dt.datetime) -> SavedAnswer:
    item = items.only("pk", "attempt_id", "snapshot").order_by().first()
    if item is None:
        raise AttemptNotFound(_("That question is not on your paper."))
    cleaned = grading.response_clean(item.snapshot, response)
    step = AnswerStep(
        attempt_id=item.attempt_id, item=item, seq=seq, response=cleaned, saved_at=now
    )
    # A retry of the same save (same item and seq) is already stored: the
    # conflict is ignored, so no savepoint is needed on the hot path.
    AnswerStep.objects.bulk_create([step], ignore_conflicts=True)
    return SavedAnswer(item.attempt_id, item.pk, seq, cleaned, now)


# --- Submit, close, grade ------------------------------------------------------


def attempt_submit(*, attempt_id: int, user_id: int, now: dt.datetime | None = None):
    """The candidate submits. Idempotent: a second submit returns the same
    attempt and result.

    Raises:
        AttemptNotFound: not this user's attempt.
    """
    if not Attempt.objects.filter(pk=attempt_id, cadre__user_id=user_id).exists():
        raise AttemptNotFound(_("No such attempt."))
    return attempt_close(attempt_id=attempt_id, now=now, reason=CloseReason.SUBMITTED)


def attempt_close(
    *, attempt_id: int, now: dt.datetime | None = None, reason: str = ""
) -> Attempt:
    """Close an attempt from its saved answers and grade what a machine can.

    Locks the attempt row; does nothing to an attempt already closed.
    """
    now = now or timezone.now()
    with transaction.atomic():
        attempt = (
            Attempt.objects.select_for_update()
            .select_related("exam")
            .get(pk=attempt_id)
        )
        if attempt.status != AttemptStatus.IN_PROGRESS:
            return attempt
        if now > attempt.deadline or not reason:
            reason = CloseReason.DEADLINE
        attempt.status = AttemptStatus.AWAITING_GRADING
        attempt.closed_at = min(now, attempt.deadline + save_grace())
        attempt.close_reason = reason
        attempt.save(update_fields=["status", "closed_at", "close_reason"])
        _items_grade(attempt=attempt)
        _result_refresh(attempt=attempt, kind=GradeChangeKind.AUTO)
    return attempt


def _items_grade(*, attempt: Attempt) -> None:
    latest = latest_responses(attempt=attempt)
    policy = attempt.exam.multi_choice_policy
    items = list(attempt.items.all())
    for item in items:
        item.response = latest.get(item.pk, (0, None))[1]
        fraction = grading.fraction_for(item.snapshot, item.response, policy=policy)
        item.needs_marking = fraction is None
        if fraction is not None:
            item.fraction = grading.fraction_store(fraction)
            item.mark = grading.mark_for(fraction, item.points)
    # The items of this (closing) attempt, by primary key: the manager that
    # sees every item updates them without joining the attempt again.
    PaperItem.all_objects.bulk_update(
        items, ["response", "fraction", "mark", "needs_marking"], batch_size=200
    )


def _result_refresh(
    *,
    attempt: Attempt,
    kind: str,
    by=None,
    reason: str = "",
    item=None,
    old_mark=None,
) -> Result:
    """Recompute the grade from the items; append a GradeChange; finalise
    and post to the archive when nothing is left to mark."""
    totals = list(attempt.items.values_list("points", "mark", "needs_marking"))
    max_grade = sum((points for points, _m, _n in totals), ZERO)
    grade = sum((mark or ZERO for _p, mark, _n in totals), ZERO)
    pending = any(needs for _p, _m, needs in totals)
    result = Result.objects.filter(attempt=attempt).first()
    old_grade = result.grade if result else None
    was_final = bool(result and result.is_final)
    if result is None:
        result = Result(attempt=attempt)
    result.grade, result.max_grade = grade, max_grade
    result.passed = not pending and grade >= attempt.exam.pass_mark
    result.is_final = not pending
    if result.is_final and not result.finalised_at:
        result.finalised_at = timezone.now()
    result.save()
    GradeChange.objects.create(
        attempt=attempt,
        item=item,
        kind=kind,
        old_mark=old_mark,
        new_mark=item.mark if item else None,
        old_grade=old_grade,
        new_grade=grade,
        changed_by=by,
        reason=reason[:300],
    )
    if not pending:
        Attempt.objects.filter(pk=attempt.pk).update(status=AttemptStatus.GRADED)
        attempt.status = AttemptStatus.GRADED
        if not was_final or old_grade != grade:
            _post_on_commit(attempt_id=attempt.pk, reason=reason)
    return result


def _post_on_commit(*, attempt_id: int, reason: str) -> None:
    # The archive row is written in the same transaction as the result, so a
    # final result can never miss the archive: posting through Celery lost
    # results when the broker was down (bench-exam's fault phase). Course
    # completion and the certificate follow after commit; both are
    # idempotent, and robust so a failure there is logged, never turned into
    # an error page for a candidate whose submit is already committed.
    result_post(attempt_id=attempt_id, reason=reason[:200], notify=False)

    def notify():
        attempt = Attempt.objects.select_related("exam", "result").get(pk=attempt_id)
        if attempt.result.passed:
            _passed_notify(attempt=attempt)

    transaction.on_commit(notify, robust=True)


def attempts_close_expired(*, now: dt.datetime | None = None) -> int:
    """Close every open attempt whose deadline and grace period have passed."""
    now = now or timezone.now()
    expired = Attempt.objects.filter(
        status=AttemptStatus.IN_PROGRESS, deadline__lt=now - save_grace()
    ).values_list("pk", flat=True)
    count = 0
    for attempt_id in list(expired):
        attempt_close(attempt_id=attempt_id, now=now, reason=CloseReason.DEADLINE)
        count += 1
    return count


def item_mark(*, item_id: int, mark: Decimal, by, comment: str = "") -> PaperItem:
    """A marker marks one answer that waits for a person: a short answer of
    an attempt that is closed and not yet final. A final result changes only
    through a result review (review_answer).

    Raises:
        GradingError: not such an answer, or the mark is outside 0..points.
    """
    return _item_mark(
        item_id=item_id, mark=mark, by=by, comment=comment, by_review=False
    )


def _item_mark(
    *, item_id: int, mark: Decimal, by, comment: str, by_review: bool
) -> PaperItem:
    with transaction.atomic():
        item = PaperItem.objects.select_related("attempt").get(pk=item_id)
        attempt = (
            Attempt.objects.select_for_update()
            .select_related("exam")
            .get(pk=item.attempt_id)
        )
        if attempt.status == AttemptStatus.IN_PROGRESS:
            raise GradingError(_("The attempt is still open; mark it after it closes."))
        if not by_review and not item_is_hand_marked(item=item, attempt=attempt):
            raise GradingError(
                _(
                    "Only short answers of attempts awaiting marking are marked "
                    "here; a final result changes through a result review."
                )
            )
        if mark < 0 or mark > item.points:
            raise GradingError(
                _("The mark must be between 0 and %(points)s.")
                % {"points": item.points}
            )
        old_mark = item.mark
        item.mark = mark.quantize(Decimal("0.01"))
        item.fraction = grading.fraction_store(mark / item.points)
        item.needs_marking = False
        item.marker_comment = comment
        item.save(update_fields=["mark", "fraction", "needs_marking", "marker_comment"])
        _result_refresh(
            attempt=attempt,
            kind=GradeChangeKind.REVIEW if by_review else GradeChangeKind.MANUAL,
            by=by,
            reason=comment,
            item=item,
            old_mark=old_mark,
        )
    return item


def question_key_correct(*, question: Question, by, reason: str) -> int:
    """After a question's key was corrected, regrade every closed attempt
    that used it, with an audit entry per changed answer.

    Returns:
        how many answers changed mark.
    """
    if not reason.strip():
        raise GradingError(_("Say why the key was corrected."))
    question = Question.objects.prefetch_related("choices").get(pk=question.pk)
    changed = 0
    item_ids = PaperItem.objects.filter(question=question).values_list("pk", flat=True)
    for item_id in list(item_ids):
        changed += _item_regrade(
            item_id=item_id, question=question, by=by, reason=reason
        )
    # Papers drawn in advance still hold the old key: drawn again.
    question_papers_refresh(question=question)
    return changed


def _item_regrade(*, item_id: int, question: Question, by, reason: str) -> int:
    with transaction.atomic():
        item = PaperItem.objects.get(pk=item_id)
        attempt = (
            Attempt.objects.select_for_update()
            .select_related("exam")
            .get(pk=item.attempt_id)
        )
        item.snapshot = grading.snapshot_key_update(item.snapshot, question)
        if attempt.status == AttemptStatus.IN_PROGRESS or item.needs_marking:
            item.save(update_fields=["snapshot"])
            return 0
        if question.qtype == QuestionType.SHORT_ANSWER:
            item.save(update_fields=["snapshot"])
            return 0
        policy = attempt.exam.multi_choice_policy
        fraction = grading.fraction_for(item.snapshot, item.response, policy=policy)
        old_mark = item.mark
        item.fraction = grading.fraction_store(fraction)
        item.mark = grading.mark_for(fraction, item.points)
        item.save(update_fields=["snapshot", "fraction", "mark"])
        if item.mark == old_mark:
            return 0
        _result_refresh(
            attempt=attempt,
            kind=GradeChangeKind.KEY_CORRECTION,
            by=by,
            reason=reason,
            item=item,
            old_mark=old_mark,
        )
    return 1


# --- Result reviews (成绩复核) ------------------------------------------------


def review_request(
    *, attempt: Attempt, user, reason: str, now: dt.datetime | None = None
) -> ResultReview:
    """A candidate asks for a review of their graded result.

    Raises:
        ReviewError: not graded, period over, already open, no reason.
    """
    now = now or timezone.now()
    if attempt.cadre.user_id != user.pk:
        raise ReviewError(_("You can only ask for a review of your own result."))
    if attempt.status != AttemptStatus.GRADED:
        raise ReviewError(_("A review can be asked for once the result is final."))
    days = attempt.exam.review_days
    finalised = attempt.result.finalised_at or attempt.result.created_at
    if not days or now > finalised + dt.timedelta(days=days):
        raise ReviewError(_("The period for asking for a review is over."))
    if not reason.strip():
        raise ReviewError(_("Say why you ask for a review."))
    try:
        with transaction.atomic():
            return ResultReview.objects.create(
                attempt=attempt,
                reason=reason.strip(),
                grade_before=attempt.result.grade,
            )
    except IntegrityError:
        raise ReviewError(
            _("You have already asked for a review of this result.")
        ) from None


def review_answer(
    *, review: ResultReview, by, answer: str, marks: dict[int, Decimal] | None = None
) -> ResultReview:
    """A trainer answers a review, regrading the answers named in ``marks``."""
    if not answer.strip():
        raise ReviewError(_("Write an answer to the candidate."))
    with transaction.atomic():
        review = ResultReview.objects.select_for_update().get(pk=review.pk)
        if review.status != ReviewStatus.OPEN:
            raise ReviewError(_("This review has already been answered."))
        items = PaperItem.objects.filter(attempt_id=review.attempt_id)
        for item_id, mark in (marks or {}).items():
            item = items.get(pk=item_id)
            if item.mark != mark:
                _item_mark(
                    item_id=item.pk, mark=mark, by=by, comment=answer, by_review=True
                )
        result = Result.objects.get(attempt_id=review.attempt_id)
        review.grade_after = result.grade
        review.status = (
            ReviewStatus.CHANGED
            if result.grade != review.grade_before
            else ReviewStatus.UPHELD
        )
        review.answer, review.answered_by = answer.strip(), by
        review.answered_at = timezone.now()
        review.save()
    return review


# --- Posting to the archive ----------------------------------------------------


def knowledge_point_scores(*, attempt: Attempt) -> dict[str, float]:
    """{knowledge point: percentage 0-100} over the items tagged with it."""
    earned: dict[str, Decimal] = {}
    possible: dict[str, Decimal] = {}
    for item in attempt.items.only("points", "mark", "snapshot"):
        for name in item.snapshot.get("knowledge_points", []):
            earned[name] = earned.get(name, ZERO) + (item.mark or ZERO)
            possible[name] = possible.get(name, ZERO) + item.points
    return {
        name: round(float(earned[name] / possible[name] * 100), 1)
        for name in sorted(possible)
        if possible[name]
    }


def result_post(*, attempt_id: int, reason: str = "", notify: bool = True) -> None:
    """Post a final result to the cadre's training archive (personnel), and
    (with ``notify``) tell courses when a course exam is passed and issue the
    exam's certificate. Safe to call again."""
    from personnel import api as personnel_api

    attempt = Attempt.objects.select_related("exam", "result").get(pk=attempt_id)
    result = attempt.result
    if not result.is_final:
        return
    personnel_api.exam_result_post(
        cadre_id=attempt.cadre_id,
        exam_ref=f"exam:{attempt.exam_id}",
        exam_title=attempt.exam.title,
        attempt_ref=f"attempt:{attempt.pk}",
        score=result.grade,
        max_score=result.max_grade,
        passed=result.passed,
        taken_on=timezone.localdate(attempt.closed_at),
        knowledge_point_scores=knowledge_point_scores(attempt=attempt),
        reason=reason,
    )
    if notify and result.passed:
        _passed_notify(attempt=attempt)


def _passed_notify(*, attempt: Attempt) -> None:
    """Tell courses (course exam passed) and issue the exam's certificate.

    Each is idempotent on the other side (a second pass records nothing new,
    a second issue returns the valid certificate). A failure here is logged
    and does not undo the result, which is already posted.
    """
    from courses import api as courses_api
    from personnel import api as personnel_api

    exam, result = attempt.exam, attempt.result
    try:
        if exam.course_id:
            courses_api.course_exam_passed(
                course_id=exam.course_id, cadre_id=attempt.cadre_id
            )
        if exam.certificate_template_id:
            personnel_api.certificate_issue(
                cadre_id=attempt.cadre_id,
                template_id=exam.certificate_template_id,
                subject_type="exam",
                subject_id=str(exam.pk),
                subject_title=exam.title,
                hours=None,
                score=result.grade,
                completed_on=timezone.localdate(attempt.closed_at),
            )
    except Exception:
        logger.exception("After-pass hooks failed for attempt %s", attempt.pk)
