"""The project's URLs plus /bench/bare/, the baseline for throughput ratios."""

from django.http import JsonResponse
from django.urls import path

from training_site import urls as site_urls


def bare(request):
    """A small JSON body through the full middleware stack, no queries."""
    return JsonResponse({"ok": True, "saved": True, "seq": 1})


# The project's patterns themselves, not include()d: an exam request is
# resolved through the same levels as in production, not one more.
urlpatterns = [path("bench/bare/", bare, name="bench-bare"), *site_urls.urlpatterns]

handler403 = "training_site.views.permission_denied"
handler404 = "training_site.views.page_not_found"
handler500 = "training_site.views.server_error"
