import io
from decimal import Decimal

import openpyxl
import pytest

from assessments import importers
from assessments.errors import ImportRejected
from assessments.models import Question
from assessments.question_io import questions_export, questions_import

pytestmark = pytest.mark.django_db

GIFT = """\
$CATEGORY: 执法/法律法规

::Q1:: 《环境保护法》自哪一年起施行？ {=2015年 ~2014年 ~2016年 #新法2015年1月1日起施行}

::Q2:: 按日连续处罚适用于拒不改正的违法排污行为。 {T}

::Q3:: 下列属于大气污染物的有 {~%50%二氧化硫 ~%50%氮氧化物 ~%-100%噪声}

::Q4:: 我国生态环境部成立于哪一年？ {#2018}

::Q5:: 简述环境行政处罚的一般程序。 {}
"""


def test_gift_import_writes_all_five_types(bank):
    created = questions_import(bank=bank, filename="执法.gift", data=GIFT.encode())
    assert created == 5
    types = sorted(bank.questions.values_list("qtype", flat=True))
    assert types == sorted(
        ["single_choice", "true_false", "multiple_choice", "fill_blank", "short_answer"]
    )
    single = bank.questions.get(qtype="single_choice")
    assert [c.fraction for c in single.choices.all()] == [1, 0, 0]
    assert single.knowledge_points.get().name == "法律法规"


def test_a_file_with_any_error_writes_nothing(bank):
    bad = GIFT + "\n::Q6:: 坏题 {=甲 =乙 ~丙\n"
    with pytest.raises(ImportRejected) as caught:
        questions_import(bank=bank, filename="bad.gift", data=bad.encode())
    assert caught.value.problems and all(p.location > 0 for p in caught.value.problems)
    assert not Question.objects.exists()


def test_unknown_extension_and_bad_encoding_are_refused(bank):
    with pytest.raises(ImportRejected, match="1 problem"):
        questions_import(bank=bank, filename="x.doc", data=b"...")
    with pytest.raises(ImportRejected) as caught:
        questions_import(bank=bank, filename="x.gift", data="题".encode("gbk"))
    assert "UTF-8" in caught.value.problems[0].message


def test_too_long_option_is_reported_with_its_location(bank, monkeypatch):
    parsed = importers.ParsedQuestion(
        location=7,
        qtype="single_choice",
        stem="题",
        choices=[
            importers.ParsedChoice("长" * 600, Decimal(1)),
            importers.ParsedChoice("短", Decimal(0)),
        ],
    )
    monkeypatch.setattr(importers, "gift_parse", lambda text: ([parsed], []))
    with pytest.raises(ImportRejected) as caught:
        questions_import(bank=bank, filename="a.gift", data=b"x")
    assert caught.value.problems[0].location == 7
    assert not Question.objects.exists()


def test_export_then_import_round_trip(bank):
    questions_import(bank=bank, filename="执法.gift", data=GIFT.encode())
    data = questions_export(questions=bank.questions.all())
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    assert sheet.max_row == 6  # header + five questions
    other = type(bank).objects.create(name="复制题库")
    assert questions_import(bank=other, filename="export.xlsx", data=data) == 5
    assert sorted(other.questions.values_list("stem", flat=True)) == sorted(
        bank.questions.values_list("stem", flat=True)
    )
