"""Attempt keys: the paper page's saves, flags and resyncs prove themselves
with a signed key (assessments/keys.py) instead of a session lookup; signing
out or a change to the account retires every key handed out before."""

import datetime as dt
import json
import re

import pytest
from django.conf import settings
from django.contrib.auth import get_user_model
from django.db import connection
from django.test import Client
from django.utils import timezone

from assessments import keys
from assessments.models import AnswerStep, Attempt, PaperItem
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db

ON_POSTGRES = connection.vendor == "postgresql"


@pytest.fixture
def started(client_for, learner, exam):
    client = client_for(learner)
    client.post(f"/exams/{exam.pk}/start/")
    return client, Attempt.objects.get(exam=exam, cadre=learner)


def page_key(client, attempt) -> str:
    html = client.get(f"/exams/attempts/{attempt.pk}/").content.decode()
    return re.search(r'data-key="([^"]+)"', html).group(1)


def save(client, attempt, key, data):
    return client.post(
        f"/exams/attempts/{attempt.pk}/answers/",
        json.dumps(data),
        content_type="application/json",
        headers={"Accept-Language": "en"}
        | ({"X-Attempt-Key": key} if key is not None else {}),
    )


def stored(attempt) -> list[tuple[int, object]]:
    steps = AnswerStep.objects.filter(attempt=attempt).order_by("seq")
    return [(step.seq, step.response) for step in steps]


def test_a_keyed_save_needs_no_session_and_no_csrf_cookie(started, five_questions):
    client, attempt = started
    key = page_key(client, attempt)
    bare = Client(enforce_csrf_checks=True)  # no cookies at all
    tf = five_questions["tf"].pk
    response = save(bare, attempt, key, {"question": tf, "response": True, "seq": 7})
    assert response.status_code == 200 and response.json()["saved"] is True
    assert stored(attempt) == [(7, True)]
    # The state the page resumes from shows it, with a key that also works.
    state = client.get(f"/exams/attempts/{attempt.pk}/state/").json()
    saved = {a["question"]: a["response"] for a in state["answers"]}
    assert saved[tf] is True and state["key"] == key


def test_without_a_key_the_session_and_csrf_are_still_required(started, five_questions):
    client, attempt = started
    tf = five_questions["tf"].pk
    body = {"question": tf, "response": True, "seq": 1}
    anonymous = save(Client(), attempt, None, body)
    assert anonymous.status_code == 302 and "/login" in anonymous["Location"]
    strict = Client(enforce_csrf_checks=True)
    strict.cookies = client.cookies  # signed in, but no CSRF token sent
    assert save(strict, attempt, None, body).status_code == 403
    assert stored(attempt) == []


def test_forged_altered_and_other_attempts_keys_are_refused(
    started, five_questions, exam, province
):
    client, attempt = started
    key = page_key(client, attempt)
    other = CadreFactory(unit=province["lanzhou"])
    other_client = Client()
    other_client.force_login(other.user, backend=settings.AUTHENTICATION_BACKENDS[-1])
    other_client.post(f"/exams/{exam.pk}/start/")
    other_attempt = Attempt.objects.get(exam=exam, cadre=other)
    other_key = page_key(other_client, other_attempt)
    tf = five_questions["tf"].pk
    body = {"question": tf, "response": True, "seq": 1}
    value, _sep, signature = key.rpartition(":")
    forged = [
        other_key,  # a genuine key, of another attempt
        f"{attempt.pk}.1:{signature}",  # another version, same signature
        f"{value}:{signature[:-2]}xx",  # signature altered
        keys.attempt_key(attempt_id=attempt.pk, version=0).replace(":", ";"),
        "",
        "x" * 500,
    ]
    for bad in forged:
        response = save(Client(), attempt, bad, body)
        assert response.status_code == 403, bad
        assert response.json() == {
            "saved": False,
            "error": "This page's key for the attempt is not valid.",
            "key": "retired",
        }
    assert stored(attempt) == []
    assert not AnswerStep.objects.filter(attempt=other_attempt).exists()


def test_signing_out_retires_the_key_and_a_new_sign_in_gets_a_fresh_one(
    started, five_questions, learner
):
    client, attempt = started
    key = page_key(client, attempt)
    tf = five_questions["tf"].pk
    assert save(Client(), attempt, key, {"question": tf, "response": True, "seq": 1})
    client.logout()
    refused = save(
        Client(), attempt, key, {"question": tf, "response": False, "seq": 2}
    )
    assert refused.status_code == 403 and refused.json()["key"] == "retired"
    assert refused.json()["error"] == (
        "This page's key for the attempt is no longer valid."
    )
    # Signed out, the state endpoint hands out no key.
    assert client.get(f"/exams/attempts/{attempt.pk}/state/").status_code == 302
    # Signing in again: the page (or the state endpoint) gives a new key.
    client.force_login(learner.user, backend=settings.AUTHENTICATION_BACKENDS[-1])
    fresh = client.get(f"/exams/attempts/{attempt.pk}/state/").json()["key"]
    assert fresh != key and page_key(client, attempt) == fresh
    again = save(
        Client(), attempt, fresh, {"question": tf, "response": False, "seq": 3}
    )
    assert again.status_code == 200
    assert stored(attempt) == [(1, True), (3, False)]


def test_a_password_change_retires_keys_but_a_sign_in_elsewhere_does_not(
    started, five_questions, learner
):
    client, attempt = started
    key = page_key(client, attempt)
    tf = five_questions["tf"].pk
    # Signing in on a second device records last_login only.
    user = get_user_model().objects.get(pk=learner.user.pk)
    user.last_login = timezone.now()
    user.save(update_fields=["last_login"])
    ok = save(Client(), attempt, key, {"question": tf, "response": True, "seq": 1})
    assert ok.status_code == 200
    user.set_password("a-new-Password-2026")
    user.save()
    attempt.refresh_from_db()
    assert attempt.key_version == 1
    refused = save(Client(), attempt, key, {"question": tf, "response": True, "seq": 2})
    assert refused.status_code == 403
    assert stored(attempt) == [(1, True)]


def test_retiring_touches_only_the_users_open_attempts(started, learner, exam):
    _client, attempt = started
    closed = Attempt.objects.create(
        exam=exam,
        cadre=learner,
        number=2,
        status="submitted",
        started_at=timezone.now(),
        deadline=timezone.now(),
        seed=1,
    )
    other = CadreFactory(unit=learner.unit)
    assert keys.keys_retire(user_id=learner.user.pk) == 1
    assert keys.keys_retire(user_id=other.user.pk) == 0
    attempt.refresh_from_db()
    closed.refresh_from_db()
    assert (attempt.key_version, closed.key_version) == (1, 0)


def test_keyed_flag_and_clock(started, five_questions):
    client, attempt = started
    key = page_key(client, attempt)
    short = five_questions["short"].pk
    flagged = Client().post(
        f"/exams/attempts/{attempt.pk}/flags/",
        json.dumps({"question": short, "flagged": True}),
        content_type="application/json",
        headers={"X-Attempt-Key": key, "Accept-Language": "en"},
    )
    assert flagged.json() == {"question": short, "flagged": True}
    assert PaperItem.objects.get(attempt=attempt, question_id=short).flagged
    clock = Client().get(
        f"/exams/attempts/{attempt.pk}/clock/", headers={"X-Attempt-Key": key}
    )
    assert clock.status_code == 200 and clock.json()["status"] == "in_progress"
    assert 0 < clock.json()["remaining_seconds"] <= 30 * 60
    keys.keys_retire(user_id=attempt.cadre.user_id)
    retired = Client().get(
        f"/exams/attempts/{attempt.pk}/clock/", headers={"X-Attempt-Key": key}
    )
    assert retired.status_code == 403 and retired.json()["key"] == "retired"
    unflag = Client().post(
        f"/exams/attempts/{attempt.pk}/flags/",
        json.dumps({"question": short, "flagged": False}),
        content_type="application/json",
        headers={"X-Attempt-Key": key, "Accept-Language": "en"},
    )
    assert unflag.status_code == 403
    assert PaperItem.objects.get(attempt=attempt, question_id=short).flagged


def test_a_keyed_save_after_the_deadline_closes_the_attempt(started, five_questions):
    client, attempt = started
    key = page_key(client, attempt)
    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=5)
    )
    tf = five_questions["tf"].pk
    response = save(
        Client(), attempt, key, {"question": tf, "response": True, "seq": 1}
    )
    assert response.status_code == 409
    assert response.json()["error"].startswith("Time is up")
    attempt.refresh_from_db()
    assert attempt.status != "in_progress" and stored(attempt) == []


def test_a_keyed_save_costs_one_statement_on_postgresql(
    started, five_questions, django_assert_num_queries
):
    client, attempt = started
    key = page_key(client, attempt)
    tf = five_questions["tf"].pk
    save(client, attempt, key, {"question": tf, "response": True, "seq": 1})  # warm
    # No session, no user: PostgreSQL one statement; elsewhere UPDATE,
    # SELECT item, INSERT inside the test transaction's SAVEPOINT/RELEASE.
    with django_assert_num_queries(1 if ON_POSTGRES else 5):
        response = save(
            Client(), attempt, key, {"question": tf, "response": False, "seq": 2}
        )
    assert response.status_code == 200
    assert stored(attempt) == [(1, True), (2, False)]


@pytest.mark.parametrize("prepared", [True, False])
def test_saves_with_and_without_prepared_statements(
    settings, prepared, started, five_questions
):
    settings.ASSESSMENTS_PREPARED_STATEMENTS = prepared
    client, attempt = started
    key = page_key(client, attempt)
    tf = five_questions["tf"].pk
    for seq in range(1, 8):
        body = {"question": tf, "response": seq % 2 == 0, "seq": seq}
        assert save(client, attempt, key, body).status_code == 200
    assert stored(attempt) == [(seq, seq % 2 == 0) for seq in range(1, 8)]
    if ON_POSTGRES and prepared:
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT count(*) FROM pg_prepared_statements "
                "WHERE statement LIKE '%%FOR SHARE%%'"
            )
            assert cursor.fetchone()[0] >= 1


def test_pages_that_carry_the_key_are_not_cached(started):
    client, attempt = started
    for path in ("", "state/"):
        response = client.get(f"/exams/attempts/{attempt.pk}/{path}")
        assert response.status_code == 200
        assert "no-store" in response["Cache-Control"]
        assert "private" in response["Cache-Control"]


def test_a_key_found_genuine_is_remembered_only_for_its_secret(settings, monkeypatch):
    """Each save of a page sends the same key: it is checked once, then
    remembered; only genuine keys are, and only under the secret (and the
    fallbacks) that signed them."""
    key = keys.attempt_key(attempt_id=7, version=2)
    value, _sep, signature = key.rpartition(":")
    forged = f"{value}:{signature[:-2]}xx"
    assert keys.key_version(forged, attempt_id=7) is None
    assert keys.key_version(key, attempt_id=7) == 2
    assert keys.key_version(key, attempt_id=8) is None  # another attempt's id
    remembered = keys._signer()[1]
    assert set(remembered) == {key}
    # The remembered key is not hashed again...
    monkeypatch.setattr(
        keys.signing.Signer, "unsign", lambda *a, **k: pytest.fail("hashed again")
    )
    assert keys.key_version(key, attempt_id=7) == 2
    monkeypatch.undo()
    # ...and a new secret forgets it: the old key fails, unless the old
    # secret is still among the fallbacks.
    old = settings.SECRET_KEY
    settings.SECRET_KEY = "another-secret-" + "y" * 40
    assert keys.key_version(key, attempt_id=7) is None
    settings.SECRET_KEY_FALLBACKS = [old]
    assert keys.key_version(key, attempt_id=7) == 2
    settings.SECRET_KEY_FALLBACKS = []
    assert keys.key_version(key, attempt_id=7) is None


def test_the_remembered_keys_are_bounded(monkeypatch):
    monkeypatch.setattr(keys, "_VERIFIED_MAX", 3)
    made = [keys.attempt_key(attempt_id=n, version=0) for n in range(1, 6)]
    for n, key in enumerate(made, start=1):
        assert keys.key_version(key, attempt_id=n) == 0
    assert len(keys._signer()[1]) <= 3
    assert made[-1] in keys._signer()[1]
