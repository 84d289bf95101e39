import datetime as dt
from decimal import Decimal

import pytest
from django.utils import timezone

from assessments import services
from assessments.errors import (
    AttemptClosed,
    AttemptNotFound,
    ExamNotAvailable,
    GradingError,
    PaperCannotBeDrawn,
    ReviewError,
)
from assessments.models import Accommodation, AnswerStep, GradeChange, Result
from assessments.tasks import close_expired_attempts
from personnel.models import ExamResultRecord, Team
from tests.assessments.factories import (
    BankFactory,
    ExamFactory,
    draw_rule,
    kp,
    single,
    true_false,
)
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db


def item_for(attempt, question):
    return attempt.items.get(question=question)


def answer_all_right(attempt, qs, user_id):
    single_right = qs["single"].choices.get(fraction=1).pk
    multi_right = list(
        qs["multiple"].choices.filter(fraction__gt=0).values_list("pk", flat=True)
    )
    answers = [
        (qs["single"], single_right),
        (qs["multiple"], multi_right),
        (qs["tf"], True),
        (qs["blank"], "六五"),
        (qs["short"], "我的简答"),
    ]
    for seq, (question, value) in enumerate(answers, start=1):
        services.answer_save(
            attempt_id=attempt.pk,
            user_id=user_id,
            question_id=question.pk,
            response=value,
            seq=seq,
        )


def test_start_freezes_paper_and_a_second_start_resumes(exam, learner):
    attempt = services.attempt_start(exam=exam, cadre=learner)
    assert attempt.items.count() == 5
    assert services.attempt_start(exam=exam, cadre=learner).pk == attempt.pk
    # Editing the bank afterwards does not change the frozen paper.
    item = attempt.items.order_by("position").first()
    item.question.stem = "改过的题干"
    item.question.save()
    item.refresh_from_db()
    assert item.snapshot["stem"] != "改过的题干"


def test_deadline_is_time_limit_or_close_with_accommodation(exam, learner):
    now = timezone.now()
    attempt = services.attempt_start(exam=exam, cadre=learner, now=now)
    assert attempt.deadline == now + dt.timedelta(minutes=30)

    other = CadreFactory(unit=learner.unit)
    Accommodation.objects.create(exam=exam, cadre=other, extra_minutes=15)
    attempt = services.attempt_start(exam=exam, cadre=other, now=now)
    assert attempt.deadline == now + dt.timedelta(minutes=45)

    late = CadreFactory(unit=learner.unit)
    exam.closes_at = now + dt.timedelta(minutes=10)
    exam.save()
    assert (
        services.attempt_start(exam=exam, cadre=late, now=now).deadline
        == exam.closes_at
    )


def test_a_time_limit_past_the_calendar_means_the_closing_time(exam, learner):
    # As saved before the fields had a maximum (SQLite keeps 99999999999;
    # PostgreSQL's integer would not, so the value stays in memory here).
    now = timezone.now()
    exam.time_limit_minutes = 99_999_999_999
    attempt = services.attempt_start(exam=exam, cadre=learner, now=now)
    assert attempt.deadline == exam.closes_at
    Accommodation.objects.create(exam=exam, cadre=learner, extra_minutes=10**9)
    assert services.accommodation_apply(exam=exam, cadre=learner, now=now) == 0


def test_later_window_for_a_named_cadre(exam, learner):
    exam.closes_at = timezone.now() - dt.timedelta(minutes=1)
    exam.save()
    with pytest.raises(ExamNotAvailable, match="closed"):
        services.attempt_start(exam=exam, cadre=learner)
    Accommodation.objects.create(
        exam=exam, cadre=learner, closes_at=timezone.now() + dt.timedelta(hours=1)
    )
    assert services.attempt_start(exam=exam, cadre=learner).is_open


def test_eligibility_by_team_unit_and_name(exam, learner, province):
    exam.eligible_teams.set(Team.objects.filter(code="monitoring"))
    with pytest.raises(ExamNotAvailable, match="list of candidates"):
        services.attempt_start(exam=exam, cadre=learner)
    exam.eligible_units.set([province["lanzhou"]])  # learner is in a county below
    assert services.attempt_start(exam=exam, cadre=learner)
    outsider = CadreFactory(unit=province["qinzhou"])
    with pytest.raises(ExamNotAvailable):
        services.attempt_start(exam=exam, cadre=outsider)
    exam.eligible_cadres.add(outsider)
    assert services.attempt_start(exam=exam, cadre=outsider)


def test_attempts_allowed(exam, learner):
    attempt = services.attempt_start(exam=exam, cadre=learner)
    services.attempt_submit(attempt_id=attempt.pk, user_id=learner.user_id)
    with pytest.raises(ExamNotAvailable, match="all the attempts"):
        services.attempt_start(exam=exam, cadre=learner)
    exam.attempts_allowed = 2
    exam.save()
    second = services.attempt_start(exam=exam, cadre=learner)
    assert second.number == 2


def test_draw_rules_pick_matching_questions(learner):
    bank = BankFactory()
    law = kp("法律法规")
    easy = [single(bank, difficulty=1, kps=["法律法规"]) for _ in range(4)]
    hard = [single(bank, difficulty=5, kps=["法律法规"]) for _ in range(3)]
    tfs = [true_false(bank) for _ in range(3)]
    exam = ExamFactory(paper_mode="draw", shuffle_questions=True)
    draw_rule(
        exam,
        bank,
        qtype="single_choice",
        count=2,
        points="3",
        difficulty=1,
        knowledge_point=law,
    )
    draw_rule(exam, bank, qtype="true_false", count=3, points="2")
    assert services.exam_paper_problems(exam=exam) == []
    attempt = services.attempt_start(exam=exam, cadre=learner)
    questions = {i.question_id: i.points for i in attempt.items.all()}
    assert len(questions) == 5
    assert sum(1 for q in easy if q.pk in questions) == 2
    assert not any(q.pk in questions for q in hard)
    assert all(questions[q.pk] == Decimal("2") for q in tfs)

    draw_rule(exam, bank, qtype="single_choice", count=9, points="1", difficulty=5)
    assert "only 3" in services.exam_paper_problems(exam=exam)[0]
    with pytest.raises(PaperCannotBeDrawn):
        services.attempt_start(exam=exam, cadre=CadreFactory(unit=learner.unit))


def test_saves_append_latest_seq_wins_and_retries_are_idempotent(
    exam, learner, five_questions
):
    attempt = services.attempt_start(exam=exam, cadre=learner)
    tf = five_questions["tf"]
    args = {"attempt_id": attempt.pk, "user_id": learner.user_id, "question_id": tf.pk}
    services.answer_save(**args, response=False, seq=5)
    services.answer_save(**args, response=True, seq=3)  # older, arrives late
    services.answer_save(**args, response=False, seq=5)  # retry of seq 5
    assert AnswerStep.objects.filter(attempt=attempt).count() == 2
    services.attempt_submit(attempt_id=attempt.pk, user_id=learner.user_id)
    item = item_for(attempt, tf)
    item.refresh_from_db()
    assert item.response is False and item.mark == 0


def test_save_refused_for_others_and_after_deadline_plus_grace(
    exam, learner, five_questions
):
    now = timezone.now()
    attempt = services.attempt_start(exam=exam, cadre=learner, now=now)
    q = five_questions["tf"].pk
    stranger = CadreFactory(unit=learner.unit)
    with pytest.raises(AttemptNotFound):
        services.answer_save(
            attempt_id=attempt.pk,
            user_id=stranger.user_id,
            question_id=q,
            response=True,
            seq=1,
        )
    in_grace = attempt.deadline + dt.timedelta(seconds=20)
    services.answer_save(
        attempt_id=attempt.pk,
        user_id=learner.user_id,
        question_id=q,
        response=True,
        seq=1,
        now=in_grace,
    )
    too_late = attempt.deadline + dt.timedelta(seconds=31)
    with pytest.raises(AttemptClosed, match="Time is up"):
        services.answer_save(
            attempt_id=attempt.pk,
            user_id=learner.user_id,
            question_id=q,
            response=False,
            seq=2,
            now=too_late,
        )
    attempt.refresh_from_db()
    assert attempt.status != "in_progress" and attempt.close_reason == "deadline"
    assert item_for(attempt, five_questions["tf"]).response is True


def test_submit_grades_objective_items_and_is_idempotent(exam, learner, five_questions):
    attempt = services.attempt_start(exam=exam, cadre=learner)
    answer_all_right(attempt, five_questions, learner.user_id)
    services.attempt_submit(attempt_id=attempt.pk, user_id=learner.user_id)
    again = services.attempt_submit(attempt_id=attempt.pk, user_id=learner.user_id)
    assert again.status == "awaiting_grading"
    assert Result.objects.filter(attempt=attempt).count() == 1
    result = Result.objects.get(attempt=attempt)
    assert result.grade == Decimal("8") and result.max_grade == Decimal("10")
    assert not result.is_final and not result.passed
    assert item_for(attempt, five_questions["short"]).needs_marking
    with pytest.raises(AttemptClosed, match="submitted"):
        services.answer_save(
            attempt_id=attempt.pk,
            user_id=learner.user_id,
            question_id=five_questions["tf"].pk,
            response=False,
            seq=9,
        )


def test_periodic_task_closes_expired_attempts(exam, learner, five_questions):
    start = timezone.now() - dt.timedelta(minutes=40)
    attempt = services.attempt_start(exam=exam, cadre=learner, now=start)
    services.answer_save(
        attempt_id=attempt.pk,
        user_id=learner.user_id,
        question_id=five_questions["tf"].pk,
        response=True,
        seq=1,
        now=start + dt.timedelta(minutes=1),
    )
    fresh = services.attempt_start(exam=exam, cadre=CadreFactory(unit=learner.unit))
    assert close_expired_attempts.delay().get() == 1
    attempt.refresh_from_db()
    fresh.refresh_from_db()
    # The unanswered short answer earns 0 without marking: graded at once.
    assert attempt.status == "graded" and fresh.status == "in_progress"
    assert attempt.result.grade == Decimal("2")


def test_marking_finalises_and_posts_to_archive(
    exam, learner, trainer, five_questions, django_capture_on_commit_callbacks
):
    attempt = services.attempt_start(exam=exam, cadre=learner)
    answer_all_right(attempt, five_questions, learner.user_id)
    services.attempt_submit(attempt_id=attempt.pk, user_id=learner.user_id)
    short = item_for(attempt, five_questions["short"])
    with pytest.raises(GradingError, match="between 0 and 2"):
        services.item_mark(item_id=short.pk, mark=Decimal("3"), by=trainer.user)
    with django_capture_on_commit_callbacks(execute=True):
        services.item_mark(
            item_id=short.pk, mark=Decimal("1.5"), by=trainer.user, comment="要点不全"
        )
    attempt.refresh_from_db()
    assert attempt.status == "graded"
    assert attempt.result.is_final and attempt.result.grade == Decimal("9.5")
    record = ExamResultRecord.objects.get(attempt_ref=f"attempt:{attempt.pk}")
    assert record.score == Decimal("9.5") and record.passed and record.revision == 1
    assert record.knowledge_point_scores == {"法规": 100.0, "监测": 100.0, "应急": 75.0}
    change = GradeChange.objects.filter(attempt=attempt, kind="manual").get()
    assert change.old_grade == Decimal("8") and change.new_grade == Decimal("9.5")
    assert change.changed_by == trainer.user


def test_key_correction_regrades_every_attempt_with_audit(
    exam, learner, trainer, five_questions, django_capture_on_commit_callbacks
):
    exam.fixed_questions.filter(question=five_questions["short"]).delete()
    attempts = []
    for cadre, answer in ((learner, True), (CadreFactory(unit=learner.unit), False)):
        attempt = services.attempt_start(exam=exam, cadre=cadre)
        services.answer_save(
            attempt_id=attempt.pk,
            user_id=cadre.user_id,
            question_id=five_questions["tf"].pk,
            response=answer,
            seq=1,
        )
        with django_capture_on_commit_callbacks(execute=True):
            services.attempt_submit(attempt_id=attempt.pk, user_id=cadre.user_id)
        attempts.append(attempt)
    tf = five_questions["tf"]
    tf.correct_bool = False
    tf.save()
    with django_capture_on_commit_callbacks(execute=True):
        changed = services.question_key_correct(
            question=tf, by=trainer.user, reason="答案有误"
        )
    assert changed == 2
    grades = [Result.objects.get(attempt=a).grade for a in attempts]
    assert grades == [Decimal("0"), Decimal("2")]
    audit = GradeChange.objects.filter(kind="key_correction").order_by("attempt_id")
    assert [(c.old_mark, c.new_mark, c.changed_by) for c in audit] == [
        (Decimal("2"), Decimal("0"), trainer.user),
        (Decimal("0"), Decimal("2"), trainer.user),
    ]
    revisions = ExamResultRecord.objects.filter(attempt_ref=f"attempt:{attempts[0].pk}")
    assert list(revisions.order_by("revision").values_list("score", flat=True)) == [
        Decimal("2"),
        Decimal("0"),
    ]


def test_result_review_request_and_answer(
    exam, learner, trainer, five_questions, django_capture_on_commit_callbacks
):
    exam.fixed_questions.filter(question=five_questions["short"]).delete()
    attempt = services.attempt_start(exam=exam, cadre=learner)
    services.answer_save(
        attempt_id=attempt.pk,
        user_id=learner.user_id,
        question_id=five_questions["blank"].pk,
        response="65",
        seq=1,
    )
    services.attempt_submit(attempt_id=attempt.pk, user_id=learner.user_id)
    attempt.refresh_from_db()
    with pytest.raises(ReviewError, match="why"):
        services.review_request(attempt=attempt, user=learner.user, reason=" ")
    review = services.review_request(
        attempt=attempt, user=learner.user, reason="65 与 六五 同义"
    )
    with pytest.raises(ReviewError, match="already"):
        services.review_request(attempt=attempt, user=learner.user, reason="再问")
    blank = item_for(attempt, five_questions["blank"])
    with django_capture_on_commit_callbacks(execute=True):
        review = services.review_answer(
            review=review,
            by=trainer.user,
            answer="同意，给分",
            marks={blank.pk: Decimal("2")},
        )
    assert review.status == "changed"
    assert (review.grade_before, review.grade_after) == (Decimal("0"), Decimal("2"))
    assert GradeChange.objects.filter(attempt=attempt, kind="review").count() == 1
    late = attempt.result.finalised_at + dt.timedelta(days=8)
    with pytest.raises(ReviewError, match="period"):
        services.review_request(
            attempt=attempt, user=learner.user, reason="x", now=late
        )


def test_deadline_task_runs_every_minute(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["assessments-close-expired-attempts"]
    assert entry == {"task": close_expired_attempts.name, "schedule": 60.0}
    assert close_expired_attempts.name == "assessments.tasks.close_expired_attempts"


def test_final_result_reaches_the_archive_in_the_same_transaction(
    exam, learner, trainer, five_questions, monkeypatch
):
    """A broker outage once lost results: posting no longer goes through
    Celery, so the archive row commits with the result even when every
    after-commit callback is dropped."""
    from assessments import tasks

    def broker_down(*args, **kwargs):
        raise ConnectionError("Redis is down")

    monkeypatch.setattr(tasks.result_post_to_archive, "delay", broker_down)
    attempt = services.attempt_start(exam=exam, cadre=learner)
    answer_all_right(attempt, five_questions, learner.user_id)
    services.attempt_submit(attempt_id=attempt.pk, user_id=learner.user_id)
    short = item_for(attempt, five_questions["short"])
    # No django_capture_on_commit_callbacks: after-commit work never runs here.
    services.item_mark(item_id=short.pk, mark=Decimal("2"), by=trainer.user)
    record = ExamResultRecord.objects.get(attempt_ref=f"attempt:{attempt.pk}")
    assert record.score == Decimal("10") and record.passed
