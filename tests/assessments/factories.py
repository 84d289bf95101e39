import datetime as dt
from decimal import Decimal

import factory
from django.utils import timezone

from assessments.models import (
    Exam,
    ExamDrawRule,
    ExamFixedQuestion,
    KnowledgePoint,
    Question,
    QuestionBank,
    QuestionChoice,
)


class BankFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = QuestionBank
        django_get_or_create = ("name",)

    name = factory.Sequence(lambda n: f"题库{n}")


def kp(name: str) -> KnowledgePoint:
    return KnowledgePoint.objects.get_or_create(name=name)[0]


class QuestionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Question

    bank = factory.SubFactory(BankFactory)
    qtype = "true_false"
    stem = factory.Sequence(lambda n: f"题目{n}")
    difficulty = 3
    points = Decimal("1")
    correct_bool = True


def single(bank, *, right="甲", wrong=("乙", "丙", "丁"), kps=(), **kw) -> Question:
    q = QuestionFactory(bank=bank, qtype="single_choice", correct_bool=None, **kw)
    QuestionChoice.objects.create(question=q, sort_order=0, text=right, fraction=1)
    for i, text in enumerate(wrong, start=1):
        QuestionChoice.objects.create(question=q, sort_order=i, text=text, fraction=0)
    q.knowledge_points.set([kp(name) for name in kps])
    return q


def multiple(bank, *, options, kps=(), **kw) -> Question:
    """options: [(text, fraction), ...]"""
    q = QuestionFactory(bank=bank, qtype="multiple_choice", correct_bool=None, **kw)
    for i, (text, fraction) in enumerate(options):
        QuestionChoice.objects.create(
            question=q, sort_order=i, text=text, fraction=Decimal(str(fraction))
        )
    q.knowledge_points.set([kp(name) for name in kps])
    return q


def true_false(bank, *, answer=True, kps=(), **kw) -> Question:
    q = QuestionFactory(bank=bank, qtype="true_false", correct_bool=answer, **kw)
    q.knowledge_points.set([kp(name) for name in kps])
    return q


def fill_blank(bank, *, accepted, tolerance=None, kps=(), **kw) -> Question:
    q = QuestionFactory(
        bank=bank,
        qtype="fill_blank",
        correct_bool=None,
        accepted_answers=list(accepted),
        numeric_tolerance=tolerance,
        **kw,
    )
    q.knowledge_points.set([kp(name) for name in kps])
    return q


def short_answer(bank, *, reference="参考答案", kps=(), **kw) -> Question:
    q = QuestionFactory(
        bank=bank,
        qtype="short_answer",
        correct_bool=None,
        reference_answer=reference,
        **kw,
    )
    q.knowledge_points.set([kp(name) for name in kps])
    return q


class ExamFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Exam

    title = factory.Sequence(lambda n: f"考试{n}")
    paper_mode = "fixed"
    opens_at = factory.LazyFunction(lambda: timezone.now() - dt.timedelta(hours=1))
    closes_at = factory.LazyFunction(lambda: timezone.now() + dt.timedelta(hours=2))
    time_limit_minutes = 30
    pass_mark = Decimal("60")
    shuffle_questions = False
    shuffle_options = False
    is_published = True


def fixed_exam(questions, **kw) -> Exam:
    exam = ExamFactory(paper_mode="fixed", **kw)
    for i, q in enumerate(questions):
        ExamFixedQuestion.objects.create(exam=exam, question=q, sort_order=i)
    return exam


def draw_rule(
    exam, bank, *, qtype, count, points, difficulty=None, knowledge_point=None
):
    return ExamDrawRule.objects.create(
        exam=exam,
        bank=bank,
        qtype=qtype,
        count=count,
        points_each=Decimal(points),
        difficulty=difficulty,
        knowledge_point=knowledge_point,
    )


def started_paper_url(response) -> str:
    """Start answers with the paper page itself: the paper's own URL (which
    paper.js puts in the address bar), read from the page."""
    import re

    assert response.status_code == 200, response
    found = re.search(
        r'data-paper-url="(/exams/attempts/\d+/)"', response.content.decode()
    )
    assert found, "Start did not answer with the paper"
    return found.group(1)


def sit(exam, cadre, answers: dict):
    """Start ``exam`` as ``cadre``, save ``answers`` ({question: response})
    and submit, as the services see a candidate do it. Returns the attempt."""
    from assessments import services

    attempt = services.attempt_start(exam=exam, cadre=cadre)
    for question, response in answers.items():
        services.answer_save(
            attempt_id=attempt.pk,
            user_id=cadre.user_id,
            question_id=question.pk,
            response=response,
            seq=1,
        )
    services.attempt_submit(attempt_id=attempt.pk, user_id=cadre.user_id)
    return attempt
