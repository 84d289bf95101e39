"""Candidate URLs, all under /exams/ (training_site/urls.py puts them first).

The paper page's endpoints come first: on an exam day they are nearly every
request, and each pattern tried before the right one costs time.
"""

from django.urls import path

import training_site.converters  # noqa: F401 - registers <id:>

from . import views

app_name = "assessments"
urlpatterns = [
    path(
        "attempts/<id:attempt_id>/answers/",
        views.attempt_answer,
        name="attempt_answer",
    ),
    path(
        "attempts/<id:attempt_id>/clock/",
        views.attempt_clock,
        name="attempt_clock",
    ),
    path(
        "attempts/<id:attempt_id>/flags/",
        views.attempt_flag,
        name="attempt_flag",
    ),
    path("attempts/<id:attempt_id>/", views.attempt_paper, name="attempt_paper"),
    path(
        "attempts/<id:attempt_id>/state/",
        views.attempt_state,
        name="attempt_state",
    ),
    path("<id:exam_id>/start/", views.exam_start, name="exam_start"),
    path(
        "attempts/<id:attempt_id>/submit/",
        views.attempt_submit,
        name="attempt_submit",
    ),
    path(
        "attempts/<id:attempt_id>/result/",
        views.attempt_result,
        name="attempt_result",
    ),
    path(
        "attempts/<id:attempt_id>/review/",
        views.review_request,
        name="review_request",
    ),
    path("", views.my_exams, name="my_exams"),
    path("<id:exam_id>/", views.exam_detail, name="exam_detail"),
]
