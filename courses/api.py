"""The one door other apps (assessments, reports) use into courses."""

from . import services


def course_exam_passed(*, course_id: int, cadre_id: int) -> None:
    """Called by assessments when a candidate passes a course's exam:
    records the pass and re-checks whether the course is now complete
    (which posts its hours to the training archive, once)."""
    services.course_exam_pass_record(course_id=course_id, cadre_id=cadre_id)


def course_choices() -> list[tuple[int, str]]:
    """(id, title) of every course page, for choosers in other apps."""
    from .models import CoursePage

    return list(CoursePage.objects.order_by("title").values_list("pk", "title"))
