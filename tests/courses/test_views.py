"""My learning, enrolling, heartbeats and QR sign-in through real requests."""

import datetime as dt
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from courses import services
from courses.models import Attendance, Enrolment, LessonPage, LessonProgress
from personnel.models import TrainingRecord
from tests.courses import factories as f

pytestmark = pytest.mark.django_db


def test_learner_enrols_studies_and_sees_hours(client_for, learner):
    """The whole path: join, study both lessons by heartbeats, then the
    hours are in My learning and the archive holds one record."""
    course = f.course(lessons=2, hours=Decimal("1.5"))
    client = client_for(learner)
    client.post(reverse("courses:enrol", args=[course.pk]))
    t0 = timezone.now()
    for lesson in LessonPage.objects.child_of(course):
        for second in range(0, 80, 20):
            services.lesson_heartbeat(
                lesson=lesson, cadre=learner, now=t0 + dt.timedelta(seconds=second)
            )
    response = client.get(reverse("courses:my_learning"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert response.context["hours_total"] == Decimal("3.0")
    (row,) = response.context["elective_rows"]
    assert row.percent == 100
    (standing,) = response.context["standings"]
    assert standing.completed == Decimal("3.0") and standing.required == Decimal("90")
    assert "3.0 of 90.0 hours" in response.content.decode()
    assert TrainingRecord.objects.filter(cadre=learner).count() == 1


def test_heartbeat_endpoint(client_for, learner):
    course = f.course(lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    client = client_for(learner)
    url = reverse("courses:heartbeat", args=[lesson.pk])
    response = client.post(url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 409
    assert "Join the course first" in response.json()["error"]
    client.post(reverse("courses:enrol", args=[course.pk]))
    first = client.post(url).json()
    second = client.post(url).json()
    # Two beats in quick succession: at most the real seconds between them.
    assert first["seconds"] == 0 and second["seconds"] <= 1
    assert first["required_seconds"] == 60 and second["lesson_completed"] is False
    assert client.get(url).status_code == 405
    assert LessonProgress.objects.count() == 1


def test_pages_need_sign_in(client):
    course = f.course(lessons=1)
    lesson = LessonPage.objects.child_of(course).get()
    for url in (
        reverse("courses:my_learning"),
        reverse("courses:heartbeat", args=[lesson.pk]),
        reverse("courses:enrol", args=[course.pk]),
    ):
        response = client.post(url)
        assert response.status_code == 302 and "/accounts/login/" in response.url
    assert not Enrolment.objects.exists()


def test_required_courses_show_due_dates(client_for, learner, trainer):
    course = f.course("必修课程", lessons=1)
    due = timezone.localdate() + dt.timedelta(days=20)
    services.course_assign(
        course=course, due_date=due, assigned_by=trainer.user, cadres=[learner]
    )
    response = client_for(learner).get(
        reverse("courses:my_learning"), HTTP_ACCEPT_LANGUAGE="en"
    )
    (row,) = response.context["required_rows"]
    assert row.enrolment.course.title == "必修课程"
    assert f"due {due:%Y-%m-%d}" in response.content.decode()


def test_my_learning_queries_do_not_grow(client_for, learner):
    client = client_for(learner)

    def queries():
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(reverse("courses:my_learning")).status_code == 200
        assert len(ctx.captured_queries) > 3  # the context really captured
        return len(ctx.captured_queries)

    for number in range(2):
        services.enrolment_create(course=f.course(f"课{number}"), cadre=learner)
    queries()  # the session and the user into the cache
    few = queries()
    for number in range(2, 10):
        services.enrolment_create(course=f.course(f"课{number}"), cadre=learner)
    assert queries() == few


def test_qr_sign_in_view(client_for, learner, province):
    klass = f.training_class(organiser=province["root"], participants=[learner])
    session = klass.sessions.first()
    client = client_for(learner)
    url = reverse("courses:sign_in", args=[session.sign_in_token])
    page = client.get(url, HTTP_ACCEPT_LANGUAGE="en")
    assert klass.title in page.content.decode()
    response = client.post(url)
    assert response.status_code == 302
    assert Attendance.objects.get().status == "present"
    assert client.get(reverse("courses:sign_in", args=["bad"])).status_code == 404


# ------------------------------------------------------------ QA fixes


def test_my_learning_links_to_my_certificates(client_for, learner):
    body = client_for(learner).get(reverse("courses:my_learning")).content.decode()
    section = body.split('data-testid="my-certificates-link"')[1].split("</section>")[0]
    assert f'href="{reverse("personnel:my_certificates")}"' in section
    assert "我的证书" in section


def test_hours_summary_uses_a_chinese_comma_in_chinese(client_for, learner):
    client = client_for(learner)
    body = client.get(reverse("courses:my_learning")).content.decode()
    standing = body.split('data-testid="standing"')[1].split("</p>")[0]
    assert "学时，本年网络培训" in standing
    assert "学时, " not in standing
    english = client.get(reverse("courses:my_learning"), HTTP_ACCEPT_LANGUAGE="en")
    assert "hours, online 0.0 of" in english.content.decode()


def test_catalogue_link_keeps_the_team_filter(client, province):
    f.course("监测课程", teams=("monitoring",))
    response = client.get(reverse("courses:catalogue"), {"team": "monitoring"})
    assert response.status_code == 302
    assert response.url.endswith("?team=monitoring")
    page = client.get(response.url).content.decode()
    assert '<option value="monitoring" selected>' in page
    assert client.get(reverse("courses:catalogue")).url.endswith("/courses/")
