"""Keep a course's totals in step with its published lessons (thin: the
work is services.course_totals_refresh)."""

from wagtail.signals import page_published, page_unpublished


def _refresh_course(sender, instance, **kwargs):
    from .models import CoursePage, LessonPage
    from .services import course_totals_refresh

    page = instance.specific if hasattr(instance, "specific") else instance
    if isinstance(page, CoursePage):
        course_totals_refresh(course_id=page.pk)
    elif isinstance(page, LessonPage):
        parent = CoursePage.objects.filter(path=page.path[: -page.steplen]).first()
        if parent is not None:
            course_totals_refresh(course_id=parent.pk)


def connect():
    from .models import CoursePage, LessonPage

    for model in (CoursePage, LessonPage):
        page_published.connect(_refresh_course, sender=model)
        page_unpublished.connect(_refresh_course, sender=model)
