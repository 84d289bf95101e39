"""The exam-day hot paths: what they cost in queries, and that the fast
(PostgreSQL) path answers exactly as the general one does."""

import datetime as dt
import json

import pytest
from django.db import connection
from django.utils import timezone

from assessments import services
from assessments.models import AnswerStep, Attempt
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db

ON_POSTGRES = connection.vendor == "postgresql"


def post_json(client, url, data):
    return client.post(url, json.dumps(data), content_type="application/json")


@pytest.fixture
def started(client_for, learner, exam):
    client = client_for(learner)
    client.post(f"/exams/{exam.pk}/start/")
    return client, Attempt.objects.get(exam=exam, cadre=learner)


def test_answer_save_is_one_statement_on_postgresql(
    started, five_questions, django_assert_num_queries
):
    client, attempt = started
    url = f"/exams/attempts/{attempt.pk}/answers/"
    tf = five_questions["tf"].pk
    post_json(client, url, {"question": tf, "response": True, "seq": 1})  # warm
    # Session and user come from the cache. PostgreSQL: one statement (the
    # conditional UPDATE and the INSERT in one). Elsewhere: UPDATE, SELECT
    # item, INSERT, inside the test transaction's SAVEPOINT/RELEASE.
    with django_assert_num_queries(1 if ON_POSTGRES else 5):
        response = post_json(client, url, {"question": tf, "response": False, "seq": 2})
    assert response.status_code == 200 and response.json()["seq"] == 2
    steps = AnswerStep.objects.filter(attempt=attempt).order_by("seq")
    assert [(s.seq, s.response) for s in steps] == [(1, True), (2, False)]


def test_fast_save_refusals_match_the_general_path(
    started, five_questions, client_for, province
):
    client, attempt = started
    url = f"/exams/attempts/{attempt.pk}/answers/"
    single = five_questions["single"]
    # An option that is not on this question: refused, nothing stored.
    response = post_json(
        client, url, {"question": single.pk, "response": 999999, "seq": 1}
    )
    assert response.status_code == 400 and response.json()["saved"] is False
    # A question not on the paper.
    response = post_json(client, url, {"question": 999999, "response": 1, "seq": 2})
    assert response.status_code == 404
    # Someone else's attempt.
    other = client_for(CadreFactory(unit=province["chengguan"]))
    tf = five_questions["tf"].pk
    response = post_json(other, url, {"question": tf, "response": True, "seq": 3})
    assert response.status_code == 404
    assert not AnswerStep.objects.filter(attempt=attempt).exists()
    # A retry of the same seq is acknowledged once and stored once.
    client = started[0]
    client.force_login(
        attempt.cadre.user, backend="training_site.auth.CachedModelBackend"
    )
    for _ in range(2):
        response = post_json(client, url, {"question": tf, "response": True, "seq": 7})
        assert response.status_code == 200
    assert AnswerStep.objects.filter(attempt=attempt, seq=7).count() == 1
    # After the deadline and its grace: refused with the reason, and closed.
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=5)
    )
    response = post_json(client, url, {"question": tf, "response": False, "seq": 8})
    assert response.status_code == 409
    assert (
        "Time is up" in response.json()["error"] or "时间" in response.json()["error"]
    )
    attempt.refresh_from_db()
    assert not attempt.is_open and attempt.close_reason == "deadline"


def test_clock_is_one_query_and_closes_at_the_deadline(
    started, django_assert_num_queries
):
    client, attempt = started
    url = f"/exams/attempts/{attempt.pk}/clock/"
    client.get(url)  # session and user into the cache
    with django_assert_num_queries(1):
        clock = client.get(url).json()
    assert clock["status"] == "in_progress"
    assert 0 < clock["remaining_seconds"] <= attempt.exam.time_limit_minutes * 60
    assert "answers" not in clock
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=5)
    )
    clock = client.get(url).json()
    assert clock["remaining_seconds"] == 0 and clock["status"] != "in_progress"
    assert services.Result.objects.filter(attempt=attempt).exists()


def test_clock_of_someone_elses_attempt_is_404(started, client_for, province):
    _client, attempt = started
    other = client_for(CadreFactory(unit=province["chengguan"]))
    assert other.get(f"/exams/attempts/{attempt.pk}/clock/").status_code == 404


def test_paper_page_restores_saved_answers_in_its_markup(started, five_questions):
    client, attempt = started
    url = f"/exams/attempts/{attempt.pk}/answers/"
    multi = five_questions["multiple"]
    ids = sorted(multi.choices.values_list("pk", flat=True))
    post_json(client, url, {"question": multi.pk, "response": ids[:2], "seq": 1})
    blank = five_questions["blank"].pk
    post_json(client, url, {"question": blank, "response": '<b>"六五"</b>', "seq": 2})
    post_json(
        client, url, {"question": five_questions["tf"].pk, "response": False, "seq": 3}
    )
    html = client.get(f"/exams/attempts/{attempt.pk}/").content.decode()
    for choice_id in ids[:2]:
        assert f'value="{choice_id}" checked>' in html
    assert f'value="{ids[2]}">' in html
    assert 'value="&lt;b&gt;&quot;六五&quot;&lt;/b&gt;"' in html  # escaped
    assert '<b>"六五"' not in html
    assert 'value="false" checked>' in html and 'value="true">' in html
    assert html.count('class="nav-q answered" data-nav') == 3
    # Exam mode: the candidate's name, no site menu or admin bar.
    assert attempt.cadre.name in html and 'class="mainnav"' not in html


def test_paper_page_query_count(started, django_assert_num_queries):
    client, attempt = started
    url = f"/exams/attempts/{attempt.pk}/"
    client.get(url)
    # attempt (with exam, cadre, unit), items, newest answers; the session
    # and the user from the cache; nothing for the header.
    with django_assert_num_queries(3):
        assert client.get(url).status_code == 200


@pytest.mark.skipif(not ON_POSTGRES, reason="the kept cursor is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_the_hot_path_cursor_is_kept_with_its_connection(
    django_assert_num_queries, settings
):
    """The hot path's prepared cursor serves every statement of the thread's
    connection; a new connection gets a new one; while queries are logged,
    each statement goes through a logging cursor and is counted; a due
    health check is run; with prepared statements off, nothing is kept."""
    from django.db import connections

    from assessments.db import prepared_fetchone

    def one(value):
        row = prepared_fetchone("SELECT %s::int + 1", [value])
        return connections["default"].__dict__.get("_assessments_cursor"), row[0]

    (server, first), two = one(1)
    (_server, again), three = one(2)
    assert (two, three) == (2, 3) and again is first
    assert server is connection.connection
    connection.close()
    (renewed_server, renewed), four = one(3)
    assert four == 4 and renewed is not first and renewed_server is not server
    before = renewed.pgresult
    with django_assert_num_queries(2):
        assert one(4)[1] == 5 and one(5)[1] == 6
    assert renewed.pgresult is before  # the logged statements went elsewhere
    assert one(6) == ((renewed_server, renewed), 7)
    assert renewed.pgresult is not before
    # A health check due (CONN_HEALTH_CHECKS) is run, as Django's cursor does.
    connection.health_check_enabled, connection.health_check_done = True, False
    try:
        assert one(7)[1] == 8 and connection.health_check_done
    finally:
        connection.health_check_enabled = False
    # Behind a pooler (prepared statements off): the plain Django cursor.
    settings.ASSESSMENTS_PREPARED_STATEMENTS = False
    connection.close()
    kept, nine = one(8)
    assert nine == 9 and kept[0] is not connection.connection
    with connection.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_prepared_statements")
        assert cursor.fetchone()[0] == 0


@pytest.mark.skipif(not ON_POSTGRES, reason="the kept cursor is PostgreSQL's")
@pytest.mark.django_db(transaction=True)
def test_hot_path_statements_keep_djangos_checks_and_errors(
    django_assert_num_queries,
):
    """prepared_fetchone's short way (the kept cursor, straight to psycopg)
    answers as Django's cursor does: rows, django.db errors, a broken
    transaction refused; and it is counted when queries are."""
    from django.db import DataError, IntegrityError, transaction
    from django.db.transaction import TransactionManagementError

    from assessments.db import prepared_fetchone

    assert prepared_fetchone("SELECT %s::int * 2", [21]) == (42,)
    assert prepared_fetchone("SELECT 1 WHERE %s::int = 0", [1]) is None
    with pytest.raises(DataError):
        prepared_fetchone("SELECT 1 / %s::int", [0])
    assert prepared_fetchone("SELECT %s::int * 2", [2]) == (4,)  # still usable
    insert = f'INSERT INTO "{Attempt._meta.db_table}" (id) VALUES (%s)'  # noqa: S608 - the model's table
    with pytest.raises(IntegrityError):
        prepared_fetchone(insert, [1])
    with transaction.atomic():
        with pytest.raises(DataError), transaction.atomic(savepoint=False):
            prepared_fetchone("SELECT 1 / %s::int", [0])
        with pytest.raises(TransactionManagementError):
            prepared_fetchone("SELECT %s::int", [1])
        transaction.set_rollback(True)
    with django_assert_num_queries(1):
        assert prepared_fetchone("SELECT %s::int + 1", [1]) == (2,)
