"""Catalogue, course and lesson pages: content, search, filters, and a
fixed number of queries whatever the number of courses and lessons."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from wagtail.images import get_image_model
from wagtail.images.tests.utils import get_test_image_file
from wagtail.test.utils import WagtailPageTestCase

from courses import services
from courses.models import CourseIndexPage, CoursePage, LessonPage
from tests.courses import factories as f

pytestmark = pytest.mark.django_db


def count_queries(client, url):
    with CaptureQueriesContext(connection) as ctx:
        response = client.get(url)
    assert response.status_code == 200
    assert len(ctx.captured_queries) > 3  # the context really captured
    return len(ctx.captured_queries)


def cover():
    return get_image_model().objects.create(title="封面", file=get_test_image_file())


def test_page_tree_rules():
    checker = WagtailPageTestCase()
    checker.assertAllowedParentPageTypes(
        CourseIndexPage, {__import__("training_site.models").models.HomePage}
    )
    checker.assertAllowedSubpageTypes(CourseIndexPage, {CoursePage})
    checker.assertAllowedSubpageTypes(CoursePage, {LessonPage})
    checker.assertAllowedParentPageTypes(LessonPage, {CoursePage})


def test_catalogue_lists_published_courses_and_redirect(client):
    f.course(
        "大气污染源监测采样技术", category="professional_skills", teams=["monitoring"]
    )
    hidden = f.course("尚未发布的课程")
    hidden.unpublish()
    response = client.get(reverse("courses:catalogue"))
    assert response.status_code == 302
    page = client.get(response.url, HTTP_ACCEPT_LANGUAGE="en")
    assert "大气污染源监测采样技术" in page.content.decode()
    assert "尚未发布的课程" not in page.content.decode()


def test_filters_by_team_category_kind(client):
    f.course("监测课", teams=["monitoring"], category="professional_skills")
    f.course("执法课", teams=["enforcement"], category="policy_regulations")
    f.course("岗位课", teams=["enforcement"], kind="on_the_job")
    url = f.catalogue().url
    body = client.get(url, {"team": "monitoring"}).content.decode()
    assert "监测课" in body and "执法课" not in body
    body = client.get(url, {"category": "policy_regulations"}).content.decode()
    assert "执法课" in body and "监测课" not in body
    body = client.get(url, {"kind": "on_the_job"}).content.decode()
    assert "岗位课" in body and "执法课" not in body


def titles_in_order(response):
    return [c.title for c in response.context["courses"]]


def test_chinese_search_finds_words_inside_titles_ranked_and_paginated(client):
    target = f.course("生态环境执法案卷评查实务", lessons=1)
    f.course("突发环境事件应急处置", lessons=1, bodies={0: "联合执法与应急联动机制。"})
    f.course("环境监测质量控制", lessons=1)
    url = f.catalogue().url
    response = client.get(url, {"q": "执法"})
    found = titles_in_order(response)
    # Title hit before body hit; the course without 执法 is not found.
    assert found == ["生态环境执法案卷评查实务", "突发环境事件应急处置"]
    response = client.get(url, {"q": "案卷评查"})
    assert titles_in_order(response) == [target.title]
    # More hits than a page holds: paginated, filters kept in page links.
    for number in range(13):
        f.course(f"执法文书制作第{number}讲", lessons=0)
    response = client.get(url, {"q": "执法"})
    assert len(response.context["courses"]) == 12
    assert response.context["page_obj"].paginator.count == 15
    assert "q=%E6%89%A7%E6%B3%95&amp;page=2" in response.content.decode()
    second = client.get(url, {"q": "执法", "page": 2})
    assert len(second.context["courses"]) == 3


def test_course_page_shows_lessons_and_progress(client_for, learner):
    course = f.course(lessons=3)
    client = client_for(learner)
    body = client.get(course.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Join this course" in body
    assert "第3课" in body
    client.post(reverse("courses:enrol", args=[course.pk]))
    lesson = LessonPage.objects.child_of(course).order_by("path").first()
    t0 = timezone.now()
    for second in range(0, 80, 20):
        services.lesson_heartbeat(
            lesson=lesson, cadre=learner, now=t0 + dt.timedelta(seconds=second)
        )
    response = client.get(course.url, HTTP_ACCEPT_LANGUAGE="en")
    assert response.context["lessons_done"] == 1
    assert response.context["course_percent"] == 33
    assert "You have completed 1 of 3 lessons." in response.content.decode()


def test_lesson_page_renders_blocks_and_meter(client_for, learner):
    course = f.course(lessons=2)
    services.enrolment_create(course=course, cadre=learner)
    lesson = LessonPage.objects.child_of(course).order_by("path").last()
    lesson.body = [
        ("paragraph", "<p>现场检查笔录的制作</p>"),
        ("callout", {"tone": "key", "title": "要点", "text": "<p>两人以上执法</p>"}),
    ]
    lesson.save_revision().publish()
    response = client_for(learner).get(lesson.url, HTTP_ACCEPT_LANGUAGE="en")
    body = response.content.decode()
    assert "现场检查笔录的制作" in body and "两人以上执法" in body
    assert reverse("courses:heartbeat", args=[lesson.pk]) in body
    assert response.context["previous_lesson"].title.endswith("第1课")
    assert response.context["next_lesson"] is None


def test_lesson_page_without_enrolment_does_not_count(client_for, learner):
    course = f.course(lessons=1)
    lesson = LessonPage.objects.child_of(course).first()
    body = client_for(learner).get(lesson.url, HTTP_ACCEPT_LANGUAGE="en")
    assert "not being counted" in body.content.decode()
    assert "data-heartbeat-url" not in body.content.decode()


def test_catalogue_queries_do_not_grow_with_courses(client_for, learner):
    client = client_for(learner)
    for number in range(2):
        f.course(f"课程{number}", lessons=1).cover_image = None
    url = f.catalogue().url
    for page in CoursePage.objects.all():
        page.cover_image = cover()
        page.save_revision().publish()
    client.get(url)  # renditions are made on first view
    few = count_queries(client, url)
    for number in range(2, 10):
        page = f.course(f"课程{number}", lessons=1, teams=["eia", "emergency"])
        page.cover_image = cover()
        page.save_revision().publish()
    client.get(url)
    assert count_queries(client, url) == few
    assert count_queries(client, url + "?q=课程&team=eia") <= few + 2


def test_course_and_lesson_pages_queries_do_not_grow_with_lessons(client_for, learner):
    client = client_for(learner)
    client.get("/")  # the session and the user into the cache
    small, large = f.course("小课", lessons=2), f.course("大课", lessons=10)
    for course in (small, large):
        services.enrolment_create(course=course, cadre=learner)
        for lesson in LessonPage.objects.child_of(course):
            services.lesson_heartbeat(lesson=lesson, cadre=learner)
    assert count_queries(client, small.url) == count_queries(client, large.url)
    small_lesson = LessonPage.objects.child_of(small).last()
    large_lesson = LessonPage.objects.child_of(large).last()
    assert count_queries(client, small_lesson.url) == count_queries(
        client, large_lesson.url
    )


def test_admin_page_search_finds_chinese_words():
    """Wagtail's own index (used by the admin's page search) is fed
    jieba-cut words, so a trainer searching 执法 finds the course."""
    course = f.course("生态环境执法案卷评查实务", lessons=1)
    f.course("环境监测质量控制", lessons=1, bodies={0: "制作现场检查笔录的要求"})
    found = list(CoursePage.objects.live().search("执法"))
    assert found == [course]
    lessons = list(LessonPage.objects.live().search("笔录"))
    assert [lesson.title for lesson in lessons] == ["环境监测质量控制 第1课"]


def test_course_page_labels_the_lecturer_not_the_trainer_role(client):
    course = f.course("党的二十大精神与生态环境保护")
    course.trainer_name = "省委党校 陈教授"
    course.save_revision().publish()
    body = client.get(course.url).content.decode()
    # "Trainer" is also the role 培训管理员 in personnel's catalogue.
    assert "<dt>授课教师</dt><dd>省委党校 陈教授</dd>" in body
    assert "培训管理员" not in body
    english = client.get(course.url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "<dt>Trainer</dt>" in english
