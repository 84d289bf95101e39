import pytest

from tests.assessments.factories import (
    BankFactory,
    fill_blank,
    fixed_exam,
    multiple,
    short_answer,
    single,
    true_false,
)


@pytest.fixture
def bank(db):
    return BankFactory(name="执法题库")


@pytest.fixture
def five_questions(bank):
    """One question of each type, 2 points each (10 in all)."""
    return {
        "single": single(bank, points=2, kps=["法规"]),
        "multiple": multiple(
            bank, points=2, options=[("A", 0.5), ("B", 0.5), ("C", 0)], kps=["法规"]
        ),
        "tf": true_false(bank, answer=True, points=2, kps=["监测"]),
        "blank": fill_blank(bank, accepted=["六五"], points=2, kps=["监测"]),
        "short": short_answer(bank, points=2, kps=["应急"]),
    }


@pytest.fixture
def exam(five_questions):
    return fixed_exam(list(five_questions.values()), pass_mark=6)
