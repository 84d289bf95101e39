"""The paper page is assembled from a shell rendered once per process and
language (assessments/paper_page.py): it must be exactly what the template
renders for the same attempt, values escaped the same way."""

import json
import re

import pytest
from django.contrib.messages.storage.fallback import FallbackStorage
from django.template.loader import render_to_string
from django.test import RequestFactory
from django.utils import timezone, translation

from assessments import keys, paper_page, selectors
from assessments.models import Attempt
from tests.assessments.factories import started_paper_url

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')
HOSTILE = "<b>考试</b> & \"引号\" '单引号'"


@pytest.fixture
def sitting(client_for, learner, exam, five_questions):
    exam.title = HOSTILE
    exam.save()
    learner.name = "张<i>学员</i>&"
    learner.save()
    client = client_for(learner)
    response = client.post(f"/exams/{exam.pk}/start/")
    url = started_paper_url(response)
    attempt = Attempt.objects.get(exam=exam, cadre=learner)
    # Some of the paper answered and flagged, so both markup blocks vary.
    tf = five_questions["tf"]
    client.post(
        url + "answers/",
        json.dumps({"question": tf.pk, "response": True, "seq": 1}),
        content_type="application/json",
    )
    client.post(
        url + "flags/",
        json.dumps({"question": five_questions["single"].pk, "flagged": True}),
        content_type="application/json",
    )
    return client, url, attempt, learner


def _template_rendering(attempt_id: int, user, language: str) -> str:
    """What Django's template renders for this attempt, with the real
    context processors, as the view rendered the page before the shell."""
    request = RequestFactory().get(f"/exams/attempts/{attempt_id}/")
    request.user = user
    request.session = {}
    request._messages = FallbackStorage(request)
    with translation.override(language):
        attempt = selectors.attempt_for_paper(attempt_id=attempt_id, user_id=user.pk)
        context = selectors.paper_context(attempt=attempt, now=timezone.now())
        context["attempt_key"] = keys.attempt_key(
            attempt_id=attempt.pk, version=attempt.key_version
        )
        return render_to_string("assessments/paper.html", context, request=request)


def _comparable(html: str) -> str:
    html = CSRF.sub("csrf", html)
    return re.sub(r'data-remaining="\d+"', "data-remaining", html)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_page_is_the_templates_rendering(sitting, language):
    client, url, attempt, learner = sitting
    served = client.get(url, headers={"Accept-Language": language})
    assert served.status_code == 200
    html = served.content.decode()
    assert _comparable(html) == _comparable(
        _template_rendering(attempt.pk, learner.user, language)
    )
    # Escaped where the template escapes; nothing of the markers left.
    assert "<b>考试</b>" not in html and "&lt;b&gt;考试&lt;/b&gt; &amp;" in html
    assert "张&lt;i&gt;学员&lt;/i&gt;&amp;" in html
    assert "\ue000" not in html and str(paper_page._ID_MARK) not in html
    assert f'data-answer-url="/exams/attempts/{attempt.pk}/answers/"' in html
    assert 'data-remaining="' in html
    token = CSRF.search(html).group(0)
    assert "csrf" not in token.split("value=")[1]


def test_start_answers_with_the_page_uncached(client_for, learner, exam):
    client = client_for(learner)
    response = client.post(f"/exams/{exam.pk}/start/")
    attempt = Attempt.objects.get(exam=exam, cadre=learner)
    assert started_paper_url(response) == f"/exams/attempts/{attempt.pk}/"
    assert "no-store" in response["Cache-Control"]
    assert 'data-key="' in response.content.decode()
    # The page's CSRF token is valid for the submit form.
    submitted = client.post(
        f"/exams/attempts/{attempt.pk}/submit/",
        {"csrfmiddlewaretoken": CSRF.search(response.content.decode()).group(0)[32:-1]},
    )
    assert submitted.status_code == 302


def test_the_shell_is_rendered_once_per_language(sitting, monkeypatch, settings):
    client, url, _attempt, _learner = sitting
    settings.DEBUG = False
    paper_page._shells.clear()
    rendered = []
    real = paper_page._render_shell

    def counting():
        rendered.append(translation.get_language())
        return real()

    monkeypatch.setattr(paper_page, "_render_shell", counting)
    for _ in range(3):
        assert client.get(url).status_code == 200
        assert client.get(url, headers={"Accept-Language": "en"}).status_code == 200
    assert rendered == ["zh-hans", "en"]
    # With DEBUG (development) a template edit shows at once: no keeping.
    settings.DEBUG = True
    paper_page._shells.clear()
    client.get(url)
    client.get(url)
    assert rendered[2:] == ["zh-hans", "zh-hans"]


def test_a_pending_notice_is_shown_on_the_paper(sitting, monkeypatch):
    client, url, attempt, _learner = sitting
    # A notice left for the next page (the messages framework's cookie).
    from django.contrib.messages import constants
    from django.contrib.messages.storage.base import Message
    from django.contrib.messages.storage.cookie import CookieStorage

    storage = CookieStorage(RequestFactory().get("/"))
    client.cookies[storage.cookie_name] = storage._encode(
        [Message(constants.WARNING, "请注意：考试即将结束")]
    )
    html = client.get(url).content.decode()
    assert "请注意：考试即将结束" in html
    key = keys.attempt_key(attempt_id=attempt.pk, version=attempt.key_version)
    assert f'data-key="{key}"' in html
    # Shown once.
    assert "请注意：考试即将结束" not in client.get(url).content.decode()
