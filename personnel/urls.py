from django.urls import path

from . import views
from .certificates import urls as certificate_urls

app_name = "personnel"
urlpatterns = [
    path("me/", views.my_profile, name="my_profile"),
    *certificate_urls.urlpatterns,
]
