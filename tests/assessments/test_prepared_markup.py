"""A prepared paper's page is built with the paper (by the worker that draws
it): the first load after Start reads it, and shows exactly what building it
then would have shown. Anything else builds the page as usual."""

import re

import pytest
from django.core.cache import cache

from assessments import selectors, services
from assessments.models import Attempt, PreparedPaper
from tests.assessments.test_prepared_papers import _draw_exam

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
KEY = re.compile(r'data-key="[^"]+"')


def _comparable(html: str) -> str:
    """The page without what differs on every request."""
    return KEY.sub("data-key", CSRF.sub("csrf", html))


@pytest.fixture
def started(province, learner, client_for):
    exam = _draw_exam(province)
    assert services.exam_papers_prepare(exam_id=exam.pk) >= 1
    paper = PreparedPaper.objects.get(exam=exam, cadre=learner)
    client = client_for(learner)
    location = client.post(f"/exams/{exam.pk}/start/")["Location"]
    return client, location, Attempt.objects.get(exam=exam, cadre=learner), paper


def _no_building(monkeypatch):
    def refuse(**_kwargs):
        raise AssertionError("the page was built, not read")

    monkeypatch.setattr(selectors, "paper_context", refuse)


def test_the_first_load_reads_the_markup_built_with_the_paper(
    started, monkeypatch, django_assert_num_queries
):
    client, location, attempt, paper = started
    key = selectors.prepared_markup_key(
        exam_id=attempt.exam_id,
        cadre_id=attempt.cadre_id,
        seed=paper.seed,
        language="zh-hans",
    )
    assert cache.get(key) is not None
    with monkeypatch.context() as patched:
        _no_building(patched)
        with django_assert_num_queries(1):  # the attempt, with "untouched?"
            read = client.get(location)
    assert read.status_code == 200
    html = read.content.decode()
    for item in paper.items:
        assert f'data-question="{item["question_id"]}"' in html
        assert item["snapshot"]["stem"] in html
    # Built now instead: the same page, byte for byte.
    cache.delete(key)
    built = client.get(location)
    assert _comparable(built.content.decode()) == _comparable(html)
    assert 'data-key="' in html and "分" in html


def test_once_answered_or_flagged_the_page_is_built(started, monkeypatch):
    client, location, attempt, paper = started
    first = next(i for i in paper.items if i["snapshot"]["qtype"] == "single_choice")
    choice = first["snapshot"]["choices"][0]["id"]
    saved = client.post(
        location + "answers/",
        {"question": first["question_id"], "response": choice, "seq": 1},
        content_type="application/json",
    )
    assert saved.status_code == 200
    html = client.get(location).content.decode()
    assert re.search(rf'value="{choice}"[^>]* checked', html), "answer not shown"
    # A flag alone (no answer) also makes the page built.
    attempt.steps.all().delete()
    second = next(
        i["question_id"]
        for i in paper.items
        if i["question_id"] != first["question_id"]
    )
    client.post(
        location + "flags/",
        {"question": second, "flagged": True},
        content_type="application/json",
    )
    html = client.get(location).content.decode()
    assert f'class="nav-q flagged" data-nav="{second}"' in html
    with monkeypatch.context() as patched:
        _no_building(patched)
        with pytest.raises(AssertionError, match="built, not read"):
            client.get(location)


def test_another_language_or_a_cache_outage_builds_the_page(started, monkeypatch):
    client, location, _attempt, _paper = started
    english = client.get(location, headers={"Accept-Language": "en"})
    assert "points" in english.content.decode()
    assert "Flag for review" in english.content.decode()

    def down(*_args, **_kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "get", down)
    assert client.get(location).status_code == 200


def test_papers_are_prepared_even_when_the_cache_is_down(
    province, learner, monkeypatch
):
    exam = _draw_exam(province)

    def down(*_args, **_kwargs):
        raise ConnectionError("redis is down")

    monkeypatch.setattr(cache, "set_many", down)
    assert services.exam_papers_prepare(exam_id=exam.pk) >= 1
    assert PreparedPaper.objects.filter(exam=exam, cadre=learner).exists()
