"""Included by personnel/urls.py inside the ``personnel`` namespace."""

from django.urls import path

from . import views

urlpatterns = [
    path("verify/", views.verify_form, name="certificate_verify_form"),
    path("verify/<str:code>/", views.verify, name="certificate_verify"),
    path("me/certificates/", views.my_certificates, name="my_certificates"),
    path(
        "certificates/<int:pk>/download/",
        views.download,
        name="certificate_download",
    ),
]
