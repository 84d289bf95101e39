"""The exam form's choosers in a real browser: a trainer searches, ticks two
named cadres and two fixed questions at once, removes one cadre, and saves."""

import pytest
from playwright.sync_api import expect

from assessments.models import Exam
from tests.assessments.factories import BankFactory, true_false
from tests.personnel.factories import PASSWORD, CadreFactory

pytestmark = pytest.mark.browser


def _choose_several(page, prefix: str, search: str, ticks: list[str]):
    """Open the panel's chooser, search, tick the named rows, confirm."""
    page.click(f"#id_{prefix}-OPEN_MODAL")
    modal = page.locator(".modal-dialog")
    with page.expect_response(lambda r: "/results/" in r.url):
        modal.locator("input[name=q]").fill(search)
    for text in ticks:
        modal.locator("tr", has_text=text).locator("input[type=checkbox]").check()
    modal.locator("[data-multiple-choice-submit]").click()
    expect(modal).to_be_hidden()


def test_trainer_picks_cadres_and_questions_with_choosers(
    page, live_server, sign_in, trainer_account, province
):
    for name in ("欧阳甲", "欧阳乙", "欧阳丙"):
        CadreFactory(unit=province["qinzhou"], name=name)
    bank = BankFactory(name="执法题库")
    for stem in ("按日连续处罚甲", "按日连续处罚乙", "查封扣押"):
        true_false(bank, stem=stem)

    sign_in("T0001", PASSWORD)
    page.goto(f"{live_server.url}/admin/assessments_exam/new/")
    page.fill("#id_title", "点名考试")
    page.fill("#id_opens_at", "2026-12-01 09:00")
    page.fill("#id_closes_at", "2026-12-01 11:00")
    page.select_option("#id_paper_mode", "fixed")

    _choose_several(page, "named_cadres", "欧阳", ["欧阳甲", "欧阳乙", "欧阳丙"])
    _choose_several(
        page, "fixed_questions", "按日", ["按日连续处罚甲", "按日连续处罚乙"]
    )
    panel = page.locator("#id_named_cadres-FORMS")
    for name in ("欧阳甲", "欧阳乙", "欧阳丙"):
        expect(panel).to_contain_text(name)

    # Remove one: its child form's delete button.
    panel.locator("[data-inline-panel-child]", has_text="欧阳乙").locator(
        "[id$='-DELETE-button']"
    ).click()
    with page.expect_navigation():
        page.locator("#w-editor-form button[type=submit]").first.click()
    expect(page.locator(".messages")).to_contain_text("点名考试")

    exam = Exam.objects.get(title="点名考试")
    assert sorted(exam.eligible_cadres.values_list("name", flat=True)) == [
        "欧阳丙",
        "欧阳甲",
    ]
    assert [f.question.stem for f in exam.fixed_questions.all()] == [
        "按日连续处罚甲",
        "按日连续处罚乙",
    ]
