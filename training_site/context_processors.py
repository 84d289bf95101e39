from django.conf import settings

from .navigation import nav_items


def site_context(request):
    """Header data: the signed-in cadre and unit, the menu, the languages."""
    cadre = None
    can_admin = False
    user = getattr(request, "user", None)
    if user is not None and user.is_authenticated:
        from personnel.api import cadre_for_user

        cadre = cadre_for_user(user=user)
        can_admin = user.has_perm("wagtailadmin.access_admin")
    return {
        "site_name": settings.SITE_NAME,
        "current_cadre": cadre,
        "can_admin": can_admin,
        "nav_items": nav_items(user) if user is not None else [],
        "languages": settings.LANGUAGES,
    }
