import io
from decimal import Decimal
from pathlib import Path

import pytest
from openpyxl import Workbook, load_workbook

from assessments.importers import (
    ImportProblem,
    ParsedChoice,
    ParsedQuestion,
    gift_parse,
    xlsx_export,
    xlsx_parse,
    xlsx_template,
)

DATA = Path(__file__).parent / "data"


def parse_one(text):
    questions, problems = gift_parse(text)
    assert problems == []
    assert len(questions) == 1
    return questions[0]


def problems_of(text):
    questions, problems = gift_parse(text)
    assert questions == []
    return problems


# --------------------------------------------------------------------------
# GIFT: question types
# --------------------------------------------------------------------------


def test_gift_single_choice_with_name_feedback_and_general_feedback():
    question = parse_one(
        "::环保法::环境保护法自哪一年起施行？"
        "{~2014年#修订年份 =2015年#正确 ~2016年 ####2015年1月1日起施行}"
    )
    assert question == ParsedQuestion(
        location=1,
        qtype="single_choice",
        stem="环境保护法自哪一年起施行？",
        name="环保法",
        choices=[
            ParsedChoice("2014年", Decimal(0), "修订年份"),
            ParsedChoice("2015年", Decimal(1), "正确"),
            ParsedChoice("2016年", Decimal(0), ""),
        ],
        explanation="2015年1月1日起施行",
    )


def test_gift_multiple_answers_with_weights():
    question = parse_one(
        "按日连续处罚适用于？{~%50%拒不改正 ~%50%继续排放 ~%-100%已改正}"
    )
    assert question.qtype == "multiple_choice"
    assert [(c.text, c.fraction) for c in question.choices] == [
        ("拒不改正", Decimal("0.5")),
        ("继续排放", Decimal("0.5")),
        ("已改正", Decimal("-1")),
    ]


def test_gift_multiple_answers_with_thirds_are_accepted():
    question = parse_one("选出正确项{~%33.333%甲 ~%33.333%乙 ~%33.334%丙 ~丁}")
    assert [c.fraction for c in question.choices] == [
        Decimal("0.33333"),
        Decimal("0.33333"),
        Decimal("0.33334"),
        Decimal(0),
    ]


@pytest.mark.parametrize(
    ("block", "expected"),
    [("{T}", True), ("{TRUE}", True), ("{F}", False), ("{FALSE}", False)],
)
def test_gift_true_false(block, expected):
    question = parse_one("执法检查不得少于两人。" + block)
    assert question.qtype == "true_false"
    assert question.correct_bool is expected
    assert question.choices == []
    assert question.stem == "执法检查不得少于两人。"


def test_gift_true_false_feedback_goes_to_explanation():
    question = parse_one("执法检查不得少于两人。{T#答错了：须两人以上#答对了}")
    assert question.correct_bool is True
    assert question.explanation == "答错了：须两人以上\n答对了"


def test_gift_true_false_general_feedback_wins_over_answer_feedback():
    question = parse_one("执法检查不得少于两人。{F#错#对####依据执法程序规定}")
    assert question.correct_bool is False
    assert question.explanation == "依据执法程序规定"


def test_gift_short_answer_becomes_fill_blank():
    question = parse_one("可采取的强制措施是什么？{=查封 =扣押 =%50%罚款}")
    assert question.qtype == "fill_blank"
    assert question.accepted_answers == ["查封", "扣押"]
    assert question.numeric_tolerance is None


def test_gift_single_equals_short_answer():
    question = parse_one("我国生态环境部的简称是？{=生态环境部}")
    assert question.qtype == "fill_blank"
    assert question.accepted_answers == ["生态环境部"]


def test_gift_numerical_with_tolerance():
    question = parse_one("PM2.5 二级年均限值（μg/m³）？{#35:0.5}")
    assert question.qtype == "fill_blank"
    assert question.accepted_answers == ["35"]
    assert question.numeric_tolerance == Decimal("0.5")


def test_gift_numerical_decimal_without_tolerance():
    question = parse_one("圆周率取两位小数？{#3.14}")
    assert question.accepted_answers == ["3.14"]
    assert question.numeric_tolerance == Decimal(0)


def test_gift_numerical_range_uses_midpoint_and_half_width():
    question = parse_one("地表水 pH 范围？{#6..9}")
    assert question.accepted_answers == ["7.5"]
    assert question.numeric_tolerance == Decimal("1.5")


def test_gift_numerical_multiple_answers_keeps_full_credit_only():
    questions, problems = gift_parse("应急响应分几级？{# =4:0 =%50%3:0}")
    assert problems == []
    assert questions[0].accepted_answers == ["4"]
    assert questions[0].numeric_tolerance == Decimal(0)


def test_gift_numerical_several_full_credit_answers():
    question = parse_one("两个解{#\n=2:0.1#正解一\n=-2:0.1#正解二\n~#不对}")
    assert question.accepted_answers == ["2", "-2"]
    assert question.numeric_tolerance == Decimal("0.1")
    assert question.explanation == "正解一\n正解二"


def test_gift_essay_becomes_short_answer():
    question = parse_one("::简答::简述现场检查程序。{####出示证件、检查、笔录}")
    assert question.qtype == "short_answer"
    assert question.stem == "简述现场检查程序。"
    assert question.reference_answer == ""
    assert question.explanation == "出示证件、检查、笔录"


def test_gift_matching_becomes_one_single_choice_per_pair():
    questions, problems = gift_parse(
        "::配对::监测项目与方法配对{=化学需氧量 -> 重铬酸盐法 "
        "=氨氮 -> 纳氏试剂法 =总磷 -> 钼酸铵法}"
    )
    assert problems == []
    assert [(q.qtype, q.stem, q.name, q.location) for q in questions] == [
        ("single_choice", "监测项目与方法配对：化学需氧量", "配对 (1)", 1),
        ("single_choice", "监测项目与方法配对：氨氮", "配对 (2)", 1),
        ("single_choice", "监测项目与方法配对：总磷", "配对 (3)", 1),
    ]
    assert [c.text for c in questions[1].choices] == [
        "重铬酸盐法",
        "纳氏试剂法",
        "钼酸铵法",
    ]
    assert [c.fraction for c in questions[1].choices] == [0, 1, 0]


def test_gift_missing_word_puts_blank_where_the_block_was():
    question = parse_one("排污单位应当 {=依法 ~自愿 ~酌情} 申请排污许可证。")
    assert question.stem == "排污单位应当 ____ 申请排污许可证。"
    assert question.qtype == "single_choice"


# --------------------------------------------------------------------------
# GIFT: syntax details
# --------------------------------------------------------------------------


def test_gift_escaped_characters_are_restored():
    question = parse_one(
        "::a\\:b:: 写法 \\{x\\} \\= y \\~ z \\# w\\nnext {=答\\=案 ~c\\~d \\#e}"
    )
    assert question.name == "a:b"
    assert question.stem == "写法 {x} = y ~ z # w\nnext"
    assert [c.text for c in question.choices] == ["答=案", "c~d #e"]


@pytest.mark.parametrize("prefix", ["[html]", "[markdown]", "[plain]", "[moodle]"])
def test_gift_format_prefixes_are_stripped(prefix):
    question = parse_one(f"::n::{prefix}<b>题干</b>{{={prefix}对 ~错}}")
    assert question.stem == "<b>题干</b>"
    assert question.choices[0].text == "对"


def test_gift_comments_blank_lines_and_line_numbers():
    text = "// 注释\n\n题一{T}\n// 题内注释\n\n\n题二\n续行{F}\n"
    questions, problems = gift_parse(text)
    assert problems == []
    assert [(q.location, q.stem) for q in questions] == [(3, "题一"), (7, "题二\n续行")]


def test_gift_bom_and_crlf():
    questions, problems = gift_parse("\ufeff题一{T}\r\n\r\n题二{F}\r\n")
    assert problems == []
    assert [(q.location, q.stem, q.correct_bool) for q in questions] == [
        (1, "题一", True),
        (3, "题二", False),
    ]


def test_gift_category_sets_knowledge_points_for_following_questions():
    text = (
        "题零{T}\n\n$CATEGORY: $course$/top/五支队伍/生态环境执法\n\n题一{T}\n\n"
        "题二{F}\n\n$CATEGORY: 环境应急\n题三{T}\n"
    )
    questions, problems = gift_parse(text)
    assert problems == []
    assert [q.knowledge_points for q in questions] == [
        [],
        ["生态环境执法"],
        ["生态环境执法"],
        ["环境应急"],
    ]
    assert questions[3].location == 10


# --------------------------------------------------------------------------
# GIFT: problems
# --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "field", "phrase"),
    [
        ("题{=a ~b", "answers", "Unbalanced braces"),
        ("题=a ~b}", "answers", "Unbalanced braces"),
        ("题{=a {~b}}", "answers", "only one answer block"),
        ("没有答案块的题", "answers", "No answer block"),
        ("{=a ~b}", "stem", "question text is empty"),
        ("::未闭合 题{T}", "name", "never closed"),
        ("题{~a ~b ~c}", "answers", "No correct answer"),
        ("题{=a =b ~c}", "answers", "More than one answer is marked with ="),
        ("题{=a}{~b}", "answers", "only one answer block"),
        ("题{~%50%a ~%40%b ~c}", "answers", "add up to 90%; they must add up to 100%"),
        ("题{~%abc%a ~b}", "answers", "not a number"),
        ("题{~%150%a ~b}", "answers", "outside -100% to 100%"),
        ("题{=a ~}", "answers", "An answer is empty"),
        ("题{#abc}", "answers", "“abc” is not a number"),
        ("题{#9..6}", "answers", "runs backwards"),
        ("题{#3:-1}", "answers", "is negative"),
        ("题{#=%50%3}", "answers", "No full-credit number"),
        ("题{#1:0.1 =2:0.2}", "answers", "different margins of error"),
        ("题{答案}", "answers", "Unknown answer syntax near “答案”"),
        ("题{=%50%部分}", "answers", "No full-credit answer"),
        ("题{=a -> 1 =b}", "answers", "has no “->”"),
        ("题{=a -> 1 =b -> 1}", "answers", "two different right-hand items"),
        ("题{~只有一个}", "answers", "at least two answers"),
    ],
)
def test_gift_problems_name_line_field_and_fix(text, field, phrase):
    problems = problems_of("// 头注释\n" + text)
    assert len(problems) == 1
    assert problems[0].location == 2
    assert problems[0].field == field
    assert phrase in problems[0].message


def test_gift_problems_do_not_hide_other_questions():
    text = "好题一{T}\n\n坏题{=a ~b\n\n好题二{F}\n\n{T}\n"
    questions, problems = gift_parse(text)
    assert [q.stem for q in questions] == ["好题一", "好题二"]
    assert [(p.location, p.field) for p in problems] == [(3, "answers"), (7, "stem")]


def test_gift_sample_file():
    text = (DATA / "ecology_questions.gift.txt").read_text(encoding="utf-8")
    questions, problems = gift_parse(text)
    assert problems == []
    assert [(q.location, q.name, q.qtype) for q in questions] == [
        (6, "执法-01", "single_choice"),
        (14, "执法-02", "multiple_choice"),
        (20, "执法-03", "true_false"),
        (22, "执法-04", "fill_blank"),
        (26, "监测-01", "fill_blank"),
        (28, "监测-02", "fill_blank"),
        (30, "监测-03", "true_false"),
        (32, "监测-04 (1)", "single_choice"),
        (32, "监测-04 (2)", "single_choice"),
        (32, "监测-04 (3)", "single_choice"),
        (38, "监测-05", "short_answer"),
    ]
    first, second, _third, fourth, fifth, sixth, seventh = questions[:7]
    assert first.choices[1] == ParsedChoice(
        "2015年", Decimal(1), "正确，2015年1月1日起施行"
    )
    assert first.explanation.startswith("现行环境保护法于2014年4月24日修订通过")
    assert first.knowledge_points == ["生态环境执法"]
    assert [c.fraction for c in second.choices] == [Decimal("0.5"), Decimal("0.5"), -1]
    assert fourth.stem == "生态环境主管部门可以对排污单位实施 ____ 措施。"
    assert fourth.accepted_answers == ["查封", "扣押", "查封、扣押"]
    assert (fifth.accepted_answers, fifth.numeric_tolerance) == (["35"], Decimal(0))
    assert (sixth.accepted_answers, sixth.numeric_tolerance) == (
        ["7.5"],
        Decimal("1.5"),
    )
    assert sixth.explanation == "地表水 pH 标准为 6～9。"
    assert seventh.stem == "监测报告编号格式为 HJ{年份}:#序号 的说法是否正确？"
    assert seventh.correct_bool is False
    assert questions[-1].knowledge_points == ["生态环境监测"]


# --------------------------------------------------------------------------
# XLSX
# --------------------------------------------------------------------------

HEADERS = [
    "题型",
    "题干",
    "选项A",
    "选项B",
    "选项C",
    "选项D",
    "答案",
    "参考答案",
    "分值",
    "难度",
    "知识点",
    "解析",
]


def workbook_bytes(rows, headers=HEADERS):
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    buffer.seek(0)
    return buffer


GOOD_ROWS = [
    ["单选", "环境保护法自哪一年起施行？", "2014年", "2015年", "2016年", "", "B", "",
     2, 2, "政策法规，环境保护法", "2015年1月1日起施行"],
    ["多选", "“三线一单”包括？", "生态保护红线", "环境质量底线", "资源利用上线",
     "排污许可清单", "A、B、C", "", 3, 3, "环境影响评价", ""],
    ["判断", "执法检查不得少于两人。", "", "", "", "", "√", "", 1, 1,
     "生态环境执法", ""],
    ["填空", "突发环境事件分为____级。", "", "", "", "", "四|4；四级", "", 2, "",
     "", ""],
    ["简答", "简述自动监测数据审核要点。", "", "", "", "", "",
     "检查数据完整性、有效性和异常值。", 10, 4, "生态环境监测；质量控制", ""],
]  # fmt: skip


def test_xlsx_realistic_sheet():
    questions, problems = xlsx_parse(workbook_bytes(GOOD_ROWS))
    assert problems == []
    single, multiple, true_false, fill, short = questions
    assert single == ParsedQuestion(
        location=2,
        qtype="single_choice",
        stem="环境保护法自哪一年起施行？",
        choices=[
            ParsedChoice("2014年", Decimal(0)),
            ParsedChoice("2015年", Decimal(1)),
            ParsedChoice("2016年", Decimal(0)),
        ],
        explanation="2015年1月1日起施行",
        difficulty=2,
        points=Decimal(2),
        knowledge_points=["政策法规", "环境保护法"],
    )
    assert [c.fraction for c in multiple.choices] == [Decimal("0.3333333")] * 3 + [0]
    assert (true_false.qtype, true_false.correct_bool) == ("true_false", True)
    assert fill.accepted_answers == ["四", "4", "四级"]
    assert (fill.difficulty, fill.knowledge_points) == (None, [])
    assert short.reference_answer == "检查数据完整性、有效性和异常值。"
    assert short.knowledge_points == ["生态环境监测", "质量控制"]
    assert [q.location for q in questions] == [2, 3, 4, 5, 6]


@pytest.mark.parametrize(
    ("answer", "expected"),
    [("正确", True), ("对", True), ("√", True), ("错误", False), ("错", False),
     ("×", False), ("FALSE", False)],
)  # fmt: skip
def test_xlsx_true_false_words(answer, expected):
    row = ["判断", "题干", "", "", "", "", answer, "", "", "", "", ""]
    questions, problems = xlsx_parse(workbook_bytes([row]))
    assert problems == []
    assert questions[0].correct_bool is expected


def test_xlsx_english_headers():
    headers = ["Type", "Stem", "Option A", "Option B", "Answer", "Points",
               "Difficulty", "Knowledge points", "Explanation"]  # fmt: skip
    rows = [["single_choice", "Which law?", "EPL", "WPL", "a", 1.5, 3, "law, EIA", "x"]]
    questions, problems = xlsx_parse(workbook_bytes(rows, headers))
    assert problems == []
    assert questions[0].qtype == "single_choice"
    assert [c.fraction for c in questions[0].choices] == [1, 0]
    assert questions[0].points == Decimal("1.5")
    assert questions[0].knowledge_points == ["law", "EIA"]


def test_xlsx_three_bad_rows_among_many_are_reported_exactly():
    rows = [list(GOOD_ROWS[i % len(GOOD_ROWS)]) for i in range(30)]
    rows[6][0] = "论述"  # row 8: unknown type
    rows[15][6] = "E"  # row 17: single choice answer without option
    rows[24][9] = 7  # row 26: difficulty out of range
    questions, problems = xlsx_parse(workbook_bytes(rows))
    assert [(p.location, p.field) for p in problems] == [
        (8, "题型"),
        (17, "答案"),
        (26, "难度"),
    ]
    assert len(questions) == 27
    assert "Unknown question type “论述”" in problems[0].message
    assert "Answer letter E has no option" in problems[1].message
    assert "from 1 (easy) to 5" in problems[2].message


@pytest.mark.parametrize(
    ("row", "field", "phrase"),
    [
        (["单选", "", "甲", "乙", "", "", "A"], "题干", "question text is missing"),
        (["单选", "题", "甲", "乙", "", "", ""], "答案", "answer is missing"),
        (["单选", "题", "甲", "乙", "", "", "AB"], "答案", "one right answer"),
        (["单选", "题", "甲", "乙", "", "", "1"], "答案", "option letters"),
        (["单选", "题", "甲", "", "", "", "A"], "选项B", "at least two options"),
        (["多选", "题", "甲", "", "丙", "", "AC"], "选项B", "without gaps"),
        (["判断", "题", "", "", "", "", "也许"], "答案", "正确 or 错误"),
        (["填空", "题", "", "", "", "", " | ；"], "答案", "answer is missing"),
    ],
)
def test_xlsx_bad_cells(row, field, phrase):
    questions, problems = xlsx_parse(workbook_bytes([row + [""] * 5]))
    assert questions == []
    assert [(p.location, p.field) for p in problems] == [(2, field)]
    assert phrase in problems[0].message


@pytest.mark.parametrize(
    ("points", "phrase"),
    [(0, "from 0.1 to"), (-1, "from 0.1 to"), ("两分", "positive number")],
)
def test_xlsx_points_must_be_positive(points, phrase):
    row = ["判断", "题", "", "", "", "", "对", "", points, "", "", ""]
    questions, problems = xlsx_parse(workbook_bytes([row]))
    assert [(p.location, p.field) for p in problems] == [(2, "分值")]
    assert phrase in problems[0].message


def test_xlsx_every_bad_cell_of_a_row_is_reported():
    row = ["单选", "", "甲", "乙", "", "", "C", "", "x", "0", "", ""]
    _questions, problems = xlsx_parse(workbook_bytes([row]))
    assert sorted(p.field for p in problems) == ["分值", "答案", "难度", "题干"]


def test_xlsx_blank_rows_are_skipped_and_numbering_follows_excel():
    rows = [GOOD_ROWS[2], [""] * 12, GOOD_ROWS[2]]
    questions, problems = xlsx_parse(workbook_bytes(rows))
    assert problems == []
    assert [q.location for q in questions] == [2, 4]


def test_xlsx_missing_columns_and_unreadable_file():
    _questions, problems = xlsx_parse(workbook_bytes([["x"]], headers=["题干"]))
    assert [(p.location, p.field) for p in problems] == [(1, "题型"), (1, "答案")]
    questions, problems = xlsx_parse(io.BytesIO(b"not a workbook"))
    assert questions == []
    assert problems == [ImportProblem(0, "", problems[0].message)]
    assert "could not be read" in problems[0].message


def test_xlsx_template_is_formatted_and_parses_cleanly():
    content = xlsx_template()
    workbook = load_workbook(io.BytesIO(content))
    assert workbook.sheetnames == ["题目", "说明"]
    sheet = workbook["题目"]
    assert sheet.freeze_panes == "A2"
    assert all(cell.font.bold for cell in sheet[1])
    assert [cell.value for cell in sheet[1]][:3] == ["题型", "题干", "选项A"]
    assert sheet.column_dimensions["B"].width == 48
    notes = [row[0].value for row in workbook["说明"].iter_rows(min_row=2)]
    assert "答案" in notes and "难度" in notes
    questions, problems = xlsx_parse(io.BytesIO(content))
    assert problems == []
    assert [q.qtype for q in questions] == [
        "single_choice",
        "multiple_choice",
        "true_false",
        "fill_blank",
        "short_answer",
    ]


def test_xlsx_export_round_trips():
    originals, problems = xlsx_parse(workbook_bytes(GOOD_ROWS))
    assert problems == []
    originals[0].name = "环保法施行年份"
    originals[3].numeric_tolerance = None
    numeric = ParsedQuestion(
        location=7,
        qtype="fill_blank",
        stem="pH 中间值？",
        accepted_answers=["7.5"],
        numeric_tolerance=Decimal("1.5"),
    )
    many_options = ParsedQuestion(
        location=8,
        qtype="single_choice",
        stem="十个选项",
        choices=[ParsedChoice(f"选项{i}", Decimal(i == 9)) for i in range(10)],
    )
    rows = [*originals, numeric, many_options]
    content = xlsx_export(rows)
    again, problems = xlsx_parse(io.BytesIO(content))
    assert problems == []
    assert again == rows
    sheet = load_workbook(io.BytesIO(content)).active
    headers = [cell.value for cell in sheet[1]]
    assert headers[-1] == "误差" and "选项J" in headers
    assert sheet.cell(2, headers.index("分值") + 1).value == 2  # a number cell
    assert sheet.cell(7, headers.index("误差") + 1).value == 1.5


def test_xlsx_export_of_gift_questions_keeps_answers():
    text = (DATA / "ecology_questions.gift.txt").read_text(encoding="utf-8")
    questions, _problems = gift_parse(text)
    again, problems = xlsx_parse(io.BytesIO(xlsx_export(questions)))
    assert problems == []
    assert [(q.qtype, q.stem, q.name) for q in again] == [
        (q.qtype, q.stem, q.name) for q in questions
    ]
    assert again[4].accepted_answers == ["35"]
    assert again[5].numeric_tolerance == Decimal("1.5")
    assert again[0].choices[1].fraction == 1


@pytest.mark.parametrize(
    ("qtype", "answer", "weights", "phrase"),
    [
        ("多选", "AB", "A:50；B:40；C:-100", "do not fit the answer “AB”"),
        ("多选", "A", "A:50；B:50", "do not fit the answer “A”"),
        ("单选", "A", "A:50；B:100", "do not fit the answer “A”"),
        ("多选", "AB", "A:50；B:50；C:-150", "out of range"),
        ("多选", "AB", "A:50；B:50；C:-33.333", "too many decimal places"),
        ("多选", "AB", "A:50；B:50；D:-100", "names option D"),
        ("多选", "AB", "A50 B50", "such as A:50"),
    ],
)
def test_xlsx_option_weights_problems(qtype, answer, weights, phrase):
    headers = ["题型", "题干", "选项A", "选项B", "选项C", "答案", "选项权重"]
    row = [qtype, "题", "甲", "乙", "丙", answer, weights]
    questions, problems = xlsx_parse(workbook_bytes([row], headers))
    assert questions == []
    assert [(p.location, p.field) for p in problems][:1] == [(2, "选项权重")]
    assert phrase in problems[0].message


def test_xlsx_option_weights_give_credit_and_penalties():
    headers = ["题型", "题干", "选项A", "选项B", "选项C", "答案", "选项权重"]
    row = ["多选", "题", "甲", "乙", "丙", "A B", "a : 50%, B=50 ; C:-100"]
    questions, problems = xlsx_parse(workbook_bytes([row], headers))
    assert problems == []
    assert [c.fraction for c in questions[0].choices] == [
        Decimal("0.5"),
        Decimal("0.5"),
        Decimal("-1"),
    ]
