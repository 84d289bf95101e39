from django.conf import settings
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.static import serve
from wagtail import urls as wagtail_urls
from wagtail.admin import urls as wagtailadmin_urls
from wagtail.documents import urls as wagtaildocs_urls

from personnel.forms import SignInForm
from training_site.jsi18n import javascript_catalog_view
from training_site.views import favicon

urlpatterns = [
    # First: the exam endpoints carry nearly every request of an exam day.
    path("exams/", include("assessments.urls")),
    path("admin/", include(wagtailadmin_urls)),
    path("documents/", include(wagtaildocs_urls)),
    path("i18n/", include("django.conf.urls.i18n")),
    path("jsi18n/", javascript_catalog_view(), name="javascript-catalog"),
    path("favicon.ico", favicon, name="favicon"),
    path(
        "accounts/login/",
        auth_views.LoginView.as_view(authentication_form=SignInForm),
        name="login",
    ),
    path("accounts/", include("django.contrib.auth.urls")),
    path("", include("personnel.urls")),
    path("", include("courses.urls")),
]

if settings.SERVE_PUBLIC_MEDIA:
    # Only the public parts of local media (renditions, original images,
    # course media) are served directly; certificates, evidence files and
    # reports are served by views that check who is asking.
    urlpatterns += [
        re_path(
            r"^media/(?P<path>(?:images|original_images|public)/.+)$",
            serve,
            {"document_root": settings.MEDIA_ROOT},
        )
    ]

urlpatterns += [path("", include(wagtail_urls))]

handler403 = "training_site.views.permission_denied"
handler404 = "training_site.views.page_not_found"
handler500 = "training_site.views.server_error"
