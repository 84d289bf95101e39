"""Reads of the courses app; every page's context is built here with a
fixed number of queries, whatever the number of courses and lessons."""

from dataclasses import dataclass

from django.core.paginator import Paginator
from django.db.models import Count, Prefetch, Q, QuerySet, Sum
from django.utils import timezone
from wagtail.images import get_image_model

from personnel import api as personnel_api
from personnel.compliance import cadre_standing

from .choices import COURSE_KINDS, CourseCategory, TrainingKind
from .models import (
    ClassParticipant,
    CourseIndexPage,
    CoursePage,
    Enrolment,
    LessonPage,
    LessonProgress,
)
from .search import course_search
from .services import HEARTBEAT_INTERVAL

CATALOGUE_PAGE_SIZE = 12
COVER_FILTER = "fill-480x270"


def catalogue_url() -> str | None:
    index = CourseIndexPage.objects.live().first()
    return index.url if index else None


def _with_cover(courses: QuerySet) -> QuerySet:
    images = get_image_model().objects.prefetch_renditions(COVER_FILTER)
    return courses.select_related(None).prefetch_related(
        Prefetch("cover_image", queryset=images), "teams"
    )


def courses_filtered(*, index_page, team="", category="", kind="", query=""):
    courses = CoursePage.objects.live().child_of(index_page)
    if team:
        courses = courses.filter(teams__code=team)
    if category:
        courses = courses.filter(category=category)
    if kind:
        courses = courses.filter(kind=kind)
    if query:
        return course_search(courses, query)
    return courses.order_by("-first_published_at", "pk")


def catalogue_context(*, index_page, request) -> dict:
    params = request.GET
    filters = {
        "team": params.get("team", ""),
        "category": params.get("category", ""),
        "kind": params.get("kind", ""),
        "query": params.get("q", "").strip(),
    }
    courses = courses_filtered(index_page=index_page, **filters)
    paginator = Paginator(_with_cover(courses), CATALOGUE_PAGE_SIZE)
    page_obj = paginator.get_page(params.get("page"))
    query_prefix = params.copy()
    query_prefix.pop("page", None)
    encoded = query_prefix.urlencode()
    return {
        "courses": list(page_obj.object_list),
        "page_obj": page_obj,
        "filters": filters,
        "teams": personnel_api.teams_all(),
        "categories": CourseCategory.choices,
        "kinds": COURSE_KINDS,
        "query_prefix": f"{encoded}&" if encoded else "",
    }


def _enrolment_for(*, course_id: int, user):
    cadre = personnel_api.cadre_for_user(user=user)
    if cadre is None:
        return cadre, None
    return cadre, Enrolment.objects.filter(course_id=course_id, cadre=cadre).first()


def _progress_by_lesson(enrolment) -> dict[int, LessonProgress]:
    if enrolment is None:
        return {}
    return {p.lesson_id: p for p in enrolment.lesson_progress.all()}


@dataclass
class LessonRow:
    lesson: LessonPage
    progress: LessonProgress | None

    @property
    def percent(self) -> int:
        if self.progress is None:
            return 0
        if self.progress.completed_at:
            return 100
        need = self.lesson.min_study_seconds or 1
        return min(99, self.progress.seconds * 100 // need)


def course_page_context(*, course: CoursePage, user) -> dict:
    lessons = list(LessonPage.objects.child_of(course).live().order_by("path"))
    cadre, enrolment = _enrolment_for(course_id=course.pk, user=user)
    progress = _progress_by_lesson(enrolment)
    rows = [LessonRow(lesson, progress.get(lesson.pk)) for lesson in lessons]
    done = sum(1 for row in rows if row.percent == 100)
    return {
        "cadre": cadre,
        "enrolment": enrolment,
        "lesson_rows": rows,
        "lessons_done": done,
        "course_percent": done * 100 // len(rows) if rows else 0,
        "course_teams": list(course.teams.all()),
    }


def lesson_page_context(*, lesson: LessonPage, user) -> dict:
    course = CoursePage.objects.get(path=lesson.path[: -lesson.steplen])
    siblings = list(
        LessonPage.objects.child_of(course)
        .live()
        .order_by("path")
        .only("id", "title", "url_path", "path", "depth")
    )
    position = next(i for i, s in enumerate(siblings) if s.pk == lesson.pk)
    cadre, enrolment = _enrolment_for(course_id=course.pk, user=user)
    progress = None
    if enrolment is not None:
        progress = LessonProgress.objects.filter(
            enrolment=enrolment, lesson=lesson
        ).first()
    return {
        "course": course,
        "cadre": cadre,
        "enrolment": enrolment,
        "progress_row": LessonRow(lesson, progress),
        "previous_lesson": siblings[position - 1] if position > 0 else None,
        "next_lesson": siblings[position + 1] if position + 1 < len(siblings) else None,
        "lesson_number": position + 1,
        "lesson_total": len(siblings),
        "heartbeat_interval": HEARTBEAT_INTERVAL,
    }


@dataclass
class LearningRow:
    enrolment: Enrolment
    lessons_done: int

    @property
    def percent(self) -> int:
        if self.enrolment.completed_at:
            return 100
        total = self.enrolment.course.lesson_count
        return min(99, self.lessons_done * 100 // total) if total else 0

    @property
    def overdue(self) -> bool:
        due = self.enrolment.due_date
        return bool(
            due and not self.enrolment.completed_at and due < timezone.localdate()
        )


def my_enrolments(*, cadre) -> list[LearningRow]:
    done = Count(
        "lesson_progress",
        filter=Q(
            lesson_progress__completed_at__isnull=False,
            lesson_progress__lesson__live=True,
        ),
    )
    enrolments = (
        Enrolment.objects.filter(cadre=cadre, course__live=True)
        .select_related("course")
        .annotate(lessons_done=done)
        .order_by("completed_at", "-required", "due_date", "-enrolled_at")
    )
    return [LearningRow(e, e.lessons_done) for e in enrolments]


def hours_by_kind(*, cadre, year: int) -> list[dict]:
    sums = dict(
        personnel_api.TrainingRecord.objects.filter(
            cadre=cadre, completed_on__year=year
        )
        .values_list("kind")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    return [
        {"kind": kind, "label": label, "hours": sums.get(kind) or 0}
        for kind, label in TrainingKind.choices
    ]


def my_learning_context(*, cadre, year: int | None = None) -> dict:
    year = year or timezone.localdate().year
    rows = my_enrolments(cadre=cadre)
    by_kind = hours_by_kind(cadre=cadre, year=year)
    return {
        "year": year,
        "required_rows": [r for r in rows if r.enrolment.required],
        "elective_rows": [r for r in rows if not r.enrolment.required],
        "hours_by_kind": by_kind,
        "hours_total": sum((k["hours"] for k in by_kind), 0),
        "standings": cadre_standing(cadre=cadre, year=year),
        "class_places": list(
            ClassParticipant.objects.filter(cadre=cadre)
            .select_related("training_class")
            .order_by("-training_class__start_date")[:10]
        ),
        "today": timezone.localdate(),
    }
