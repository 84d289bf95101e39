"""Seed data, pre-made sessions and the post-run check for bench/exam.py.

Runs inside the orchestrator after django.setup() with bench.settings.
Rows are bulk-inserted (thousands of candidates in seconds); the exam
itself is ordinary rows the assessments services then draw papers from.
"""

from __future__ import annotations

import datetime as dt
import secrets
import string
from collections import Counter
from decimal import Decimal
from importlib import import_module

from django.conf import settings
from django.contrib.auth import (
    BACKEND_SESSION_KEY,
    HASH_SESSION_KEY,
    SESSION_KEY,
    get_user_model,
)
from django.contrib.auth.hashers import make_password
from django.contrib.sessions.backends.db import SessionStore
from django.contrib.sessions.models import Session
from django.db import connection
from django.utils import timezone

PASSWORD = "Bench-2026!"  # noqa: S105 - throwaway benchmark accounts
# A 50-question paper, like a provincial 五支队伍 qualification exam.
PAPER = {
    "single_choice": (25, Decimal("2")),
    "multiple_choice": (10, Decimal("3")),
    "true_false": (10, Decimal("1")),
    "fill_blank": (3, Decimal("2")),
    "short_answer": (2, Decimal("5")),
}
BANK_FACTOR = 4  # the bank holds four times what one paper draws
_ALNUM = string.ascii_letters + string.digits


def _token(length: int) -> str:
    return "".join(secrets.choice(_ALNUM) for _ in range(length))


def candidates_create(*, count: int, prefix: str = "bench") -> list:
    """Users and cadres in one county branch; returns the users."""
    from personnel.choices import Education, Rank
    from personnel.id_numbers import id_number_make
    from personnel.models import Cadre, Unit

    root = Unit.objects.filter(depth=1).first() or Unit.add_root(
        name="甘肃省生态环境厅", code="GS", kind="department"
    )
    unit = Unit.objects.filter(code="GS-BENCH").first() or root.add_child(
        name="兰州市城关分局", code="GS-BENCH", kind="county"
    )
    User = get_user_model()
    password = make_password(PASSWORD)
    User.objects.bulk_create(
        User(username=f"{prefix}{i:05d}", password=password, is_active=True)
        for i in range(count)
    )
    users = list(User.objects.filter(username__startswith=prefix).order_by("pk"))
    Cadre.objects.bulk_create(
        Cadre(
            user=user,
            employee_no=user.username,
            name=f"考生{i:05d}",
            id_number=id_number_make(
                region="620102",
                birth_date=dt.date(1975, 1, 1) + dt.timedelta(days=i // 1000),
                sequence=i % 1000,
            ),
            gender="male" if i % 2 else "female",
            birth_date=dt.date(1975, 1, 1) + dt.timedelta(days=i // 1000),
            education=Education.BACHELOR,
            rank=Rank.LEVEL1_CLERK,
            position="科员",
            unit=unit,
            joined_on=dt.date(2015, 7, 1),
        )
        for i, user in enumerate(users)
    )
    return users


# Machine-graded only: results are final at submit and go to the archive.
AUTO_PAPER = {
    "single_choice": (25, Decimal("2")),
    "multiple_choice": (10, Decimal("3")),
    "true_false": (10, Decimal("1")),
    "fill_blank": (5, Decimal("2")),
}


def exam_create(*, title: str = "2026年度生态环境执法岗位练兵考试", paper=None):
    """One published exam open now, drawing a 50-question paper."""
    from assessments.models import Exam, ExamDrawRule, QuestionBank

    paper = paper or PAPER
    bank = QuestionBank.objects.create(name=f"{title}题库（压测）")
    for qtype, (count, _points) in paper.items():
        _questions_create(bank=bank, qtype=qtype, count=count * BANK_FACTOR)
    now = timezone.now()
    exam = Exam.objects.create(
        title=title,
        opens_at=now - dt.timedelta(hours=1),
        closes_at=now + dt.timedelta(hours=8),
        time_limit_minutes=240,
        attempts_allowed=1,
        is_published=True,
    )
    ExamDrawRule.objects.bulk_create(
        ExamDrawRule(
            exam=exam,
            sort_order=order,
            bank=bank,
            qtype=qtype,
            count=count,
            points_each=points,
        )
        for order, (qtype, (count, points)) in enumerate(paper.items())
    )
    return exam


def catalogue() -> dict[str, dict]:
    """{question id: {"qtype", "choices": [option ids]}} of every question."""
    from assessments.models import Question

    return {
        str(question.pk): {
            "qtype": question.qtype,
            "choices": [choice.pk for choice in question.choices.all()],
        }
        for question in Question.objects.prefetch_related("choices")
    }


def _questions_create(*, bank, qtype: str, count: int) -> None:
    from assessments.models import Question, QuestionChoice

    questions = Question.objects.bulk_create(
        Question(
            bank=bank,
            qtype=qtype,
            stem=f"（{qtype} {n}）依据《中华人民共和国环境保护法》，下列说法正确的是？",
            difficulty=1 + n % 5,
            correct_bool=(n % 2 == 0) if qtype == "true_false" else None,
            accepted_answers=["按日连续处罚"] if qtype == "fill_blank" else [],
            reference_answer="出示证件、现场检查、制作笔录。"
            if qtype == "short_answer"
            else "",
        )
        for n in range(count)
    )
    if qtype not in ("single_choice", "multiple_choice"):
        return
    right = {0} if qtype == "single_choice" else {0, 2}
    QuestionChoice.objects.bulk_create(
        QuestionChoice(
            question=question,
            sort_order=k,
            text=f"选项{k + 1}：排污单位应当依法申领排污许可证",
            fraction=Decimal(1) / len(right) if k in right else Decimal(0),
        )
        for question in questions
        for k in range(4)
    )


def sessions_create(users) -> list[dict]:
    """Signed-in sessions straight into the session table and the cache, as
    candidates who signed in that morning have them (no login cost).

    Returns one {"user", "session", "csrf"} per user; the CSRF secret is
    sent as both the csrftoken cookie and the X-CSRFToken header.
    """
    expire = timezone.now() + dt.timedelta(days=1)
    store = SessionStore()
    rows, credentials = [], []
    for user in users:
        key = _token(32)
        data = {
            SESSION_KEY: str(user.pk),
            BACKEND_SESSION_KEY: settings.AUTHENTICATION_BACKENDS[-1],
            HASH_SESSION_KEY: user.get_session_auth_hash(),
        }
        encoded = store.encode(data)
        rows.append(Session(session_key=key, session_data=encoded, expire_date=expire))
        credentials.append({"user": user.pk, "session": key, "csrf": _token(32)})
    Session.objects.bulk_create(rows, batch_size=2000)
    # As signing in leaves them: the session in the cache too (the session
    # engine reads the cache first), and the account after the first page.
    from django.core.cache import cache

    from training_site.auth import user_cache_key

    engine = import_module(settings.SESSION_ENGINE)
    prefix = getattr(engine.SessionStore, "cache_key_prefix", None)
    if prefix:
        entries = {
            prefix + row.session_key: store.decode(row.session_data) for row in rows
        }
        cache.set_many(entries, timeout=86400)
    cache.set_many({user_cache_key(user.pk): user for user in users}, timeout=3600)
    return credentials


def acknowledged_check(*, saves: list[dict], submits: set[int]) -> dict:
    """Compare what the server acknowledged with what the database holds.

    Args:
        saves: {"attempt", "question", "seq"} of every 200 {"saved": true}.
        submits: attempt ids whose submit was answered 200.

    Returns:
        counts: acknowledged, lost, submitted, results_missing, results_extra.
    """
    from assessments.models import AnswerStep, Attempt, Result

    attempts = {save["attempt"] for save in saves} | submits
    stored = set(
        AnswerStep.objects.filter(attempt_id__in=attempts).values_list(
            "attempt_id", "item__question_id", "seq"
        )
    )
    acked = {(s["attempt"], s["question"], s["seq"]) for s in saves}
    results = Counter(
        Result.objects.filter(attempt_id__in=submits).values_list(
            "attempt_id", flat=True
        )
    )
    still_open = Attempt.objects.filter(pk__in=submits, status="in_progress").count()
    return {
        "acknowledged": len(acked),
        "lost": len(acked - stored),
        "submitted": len(submits),
        "still_open": still_open,
        "results_missing": sum(1 for a in submits if results[a] == 0),
        "results_extra": sum(1 for a in submits if results[a] > 1),
    }


def archive_check(*, submits: set[int]) -> dict:
    """Each submitted, machine-graded attempt: exactly one archive record."""
    from personnel.models import ExamResultRecord

    posted = Counter(
        ExamResultRecord.objects.filter(
            attempt_ref__in=[f"attempt:{pk}" for pk in submits]
        ).values_list("attempt_ref", flat=True)
    )
    return {
        "archive_missing": sum(1 for pk in submits if posted[f"attempt:{pk}"] == 0),
        "archive_extra": sum(1 for pk in submits if posted[f"attempt:{pk}"] > 1),
    }


def database_size() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return cursor.fetchone()[0]


def attempts_predraw(*, exam, users) -> int:
    """Open attempts for these candidates without the Start cost.

    The first is started through assessments.services.attempt_start; the
    others get a copy of its paper in one INSERT ... SELECT. Used for the
    phases that measure sitting the exam (saves, pages, faults); Start
    itself is measured by the spike phase with real draws.
    """
    from assessments.models import Attempt, PaperItem
    from assessments.services import attempt_start
    from personnel.models import Cadre

    cadres = list(Cadre.objects.filter(user__in=users).order_by("pk"))
    template = attempt_start(exam=exam, cadre=cadres[0])
    copies = Attempt.objects.bulk_create(
        Attempt(
            exam=exam,
            cadre=cadre,
            number=1,
            started_at=template.started_at,
            deadline=template.deadline,
            seed=template.seed,
        )
        for cadre in cadres[1:]
    )
    columns = [
        field.column
        for field in PaperItem._meta.concrete_fields
        if field.name not in ("id", "attempt")
    ]
    listed = ", ".join(f'"{column}"' for column in columns)
    copied = ", ".join(f'item."{column}"' for column in columns)
    with connection.cursor() as cursor:
        cursor.execute(
            f'INSERT INTO "{PaperItem._meta.db_table}" ("attempt_id", {listed}) '  # noqa: S608
            f'SELECT attempt.id, {copied} FROM "{PaperItem._meta.db_table}" item '
            f'CROSS JOIN "{Attempt._meta.db_table}" attempt '
            "WHERE item.attempt_id = %s AND attempt.id = ANY(%s)",
            [template.pk, [attempt.pk for attempt in copies]],
        )
    return len(cadres)


def papers_prepare(*, exam, drawn_at_start: list[int]) -> dict:
    """Turn on drawing papers in advance and draw them (as the worker would);
    the users in ``drawn_at_start`` keep none. Returns count and seconds."""
    import time

    from assessments.models import PreparedPaper
    from assessments.services import exam_papers_prepare, prepared_attempts_delete

    exam.prepare_papers = True
    exam.save(update_fields=["prepare_papers"])
    begun = time.perf_counter()
    count = exam_papers_prepare(exam_id=exam.pk)
    seconds = time.perf_counter() - begun
    # A prepared paper is a prepared attempt with its items: drop both.
    kept = PreparedPaper.objects.filter(exam=exam, cadre__user_id__in=drawn_at_start)
    ids = list(kept.values_list("attempt_id", flat=True))
    kept.delete()
    prepared_attempts_delete(ids)
    return {"count": count, "seconds": seconds}
