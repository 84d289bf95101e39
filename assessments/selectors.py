"""Reads: eligibility, windows, what a user may see."""

import datetime as dt
import json
import zlib
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.db import connection
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, pgettext

from personnel import api as personnel_api

from . import paper_markup
from .choices import (
    ATTEMPT_PREPARED,
    CHOICE_TYPES,
    AnswerRelease,
    AttemptStatus,
    PaperMode,
    QuestionType,
    ReviewStatus,
    ScoreRelease,
)
from .db import prepared_fetchone
from .models import (
    Accommodation,
    AnswerStep,
    Attempt,
    Exam,
    PaperItem,
    Result,
    ResultReview,
)


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


def exam_candidates(*, exam: Exam):
    """Cadres in post who may sit the exam (the inverse of exams_for_cadre)."""
    cadres = personnel_api.Cadre.objects.filter(is_active=True)
    teams = list(exam.eligible_teams.values_list("pk", flat=True))
    paths = list(exam.eligible_units.values_list("path", flat=True))
    named = list(exam.eligible_cadres.values_list("pk", flat=True))
    accommodated = list(exam.accommodations.values_list("cadre_id", flat=True))
    if not (teams or paths or named):
        return cadres
    allowed = Q(pk__in=named + accommodated) | Q(teams__in=teams)
    for path in paths:
        allowed |= Q(unit__path__startswith=path)
    return cadres.filter(pk__in=cadres.filter(allowed).values("pk"))


def exam_is_eligible(*, exam: Exam, cadre) -> bool:
    return exams_for_cadre(cadre=cadre).filter(pk=exam.pk).exists()


def attempts_of(*, exam: Exam, cadre) -> QuerySet[Attempt]:
    return Attempt.objects.filter(exam=exam, cadre=cadre).select_related("result")


def attempt_for_user(*, attempt_id: int, user) -> Attempt | None:
    """The attempt if it belongs to this user's cadre; None otherwise."""
    return (
        Attempt.objects.select_related("exam", "cadre", "cadre__unit")
        .filter(pk=attempt_id, cadre__user_id=user.pk)
        .first()
    )


def latest_responses(*, attempt: Attempt) -> dict[int, tuple[int, object]]:
    """{item_id: (seq, response)} from the newest step of each item.

    Plain SQL: the paper page asks on every load; on PostgreSQL only the
    newest step of each item leaves the database.
    """
    distinct = "DISTINCT ON (item_id) " if connection.vendor == "postgresql" else ""
    latest: dict[int, tuple[int, object]] = {}
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT {distinct}item_id, seq, response "  # noqa: S608
            f'FROM "{AnswerStep._meta.db_table}" WHERE attempt_id = %s '
            "ORDER BY item_id, seq DESC, id DESC",
            [attempt.pk],
        )
        for item_id, seq, response in cursor.fetchall():
            latest.setdefault(item_id, (seq, _json(response)))
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


def exam_paper_total(*, exam: Exam) -> Decimal:
    """The points of a full paper: the fixed questions' (their own points
    unless given others), or for a draw what its rules ask for."""
    if exam.paper_mode == PaperMode.DRAW:
        return sum(
            (rule.count * rule.points_each for rule in exam.draw_rules.all()),
            Decimal("0"),
        )
    fixed = exam.fixed_questions.select_related("question")
    return sum((f.points or f.question.points for f in fixed), Decimal("0"))


def markable_items() -> QuerySet[PaperItem]:
    """Answers the marking page may mark: see ``item_is_hand_marked``."""
    return PaperItem.objects.filter(
        attempt__status=AttemptStatus.AWAITING_GRADING,
        snapshot__qtype=QuestionType.SHORT_ANSWER,  # as drawn, like item.qtype
    )


def item_is_hand_marked(*, item: PaperItem, attempt: Attempt) -> bool:
    """Short answers are the one type a person marks, and only while their
    attempt is closed but not final: other answers are graded by the key,
    and a final result changes only through a result review (its own
    regrade path), never silently from the marking page."""
    return (
        item.qtype == QuestionType.SHORT_ANSWER
        and attempt.status == AttemptStatus.AWAITING_GRADING
    )


def marking_queue(*, exam_id: int | None = None) -> QuerySet[PaperItem]:
    items = PaperItem.objects.filter(
        needs_marking=True, attempt__status=AttemptStatus.AWAITING_GRADING
    ).select_related("attempt", "attempt__exam", "question")
    if exam_id:
        items = items.filter(attempt__exam_id=exam_id)
    return items.order_by("attempt__exam_id", "question_id", "attempt_id")


def trainer_todo(*, now: dt.datetime) -> dict:
    """What waits for trainers, for the admin dashboard: four counts."""
    queue = marking_queue().order_by()
    return {
        "answers_to_mark": queue.count(),
        "attempts_to_mark": queue.values("attempt_id").distinct().count(),
        "reviews_open": ResultReview.objects.filter(status=ReviewStatus.OPEN).count(),
        "exams_open": Exam.objects.filter(
            is_published=True, opens_at__lte=now, closes_at__gt=now
        ).count(),
    }


# --- Candidate pages ------------------------------------------------------------


def remaining_seconds(*, attempt: Attempt, now: dt.datetime) -> int:
    if not attempt.is_open:
        return 0
    return max(0, int((attempt.deadline - now).total_seconds()))


def my_exam_rows(*, cadre, now: dt.datetime) -> list[dict]:
    """Every exam the cadre may sit, with their attempts and what to do next."""
    exams = list(exams_for_cadre(cadre=cadre))
    attempts: dict[int, list[Attempt]] = {}
    for attempt in Attempt.objects.filter(cadre=cadre, exam__in=exams).select_related(
        "result", "exam"
    ):
        attempts.setdefault(attempt.exam_id, []).append(attempt)
    accommodations = {
        a.exam_id: a for a in Accommodation.objects.filter(cadre=cadre, exam__in=exams)
    }
    rows = []
    for exam in exams:
        accommodation = accommodations.get(exam.pk)
        closes_at = (accommodation and accommodation.closes_at) or exam.closes_at
        opens_at = (accommodation and accommodation.opens_at) or exam.opens_at
        mine = sorted(attempts.get(exam.pk, []), key=lambda a: a.number)
        state = (
            "upcoming" if now < opens_at else "open" if now < closes_at else "closed"
        )
        rows.append(
            {
                "exam": exam,
                "opens_at": opens_at,
                "closes_at": closes_at,
                "state": state,
                "attempts": [
                    {"attempt": a, "score_visible": score_visible(attempt=a, now=now)}
                    for a in mine
                ],
                "open_attempt": next((a for a in mine if a.is_open), None),
            }
        )
    return rows


def exam_overview(*, exam: Exam, cadre, now: dt.datetime) -> dict:
    window = exam_window_for(exam=exam, cadre=cadre)
    mine = list(attempts_of(exam=exam, cadre=cadre).order_by("number"))
    open_attempt = next((a for a in mine if a.is_open), None)
    can_start = window.is_open(now) and (
        open_attempt or len(mine) < exam.attempts_allowed
    )
    time_limit = exam.time_limit_minutes
    if time_limit and window.extra_minutes:
        time_limit += window.extra_minutes
    return {
        "exam": exam,
        "window": window,
        "attempts": mine,
        "open_attempt": open_attempt,
        "can_start": bool(can_start),
        "time_limit": time_limit,
        "now": now,
    }


def attempt_for_paper(*, attempt_id: int, user_id: int) -> Attempt | None:
    """attempt_for_user for the paper page, in one plain SQL statement: the
    attempt with what the page shows of its exam, cadre and unit (unsaved
    related instances, enough for the page and nothing else)."""
    tables = (
        f'"{Attempt._meta.db_table}" a '
        f'JOIN "{Exam._meta.db_table}" e ON e.id = a.exam_id '
        f'JOIN "{personnel_api.Cadre._meta.db_table}" c ON c.id = a.cadre_id '
        f'JOIN "{personnel_api.Unit._meta.db_table}" u ON u.id = c.unit_id'
    )
    columns = (
        "a.id, a.status, a.deadline, a.started_at, a.number, a.seed, "
        "a.exam_id, e.title, a.cadre_id, c.name, c.unit_id, u.name, a.key_version"
    )
    # Never a paper drawn in advance (an attempt in status "prepared").
    sql = (
        f"SELECT {columns} FROM {tables} "  # noqa: S608
        "WHERE a.id = %s AND c.user_id = %s AND a.status <> %s"
    )
    row = prepared_fetchone(sql, [attempt_id, user_id, ATTEMPT_PREPARED])
    return None if row is None else paper_attempt(row)


def paper_attempt(row) -> Attempt:
    """An Attempt for the paper page from a row of (id, status, deadline,
    started_at, number, seed, exam_id, exam title, cadre_id, cadre name,
    unit_id, unit name, key_version), as attempt_for_paper and
    services.attempt_unseal select them: unsaved related instances, enough
    for the page and nothing else."""
    pk, status, deadline, started_at, number, seed, exam_id, title = row[:8]
    cadre_id, cadre_name, unit_id, unit_name, key_version = row[8:]
    attempt = Attempt(
        id=pk,
        status=status,
        deadline=_aware(deadline),
        started_at=_aware(started_at),
        number=number,
        seed=seed,
        exam_id=exam_id,
        cadre_id=cadre_id,
        key_version=key_version,
    )
    attempt.exam = Exam(id=exam_id, title=title)
    attempt.cadre = personnel_api.Cadre(
        id=cadre_id,
        name=cadre_name,
        unit=personnel_api.Unit(id=unit_id, name=unit_name),
    )
    return attempt


def _aware(value) -> dt.datetime:
    """A timestamp read with plain SQL (SQLite gives naive UTC text)."""
    value = Attempt._meta.get_field("deadline").to_python(value)
    return value.replace(tzinfo=dt.UTC) if value.tzinfo is None else value


def _json(value):
    return json.loads(value) if isinstance(value, str) else value


def _items_with_answers(attempt: Attempt):
    """The paper's items and each one's newest answer, for the paper page.

    Plain SQL: this is what every candidate loads at the
    start of an exam and on every reload, and building 50 model instances
    and their JSON through the ORM cost more than the rest of the page.
    """
    items_table = PaperItem._meta.db_table
    points_field = PaperItem._meta.get_field("points")
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT id, position, question_id, points, snapshot, flagged "  # noqa: S608
            f'FROM "{items_table}" WHERE attempt_id = %s ORDER BY position',
            [attempt.pk],
        )
        items = [
            PaperRow(
                pk=pk,
                position=position,
                question_id=question_id,
                points=points_field.to_python(points).quantize(Decimal("0.1")),
                snapshot=_json(snapshot),
                flagged=bool(flagged),
            )
            for pk, position, question_id, points, snapshot, flagged in (
                cursor.fetchall()
            )
        ]
    return items, latest_responses(attempt=attempt)


@dataclass(frozen=True)
class PaperRow:
    """What the paper page shows of a PaperItem."""

    pk: int
    position: int
    question_id: int
    points: Decimal
    snapshot: dict
    flagged: bool = False


def _paper_questions(items, latest: dict) -> list[dict]:
    from .grading import snapshot_public

    questions = []
    for item in items:
        seq, response = latest.get(item.pk, (0, None))
        questions.append(
            {
                "item": item,
                "public": snapshot_public(item.snapshot),
                "response": response,
                "seq": seq,
                "chosen": response if isinstance(response, list) else [response],
            }
        )
    return questions


def paper_context(*, attempt: Attempt, now: dt.datetime) -> dict:
    items, latest = _items_with_answers(attempt)
    questions = _paper_questions(items, latest)
    return {
        "attempt": attempt,
        "exam": attempt.exam,
        "questions": questions,
        "navigator_html": paper_markup.navigator_html(questions),
        "questions_html": paper_markup.questions_html(questions),
        "remaining_seconds": remaining_seconds(attempt=attempt, now=now),
    }


# --- A prepared paper's page, built before the exam -------------------------
#
# When an exam draws its papers in advance, the worker that draws them also
# builds each paper's questions and navigator as the candidate will first see
# them (nothing answered, nothing flagged) and keeps them with the paper
# (PreparedPaper.markup). Start turns the paper into the attempt and returns
# that markup in the same statement, so the page Start answers with (the
# exam-day spike) needs no building. Markup of another language, or built by
# another version of paper_markup.py, is not used: the page is built.


def blank_paper_markup(items: list[dict]) -> tuple[str, str]:
    """(navigator, questions) HTML of a prepared paper nobody has answered,
    in the active language. ``items`` as PreparedPaper.items holds them."""
    points_field = PaperItem._meta.get_field("points")
    rows = [
        PaperRow(
            pk=0,
            position=entry["position"],
            question_id=entry["question_id"],
            points=points_field.to_python(entry["points"]).quantize(Decimal("0.1")),
            snapshot=entry["snapshot"],
        )
        for entry in items
    ]
    questions = _paper_questions(rows, {})
    return (
        str(paper_markup.navigator_html(questions)),
        str(paper_markup.questions_html(questions)),
    )


def paper_context_from_markup(
    *, attempt: Attempt, packed: bytes | None, now: dt.datetime
) -> dict | None:
    """The paper page's context from a prepared paper's markup (pack_markup),
    or None (build it): none kept, another language or markup version.

    ``navigator_html`` and ``questions_html`` stay UTF-8 bytes here:
    paper_page.render_page joins them into the page's bytes as they are
    (decoding 50 KB of markup and encoding it again cost a Start about a
    tenth of a millisecond); markup_text() turns them into text for a
    template."""
    if not packed:
        return None
    header, navigator, questions = zlib.decompress(bytes(packed)).split(b"\0", 2)
    if header != _markup_header().encode():
        return None
    return {
        "attempt": attempt,
        "exam": attempt.exam,
        # Built by paper_markup (every value escaped) in our own worker.
        "navigator_html": navigator,
        "questions_html": questions,
        "remaining_seconds": remaining_seconds(attempt=attempt, now=now),
    }


def markup_text(markup: bytes | str) -> str:
    """Paper markup of our own (paper_markup escapes every value it puts
    in) as safe text for a template, from bytes or text."""
    if isinstance(markup, bytes):
        markup = markup.decode()
    return mark_safe(markup)  # noqa: S308


def _markup_header() -> str:
    return f"{paper_markup.VERSION}:{get_language()}"


def pack_markup(navigator: str, questions: str) -> bytes:
    """Markup built in the active language, as PreparedPaper.markup keeps it."""
    return zlib.compress(f"{_markup_header()}\0{navigator}\0{questions}".encode(), 6)


def attempt_clock(
    *, attempt_id: int, user_id: int | None = None, key_version: int | None = None
) -> dict | None:
    """{"status", "deadline"} of this user's attempt (or of the attempt at
    this key version, see keys.py), or None.

    Plain SQL: every candidate asks twice a minute, and building the same
    query through the ORM cost several times the query itself.
    """
    attempts, cadres = Attempt._meta.db_table, personnel_api.Cadre._meta.db_table
    if user_id is None:
        sql = (
            f'SELECT status, deadline FROM "{attempts}" '  # noqa: S608
            "WHERE id = %s AND key_version = %s AND status <> %s"
        )
        params = [attempt_id, key_version, ATTEMPT_PREPARED]
    else:
        sql = (
            f'SELECT a.status, a.deadline FROM "{attempts}" a '  # noqa: S608
            f'JOIN "{cadres}" c ON c.id = a.cadre_id '
            "WHERE a.id = %s AND c.user_id = %s AND a.status <> %s"
        )
        params = [attempt_id, user_id, ATTEMPT_PREPARED]
    row = prepared_fetchone(sql, params)
    if row is None:
        return None
    return {"status": row[0], "deadline": _aware(row[1])}


def clock_json(*, clock: dict, now: dt.datetime) -> dict:
    is_open = clock["status"] == AttemptStatus.IN_PROGRESS
    remaining = max(0, int((clock["deadline"] - now).total_seconds()))
    return {
        "status": clock["status"],
        "deadline": clock["deadline"].isoformat(),
        "server_time": now.isoformat(),
        "remaining_seconds": remaining if is_open else 0,
    }


def attempt_state(*, attempt: Attempt, now: dt.datetime) -> dict:
    """JSON for resuming: saved answers and the server's remaining seconds."""
    items = attempt.items.order_by("position").values_list(
        "pk", "question_id", "position", "snapshot", "flagged"
    )
    latest = latest_responses(attempt=attempt)
    answers = []
    for item_id, question_id, position, snapshot, flagged in items:
        seq, response = latest.get(item_id, (0, None))
        answers.append(
            {
                "item": item_id,
                "question": question_id,
                "position": position,
                "qtype": snapshot["qtype"],
                "options": [choice["id"] for choice in snapshot["choices"]],
                "response": response,
                "seq": seq,
                "flagged": flagged,
            }
        )
    return {
        "attempt": attempt.pk,
        "status": attempt.status,
        "deadline": attempt.deadline.isoformat(),
        "server_time": now.isoformat(),
        "remaining_seconds": remaining_seconds(attempt=attempt, now=now),
        "answers": answers,
    }


def result_context(*, attempt: Attempt, now: dt.datetime) -> dict:
    result = Result.objects.filter(attempt=attempt).first()
    show_score = score_visible(attempt=attempt, now=now)
    show_answers = answers_visible(attempt=attempt, now=now)
    rows = []
    if show_answers:
        for item in attempt.items.order_by("position"):
            rows.append(_review_row(item))
    reviews = list(attempt.reviews.order_by("requested_at"))
    can_review = (
        show_score
        and attempt.exam.review_days > 0
        and result is not None
        and result.finalised_at is not None
        and now <= result.finalised_at + dt.timedelta(days=attempt.exam.review_days)
        and not any(r.status == "open" for r in reviews)
    )
    return {
        "attempt": attempt,
        "exam": attempt.exam,
        "result": result if show_score else None,
        "show_answers": show_answers,
        "rows": rows,
        "reviews": reviews,
        "can_review": can_review,
    }


def answer_texts(*, snapshot: dict, response) -> dict[str, str]:
    """What a candidate answered and what the key says, as a trainer reads
    them: options by the letter and text the candidate saw (their order),
    true/false in words, typed answers as typed. "—" where there is none."""
    qtype = snapshot["qtype"]
    separator = pgettext("answer list separator", "; ")
    if qtype in CHOICE_TYPES:
        options = _choice_rows(snapshot, response)
        answer = [f"{o['letter']}. {o['text']}" for o in options if o["chosen"]]
        key = [f"{o['letter']}. {o['text']}" for o in options if o["correct"]]
        return {
            "answer": separator.join(answer) or "—",
            "key": separator.join(key) or "—",
        }
    if qtype == QuestionType.TRUE_FALSE:
        return {
            "answer": _true_false(response),
            "key": _true_false(snapshot.get("correct_bool")),
        }
    if qtype == QuestionType.FILL_BLANK:
        key = separator.join(snapshot.get("accepted_answers") or []) or "—"
        if snapshot.get("numeric_tolerance"):
            key = f"{key} (± {snapshot['numeric_tolerance']})"
        answer = "—" if response in (None, "") else str(response)
        return {"answer": answer, "key": key}
    answer = "—" if response in (None, "") else str(response)
    return {"answer": answer, "key": snapshot.get("reference_answer") or "—"}


def _true_false(value) -> str:
    if value is None or value == "":
        return "—"
    if value is True:
        return pgettext("true/false answer", "True")
    return pgettext("true/false answer", "False")


def items_with_answer_texts(items) -> list[PaperItem]:
    """The items, each with ``answer_text`` and ``key_text`` (answer_texts)."""
    items = list(items)
    for item in items:
        texts = answer_texts(snapshot=item.snapshot, response=item.response)
        item.answer_text, item.key_text = texts["answer"], texts["key"]
    return items


def _review_row(item: PaperItem) -> dict:
    return {
        "item": item,
        "snapshot": item.snapshot,
        "choices": _choice_rows(item.snapshot, item.response),
    }


def _choice_rows(snapshot: dict, response) -> list[dict]:
    """The options in the order the candidate saw them: letter, text, whether
    the key gives them credit and whether the candidate chose them."""
    chosen = response if isinstance(response, list) else [response]
    return [
        {
            "letter": chr(ord("A") + index),
            "text": choice["text"],
            "correct": Decimal(choice["fraction"]) > 0,
            "chosen": choice["id"] in chosen,
        }
        for index, choice in enumerate(snapshot["choices"])
    ]
