from django.conf import settings

from .jsi18n import catalog_version
from .navigation import nav_items


def site_context(request):
    """Header data: the signed-in cadre and unit, the menu, the languages.

    The cadre and the admin permission are callables, which the template
    engine calls only where a template uses them (the exam paper's header
    needs neither): each costs queries.
    """
    user = getattr(request, "user", None)

    def cadre():
        if user is None or not user.is_authenticated:
            return None
        from personnel.api import cadre_for_user

        return cadre_for_user(user=user)

    def can_admin():
        return bool(user and user.is_authenticated) and user.has_perm(
            "wagtailadmin.access_admin"
        )

    return {
        "site_name": settings.SITE_NAME,
        "current_cadre": cadre,
        "can_admin": can_admin,
        "nav_items": nav_items(user) if user is not None else [],
        "languages": settings.LANGUAGES,
        "js_catalog_version": catalog_version(),
    }
