"""Demo exams: one bank per team, an exam open now for the demo learner, and a
closed exam sat by about fifty cadres (results, item analysis, marking).

Idempotent: banks, exams and attempts are looked up by name before creation.
"""

import datetime as dt
import random
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.utils import timezone

from personnel.api import Cadre, Team, Unit

from . import services
from .choices import QuestionType
from .demo_questions import BANKS
from .models import (
    Accommodation,
    Attempt,
    Exam,
    ExamDrawRule,
    ExamFixedQuestion,
    KnowledgePoint,
    Question,
    QuestionBank,
    QuestionChoice,
)

OPEN_EXAM = "2026年度生态环境执法业务知识测试（随机抽题）"
CLOSED_EXAM = "2026年第一季度生态环境监测岗位考试"
CANDIDATES = 50
LEFT_TO_MARK = 2


def load_demo(*, stdout) -> None:
    banks = {code: _bank(code, name, rows) for code, (name, rows) in BANKS.items()}
    trainer = get_user_model().objects.filter(username="trainer").first()
    _open_exam(banks["enforcement"], trainer)
    _closed_exam(banks["monitoring"], trainer)
    stdout.write(
        f"assessments: {QuestionBank.objects.count()} banks, "
        f"{Question.objects.count()} questions, {Exam.objects.count()} exams, "
        f"{Attempt.objects.count()} attempts"
    )


def _bank(team_code: str, name: str, rows) -> QuestionBank:
    bank, created = QuestionBank.objects.get_or_create(name=name)
    if created:
        bank.teams.set(Team.objects.filter(code=team_code))
    if bank.questions.exists():
        return bank
    for qtype, kp_name, difficulty, stem, key, explanation in rows:
        _question(bank, qtype, kp_name, difficulty, stem, key, explanation)
    return bank


def _question(bank, qtype, kp_name, difficulty, stem, key, explanation):
    question = Question.objects.create(
        bank=bank,
        qtype=qtype,
        stem=stem,
        difficulty=difficulty,
        points=Decimal("2") if qtype != QuestionType.SHORT_ANSWER else Decimal("10"),
        explanation=explanation,
        correct_bool=key if qtype == QuestionType.TRUE_FALSE else None,
        accepted_answers=key if qtype == QuestionType.FILL_BLANK else [],
        reference_answer=key if qtype == QuestionType.SHORT_ANSWER else "",
    )
    if qtype in (QuestionType.SINGLE_CHOICE, QuestionType.MULTIPLE_CHOICE):
        right = sum(1 for _text, ok in key if ok)
        for order, (text, ok) in enumerate(key):
            fraction = Decimal(1) / right if ok else Decimal(0)
            QuestionChoice.objects.create(
                question=question,
                sort_order=order,
                text=text,
                fraction=fraction.quantize(Decimal("0.0001")),
            )
    question.knowledge_points.set(
        [KnowledgePoint.objects.get_or_create(name=kp_name)[0]]
    )


def _open_exam(bank, trainer) -> None:
    if Exam.objects.filter(title=OPEN_EXAM).exists():
        return
    now = timezone.now()
    exam = Exam.objects.create(
        title=OPEN_EXAM,
        instructions="本次测试从执法题库随机抽题，每人试卷不同。请独立作答，诚信考试。",
        paper_mode="draw",
        opens_at=now - dt.timedelta(days=1),
        closes_at=now + dt.timedelta(days=14),
        time_limit_minutes=30,
        attempts_allowed=2,
        pass_mark=Decimal("24"),
        multi_choice_policy="partial",
        score_release="immediate",
        answer_release="after_close",
        is_published=True,
        created_by=trainer,
    )
    rules = [
        ("single_choice", 3, "4"),
        ("multiple_choice", 2, "4"),
        ("true_false", 2, "3"),
        ("fill_blank", 1, "4"),
        ("short_answer", 1, "10"),
    ]
    for order, (qtype, count, points) in enumerate(rules):
        ExamDrawRule.objects.create(
            exam=exam,
            sort_order=order,
            bank=bank,
            qtype=qtype,
            count=count,
            points_each=Decimal(points),
        )
    root = Unit.get_first_root_node()
    if root is not None:
        exam.eligible_units.set([root])
    special = Cadre.objects.exclude(user__username="learner").order_by("pk").first()
    if special is not None:
        Accommodation.objects.get_or_create(
            exam=exam,
            cadre=special,
            defaults={"extra_minutes": 15, "note": "视力障碍，延时15分钟"},
        )


def _closed_exam(bank, trainer) -> None:
    if Exam.objects.filter(title=CLOSED_EXAM).exists():
        return
    opens = timezone.now() - dt.timedelta(days=20)
    exam = Exam.objects.create(
        title=CLOSED_EXAM,
        instructions="监测岗位季度考试，固定试卷。",
        paper_mode="fixed",
        opens_at=opens,
        closes_at=opens + dt.timedelta(days=3),
        time_limit_minutes=60,
        pass_mark=Decimal("17"),
        shuffle_questions=True,
        shuffle_options=True,
        review_days=30,
        is_published=True,
        created_by=trainer,
    )
    for order, question in enumerate(bank.questions.order_by("pk")):
        ExamFixedQuestion.objects.create(exam=exam, question=question, sort_order=order)
    rng = random.Random(2026)  # noqa: S311 - demo data, reproducible
    candidates = list(
        Cadre.objects.filter(teams__code="monitoring")
        .exclude(user__username="learner")
        .order_by("pk")[: CANDIDATES - 1]
    )
    learner = Cadre.objects.filter(user__username="learner").first()
    if learner is not None:
        # First, so that the learner's short answer is among those marked.
        exam.eligible_cadres.add(learner)
        candidates.insert(0, learner)
    exam.eligible_teams.set(Team.objects.filter(code="monitoring"))
    for index, cadre in enumerate(candidates):
        is_learner = learner is not None and cadre.pk == learner.pk
        ability = 0.92 if is_learner else rng.uniform(0.3, 0.95)
        _sit(exam, cadre, ability, rng, start=opens + dt.timedelta(hours=2 + index))
    _mark(exam, trainer, rng)


def _sit(exam, cadre, ability, rng, *, start) -> None:
    attempt = services.attempt_start(exam=exam, cadre=cadre, now=start)
    for seq, item in enumerate(attempt.items.order_by("position"), start=1):
        chance = ability - (item.snapshot["difficulty"] - 3) * 0.1
        response = _answer(item.snapshot, rng.random() < chance, rng)
        if response is None:
            continue
        services.answer_save(
            attempt_id=attempt.pk,
            user_id=cadre.user_id,
            item_id=item.pk,
            response=response,
            seq=seq,
            now=start + dt.timedelta(minutes=seq),
        )
    services.attempt_submit(
        attempt_id=attempt.pk,
        user_id=cadre.user_id,
        now=start + dt.timedelta(minutes=40),
    )


def _answer(snapshot, right: bool, rng):
    qtype, choices = snapshot["qtype"], snapshot["choices"]
    good = [c["id"] for c in choices if Decimal(c["fraction"]) > 0]
    bad = [c["id"] for c in choices if Decimal(c["fraction"]) <= 0]
    if qtype == QuestionType.SINGLE_CHOICE:
        return good[0] if right else rng.choice(bad)
    if qtype == QuestionType.MULTIPLE_CHOICE:
        return good if right else sorted(rng.sample(good, 1) + rng.sample(bad, 1))
    if qtype == QuestionType.TRUE_FALSE:
        return snapshot["correct_bool"] if right else not snapshot["correct_bool"]
    if qtype == QuestionType.FILL_BLANK:
        return snapshot["accepted_answers"][0] if right else "不清楚"
    if rng.random() < 0.05:
        return None
    return snapshot["reference_answer"][: 40 if right else 12]


def _mark(exam, trainer, rng) -> None:
    """Mark every short answer but the last few, which wait in the queue."""
    items = list(
        services.PaperItem.objects.filter(
            attempt__exam=exam, needs_marking=True
        ).order_by("attempt_id")
    )
    for item in items[: max(0, len(items) - LEFT_TO_MARK)]:
        share = Decimal(len(item.response or "")) / Decimal(40)
        mark = (item.points * min(share, Decimal(1))).quantize(Decimal("1"))
        services.item_mark(
            item_id=item.pk, mark=mark, by=trainer, comment="要点基本齐全"
        )
