"""Item analysis against values computed by hand (see the table below)."""

from decimal import Decimal

import pytest
from django.utils import translation

from assessments import services
from assessments.item_analysis import exam_item_analysis, score_distribution
from tests.assessments.factories import (
    BankFactory,
    fill_blank,
    fixed_exam,
    multiple,
    single,
    true_false,
)
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db

# Points 8, 4, 2, 1 make every pattern's grade unique (a binary number).
# Candidate answers: Q1 single (A right), Q2 true/false (true), Q3 multiple
# (X+Y right, all-or-nothing), Q4 fill-in ("六五").
PATTERNS = [  # (Q1, Q2, Q3, Q4) -> grade
    ("A", True, "XY", "六五"),  # 15
    ("A", True, "XY", "错"),  # 14
    ("A", True, "X", "六五"),  # 13
    ("A", False, "XY", "六五"),  # 11
    ("A", False, "X", "错"),  # 8
    ("B", True, "XY", "六五"),  # 7
    ("B", True, "XY", "错"),  # 6
    ("C", False, "XY", "六五"),  # 3
    ("C", False, "X", "六五"),  # 1
    (None, None, "X", None),  # 0
]


@pytest.fixture
def sat_exam(province):
    bank = BankFactory()
    q1 = single(bank, right="甲", wrong=("乙", "丙"), points=8)
    q2 = true_false(bank, answer=True, points=4)
    q3 = multiple(bank, options=[("X", 0.5), ("Y", 0.5), ("Z", 0)], points=2)
    q4 = fill_blank(bank, accepted=["六五"], points=1)
    exam = fixed_exam([q1, q2, q3, q4], pass_mark=9)
    letters = dict(zip("ABC", q1.choices.values_list("pk", flat=True), strict=True))
    xyz = dict(zip("XYZ", q3.choices.values_list("pk", flat=True), strict=True))
    for pattern in PATTERNS:
        cadre = CadreFactory(unit=province["chengguan"])
        attempt = services.attempt_start(exam=exam, cadre=cadre)
        answers = [
            (q1, letters.get(pattern[0])),
            (q2, pattern[1]),
            (q3, [xyz[c] for c in pattern[2]]),
            (q4, pattern[3]),
        ]
        for seq, (question, value) in enumerate(answers, start=1):
            services.answer_save(
                attempt_id=attempt.pk,
                user_id=cadre.user_id,
                question_id=question.pk,
                response=value,
                seq=seq,
            )
        services.attempt_submit(attempt_id=attempt.pk, user_id=cadre.user_id)
    return exam, [q1, q2, q3, q4]


def test_difficulty_and_discrimination_match_hand_computation(sat_exam):
    exam, questions = sat_exam
    stats = {s.question_id: s for s in exam_item_analysis(exam=exam)}
    # Upper 27% of 10 = the 3 best (15, 14, 13); lower = the 3 worst (3, 1, 0).
    expected = [
        (Decimal("0.5"), Decimal("1")),  # Q1: 5/10 right; upper 3/3, lower 0/3
        (Decimal("0.5"), Decimal("1")),  # Q2: 5/10; upper 3/3, lower 0/3
        (Decimal("0.6"), Decimal("0.334")),  # Q3: 6/10; 2/3 - 1/3 (0.667-0.333)
        (Decimal("0.6"), Decimal("0")),  # Q4: 6/10; 2/3 - 2/3
    ]
    for question, (p, d) in zip(questions, expected, strict=True):
        assert stats[question.pk].difficulty == p, question
        assert stats[question.pk].discrimination == d, question
        assert stats[question.pk].answered_by == 10


def test_option_frequencies(sat_exam):
    exam, (q1, q2, q3, _q4) = sat_exam
    with translation.override("zh-hans"):
        stats = {s.question_id: s for s in exam_item_analysis(exam=exam)}
    assert [(o.label, o.count, o.correct) for o in stats[q1.pk].options] == [
        ("A", 5, True),
        ("B", 2, False),
        ("C", 2, False),
        ("—", 1, False),
    ]
    # True/false options in words, the key's marked (q2's key is "true").
    assert [(o.label, o.count, o.correct) for o in stats[q2.pk].options] == [
        ("正确", 5, True),
        ("错误", 4, False),
        ("—", 1, False),
    ]
    with translation.override("en"):
        stats = {s.question_id: s for s in exam_item_analysis(exam=exam)}
    assert [o.label for o in stats[q2.pk].options] == ["True", "False", "—"]
    assert [(o.label, o.count) for o in stats[q3.pk].options] == [
        ("A", 10),
        ("B", 6),
        ("C", 0),
        ("—", 0),
    ]


def test_score_distribution(sat_exam):
    exam, _questions = sat_exam
    distribution = score_distribution(exam=exam)
    assert distribution["bands"] == [2, 0, 1, 0, 2, 1, 0, 1, 1, 2]
    assert distribution["count"] == 10 and distribution["passed"] == 4
    assert distribution["pass_rate"] == 40.0
    assert distribution["mean"] == 52.0 and distribution["median"] == 50.0


def test_item_analysis_reads_options_in_one_query(sat_exam):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    exam, _questions = sat_exam
    with CaptureQueriesContext(connection) as captured:
        stats = exam_item_analysis(exam=exam)
    choice_queries = [
        q["sql"] for q in captured.captured_queries if "questionchoice" in q["sql"]
    ]
    assert len(stats) == 4
    assert len(choice_queries) == 1, choice_queries
    assert len(captured.captured_queries) == 3
