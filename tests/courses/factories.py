"""Builders for course pages, lessons and classes (pages are added under
the default site's HomePage, as trainers would in the admin)."""

import datetime as dt
from decimal import Decimal

from django.utils import timezone
from wagtail.models import Site

from courses.models import (
    ClassParticipant,
    ClassSession,
    CourseIndexPage,
    CoursePage,
    LessonPage,
    TrainingClass,
)
from courses.services import course_totals_refresh
from personnel.models import Team


def default_site() -> Site:
    """The site from the data migration, or a fresh one when an earlier
    transactional test flushed the database (browser tests cannot restore
    serialized data: Playwright's event loop gives them other connections)."""
    site = Site.objects.filter(is_default_site=True).first()
    if site is not None:
        return site
    from django.contrib.contenttypes.models import ContentType
    from wagtail.models import Locale, Page

    from training_site.models import HomePage

    ContentType.objects.clear_cache()  # the flush removed the rows it cached

    locale = Locale.objects.first() or Locale.objects.create(language_code="zh-hans")
    root = Page.get_first_root_node() or Page.add_root(
        instance=Page(title="Root", slug="root", locale=locale)
    )
    home = root.add_child(instance=HomePage(title="首页", slug="home", locale=locale))
    return Site.objects.create(
        hostname="localhost", root_page=home, is_default_site=True
    )


def catalogue() -> CourseIndexPage:
    existing = CourseIndexPage.objects.first()
    if existing:
        return existing
    home = default_site().root_page
    index = CourseIndexPage(title="课程中心", slug="courses")
    home.add_child(instance=index)
    index.save_revision().publish()
    return index


def course(
    title="生态环境执法案卷评查实务",
    *,
    lessons=2,
    minutes=1,
    hours=Decimal("1.0"),
    category="professional_skills",
    kind="online",
    teams=("enforcement",),
    summary=None,
    requires_exam=False,
    bodies=None,
) -> CoursePage:
    page = CoursePage(
        title=title,
        summary=summary or f"{title}的要点与常见问题。",
        category=category,
        kind=kind,
        trainer_name="王培训",
        requires_exam=requires_exam,
    )
    catalogue().add_child(instance=page)
    page.teams.set(Team.objects.filter(code__in=teams))
    page.save_revision().publish()
    for number in range(lessons):
        body = (bodies or {}).get(number, f"第{number + 1}课的正文。")
        lesson(
            page,
            title=f"{title} 第{number + 1}课",
            body=body,
            minutes=minutes,
            hours=hours,
        )
    course_totals_refresh(course_id=page.pk)
    page.refresh_from_db()
    return page


def lesson(course_page, *, title, body="正文", minutes=1, hours=Decimal("1.0")):
    page = LessonPage(
        title=title,
        credit_hours=hours,
        min_study_minutes=minutes,
        body=[("paragraph", f"<p>{body}</p>")],
    )
    course_page.add_child(instance=page)
    page.save_revision().publish()
    return page


def ended_class(**kwargs):
    """A class whose sessions are all over, so that it can be closed."""
    return training_class(begin=timezone.now() - dt.timedelta(days=3), **kwargs)


def training_class(
    *,
    organiser,
    participants=(),
    sessions=((3.5, "上午"), (3.5, "下午")),
    hours=Decimal("7"),
    start=None,
    begin=None,
):
    """A one-day class whose sessions start at *begin* (default: now, so
    sign-in is open); pass a past *begin* for a class that can be closed."""
    start = start or timezone.localdate()
    klass = TrainingClass.objects.create(
        kind="centralized",
        title="全省生态环境执法骨干集中培训班",
        organiser=organiser,
        start_date=start,
        end_date=start,
        place="兰州",
        credit_hours=hours,
    )
    begin = (begin or timezone.now()).replace(microsecond=0)
    for number, (session_hours, title) in enumerate(sessions):
        ClassSession.objects.create(
            training_class=klass,
            title=title,
            starts_at=begin + dt.timedelta(hours=4 * number),
            ends_at=begin + dt.timedelta(hours=4 * number + 3),
            hours=Decimal(str(session_hours)),
            sort_order=number,
        )
    for cadre in participants:
        ClassParticipant.objects.create(training_class=klass, cadre=cadre)
    return klass
