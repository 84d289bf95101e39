"""A prepared paper's first page is built with the paper (by the worker that
draws it) and kept in its row: Start (on PostgreSQL, one statement) answers
with it, and it is exactly what building the page then would have shown.
Another language or another version of the markup code builds the page."""

import re

import pytest
from django.db import connection
from django.utils import timezone, translation

from assessments import paper_markup, selectors, services
from assessments.models import Attempt, PreparedPaper
from tests.assessments.factories import started_paper_url
from tests.assessments.test_prepared_papers import _draw_exam, paper_items, paper_seed

pytestmark = pytest.mark.django_db

ON_POSTGRES = connection.vendor == "postgresql"
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
KEY = re.compile(r'data-key="[^"]+"')
REMAINING = re.compile(r'data-remaining="\d+"')


def _comparable(html: str) -> str:
    """The page without what differs on every request."""
    return REMAINING.sub("remaining", KEY.sub("data-key", CSRF.sub("csrf", html)))


@pytest.fixture
def prepared(province, learner, client_for):
    exam = _draw_exam(province)
    assert services.exam_papers_prepare(exam_id=exam.pk) >= 1
    paper = PreparedPaper.objects.get(exam=exam, cadre=learner)
    return exam, paper, client_for(learner)


def _no_building(monkeypatch):
    def refuse(**_kwargs):
        raise AssertionError("the page was built, not read")

    monkeypatch.setattr(selectors, "paper_context", refuse)


def test_the_markup_is_kept_with_the_paper_in_the_site_language(prepared):
    _exam, paper, _client = prepared
    attempt = Attempt(exam=paper.exam, cadre=paper.cadre, deadline=timezone.now())
    with translation.override("zh-hans"):
        context = selectors.paper_context_from_markup(
            attempt=attempt, packed=paper.markup, now=timezone.now()
        )
        expected = selectors.blank_paper_markup(paper_items(paper))
    # UTF-8 bytes, joined into the page's bytes as they are.
    markup = (context["navigator_html"], context["questions_html"])
    assert all(isinstance(block, bytes) for block in markup)
    assert tuple(block.decode() for block in markup) == expected
    for item in paper_items(paper):
        assert f'data-question="{item["question_id"]}"' in markup[1].decode()
    # Not for another language, nor for markup an older release built.
    with translation.override("en"):
        assert (
            selectors.paper_context_from_markup(
                attempt=attempt, packed=paper.markup, now=timezone.now()
            )
            is None
        )
    assert (
        selectors.paper_context_from_markup(
            attempt=attempt, packed=None, now=timezone.now()
        )
        is None
    )


def test_an_older_markup_version_is_not_used(prepared, monkeypatch):
    _exam, paper, _client = prepared
    attempt = Attempt(exam=paper.exam, cadre=paper.cadre, deadline=timezone.now())
    monkeypatch.setattr(paper_markup, "VERSION", "a-newer-release")
    with translation.override("zh-hans"):
        assert (
            selectors.paper_context_from_markup(
                attempt=attempt, packed=paper.markup, now=timezone.now()
            )
            is None
        )


def test_start_answers_with_the_prepared_markup_the_built_page(
    prepared, learner, monkeypatch, django_assert_num_queries
):
    exam, paper, client = prepared
    client.get("/exams/")  # session and user into the cache, as signed in
    if ON_POSTGRES:
        with monkeypatch.context() as patched:
            _no_building(patched)
            # One statement: the paper opened, the page's facts, its markup.
            with django_assert_num_queries(1):
                response = client.post(f"/exams/{exam.pk}/start/")
    else:  # the general path: the same paper, its page built
        response = client.post(f"/exams/{exam.pk}/start/")
    location = started_paper_url(response)
    html = response.content.decode()
    for item in paper_items(paper):
        assert f'data-question="{item["question_id"]}"' in html
        assert item["snapshot"]["stem"] in html
    # Built now instead: the same page, byte for byte.
    built = client.get(location)
    assert _comparable(built.content.decode()) == _comparable(html)
    assert 'data-key="' in html and "分" in html
    assert Attempt.objects.get(exam=exam, cadre=learner).seed == paper_seed(paper)


def test_a_notice_pending_at_start_shows_with_the_prepared_markup(
    prepared, monkeypatch
):
    """A notice waiting for the next page: Start renders the template with
    the prepared markup (kept as bytes) as text, not as b'...'."""
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage
    from django.test import RequestFactory

    exam, paper, client = prepared
    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[storage.cookie_name] = storage._encode(
        [Message(constants.INFO, "请先阅读考试须知")]
    )
    if ON_POSTGRES:
        _no_building(monkeypatch)  # the prepared markup, not a built page
    html = client.post(f"/exams/{exam.pk}/start/").content.decode()
    assert "请先阅读考试须知" in html
    assert "b&#x27;" not in html and "b'" not in html
    for item in paper_items(paper):
        assert f'data-question="{item["question_id"]}"' in html


def test_once_answered_or_flagged_the_page_shows_it(prepared):
    exam, paper, client = prepared
    location = started_paper_url(client.post(f"/exams/{exam.pk}/start/"))
    attempt = Attempt.objects.get(pk=location.rstrip("/").split("/")[-1])
    first = next(
        i for i in paper_items(paper) if i["snapshot"]["qtype"] == "single_choice"
    )
    choice = first["snapshot"]["choices"][0]["id"]
    saved = client.post(
        location + "answers/",
        {"question": first["question_id"], "response": choice, "seq": 1},
        content_type="application/json",
    )
    assert saved.status_code == 200
    html = client.get(location).content.decode()
    assert re.search(rf'value="{choice}"[^>]* checked', html), "answer not shown"
    attempt.steps.all().delete()
    second = next(
        i["question_id"]
        for i in paper_items(paper)
        if i["question_id"] != first["question_id"]
    )
    client.post(
        location + "flags/",
        {"question": second, "flagged": True},
        content_type="application/json",
    )
    html = client.get(location).content.decode()
    assert f'class="nav-q flagged" data-nav="{second}"' in html


def test_in_another_language_start_builds_the_page(prepared):
    exam, _paper, client = prepared
    english = client.post(f"/exams/{exam.pk}/start/", headers={"Accept-Language": "en"})
    started_paper_url(english)
    assert "points" in english.content.decode()
    assert "Flag for review" in english.content.decode()
