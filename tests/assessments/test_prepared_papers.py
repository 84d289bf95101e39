"""Papers drawn in advance (预先组卷): drawn for the exam's candidates only,
opened by Start exactly as drawn, never twice, and drawn again when the exam
or a question changes."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.utils import timezone

from assessments import services
from assessments.models import Accommodation, Attempt, PaperItem, PreparedPaper
from tests.assessments.factories import (
    BankFactory,
    ExamFactory,
    draw_rule,
    single,
    started_paper_url,
    true_false,
)
from tests.assessments.test_concurrency import run_together
from tests.personnel.factories import CadreFactory

ON_POSTGRES = connection.vendor == "postgresql"


def paper_items(paper: PreparedPaper) -> list[dict]:
    """A prepared paper's questions as drawn (its prepared attempt's items)."""
    return [
        {
            "position": item.position,
            "question_id": item.question_id,
            "points": str(item.points),
            "snapshot": item.snapshot,
        }
        for item in PaperItem.all_objects.filter(attempt_id=paper.attempt_id).order_by(
            "position"
        )
    ]


def paper_seed(paper: PreparedPaper) -> int:
    return Attempt.all_objects.get(pk=paper.attempt_id).seed


def _draw_exam(province, **kw):
    bank = BankFactory()
    for _ in range(8):
        single(bank, points=2)
    for _ in range(6):
        true_false(bank, points=1)
    exam = ExamFactory(
        paper_mode="draw",
        prepare_papers=True,
        shuffle_questions=True,
        shuffle_options=True,
        **kw,
    )
    draw_rule(exam, bank, qtype="single_choice", count=5, points=2)
    draw_rule(exam, bank, qtype="true_false", count=3, points=1)
    exam.eligible_units.set([province["lanzhou"]])
    return exam


@pytest.fixture
def prepared(db, province, learner):
    exam = _draw_exam(province)
    outsider = CadreFactory(unit=province["tianshui"])
    assert services.exam_papers_prepare(exam_id=exam.pk) >= 1
    return exam, outsider


def test_papers_are_drawn_for_the_candidates_only_and_once(prepared, learner):
    exam, outsider = prepared
    holders = set(
        PreparedPaper.objects.filter(exam=exam).values_list("cadre_id", flat=True)
    )
    assert learner.pk in holders and outsider.pk not in holders
    paper = PreparedPaper.objects.get(exam=exam, cadre=learner)
    items = paper_items(paper)
    assert len(items) == 8
    assert sum(Decimal(i["points"]) for i in items) == Decimal("13")
    assert [i["position"] for i in items] == list(range(1, 9))
    assert services.exam_papers_prepare(exam_id=exam.pk) == 0  # idempotent


def test_start_opens_the_prepared_paper_as_drawn(
    prepared, learner, client_for, django_assert_max_num_queries
):
    exam, _outsider = prepared
    paper = PreparedPaper.objects.get(exam=exam, cadre=learner)
    drawn, seed = paper_items(paper), paper_seed(paper)
    client = client_for(learner)
    client.get("/exams/")  # session and user into the cache
    before = timezone.now()
    # PostgreSQL: one statement opens it and returns what the page shows
    # (the page's markup was built with the paper); elsewhere the general
    # path uses the same paper.
    with django_assert_max_num_queries(1 if ON_POSTGRES else 30):
        response = client.post(f"/exams/{exam.pk}/start/")
    attempt = Attempt.objects.get(exam=exam, cadre=learner)
    assert started_paper_url(response) == f"/exams/attempts/{attempt.pk}/"
    items = list(attempt.items.order_by("position"))
    assert [(i.position, i.question_id, i.points, i.snapshot) for i in items] == [
        (p["position"], p["question_id"], Decimal(p["points"]), p["snapshot"])
        for p in drawn
    ]
    assert attempt.pk == paper.attempt_id
    assert attempt.seed == seed and attempt.number == 1 and attempt.is_open
    limit = dt.timedelta(minutes=exam.time_limit_minutes)
    assert before + limit <= attempt.deadline <= timezone.now() + limit
    assert not PreparedPaper.objects.filter(exam=exam, cadre=learner).exists()
    # Pressing Start again resumes the same attempt.
    again = client.post(f"/exams/{exam.pk}/start/")
    assert started_paper_url(again) == started_paper_url(response)
    assert Attempt.objects.filter(exam=exam, cadre=learner).count() == 1
    # The paper page shows the prepared questions.
    assert (
        items[0].snapshot["stem"]
        in client.get(started_paper_url(again)).content.decode()
    )


def test_accommodated_candidate_gets_the_paper_and_the_extra_time(prepared, learner):
    exam, _outsider = prepared
    Accommodation.objects.create(exam=exam, cadre=learner, extra_minutes=20)
    paper = PreparedPaper.objects.get(exam=exam, cadre=learner)
    drawn = paper_items(paper)
    assert services.attempt_unseal(exam_id=exam.pk, user_id=learner.user_id) is None
    now = timezone.now()
    attempt = services.attempt_start(exam=exam, cadre=learner, now=now)
    assert attempt.deadline == now + dt.timedelta(minutes=exam.time_limit_minutes + 20)
    assert list(attempt.items.values_list("question_id", flat=True)) == [
        p["question_id"] for p in drawn
    ]


def test_closed_or_unpublished_exam_opens_nothing(prepared, learner):
    exam, _outsider = prepared
    exam.is_published = False
    exam.save()
    assert services.attempt_unseal(exam_id=exam.pk, user_id=learner.user_id) is None
    assert not Attempt.objects.filter(exam=exam).exists()
    assert services.exam_papers_prepare(exam_id=exam.pk) == 0
    assert not PreparedPaper.objects.filter(exam=exam).exists()


def test_a_question_edit_draws_the_papers_again(
    prepared, learner, trainer, django_capture_on_commit_callbacks
):
    exam, _outsider = prepared
    paper = PreparedPaper.objects.get(exam=exam, cadre=learner)
    first = paper_items(paper)[0]
    with django_capture_on_commit_callbacks(execute=True):
        services.question_papers_refresh(
            question=exam.draw_rules.first().bank.questions.first()
        )
    fresh = PreparedPaper.objects.get(exam=exam, cadre=learner)
    assert fresh.pk != paper.pk and len(paper_items(fresh)) == 8
    assert not Attempt.all_objects.filter(pk=paper.attempt_id).exists()
    assert fresh.prepared_at >= paper.prepared_at and first  # drawn again


def test_periodic_preparation_skips_far_and_closed_exams(db, province, learner):
    soon = _draw_exam(province)
    later = _draw_exam(
        province,
        opens_at=timezone.now() + dt.timedelta(days=3),
        closes_at=timezone.now() + dt.timedelta(days=4),
    )
    assert services.exam_papers_prepare_due() >= 1
    assert PreparedPaper.objects.filter(exam=soon).exists()
    assert not PreparedPaper.objects.filter(exam=later).exists()
    soon.closes_at = timezone.now() - dt.timedelta(minutes=1)
    soon.save()
    services.exam_papers_prepare_due()
    assert not PreparedPaper.objects.filter(exam=soon).exists()


@pytest.mark.postgres
@pytest.mark.skipif(not ON_POSTGRES, reason="needs PostgreSQL")
@pytest.mark.django_db(transaction=True)
def test_three_clicks_at_once_open_one_attempt(province, learner):
    exam = _draw_exam(province)
    services.exam_papers_prepare(exam_id=exam.pk)

    def start():
        attempt = services.attempt_unseal(exam_id=exam.pk, user_id=learner.user_id)
        if attempt is None:
            attempt = services.attempt_start(exam=exam, cadre=learner)
        return attempt.pk

    outcomes = run_together(start, start, start)
    attempt = Attempt.objects.get(exam=exam, cadre=learner)
    assert outcomes == [attempt.pk] * 3, outcomes
    assert attempt.items.count() == 8
    assert not PreparedPaper.objects.filter(exam=exam, cadre=learner).exists()


def test_a_prepared_paper_is_no_attempt_anywhere(prepared, learner, client_for):
    """A paper drawn in advance is an attempt row in status "prepared" with
    its items: nothing that lists, counts or reads attempts sees it."""
    from assessments import item_analysis, selectors
    from assessments.models import PaperItem

    exam, _outsider = prepared
    paper = PreparedPaper.objects.get(exam=exam, cadre=learner)
    assert Attempt.all_objects.get(pk=paper.attempt_id).status == "prepared"
    assert PaperItem.all_objects.filter(attempt_id=paper.attempt_id).count() == 8
    assert not Attempt.objects.filter(exam=exam).exists()
    assert not exam.attempts.exists()
    assert not PaperItem.objects.filter(attempt__exam=exam).exists()
    assert not PaperItem.objects.filter(attempt_id=paper.attempt_id).exists()
    assert item_analysis.analysed_attempts(exam=exam) == []
    assert not selectors.attempts_visible_to(user=learner.user).exists()
    overview = selectors.exam_overview(exam=exam, cadre=learner, now=timezone.now())
    assert overview["attempts"] == [] and overview["open_attempt"] is None
    assert overview["can_start"]
    rows = selectors.my_exam_rows(cadre=learner, now=timezone.now())
    assert [r["attempts"] for r in rows if r["exam"].pk == exam.pk] == [[]]
    # Its id opens no paper, no clock and no result for its candidate.
    assert (
        selectors.attempt_for_paper(
            attempt_id=paper.attempt_id, user_id=learner.user_id
        )
        is None
    )
    assert (
        selectors.attempt_clock(attempt_id=paper.attempt_id, user_id=learner.user_id)
        is None
    )
    assert selectors.attempt_clock(attempt_id=paper.attempt_id, key_version=0) is None
    client = client_for(learner)
    assert client.get(f"/exams/attempts/{paper.attempt_id}/").status_code == 404
    # Deadline closing never touches it.
    later = timezone.now() + dt.timedelta(days=30)
    assert services.attempts_close_expired(now=later) == 0
    assert Attempt.all_objects.get(pk=paper.attempt_id).status == "prepared"


def test_an_exam_with_prepared_papers_can_still_be_deleted(prepared, learner):
    exam, _outsider = prepared
    paper = PreparedPaper.objects.get(exam=exam, cadre=learner)
    exam.draw_rules.all().delete()
    exam.delete()
    assert not Attempt.all_objects.filter(pk=paper.attempt_id).exists()
    assert not PaperItem.all_objects.filter(attempt_id=paper.attempt_id).exists()


def test_a_started_attempt_still_protects_its_exam(prepared, learner):
    from django.db.models import ProtectedError

    exam, _outsider = prepared
    services.attempt_start(exam=exam, cadre=learner)
    with pytest.raises(ProtectedError):
        exam.delete()


def test_deleting_a_question_drops_the_papers_holding_it(prepared, learner):
    exam, _outsider = prepared
    paper = PreparedPaper.objects.get(exam=exam, cadre=learner)
    question_id = paper_items(paper)[0]["question_id"]
    held = set(
        PaperItem.all_objects.filter(question_id=question_id).values_list(
            "attempt_id", flat=True
        )
    )
    from assessments.models import Question

    Question.objects.get(pk=question_id).delete()
    assert not Attempt.all_objects.filter(pk__in=held).exists()
    assert not PreparedPaper.objects.filter(attempt_id__in=held).exists()


def test_general_start_opens_the_prepared_attempt_itself(prepared, learner):
    exam, _outsider = prepared
    paper = PreparedPaper.objects.get(exam=exam, cadre=learner)
    drawn = paper_items(paper)
    now = timezone.now()
    attempt = services.attempt_start(exam=exam, cadre=learner, now=now)
    assert attempt.pk == paper.attempt_id and attempt.is_open
    assert attempt.started_at == now and attempt.number == 1
    assert [
        (i.position, i.question_id, str(i.points), i.snapshot)
        for i in attempt.items.order_by("position")
    ] == [(p["position"], p["question_id"], p["points"], p["snapshot"]) for p in drawn]
    assert not PreparedPaper.objects.filter(exam=exam, cadre=learner).exists()
    assert services.attempt_start(exam=exam, cadre=learner).pk == attempt.pk
    assert Attempt.all_objects.filter(exam=exam, cadre=learner).count() == 1


def test_results_and_analysis_pages_show_no_prepared_paper(
    prepared, learner, trainer, client_for
):
    import io

    import openpyxl

    exam, _outsider = prepared
    assert PreparedPaper.objects.filter(exam=exam, cadre=learner).exists()
    client = client_for(trainer)
    en = {"HTTP_ACCEPT_LANGUAGE": "en"}
    results = client.get(f"/admin/assessments/exams/{exam.pk}/results/", **en)
    assert results.status_code == 200
    assert "No attempts yet." in results.content.decode()
    assert learner.name not in results.content.decode()
    analysis = client.get(f"/admin/assessments/exams/{exam.pk}/analysis/", **en)
    assert analysis.status_code == 200 and learner.name not in analysis.content.decode()
    export = client.get(
        f"/admin/assessments/exams/{exam.pk}/results/", {"format": "xlsx"}, **en
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    assert sheet.max_row == 1  # the header only


def test_a_cadre_with_a_prepared_paper_can_still_be_deleted(prepared, learner):
    exam, _outsider = prepared
    paper = PreparedPaper.objects.get(exam=exam, cadre=learner)
    learner.delete()
    assert not Attempt.all_objects.filter(pk=paper.attempt_id).exists()


def test_closing_the_exam_drops_its_prepared_attempts(prepared, learner):
    exam, _outsider = prepared
    held = list(
        PreparedPaper.objects.filter(exam=exam).values_list("attempt_id", flat=True)
    )
    exam.closes_at = timezone.now() - dt.timedelta(minutes=1)
    exam.save()
    services.exam_papers_prepare_due()
    assert not Attempt.all_objects.filter(pk__in=held).exists()
    assert not PaperItem.all_objects.filter(attempt_id__in=held).exists()
