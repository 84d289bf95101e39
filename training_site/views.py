from django.shortcuts import redirect, render
from django.templatetags.static import static


def permission_denied(request, exception=None):
    return render(request, "403.html", status=403)


def page_not_found(request, exception=None):
    return render(request, "404.html", status=404)


def server_error(request):
    return render(request, "500.html", status=500)


def favicon(request):
    """Browsers ask for /favicon.ico whatever the page says; send them to the
    static file (hashed name in production, so it can be cached for long)."""
    return redirect(static("favicon.ico"), permanent=True)
