"""Wagtail admin pages of assessments, through real requests."""

import datetime as dt
import io
import re
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from wagtail.test.utils.form_data import querydict_from_html

from assessments import services
from assessments.models import GradeChange, Question, ResultReview
from tests.assessments.factories import (
    BankFactory,
    fixed_exam,
    short_answer,
    single,
    sit,
    true_false,
)
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def graded_exam(province, django_capture_on_commit_callbacks):
    """Two candidates in Lanzhou's subtree, one in Tianshui, all submitted."""
    bank = BankFactory()
    tf = true_false(bank, answer=True, points=5)
    essay = short_answer(bank, points=5)
    exam = fixed_exam([tf, essay], title="监测考试", pass_mark=5)
    people = [
        CadreFactory(unit=province["chengguan"], name="城关甲"),
        CadreFactory(unit=province["lanzhou"], name="兰州乙"),
        CadreFactory(unit=province["qinzhou"], name="秦州丙"),
    ]
    for cadre in people:
        sit(exam, cadre, {tf: True, essay: "答案"})
    return exam, tf, essay, people


def test_question_listing_filters_and_preview(client_for, trainer, bank):
    tf = true_false(bank, difficulty=2, stem="按日连续处罚适用于拒不改正的行为")
    short_answer(bank, difficulty=4, stem="简述环境应急预案的内容")
    client = client_for(trainer)
    listing = client.get("/admin/assessments_question/", {"qtype": "true_false"}, **EN)
    assert listing.status_code == 200
    html = listing.content.decode()
    assert "按日连续处罚" in html and "简述环境应急预案" not in html
    preview = client.get(f"/admin/assessments_question/inspect/{tf.pk}/", **EN)
    assert preview.status_code == 200
    assert "As the candidate sees it" in preview.content.decode()


def test_question_listing_titles_questions_by_their_text(client_for, trainer, bank):
    question = true_false(bank, name="ph", stem="<b>地表水</b> pH 值应当现场测定")
    html = (
        client_for(trainer).get("/admin/assessments_question/", **EN).content.decode()
    )
    edit_url = f"/admin/assessments_question/edit/{question.pk}/"
    link = re.search(rf'<a [^>]*href="{edit_url}"[^>]*>(.*?)</a>', html, re.S)
    assert link and link.group(1).strip() == "地表水 pH 值应当现场测定"
    assert re.search(r"<td[^>]*>\s*ph\s*</td>", html)


def test_question_preview_is_the_papers_own_markup(client_for, trainer, bank):
    """Radio, letter, text on one line, as on the paper: the preview is built
    by the paper's code and styled by its stylesheet."""
    question = single(bank, right="四级", wrong=("三级",), points=2)
    html = (
        client_for(trainer)
        .get(f"/admin/assessments_question/inspect/{question.pk}/")
        .content.decode()
    )
    preview = re.search(
        r'<fieldset class="paper-preview" disabled[^>]*>(.*?)</fieldset>\s*</fieldset>',
        html,
        re.S,
    )
    assert preview, "no paper preview"
    assert '<label class="option"><input type="radio"' in preview.group(1)
    assert '<span class="letter"></span> 四级</label>' in preview.group(1)
    assert '<span class="muted">2 分</span>' in preview.group(1)
    assert "assessments/exam.css" in html
    assert '<ol type="A">' not in html
    # Each option's credit as a percentage (it read 1.0000 and 0.0000).
    assert "四级 — 得分比例 100%" in html and "三级 — 得分比例 0%" in html


def question_edit_form(client, question) -> tuple[str, dict]:
    """The question's edit URL and its form as the admin serves it."""
    url = f"/admin/assessments_question/edit/{question.pk}/"
    page = client.get(url).content.decode()
    return url, querydict_from_html(page, form_id="w-editor-form")


def test_true_false_key_reads_as_on_the_paper(client_for, trainer, bank):
    """The key select said 未知 / 是 / 否; the paper says 正确 / 错误."""
    question = true_false(bank)
    html = (
        client_for(trainer)
        .get(f"/admin/assessments_question/edit/{question.pk}/")
        .content.decode()
    )
    select = re.search(r'<select name="correct_bool".*?</select>', html, re.S)
    options = re.findall(r"<option[^>]*>([^<]*)</option>", select.group(0))
    assert options == ["—", "正确", "错误"]
    assert re.search(r'<option value="true"[^>]*selected', select.group(0))


def test_key_correction_in_the_editor_regrades_with_audit(
    client_for, trainer, graded_exam
):
    _exam, tf, _essay, _people = graded_exam
    client = client_for(trainer)
    url, data = question_edit_form(client, tf)
    data["correct_bool"] = "false"
    data["regrade_reason"] = "题目答案标注错误"
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    changes = GradeChange.objects.filter(kind="key_correction")
    assert changes.count() == 3
    assert {c.reason for c in changes} == {"题目答案标注错误"}
    assert {(c.old_mark, c.new_mark) for c in changes} == {(Decimal("5"), Decimal("0"))}


def test_import_upload_all_or_nothing(client_for, trainer, bank):
    client = client_for(trainer)
    bad = SimpleUploadedFile(
        "b.gift", "::A:: 好题 {T}\n\n::B:: 坏题 {=甲 =乙 ~丙\n".encode()
    )
    response = client.post(
        "/admin/assessments/import/", {"bank": bank.pk, "file": bad}, **EN
    )
    assert response.status_code == 200
    assert "Nothing was imported" in response.content.decode()
    assert not Question.objects.exists()
    good = SimpleUploadedFile("g.gift", "::A:: 好题 {T}\n\n::B:: 第二题 {F}\n".encode())
    response = client.post(
        "/admin/assessments/import/", {"bank": bank.pk, "file": good}
    )
    assert response.status_code == 302
    assert bank.questions.count() == 2
    template = client.get("/admin/assessments/template/")
    assert template["Content-Type"].startswith("application/vnd.openxmlformats")
    export = client.get("/admin/assessments/export/", {"bank": bank.pk})
    assert openpyxl.load_workbook(io.BytesIO(export.content)).active.max_row == 3


def test_learner_cannot_reach_admin_pages(client_for, learner, graded_exam):
    exam = graded_exam[0]
    client = client_for(learner)
    for url in (
        f"/admin/assessments/exams/{exam.pk}/results/",
        "/admin/assessments/marking/",
    ):
        assert client.get(url).status_code in (302, 403)


def test_results_are_scoped_to_a_unit_admins_subtree(
    client_for, unit_admin, trainer, graded_exam
):
    exam = graded_exam[0]
    url = f"/admin/assessments/exams/{exam.pk}/results/"
    admin_page = client_for(unit_admin).get(url, **EN).content.decode()
    assert (
        "城关甲" in admin_page and "兰州乙" in admin_page and "秦州丙" not in admin_page
    )
    export = client_for(unit_admin).get(url, {"format": "xlsx"})
    rows = list(openpyxl.load_workbook(io.BytesIO(export.content)).active.values)
    assert sorted(r[0] for r in rows[1:]) == ["兰州乙", "城关甲"]
    for item in services.PaperItem.objects.filter(needs_marking=True):
        services.item_mark(item_id=item.pk, mark=Decimal("3"), by=trainer.user)
    analysis = client_for(unit_admin).get(
        f"/admin/assessments/exams/{exam.pk}/analysis/", **EN
    )
    counts = [s.answered_by for s in analysis.context["stats"]]
    assert counts == [2, 2]  # two candidates in Lanzhou's subtree, not three
    trainer_page = client_for(trainer).get(url, **EN).content.decode()
    assert "秦州丙" in trainer_page
    # A hand-typed unit outside the admin's subtree is refused, not obeyed.
    tianshui = graded_exam[3][2].unit.get_parent()
    narrowed = client_for(unit_admin).get(url, {"unit": tianshui.pk}, **EN)
    assert narrowed.status_code == 404 and "秦州丙" not in narrowed.content.decode()


@pytest.mark.parametrize("unit", ["abc", "999999", "１２", "99999999999999999999"])
@pytest.mark.parametrize("view", ["results", "analysis"])
def test_an_unknown_unit_is_a_404_not_every_unit(
    client_for, trainer, graded_exam, view, unit
):
    exam = graded_exam[0]
    url = f"/admin/assessments/exams/{exam.pk}/{view}/"
    response = client_for(trainer).get(url, {"unit": unit}, **EN)
    assert response.status_code == 404
    assert "城关甲" not in response.content.decode()
    assert client_for(trainer).get(url, {"unit": ""}, **EN).status_code == 200


def test_results_export_columns_fit_their_values(client_for, trainer, graded_exam):
    exam, _tf, _essay, people = graded_exam
    unit = people[0].unit
    unit.name = "兰州市生态环境局城关区分局综合行政执法大队第一中队"
    unit.save()
    export = client_for(trainer).get(
        f"/admin/assessments/exams/{exam.pk}/results/", {"format": "xlsx"}, **EN
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    heading = [cell.value for cell in sheet[1]]
    unit_column = sheet.cell(row=1, column=heading.index("Unit") + 1).column_letter
    longest = max(len(str(cell.value)) * 2 for cell in sheet[unit_column][1:])
    assert sheet.column_dimensions[unit_column].width >= longest


def test_marking_queue_then_results_and_analysis(
    client_for, trainer, graded_exam, django_capture_on_commit_callbacks
):
    exam, _tf, essay, people = graded_exam
    client = client_for(trainer)
    queue = client.get("/admin/assessments/marking/", **EN)
    assert queue.content.decode().count("/admin/assessments/marking/") >= 3
    items = services.PaperItem.objects.filter(question=essay).order_by("attempt_id")
    too_high = client.post(
        f"/admin/assessments/marking/{items[0].pk}/", {"mark": "6", "comment": ""}, **EN
    )
    assert "between 0 and 5" in too_high.content.decode()
    for item, mark in zip(items, ["4", "1", "0"], strict=True):
        with django_capture_on_commit_callbacks(execute=True):
            response = client.post(
                f"/admin/assessments/marking/{item.pk}/",
                {"mark": mark, "comment": "ok"},
            )
        assert response.status_code == 302
    page = client.get(
        f"/admin/assessments/exams/{exam.pk}/results/", **EN
    ).content.decode()
    assert "9 / 10" in page and "6 / 10" in page and "5 / 10" in page
    assert ".00" not in page
    analysis = client.get(f"/admin/assessments/exams/{exam.pk}/analysis/", **EN)
    assert analysis.status_code == 200
    assert "0.333" in analysis.content.decode()  # essay P = (0.8+0.2+0)/3


def test_analysis_marks_the_right_option_and_shows_option_texts(
    client_for, trainer, province
):
    question = single(
        BankFactory(),
        right="按日连续处罚",
        wrong=("责令停产整治并处以罚款，情节严重的报经有批准权的人民政府批准",),
    )
    exam = fixed_exam([question], pass_mark=0)
    right, wrong = question.choices.order_by("sort_order")
    for cadre, choice in zip(
        CadreFactory.create_batch(3, unit=province["lanzhou"]),
        [right, wrong, wrong],
        strict=True,
    ):
        sit(exam, cadre, {question: choice.pk})
    html = (
        client_for(trainer)
        .get(f"/admin/assessments/exams/{exam.pk}/analysis/")
        .content.decode()
    )
    options = re.findall(r'<li class="(option-count[^"]*)"[^>]*>(.*?)</li>', html)
    assert [(cls, re.sub(r"<[^>]+>", "", text)) for cls, text in options] == [
        ("option-count option-count--correct", "✓ 正确答案A 按日连续处罚: 1"),
        ("option-count", "B 责令停产整治并处以罚款，情节严重的报经有批...: 2"),
        ("option-count", "—: 0"),
    ]
    assert "选项按题库中的顺序排列" in html


def test_review_answered_in_admin(
    client_for, trainer, graded_exam, django_capture_on_commit_callbacks
):
    exam, tf, essay, people = graded_exam
    cadre = people[0]
    attempt = services.Attempt.objects.get(exam=exam, cadre=cadre)
    essay_item = attempt.items.get(question=essay)
    services.item_mark(item_id=essay_item.pk, mark=Decimal("2"), by=trainer.user)
    attempt.refresh_from_db()
    review = services.review_request(
        attempt=attempt, user=cadre.user, reason="简答要点齐全"
    )
    client = client_for(trainer)
    assert "简答要点齐全" in client.get("/admin/assessments/reviews/").content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/admin/assessments/reviews/{review.pk}/",
            {"answer": "复核后加分", f"mark-{essay_item.pk}": "4"},
        )
    assert response.status_code == 302
    review = ResultReview.objects.get(pk=review.pk)
    assert review.status == "changed" and review.grade_after == Decimal("9")
    learner_client = client_for(cadre)
    page = learner_client.get(reverse("assessments:attempt_result", args=[attempt.pk]))
    assert "复核后加分" in page.content.decode()


NEW_EXAM_URL = "/admin/assessments_exam/new/"


def draw_exam_form(client, bank, **fields) -> dict:
    """The new-exam form as the admin serves it, filled in for a draw exam
    of three true/false questions at 5 points from *bank*; *fields* override
    (draw rule fields as ``draw_rules-0-…``)."""
    data = querydict_from_html(
        client.get(NEW_EXAM_URL).content.decode(), form_id="w-editor-form"
    )
    data.update(
        {
            "opens_at": "2026-12-01 09:00",
            "closes_at": "2026-12-01 11:00",
            "time_limit_minutes": "60",
            "attempts_allowed": "1",
            "paper_mode": "draw",
            "multi_choice_policy": "partial",
            "score_release": "immediate",
            "answer_release": "after_close",
            "review_days": "7",
            "draw_rules-TOTAL_FORMS": "1",
            "draw_rules-0-bank": str(bank.pk),
            "draw_rules-0-qtype": "true_false",
            "draw_rules-0-count": "3",
            "draw_rules-0-points_each": "5",
            "draw_rules-0-ORDER": "1",
            "draw_rules-0-DELETE": "",
            "draw_rules-0-id": "",
        }
    )
    data.update(fields)
    return data


def test_trainer_creates_a_draw_exam_in_the_admin(client_for, trainer, bank):
    true_false(bank)
    client = client_for(trainer)
    url = NEW_EXAM_URL
    assert client.get(url).status_code == 200
    data = draw_exam_form(client, bank, title="抽题考试", pass_mark="60")
    response = client.post(url, data, **EN)
    assert response.status_code == 302, response.content.decode()[:3000]
    exam = services.Exam.objects.get(title="抽题考试")
    rule = exam.draw_rules.get()
    assert (rule.count, rule.points_each) == (3, Decimal("5"))
    # The bank has one true/false question: the trainer is warned on saving.
    follow = client.get(response["Location"], **EN).content.decode()
    assert "asks for 3 questions but the bank has only 1" in follow


def test_deleting_a_question_in_use_is_refused_with_a_message(
    client_for, trainer, graded_exam
):
    _exam, tf, _essay, _people = graded_exam
    client = client_for(trainer)
    response = client.post(f"/admin/assessments_question/delete/{tf.pk}/", **EN)
    assert response.status_code == 302
    assert Question.objects.filter(pk=tf.pk).exists()
    page = client.get(response["Location"], **EN).content.decode()
    assert "cannot be deleted" in page


def test_attempt_detail_shows_grade_history_within_scope(
    client_for, trainer, unit_admin, graded_exam
):
    exam, _tf, essay, people = graded_exam
    attempt = services.Attempt.objects.get(exam=exam, cadre=people[0])
    item = attempt.items.get(question=essay)
    services.item_mark(
        item_id=item.pk, mark=Decimal("4"), by=trainer.user, comment="要点齐全"
    )
    page = client_for(trainer).get(f"/admin/assessments/attempts/{attempt.pk}/", **EN)
    html = page.content.decode()
    assert "Marked by hand" in html and "要点齐全" in html and "5 → 9" in html
    outside = services.Attempt.objects.get(exam=exam, cadre=people[2])
    url = f"/admin/assessments/attempts/{outside.pk}/"
    assert client_for(unit_admin).get(url).status_code == 404


def test_extra_time_granted_mid_attempt_moves_the_deadline(
    client_for, trainer, learner, province
):
    bank = BankFactory()
    exam = fixed_exam([true_false(bank, points=5)], time_limit_minutes=30)
    attempt = services.attempt_start(exam=exam, cadre=learner)
    before = attempt.deadline
    client = client_for(trainer)
    url = "/admin/assessments_accommodation/new/"
    form = querydict_from_html(client.get(url).content.decode(), form_id=None)
    form.update({"exam": str(exam.pk), "cadre": str(learner.pk)})
    form["extra_minutes"] = "15"
    response = client.post(url, form, **EN)
    assert response.status_code == 302, response.content.decode()[:2000]
    attempt.refresh_from_db()
    assert attempt.deadline - before == dt.timedelta(minutes=15)
    # Reducing it again moves it back; a closed attempt is left alone.
    accommodation = exam.accommodations.get()
    accommodation.extra_minutes = 0
    accommodation.save()
    assert services.accommodation_apply(exam=exam, cadre=learner) == 1
    attempt.refresh_from_db()
    assert attempt.deadline == before
    services.attempt_submit(attempt_id=attempt.pk, user_id=learner.user_id)
    accommodation.extra_minutes = 60
    accommodation.save()
    assert services.accommodation_apply(exam=exam, cadre=learner) == 0


def test_absurd_time_limits_are_refused_by_the_forms(
    client_for, trainer, learner, province
):
    bank = BankFactory()
    exam = fixed_exam([true_false(bank, points=5)], time_limit_minutes=30)
    attempt = services.attempt_start(exam=exam, cadre=learner)
    client = client_for(trainer)
    url = "/admin/assessments_accommodation/new/"
    form = querydict_from_html(client.get(url).content.decode(), form_id=None)
    form.update({"exam": str(exam.pk), "cadre": str(learner.pk)})
    form["extra_minutes"] = "99999999999"
    response = client.post(url, form, **EN)
    assert response.status_code == 200
    assert "less than or equal to 1440" in response.content.decode()
    assert not exam.accommodations.exists()
    assert services.Attempt.objects.get(pk=attempt.pk).deadline == attempt.deadline

    url = f"/admin/assessments_exam/edit/{exam.pk}/"
    data = querydict_from_html(
        client.get(url).content.decode(), form_id="w-editor-form"
    )
    data["time_limit_minutes"] = "99999999999"
    response = client.post(url, data, **EN)
    assert response.status_code == 200
    assert "less than or equal to 1440" in response.content.decode()
    exam.refresh_from_db()
    assert exam.time_limit_minutes == 30


def _todo(client) -> str:
    html = client.get("/admin/", **EN).content.decode()
    start = html.find('data-testid="trainer-todo"')
    return html[start : html.find("</ul>", start)] if start >= 0 else ""


def test_dashboard_shows_trainers_what_waits_for_them(
    client_for, trainer, unit_admin, graded_exam
):
    exam, _tf, essay, people = graded_exam
    client = client_for(trainer)
    todo = " ".join(_todo(client).split())
    assert "3 short answers to mark (papers: 3)" in todo
    assert "0 result reviews awaiting an answer" in todo
    assert "1 exam open now" in todo
    assert "/admin/assessments/marking/" in todo

    # Marking one answer and a review request move the counts.
    item = services.PaperItem.objects.filter(question=essay).order_by("pk").first()
    services.item_mark(item_id=item.pk, mark=Decimal("5"), by=trainer.user)
    attempt = services.Attempt.objects.get(pk=item.attempt_id)
    cadre = attempt.cadre
    services.review_request(attempt=attempt, user=cadre.user, reason="请复核")
    todo = " ".join(_todo(client).split())
    assert "2 short answers to mark (papers: 2)" in todo
    assert "1 result review awaiting an answer" in todo

    # Whoever may not mark does not get the panel.
    assert _todo(client_for(unit_admin)) == ""


def test_trainer_reads_answers_and_keys_in_words(client_for, trainer, province):
    """The attempt and review pages show what the candidate answered and the
    key as the candidate saw them (letters and text, true/false in words),
    never raw option ids."""
    from tests.assessments.factories import fill_blank, multiple, single

    bank = BankFactory()
    one = single(bank, right="依法申领排污许可证", wrong=("无需许可",))
    many = multiple(bank, options=[("现场检查", 0.5), ("查封扣押", 0.5), ("罚款", 0)])
    tf = true_false(bank, answer=False)
    blank = fill_blank(bank, accepted=["按日连续处罚"])
    exam = fixed_exam([one, many, tf, blank], title="执法考试")
    cadre = CadreFactory(unit=province["chengguan"])
    ids = {c.text: c.pk for q in (one, many) for c in q.choices.all()}
    attempt = sit(
        exam,
        cadre,
        {
            one: ids["无需许可"],
            many: [ids["现场检查"], ids["罚款"]],
            tf: True,
            blank: "按日计罚",
        },
    )
    page = client_for(trainer).get(f"/admin/assessments/attempts/{attempt.pk}/")
    rows = {
        cells[0]: cells[2:4] for cells in _table_rows(page.content.decode(), "items")
    }
    assert rows["1"] == ["B. 无需许可", "A. 依法申领排污许可证"]
    assert rows["2"] == ["A. 现场检查；C. 罚款", "A. 现场检查；B. 查封扣押"]
    assert rows["3"] == ["正确", "错误"]
    assert rows["4"] == ["按日计罚", "按日连续处罚"]
    assert str(ids["无需许可"]) not in {cell for pair in rows.values() for cell in pair}
    english = client_for(trainer).get(
        f"/admin/assessments/attempts/{attempt.pk}/", **EN
    )
    rows = {c[0]: c[2:4] for c in _table_rows(english.content.decode(), "items")}
    assert rows["2"] == ["A. 现场检查; C. 罚款", "A. 现场检查; B. 查封扣押"]
    assert rows["3"] == ["True", "False"]


def _table_rows(html: str, testid: str) -> list[list[str]]:
    import re

    table = html.split(f'data-testid="{testid}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    return [
        [
            re.sub(r"<[^>]+>", "", cell).strip()
            for cell in re.findall(r"<td>(.*?)</td>", row, re.S)
        ]
        for row in re.findall(r"<tr>(.*?)</tr>", body, re.S)
    ]


def test_grade_history_headers_differ_in_chinese(client_for, trainer, graded_exam):
    exam, _tf, _essay, people = graded_exam
    attempt = services.Attempt.objects.get(exam=exam, cadre=people[0])
    html = client_for(trainer).get(f"/admin/assessments/attempts/{attempt.pk}/")
    changes = html.content.decode().split('data-testid="changes"', 1)[1]
    head = changes.split("</thead>", 1)[0]
    assert "本题得分" in head and "总成绩" in head


def test_exam_listing_shows_published_as_an_icon(client_for, trainer, graded_exam):
    html = client_for(trainer).get("/admin/assessments_exam/").content.decode()
    table = html.split('class="listing', 1)[1].split("</table>", 1)[0]
    assert "监测考试" in table
    assert ">True<" not in table and ">False<" not in table
    assert "#icon-check" in table or "#icon-cross" in table


def test_import_problems_name_the_gift_part_in_chinese(client_for, trainer, bank):
    client = client_for(trainer)
    bad = SimpleUploadedFile("b.gift", "::B:: 坏题 {=甲 =乙 ~丙\n".encode())
    html = client.post(
        "/admin/assessments/import/", {"bank": bank.pk, "file": bad}
    ).content.decode()
    problems = _table_rows(html, "import-problems")
    assert problems and all(row[1] == "答案部分" for row in problems), problems
    # One id per field on the page (the export form has a bank field too).
    import re

    ids = re.findall(r'\bid="(id_[a-z_]+)"', html)
    assert len(ids) == len(set(ids)), ids
    assert client.get("/admin/assessments/export/", {"bank": "abc"}).status_code == 404
    assert client.get("/admin/assessments/export/").status_code == 404


def test_marking_queue_action_reads_as_marking(client_for, trainer, graded_exam):
    html = client_for(trainer).get("/admin/assessments/marking/").content.decode()
    assert ">评分</a>" in html


def test_marking_page_is_only_for_short_answers_awaiting_marking(
    client_for, trainer, learner, graded_exam
):
    exam, tf, essay, people = graded_exam
    client = client_for(trainer)
    attempt = services.Attempt.objects.get(exam=exam, cadre=people[0])
    essay_item = attempt.items.get(question=essay)
    page = client.get(f"/admin/assessments/marking/{essay_item.pk}/", **EN)
    assert page.status_code == 200
    assert essay.reference_answer and essay.reference_answer in page.content.decode()
    # An auto-graded answer, even while its attempt waits for marking.
    tf_item = attempt.items.get(question=tf)
    url = f"/admin/assessments/marking/{tf_item.pk}/"
    assert client.get(url).status_code == 404
    assert client.post(url, {"mark": "0", "comment": "改分"}).status_code == 404
    tf_item.refresh_from_db()
    assert tf_item.mark == Decimal("5")
    # A short answer in a final result: changed through a review instead.
    services.item_mark(item_id=essay_item.pk, mark=Decimal("3"), by=trainer.user)
    url = f"/admin/assessments/marking/{essay_item.pk}/"
    assert client.post(url, {"mark": "5", "comment": ""}).status_code == 404
    with pytest.raises(services.GradingError):
        services.item_mark(item_id=essay_item.pk, mark=Decimal("5"), by=trainer.user)
    assert attempt.items.get(question=essay).mark == Decimal("3")
    assert not GradeChange.objects.filter(attempt=attempt, kind="review").exists()
    # An attempt still under way.
    live = services.attempt_start(exam=exam, cadre=learner)
    live_item = live.items.get(question=essay)
    assert client.get(f"/admin/assessments/marking/{live_item.pk}/").status_code == 404


def test_key_correction_of_a_used_question_needs_a_reason(
    client_for, trainer, graded_exam
):
    _exam, tf, _essay, _people = graded_exam
    client = client_for(trainer)
    url, data = question_edit_form(client, tf)
    data["correct_bool"] = "false"
    data["regrade_reason"] = "  "
    response = client.post(url, data, **EN)
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert "say why the key changed" in errors["regrade_reason"][0]
    tf.refresh_from_db()
    assert tf.correct_bool is True
    assert not GradeChange.objects.filter(kind="key_correction").exists()
    # Other edits of a used question need no reason.
    data["correct_bool"] = "true"
    data["stem"] = "改写后的题干"
    assert client.post(url, data).status_code == 302


def test_key_of_an_unused_question_changes_without_a_reason(client_for, trainer, bank):
    tf = true_false(bank, answer=True)
    client = client_for(trainer)
    url, data = question_edit_form(client, tf)
    data["correct_bool"] = "false"
    data["regrade_reason"] = ""
    assert client.post(url, data).status_code == 302
    tf.refresh_from_db()
    assert tf.correct_bool is False


def test_option_weights_of_a_used_question_need_a_reason(
    client_for, trainer, exam, learner, five_questions
):
    multiple = five_questions["multiple"]
    sit(exam, learner, {multiple: []})
    client = client_for(trainer)
    url, data = question_edit_form(client, multiple)
    assert client.post(url, data).status_code == 302  # saved unchanged: no reason
    data["choices-2-fraction"] = "-1"
    response = client.post(url, data, **EN)
    assert response.status_code == 200
    assert "regrade_reason" in response.context["form"].errors
    assert [c.fraction for c in multiple.choices.all()] == [
        Decimal("0.5"),
        Decimal("0.5"),
        0,
    ]


@pytest.mark.parametrize(
    ("field", "value", "error_field", "phrase"),
    [
        ("pass_mark", "-5", "pass_mark", "greater than or equal to 0"),
        ("time_limit_minutes", "0", "time_limit_minutes", "greater than or equal"),
        ("draw_rules-0-difficulty", "99", None, "less than or equal to 5"),
    ],
)
def test_exam_form_refuses_nonsense_numbers(
    client_for, trainer, bank, field, value, error_field, phrase
):
    true_false(bank)
    client = client_for(trainer)
    url = NEW_EXAM_URL
    data = draw_exam_form(client, bank, title="胡乱考试", pass_mark="9")
    data[field] = value
    response = client.post(url, data, **EN)
    assert response.status_code == 200
    if error_field:
        assert phrase in response.context["form"].errors[error_field][0]
    else:
        assert phrase in response.content.decode()
    assert not services.Exam.objects.exists()


def test_pass_mark_above_the_papers_total_is_warned_about(client_for, trainer, bank):
    true_false(bank, points=5)
    client = client_for(trainer)
    url = NEW_EXAM_URL
    data = draw_exam_form(
        client, bank, title="高及格线", pass_mark="16", time_limit_minutes=""
    )
    response = client.post(url, data, **EN)
    assert response.status_code == 302
    follow = client.get(response["Location"], **EN).content.decode()
    assert "more than the paper&#x27;s total of 15.0 points" in follow
