"""The project's URLs plus /bench/bare/, the baseline for throughput ratios."""

from django.http import JsonResponse
from django.urls import include, path


def bare(request):
    """A small JSON body through the full middleware stack, no queries."""
    return JsonResponse({"ok": True, "saved": True, "seq": 1})


urlpatterns = [
    path("bench/bare/", bare, name="bench-bare"),
    path("", include("training_site.urls")),
]

handler403 = "training_site.views.permission_denied"
handler404 = "training_site.views.page_not_found"
handler500 = "training_site.views.server_error"
