from django.urls import path

from . import views

app_name = "courses"
urlpatterns = [
    path("learning/catalogue/", views.catalogue, name="catalogue"),
    path("learning/mine/", views.my_learning, name="my_learning"),
    path("learning/courses/<int:course_id>/enrol/", views.enrol, name="enrol"),
    path(
        "learning/lessons/<int:lesson_id>/heartbeat/",
        views.heartbeat,
        name="heartbeat",
    ),
    path("learning/sign-in/<str:token>/", views.session_sign_in, name="sign_in"),
]
