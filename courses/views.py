"""Learner-facing views outside the page tree: My learning, enrolling,
study heartbeats and QR sign-in. Thin: services and selectors do the work."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from personnel import api as personnel_api

from . import selectors, services
from .errors import CoursesError, NotEnrolled, SignInRefused
from .models import ClassSession, CoursePage, LessonPage


def catalogue(request):
    url = selectors.catalogue_url()
    if url is None:
        raise Http404(_("The course centre has not been published yet."))
    # Filters travel along (the home page's team cards link here with ?team=).
    query = request.GET.urlencode()
    return redirect(f"{url}?{query}" if query else url)


def _cadre_or_404(request):
    cadre = personnel_api.cadre_for_user(user=request.user)
    if cadre is None:
        raise Http404(_("Your account has no cadre profile."))
    return cadre


@login_required
def my_learning(request):
    cadre = _cadre_or_404(request)
    context = selectors.my_learning_context(cadre=cadre)
    context["cadre"] = cadre
    return render(request, "courses/my_learning.html", context)


@login_required
@require_POST
def enrol(request, course_id: int):
    course = get_object_or_404(CoursePage.objects.live(), pk=course_id)
    cadre = _cadre_or_404(request)
    try:
        services.enrolment_create(course=course, cadre=cadre)
    except CoursesError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("You have joined this course."))
    return redirect(course.url)


@login_required
@require_POST
def heartbeat(request, lesson_id: int):
    lesson = get_object_or_404(LessonPage.objects.live(), pk=lesson_id)
    cadre = personnel_api.cadre_for_user(user=request.user)
    if cadre is None:
        return JsonResponse(
            {"error": _("Your account has no cadre profile.")}, status=403
        )
    try:
        progress = services.lesson_heartbeat(lesson=lesson, cadre=cadre)
    except NotEnrolled as exc:
        return JsonResponse({"error": str(exc)}, status=409)
    enrolment = progress.enrolment
    enrolment.refresh_from_db(fields=["completed_at"])
    return JsonResponse(
        {
            "seconds": progress.seconds,
            "required_seconds": lesson.min_study_seconds,
            "lesson_completed": progress.completed_at is not None,
            "course_completed": enrolment.completed_at is not None,
        }
    )


@login_required
def session_sign_in(request, token: str):
    session = get_object_or_404(
        ClassSession.objects.select_related("training_class"), sign_in_token=token
    )
    cadre = _cadre_or_404(request)
    if request.method == "POST":
        try:
            services.session_sign_in(token=token, cadre=cadre)
        except SignInRefused as exc:
            messages.error(request, str(exc))
        else:
            messages.success(request, _("You are signed in. Welcome!"))
            return redirect("courses:my_learning")
    return render(request, "courses/sign_in.html", {"session": session})
