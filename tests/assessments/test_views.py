import datetime as dt
import json
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone

from assessments import services
from assessments.models import AnswerStep, Attempt
from tests.assessments.factories import started_paper_url
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def started(client_for, learner, exam):
    client = client_for(learner)
    response = client.post(reverse("assessments:exam_start", args=[exam.pk]))
    attempt = Attempt.objects.get(exam=exam, cadre=learner)
    assert started_paper_url(response) == f"/exams/attempts/{attempt.pk}/"
    return client, attempt


def test_my_exams_and_start_page(client_for, learner, exam):
    client = client_for(learner)
    page = client.get(reverse("assessments:my_exams"), HTTP_ACCEPT_LANGUAGE="en")
    assert exam.title in page.content.decode()
    detail = client.get(reverse("assessments:exam_detail", args=[exam.pk]))
    assert detail.status_code == 200 and b"start-exam" in detail.content


def test_paper_never_shows_the_key(started, five_questions):
    client, attempt = started
    html = client.get(f"/exams/attempts/{attempt.pk}/").content.decode()
    assert five_questions["single"].stem in html
    assert "六五" not in html  # accepted fill-in answer
    assert "参考答案" not in html  # short-answer reference
    state = client.get(f"/exams/attempts/{attempt.pk}/state/").json()
    assert "fraction" not in json.dumps(state)


def test_save_state_resume_and_submit(started, five_questions):
    client, attempt = started
    url = f"/exams/attempts/{attempt.pk}/answers/"
    tf = five_questions["tf"]
    response = post_json(client, url, {"question": tf.pk, "response": True, "seq": 4})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    body = response.json()
    assert set(body) == {"saved", "seq", "saved_at"}
    assert body["saved"] is True and body["seq"] == 4
    saved_at = dt.datetime.fromisoformat(body["saved_at"])
    stored = AnswerStep.objects.get(attempt=attempt, seq=4)
    assert saved_at == stored.saved_at and saved_at.utcoffset() is not None
    multi = five_questions["multiple"]
    ids = list(multi.choices.values_list("pk", flat=True))
    post_json(client, url, {"question": multi.pk, "response": ids[:2], "seq": 5})
    state = client.get(f"/exams/attempts/{attempt.pk}/state/").json()
    answers = {a["question"]: a for a in state["answers"]}
    assert answers[tf.pk]["response"] is True and answers[tf.pk]["seq"] == 4
    assert answers[multi.pk]["response"] == sorted(ids[:2])
    assert sorted(answers[multi.pk]["options"]) == sorted(ids)
    assert 0 < state["remaining_seconds"] <= 30 * 60
    # Resume: starting again returns the same attempt; the paper shows answers.
    again = client.post(reverse("assessments:exam_start", args=[attempt.exam_id]))
    assert started_paper_url(again) == f"/exams/attempts/{attempt.pk}/"
    assert f'name="q{tf.pk}" value="true" checked' in again.content.decode()
    html = client.get(f"/exams/attempts/{attempt.pk}/").content.decode()
    assert f'name="q{tf.pk}" value="true" checked' in html
    first = client.post(f"/exams/attempts/{attempt.pk}/submit/")
    second = client.post(f"/exams/attempts/{attempt.pk}/submit/")
    assert first.status_code == second.status_code == 302
    assert first["Location"] == f"/exams/attempts/{attempt.pk}/result/"
    late = post_json(client, url, {"question": tf.pk, "response": False, "seq": 9})
    assert late.status_code == 409 and late.json()["saved"] is False


def test_bad_saves_get_clear_errors(started, five_questions):
    client, attempt = started
    url = f"/exams/attempts/{attempt.pk}/answers/"
    assert (
        client.post(url, "not json", content_type="application/json").status_code == 400
    )
    bad = post_json(
        client, url, {"question": five_questions["tf"].pk, "response": "yes", "seq": 1}
    )
    assert bad.status_code == 400
    # Requests follow the locale middleware: Chinese by default.
    assert bad.json() == {"saved": False, "error": "请回答“对”或“错”。"}
    missing = post_json(client, url, {"question": 999999, "response": True, "seq": 1})
    assert missing.status_code == 404


def test_late_save_after_grace_is_refused_and_attempt_closed(started, five_questions):
    client, attempt = started
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - dt.timedelta(seconds=31)
    )
    response = client.post(
        f"/exams/attempts/{attempt.pk}/answers/",
        json.dumps({"question": five_questions["tf"].pk, "response": True, "seq": 1}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 409
    assert "Time is up" in response.json()["error"]
    attempt.refresh_from_db()
    assert attempt.close_reason == "deadline"


def test_paper_after_deadline_closes_on_access(started):
    client, attempt = started
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=5)
    )
    response = client.get(f"/exams/attempts/{attempt.pk}/")
    assert response.status_code == 302 and response["Location"].endswith("/result/")
    attempt.refresh_from_db()
    assert not attempt.is_open


def test_others_cannot_touch_an_attempt(started, client, province, five_questions):
    _client, attempt = started
    other = CadreFactory(unit=province["chengguan"], role="learner")
    client.force_login(other.user)
    base = f"/exams/attempts/{attempt.pk}/"
    assert client.get(base).status_code == 404
    assert client.get(base + "state/").status_code == 404
    assert client.get(base + "result/").status_code == 404
    assert client.post(base + "submit/").status_code == 404
    response = post_json(
        client,
        base + "answers/",
        {"question": five_questions["tf"].pk, "response": True, "seq": 1},
    )
    assert response.status_code == 404
    assert not attempt.steps.exists()
    attempt.refresh_from_db()
    assert attempt.is_open


def test_answer_save_costs_a_fixed_number_of_queries(
    started, five_questions, django_assert_max_num_queries
):
    client, attempt = started
    url = f"/exams/attempts/{attempt.pk}/answers/"
    # session + user + UPDATE attempt + SELECT item + INSERT step, plus the
    # SAVEPOINT/RELEASE pair that the test's own transaction turns BEGIN into.
    with django_assert_max_num_queries(7):
        response = post_json(
            client,
            url,
            {"question": five_questions["tf"].pk, "response": True, "seq": 1},
        )
    assert response.status_code == 200


def test_result_page_follows_review_policy(started, five_questions, trainer):
    client, attempt = started
    exam = attempt.exam
    exam.score_release = "after_close"
    exam.save()
    exam.fixed_questions.filter(question=five_questions["short"]).delete()
    attempt.items.filter(question=five_questions["short"]).delete()
    client.post(f"/exams/attempts/{attempt.pk}/submit/")
    page = client.get(
        f"/exams/attempts/{attempt.pk}/result/", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert (
        b'id="score"' not in page.content and b"after the exam closes" in page.content
    )
    exam.closes_at = timezone.now() - dt.timedelta(minutes=1)
    exam.save()
    page = client.get(
        f"/exams/attempts/{attempt.pk}/result/", HTTP_ACCEPT_LANGUAGE="en"
    )
    html = page.content.decode()
    assert 'id="score">0</strong>' in html
    assert "六五" in html  # answers shown once the exam has closed
    response = client.post(
        f"/exams/attempts/{attempt.pk}/review/", {"reason": "请复核"}
    )
    assert response.status_code == 302
    assert attempt.reviews.get().grade_before == Decimal("0")


def test_paper_and_results_pages_cost_a_fixed_number_of_queries(
    started, trainer, client_for, django_assert_max_num_queries, province
):
    client, attempt = started
    with django_assert_max_num_queries(12):
        assert client.get(f"/exams/attempts/{attempt.pk}/").status_code == 200
    for _ in range(3):
        other = CadreFactory(unit=province["chengguan"])
        services.attempt_submit(
            attempt_id=services.attempt_start(exam=attempt.exam, cadre=other).pk,
            user_id=other.user_id,
        )
    admin = client_for(trainer)
    url = f"/admin/assessments/exams/{attempt.exam_id}/results/"
    admin.get(url)  # warm Wagtail's per-process caches
    with django_assert_max_num_queries(20):
        assert admin.get(url).status_code == 200


def test_start_refusals_say_why(client_for, learner, exam):
    client = client_for(learner)
    exam.is_published = False
    exam.save()
    response = client.post(f"/exams/{exam.pk}/start/", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Location"] == "/exams/"
    assert client.get(f"/exams/{exam.pk}/").status_code == 404
    exam.is_published = True
    exam.opens_at = timezone.now() + dt.timedelta(days=1)
    exam.save()
    response = client.post(
        f"/exams/{exam.pk}/start/", follow=True, HTTP_ACCEPT_LANGUAGE="en"
    )
    assert "This exam has not opened yet." in response.content.decode()
    assert not Attempt.objects.exists()


def test_my_exams_closes_attempts_past_their_deadline(started):
    client, attempt = started
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=5)
    )
    page = client.get("/exams/", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    attempt.refresh_from_db()
    assert not attempt.is_open
    assert f"/exams/attempts/{attempt.pk}/result/" in page


def test_numbers_too_large_for_the_database_get_404_or_400(started, five_questions):
    """Ids and seq beyond a bigint: a clear answer, never a database error
    (the plain-SQL statements of the exam paths see the values as given)."""
    client, attempt = started
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    big = 10**20
    base = f"/exams/attempts/{attempt.pk}/"
    tf = five_questions["tf"].pk
    response = client.post(
        base + "answers/",
        json.dumps({"question": tf, "response": True, "seq": big}),
        content_type="application/json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert response.json()["error"] == (
        "seq must be a whole number from 0 to 9223372036854775807."
    )
    for body in ({"question": big, "response": True, "seq": 1},
                 {"item": big, "response": True, "seq": 1}):  # fmt: skip
        response = post_json(client, base + "answers/", body)
        assert response.status_code == 400
        assert "must be a whole number" in response.json()["error"]
    response = post_json(client, base + "flags/", {"question": big, "flagged": True})
    assert response.status_code == 400
    for url in (f"/exams/attempts/{big}/", f"/exams/attempts/{big}/clock/",
                f"/exams/attempts/{big}/state/", f"/exams/{big}/"):  # fmt: skip
        assert client.get(url).status_code == 404
    assert client.post(f"/exams/{big}/start/").status_code == 404
    assert not attempt.steps.exists()


def test_learner_pages_use_the_exam_words_in_chinese(client_for, learner, exam):
    """Words shared with other apps' catalogues ("Open now", "Passed",
    "closed at") carry a context here: the exam pages must not borrow the
    classes' 正在签到/结业时间 or the archive's 是否及格."""
    from tests.assessments.factories import BankFactory, fixed_exam, sit, true_false

    client = client_for(learner)
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    listing = client.get(reverse("assessments:my_exams"), **zh).content.decode()
    assert "进行中" in listing and "正在签到" not in listing
    question = true_false(BankFactory(), answer=True, points=2)
    attempt = sit(fixed_exam([question], pass_mark=1), learner, {question: True})
    listing = client.get(reverse("assessments:my_exams"), **zh).content.decode()
    assert '<span class="tag pass">合格</span>' in listing
    assert "是否及格" not in listing
    result = client.get(
        reverse("assessments:attempt_result", args=[attempt.pk]), **zh
    ).content.decode()
    assert "交卷时间" in result and "结业时间" not in result
    assert '<span class="tag pass">合格</span>' in result


def test_learner_pages_write_scores_and_points_one_way(client_for, learner):
    """No trailing zeros anywhere a candidate reads a number: 2 / 2, not
    2.00 / 2.0; a pass mark of 24, not 24.0."""
    from tests.assessments.factories import BankFactory, fixed_exam, sit, true_false

    bank = BankFactory()
    right = true_false(bank, answer=True, points=Decimal("2"))
    half = true_false(bank, answer=True, points=Decimal("1.5"))
    exam = fixed_exam([right, half], pass_mark=Decimal("24"))
    exam.attempts_allowed = 2
    exam.save()
    client = client_for(learner)
    zh = {"HTTP_ACCEPT_LANGUAGE": "zh-hans"}
    detail = client.get(reverse("assessments:exam_detail", args=[exam.pk]), **zh)
    assert "<dd>24</dd>" in detail.content.decode()
    client.post(reverse("assessments:exam_start", args=[exam.pk]))
    attempt = Attempt.objects.get(exam=exam, cadre=learner)
    paper = client.get(f"/exams/attempts/{attempt.pk}/", **zh).content.decode()
    assert "2 分" in paper and "1.5 分" in paper and ".0 分" not in paper
    client.post(f"/exams/attempts/{attempt.pk}/submit/")
    attempt = sit(exam, learner, {right: True, half: False})
    exam.closes_at = timezone.now() - dt.timedelta(minutes=1)
    exam.save()  # answers and marks are shown once the exam has closed
    result = client.get(
        reverse("assessments:attempt_result", args=[attempt.pk]), **zh
    ).content.decode()
    assert 'id="score">2</strong> / 3.5' in result
    # The result says what the pass mark was (合格 / 不合格 alone did not).
    assert "及格线 24</span>" in result
    assert "2 / 2" in result and "0 / 1.5" in result
    listing = client.get(reverse("assessments:my_exams"), **zh).content.decode()
    assert "2 / 3.5" in listing and ".00" not in listing
