"""Races on exam day, on real PostgreSQL row locks (skipped on SQLite)."""

import threading
from decimal import Decimal

import pytest
from django.db import connection, connections, transaction

from assessments import services
from assessments.errors import AttemptClosed
from assessments.models import AnswerStep, Attempt, GradeChange, Result
from tests.assessments.factories import BankFactory, fixed_exam, true_false

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="needs PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


def run_together(*functions):
    """Run functions in threads released at the same moment; collect outcomes."""
    barrier = threading.Barrier(len(functions))
    outcomes = [None] * len(functions)

    def runner(index, function):
        try:
            barrier.wait()
            outcomes[index] = function()
        except Exception as exc:  # noqa: BLE001 - the outcome is the point
            outcomes[index] = exc
        finally:
            connections.close_all()

    threads = [
        threading.Thread(target=runner, args=(i, f)) for i, f in enumerate(functions)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(30)
    return outcomes


@pytest.fixture
def sitting(learner):
    bank = BankFactory()
    questions = [true_false(bank, points=5) for _ in range(2)]
    exam = fixed_exam(questions)
    attempt = services.attempt_start(exam=exam, cadre=learner)
    return attempt, questions, learner.user_id


def test_double_clicked_submit_gives_one_result(sitting):
    attempt, questions, user_id = sitting
    services.answer_save(
        attempt_id=attempt.pk,
        user_id=user_id,
        question_id=questions[0].pk,
        response=True,
        seq=1,
    )
    submit = lambda: services.attempt_submit(attempt_id=attempt.pk, user_id=user_id)  # noqa: E731
    outcomes = run_together(submit, submit, submit)
    assert all(isinstance(o, Attempt) for o in outcomes), outcomes
    assert Result.objects.filter(attempt=attempt).count() == 1
    assert Result.objects.get(attempt=attempt).grade == Decimal("5")
    assert GradeChange.objects.filter(attempt=attempt, kind="auto").count() == 1


def test_two_tabs_saving_at_once_keep_every_save(sitting):
    attempt, questions, user_id = sitting

    def save(value, seq):
        return lambda: services.answer_save(
            attempt_id=attempt.pk,
            user_id=user_id,
            question_id=questions[0].pk,
            response=value,
            seq=seq,
        )

    outcomes = run_together(*(save(seq % 2 == 0, seq) for seq in range(1, 9)))
    assert all(isinstance(o, services.SavedAnswer) for o in outcomes), outcomes
    assert sorted(o.seq for o in outcomes) == list(range(1, 9))
    assert AnswerStep.objects.filter(attempt=attempt).count() == 8
    services.attempt_submit(attempt_id=attempt.pk, user_id=user_id)
    assert attempt.items.get(question=questions[0]).response is True  # seq 8


def test_a_save_racing_a_submit_is_either_graded_or_refused(sitting):
    attempt, questions, user_id = sitting
    locked, release = threading.Event(), threading.Event()

    def slow_close():
        with transaction.atomic():
            Attempt.objects.select_for_update().get(pk=attempt.pk)
            locked.set()
            release.wait(5)
            services.attempt_close(attempt_id=attempt.pk, reason="submitted")

    def late_save():
        locked.wait(5)
        threading.Timer(0.3, release.set).start()
        return services.answer_save(
            attempt_id=attempt.pk,
            user_id=user_id,
            question_id=questions[1].pk,
            response=True,
            seq=1,
        )

    outcomes = run_together(slow_close, late_save)
    # The save waited for the lock, then saw the attempt closed: refused,
    # and nothing was written that the grade did not include.
    assert isinstance(outcomes[1], AttemptClosed), outcomes
    assert not AnswerStep.objects.filter(attempt=attempt).exists()
    assert Result.objects.get(attempt=attempt).grade == 0


def test_a_save_in_flight_is_graded_by_the_submit_that_waits_for_it(sitting):
    attempt, questions, user_id = sitting
    saving, release = threading.Event(), threading.Event()

    def slow_save():
        with transaction.atomic():
            step = services.answer_save(
                attempt_id=attempt.pk,
                user_id=user_id,
                question_id=questions[1].pk,
                response=True,
                seq=1,
            )
            saving.set()
            release.wait(5)
        return step

    def submit():
        saving.wait(5)
        threading.Timer(0.3, release.set).start()
        return services.attempt_submit(attempt_id=attempt.pk, user_id=user_id)

    outcomes = run_together(slow_save, submit)
    assert isinstance(outcomes[0], services.SavedAnswer), outcomes
    assert outcomes[0].seq == 1
    assert Result.objects.get(attempt=attempt).grade == Decimal("5")


def test_double_clicked_start_gives_one_attempt(learner):
    bank = BankFactory()
    exam = fixed_exam([true_false(bank) for _ in range(3)])
    start = lambda: services.attempt_start(exam=exam, cadre=learner)  # noqa: E731
    outcomes = run_together(start, start, start)
    assert all(isinstance(o, Attempt) for o in outcomes), outcomes
    assert len({o.pk for o in outcomes}) == 1
    assert Attempt.objects.filter(exam=exam).count() == 1


def test_start_while_the_worker_draws_the_paper_opens_that_paper(province, learner):
    """Start's general path found no paper drawn in advance; before it
    inserts its attempt, the worker draws and commits one for this candidate
    (a prepared attempt holding number 1). Start opens that paper instead of
    failing on the attempt number."""
    from assessments.models import PreparedPaper
    from tests.assessments.test_prepared_papers import _draw_exam

    exam = _draw_exam(province)
    services.prepared_papers_drop(exam_ids=[exam.pk])  # the worker has not run
    assert not Attempt.all_objects.filter(exam=exam).exists()
    real_create = Attempt.objects.create
    drawn = []

    def create_after_the_worker(**kwargs):
        if not drawn:
            # The worker, on its own connection, commits the paper now.
            worker = threading.Thread(
                target=lambda: (
                    drawn.append(services.exam_papers_prepare(exam_id=exam.pk)),
                    connections.close_all(),
                )
            )
            worker.start()
            worker.join(30)
            drawn.append(Attempt.all_objects.get(exam=exam, cadre=learner).pk)
        return real_create(**kwargs)

    Attempt.objects.create = create_after_the_worker
    try:
        attempt = services.attempt_start(exam=exam, cadre=learner)
    finally:
        del Attempt.objects.create
    assert drawn[0] >= 1
    # The attempt is the worker's prepared one, opened; no other.
    assert attempt.pk == drawn[1]
    assert list(Attempt.all_objects.filter(exam=exam, cadre=learner)) == [attempt]
    assert attempt.status == "in_progress" and attempt.number == 1
    assert not PreparedPaper.objects.filter(exam=exam, cadre=learner).exists()
    assert attempt.items.count() == 8  # the worker's paper: 5 + 3 questions
