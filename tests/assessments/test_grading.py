from decimal import Decimal

import pytest

from assessments.grading import (
    ResponseInvalid,
    fraction_for,
    mark_for,
    response_clean,
    snapshot_public,
)


def snap(qtype, choices=(), **kw):
    base = {
        "qtype": qtype,
        "stem": "题干",
        "choices": [
            {"id": i, "text": t, "fraction": str(f), "feedback": ""}
            for i, t, f in choices
        ],
        "correct_bool": None,
        "accepted_answers": [],
        "numeric_tolerance": None,
        "reference_answer": "",
        "explanation": "解析",
        "knowledge_points": [],
    }
    base.update(kw)
    return base


MULTI = snap(
    "multiple_choice",
    [(1, "A", "0.5"), (2, "B", "0.5"), (3, "C", "-1"), (4, "D", "0")],
)


@pytest.mark.parametrize(
    ("policy", "response", "expected"),
    [
        ("all_or_nothing", [1, 2], "1"),
        ("all_or_nothing", [1], "0"),
        ("all_or_nothing", [1, 2, 4], "0"),
        ("partial", [1], "0.5"),
        ("partial", [1, 2], "1"),
        ("partial", [1, 4], "0"),
        ("sum_fractions", [1], "0.5"),
        ("sum_fractions", [1, 2, 4], "1"),
        ("sum_fractions", [1, 3], "0"),  # 0.5 - 1 floors at 0
        ("sum_fractions", [], "0"),
    ],
)
def test_multiple_choice_policies(policy, response, expected):
    cleaned = response_clean(MULTI, response)
    assert fraction_for(MULTI, cleaned, policy=policy) == Decimal(expected)


def test_single_choice_and_true_false():
    single = snap("single_choice", [(7, "甲", 1), (8, "乙", 0)])
    assert fraction_for(single, 7, policy="") == 1
    assert fraction_for(single, 8, policy="") == 0
    assert fraction_for(single, None, policy="") == 0
    tf = snap("true_false", correct_bool=False)
    assert fraction_for(tf, False, policy="") == 1
    assert fraction_for(tf, True, policy="") == 0


def test_fill_blank_accepts_any_listed_answer_and_numeric_tolerance():
    q = snap("fill_blank", accepted_answers=["生态环境部", "MEE"])
    assert fraction_for(q, "  生态环境部 ", policy="") == 1
    assert fraction_for(q, "mee", policy="") == 1
    assert fraction_for(q, "环保部", policy="") == 0
    num = snap("fill_blank", accepted_answers=["7.5"], numeric_tolerance="0.2")
    assert fraction_for(num, "7.6", policy="") == 1
    assert fraction_for(num, "７.４", policy="") == 1  # full-width digits
    assert fraction_for(num, "7.8", policy="") == 0
    assert fraction_for(num, "七点五", policy="") == 0


def test_short_answer_waits_for_a_marker_unless_blank():
    q = snap("short_answer", reference_answer="参考")
    assert fraction_for(q, "我的回答", policy="") is None
    assert fraction_for(q, None, policy="") == 0


def test_response_clean_refuses_shapes_that_do_not_fit():
    single = snap("single_choice", [(7, "甲", 1), (8, "乙", 0)])
    with pytest.raises(ResponseInvalid):
        response_clean(single, 99)
    with pytest.raises(ResponseInvalid):
        response_clean(single, True)
    with pytest.raises(ResponseInvalid):
        response_clean(MULTI, [1, 99])
    with pytest.raises(ResponseInvalid):
        response_clean(snap("true_false"), "yes")
    with pytest.raises(ResponseInvalid):
        response_clean(snap("fill_blank"), "x" * 501)
    assert response_clean(MULTI, [2, 1, 2]) == [1, 2]
    assert response_clean(single, "") is None


def test_public_snapshot_never_carries_the_key():
    public = snapshot_public(MULTI)
    text = repr(public)
    assert "fraction" not in text and "解析" not in text
    assert public["choices"] == [
        {"id": 1, "text": "A"},
        {"id": 2, "text": "B"},
        {"id": 3, "text": "C"},
        {"id": 4, "text": "D"},
    ]


def test_mark_is_fraction_times_points_rounded():
    assert mark_for(Decimal("0.3333"), Decimal("3")) == Decimal("1.00")
    assert mark_for(Decimal("0.5"), Decimal("2.5")) == Decimal("1.25")


def test_fill_blank_number_beyond_decimal_range_scores_zero_not_an_error():
    num = snap("fill_blank", accepted_answers=["7.5"], numeric_tolerance="0.2")
    assert fraction_for(num, "1e9999999", policy="") == 0
