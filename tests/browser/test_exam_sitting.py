"""Sit an exam in a real browser: answer, reload, find every answer in place,
submit with confirmation, see the result."""

import pytest

from assessments.models import Attempt
from tests.assessments.factories import (
    BankFactory,
    fill_blank,
    fixed_exam,
    multiple,
    single,
    true_false,
)
from tests.personnel.factories import PASSWORD

pytestmark = pytest.mark.browser


@pytest.fixture
def roles_in_place(transactional_db):
    """The role groups, even when an earlier transactional test on PostgreSQL
    left them flushed (see the report: serialized rollback is not always
    restored for the first live-server test after such a test)."""
    from personnel.roles import sync_role_groups

    sync_role_groups()


@pytest.fixture
def exam_for_learner(learner):
    bank = BankFactory(name="执法题库")
    questions = [
        single(
            bank, right="《环境保护法》", wrong=("《森林法》", "《草原法》"), points=2
        ),
        multiple(bank, options=[("废水", 0.5), ("废气", 0.5), ("噪声", 0)], points=2),
        true_false(bank, answer=True, points=2),
        fill_blank(bank, accepted=["按日连续处罚"], points=2),
    ]
    exam = fixed_exam(questions, title="执法业务测试", pass_mark=4)
    return exam, questions


def start_in_browser(page, live_server, sign_in, learner, exam) -> None:
    sign_in(learner.user.username, PASSWORD)
    page.goto(f"{live_server.url}/exams/{exam.pk}/")
    page.click("#start-exam")
    page.wait_for_url("**/exams/attempts/*/")


@pytest.mark.parametrize("drawn_in_advance", [False, True], ids=["drawn", "prepared"])
def test_sit_reload_and_submit(
    roles_in_place,
    page,
    live_server,
    sign_in,
    learner,
    exam_for_learner,
    drawn_in_advance,
):
    exam, questions = exam_for_learner
    prepared_id = None
    if drawn_in_advance:
        # The exam-day shape: the worker drew the paper before the day, and
        # Start opens it (on PostgreSQL in one statement, answering with the
        # markup built with the paper).
        from assessments import services

        exam.prepare_papers = True
        exam.save(update_fields=["prepare_papers"])
        services.exam_papers_prepare(exam_id=exam.pk)
        prepared_id = Attempt.all_objects.get(exam=exam, cadre=learner).pk
    start_in_browser(page, live_server, sign_in, learner, exam)
    if prepared_id is not None:
        assert exam.attempts.get().pk == prepared_id
    single_q, multi_q, tf_q, blank_q = questions

    # A save carries the page's key and language, and no cookies: the key
    # is the proof (assessments/keys.py).
    with page.expect_request(lambda r: r.url.endswith("/answers/")) as first_save:
        page.get_by_label("《环境保护法》").check()
    sent = first_save.value.all_headers()
    assert sent["x-attempt-key"] and sent["accept-language"] == "zh-hans"
    assert "cookie" not in sent
    page.get_by_label("废水").check()
    page.get_by_label("废气").check()
    page.check(f"input[name=q{tf_q.pk}][value=true]")
    page.fill(f"input[name=q{blank_q.pk}]", "按日连续处罚")
    flag = page.locator(f"button[data-flag='{multi_q.pk}']")
    assert flag.inner_text() == "标记此题"
    flag.click()
    assert flag.inner_text() == "取消标记"
    status = page.locator("#save-status")
    status.wait_for(state="visible")
    page.wait_for_function(
        "document.getElementById('save-status').classList.contains('saved')"
        " && document.querySelectorAll('.nav-q.answered[data-nav]').length === 4",
        timeout=10000,
    )

    # The flag reached the server (a request of its own, not debounced).
    page.wait_for_function(
        "window.performance.getEntriesByType('resource')"
        ".some((e) => e.name.endsWith('/flags/'))",
        timeout=10000,
    )
    # Start answered with the paper; the address bar names the paper, so the
    # reload asks for it (GET), not for a second Start (POST).
    documents = []
    page.on(
        "request",
        lambda r: r.resource_type == "document" and documents.append((r.method, r.url)),
    )
    page.reload()
    assert documents == [("GET", page.url)]
    assert page.url.endswith(f"/exams/attempts/{exam.attempts.get().pk}/")
    assert page.get_by_label("《环境保护法》").is_checked()
    assert page.locator(".nav-q.flagged[data-nav]").count() == 1
    assert page.get_attribute(f"[data-nav='{multi_q.pk}']", "class").endswith("flagged")
    assert page.get_attribute(f"button[data-flag='{multi_q.pk}']", "aria-pressed") == (
        "true"
    )
    assert flag.inner_text() == "取消标记"  # as the server drew it
    assert (
        page.get_by_label("废水").is_checked()
        and page.get_by_label("废气").is_checked()
    )
    assert not page.get_by_label("噪声").is_checked()
    assert page.is_checked(f"input[name=q{tf_q.pk}][value=true]")
    assert page.input_value(f"input[name=q{blank_q.pk}]") == "按日连续处罚"
    assert page.locator(".nav-q.answered[data-nav]").count() == 4
    countdown = page.inner_text("#countdown")
    assert countdown.startswith(("29:", "30:")), countdown

    page.click("#submit-open")
    assert page.locator("#submit-dialog").is_visible()
    page.click("#submit-confirm")
    page.wait_for_url("**/result/")
    assert page.inner_text("#score") == "8"
    attempt = Attempt.objects.get(exam=exam, cadre=learner)
    assert attempt.status == "graded" and attempt.result.grade == 8


def test_a_retired_key_is_renewed_and_signing_out_stops_saves(
    roles_in_place, page, live_server, sign_in, learner, exam_for_learner
):
    """The page saves with its attempt key. When signing out on another
    device retires it, the page gets a fresh key (still signed in here) and
    the save goes through; once this browser is signed out, it says so."""
    from assessments import keys
    from assessments.models import AnswerStep

    exam, questions = exam_for_learner
    start_in_browser(page, live_server, sign_in, learner, exam)
    _single_q, _multi_q, tf_q, blank_q = questions
    attempt = Attempt.objects.get(exam=exam, cadre=learner)
    first_key = page.get_attribute("#paper", "data-key")

    keys.keys_retire(user_id=learner.user.pk)  # signed out elsewhere
    page.check(f"input[name=q{tf_q.pk}][value=true]")
    page.wait_for_function(
        "document.getElementById('save-status').classList.contains('saved')",
        timeout=10000,
    )
    step = AnswerStep.objects.get(attempt=attempt, item__question=tf_q)
    assert step.response is True
    attempt.refresh_from_db()
    assert attempt.key_version == 1 and first_key.startswith(f"{attempt.pk}.0:")

    page.context.clear_cookies()  # this browser signed out too
    keys.keys_retire(user_id=learner.user.pk)
    page.fill(f"input[name=q{blank_q.pk}]", "按日连续处罚")
    page.wait_for_function(
        "document.getElementById('save-status').classList.contains('error')",
        timeout=10000,
    )
    assert "signed out" in page.inner_text("#save-status").lower() or (
        "登录" in page.inner_text("#save-status")
    )
    assert not AnswerStep.objects.filter(
        attempt=attempt, item__question=blank_q
    ).exists()


def test_question_headers_sit_inside_their_cards(
    roles_in_place, page, live_server, sign_in, learner, exam_for_learner
):
    """A fieldset draws its legend across its top border; the paper's cards
    keep "1. 单选 2 分" inside, below the card's top edge."""
    exam, _questions = exam_for_learner
    start_in_browser(page, live_server, sign_in, learner, exam)
    cards = page.locator("fieldset.question")
    assert cards.count() == 4
    for index in range(4):
        card = cards.nth(index).bounding_box()
        legend = cards.nth(index).locator("legend").bounding_box()
        stem = cards.nth(index).locator(".stem").bounding_box()
        assert legend["y"] >= card["y"] + 8, (index, legend, card)
        assert legend["x"] >= card["x"] and legend["y"] + legend["height"] <= stem["y"]
