"""Question flags ("come back to this") are kept on the server: they follow
the attempt to a reload or another device, and only the candidate's own open
attempt can be flagged."""

import datetime as dt
import json
import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Attempt, PaperItem
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def started(client_for, learner, exam):
    client = client_for(learner)
    client.post(reverse("assessments:exam_start", args=[exam.pk]))
    return client, Attempt.objects.get(exam=exam, cadre=learner)


def flag(client, attempt, data, **extra):
    return client.post(
        f"/exams/attempts/{attempt.pk}/flags/",
        json.dumps(data),
        content_type="application/json",
        **extra,
    )


def flagged_on_page(html: str) -> tuple[set[int], set[int]]:
    """(question ids of flagged fieldsets, question ids of flagged nav links)."""
    fieldsets = {
        int(qid)
        for qid in re.findall(
            r'<fieldset class="card question flagged" id="q\d+" data-question="(\d+)"',
            html,
        )
    }
    links = {
        int(qid)
        for qid in re.findall(r'class="nav-q[^"]*flagged[^"]*" data-nav="(\d+)"', html)
    }
    return fieldsets, links


def test_a_flag_is_kept_on_the_server_and_shown_after_reload(started, five_questions):
    client, attempt = started
    tf, short = five_questions["tf"], five_questions["short"]
    assert flag(client, attempt, {"question": tf.pk, "flagged": True}).json() == {
        "question": tf.pk,
        "flagged": True,
    }
    flag(client, attempt, {"question": short.pk, "flagged": True})
    flag(client, attempt, {"question": short.pk, "flagged": False})

    rows = dict(attempt.items.values_list("question_id", "flagged"))
    assert rows[tf.pk] is True and rows[short.pk] is False
    assert sum(rows.values()) == 1

    # Another device: a fresh page from the server shows the flag.
    html = client.get(f"/exams/attempts/{attempt.pk}/").content.decode()
    assert flagged_on_page(html) == ({tf.pk}, {tf.pk})
    assert f'data-flag="{tf.pk}" aria-pressed="true"' in html
    assert f'data-flag="{short.pk}" aria-pressed="false"' in html
    state = client.get(f"/exams/attempts/{attempt.pk}/state/").json()
    assert {a["question"] for a in state["answers"] if a["flagged"]} == {tf.pk}


def test_flags_refuse_bad_input_others_and_closed_attempts(
    started, five_questions, province
):
    learner_client, attempt = started
    tf = five_questions["tf"]
    for body in ({"question": tf.pk}, {"question": tf.pk, "flagged": "yes"}, [1]):
        response = flag(learner_client, attempt, body, HTTP_ACCEPT_LANGUAGE="en")
        assert response.status_code == 400
        assert "flagged" in response.json()["error"]
    response = flag(learner_client, attempt, {"question": 999999, "flagged": True})
    assert response.status_code == 404

    other = CadreFactory(unit=province["chengguan"], role="learner")
    client = Client()
    client.force_login(other.user)
    assert (
        flag(client, attempt, {"question": tf.pk, "flagged": True}).status_code == 404
    )

    Attempt.objects.filter(pk=attempt.pk).update(
        deadline=timezone.now() - dt.timedelta(minutes=5)
    )
    response = flag(
        learner_client, attempt, {"question": tf.pk, "flagged": True},
        HTTP_ACCEPT_LANGUAGE="en",
    )  # fmt: skip
    assert response.status_code == 409
    assert "Time is up" in response.json()["error"]
    assert not PaperItem.objects.filter(attempt=attempt, flagged=True).exists()
    attempt.refresh_from_db()
    assert not attempt.is_open  # the late request closed it, as a save does


def test_a_flag_costs_one_query_after_sign_in(
    started, five_questions, django_assert_max_num_queries
):
    client, attempt = started
    client.get(f"/exams/attempts/{attempt.pk}/clock/")  # session and user cached
    with django_assert_max_num_queries(1):
        response = flag(
            client, attempt, {"question": five_questions["tf"].pk, "flagged": True}
        )
    assert response.status_code == 200
