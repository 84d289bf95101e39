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


def xlsx_bytes(*rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(["题型", "题干", "选项A", "选项B", "答案", "分值", "难度", "误差"])
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


GOOD_ROW = ["单选", "好题", "甲", "乙", "A", 2, 3, None]


@pytest.mark.parametrize(
    ("row", "column", "phrase"),
    [
        (["单选", "题", "甲", "乙", "A", 99999999999, 3, None], "分值", "to 9999.9"),
        (["单选", "题", "甲", "乙", "A", 1.234, 3, None], "分值", "at most 1"),
        (["单选", "题", "甲", "乙", "A", 0.05, 3, None], "分值", "out of range"),
        (["填空", "题", None, None, "7.5", 2, 3, 1e30], "误差", "0 to 99999999.9999"),
        (["填空", "题", None, None, "7.5", 2, 3, 0.00001], "误差", "at most 4"),
        (["填空", "题", None, None, "1e40", 2, 3, 0.1], "答案", "out of range"),
        (["单选", "题", "甲", "乙", "A", 2, 2.5, None], "难度", "from 1 (easy) to 5"),
        (["单选", "题", "甲", "乙", "A", 2, 40000, None], "难度", "from 1 (easy) to 5"),
    ],
)
def test_xlsx_numbers_beyond_their_columns_are_refused(bank, row, column, phrase):
    with pytest.raises(ImportRejected) as caught:
        questions_import(
            bank=bank, filename="q.xlsx", data=xlsx_bytes(GOOD_ROW, GOOD_ROW, row)
        )
    [problem] = caught.value.problems
    assert (problem.location, problem.field) == (4, column)
    assert phrase in problem.message
    assert not Question.objects.exists()


@pytest.mark.parametrize(
    ("answer", "phrase"),
    [
        ("{#5:99999999999999999}", "The margin of error “99999999999999999”"),
        ("{#1..1e30}", "The number “1e30” is out of range"),
        ("{#0..1e20}", "The number “1e20” is out of range"),
        ("{#1e9999999}", "The number “1e9999999” is out of range"),
        ("{#1.5:0.00001}", "has too many decimal places"),
    ],
)
def test_gift_numbers_beyond_their_columns_are_refused(bank, answer, phrase):
    text = "好题 {T}\n\n// 注释\nQA" + answer + "\n"
    with pytest.raises(ImportRejected) as caught:
        questions_import(bank=bank, filename="q.gift", data=text.encode())
    [problem] = caught.value.problems
    assert (problem.location, problem.field, problem.field_label) == (
        4,
        "answers",
        "Answer block",
    )
    assert phrase in problem.message
    assert not Question.objects.exists()


def test_imported_numbers_read_back_and_the_question_list_opens(
    bank, trainer, client_for
):
    text = "QA{#5:99999999.9999}\n\n多选{~%33.33333%甲 ~%33.33333%乙 ~%33.33334%丙 ~丁}"
    questions_import(bank=bank, filename="q.gift", data=text.encode())
    fill = bank.questions.get(qtype="fill_blank")
    assert fill.numeric_tolerance == Decimal("99999999.9999")
    multiple = bank.questions.get(qtype="multiple_choice")
    assert [c.fraction for c in multiple.choices.all()] == [
        Decimal("0.3333"),
        Decimal("0.3333"),
        Decimal("0.3333"),
        0,
    ]
    page = client_for(trainer).get("/admin/assessments_question/")
    assert page.status_code == 200


def test_gift_weights_survive_an_xlsx_round_trip(bank):
    text = (
        "下列属于大气污染物的有 {~%50%二氧化硫 ~%50%氮氧化物 ~%-100%氧气}\n\n"
        "三者之一 {~%33.33333%甲 ~%33.33333%乙 ~%33.33334%丙 ~%-50%丁}\n\n"
        "单选带部分分 {=正确 ~%50%接近 ~%-25%错误}\n\n"
        "平分 {~%50%甲 ~%50%乙 ~丙}"
    )
    questions_import(bank=bank, filename="q.gift", data=text.encode())
    data = questions_export(questions=bank.questions.all())
    sheet = openpyxl.load_workbook(io.BytesIO(data)).active
    headers = [cell.value for cell in sheet[1]]
    weights = [
        row[headers.index("选项权重")] for row in sheet.iter_rows(2, values_only=True)
    ]
    assert weights == [
        "A:50；B:50；C:-100",
        "A:33.33；B:33.33；C:33.33；D:-50",
        "A:100；B:50；C:-25",
        None,  # equal shares: the answer letters say it all
    ]
    other = type(bank).objects.create(name="复制题库")
    assert questions_import(bank=other, filename="export.xlsx", data=data) == 4

    def credits(of):
        return [
            [(c.text, c.fraction) for c in q.choices.all()]
            for q in of.questions.order_by("id")
        ]

    assert credits(other) == credits(bank)
    assert credits(other)[0] == [
        ("二氧化硫", Decimal("0.5")),
        ("氮氧化物", Decimal("0.5")),
        ("氧气", Decimal("-1")),
    ]
