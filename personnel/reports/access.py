"""Who may see HR's profiles, pools and reports.

HR (and superusers) see everything; a unit administrator sees reports and
profiles for their own unit subtree only; trainers and learners see none of
it (trainers see learning data through courses and assessments, but
appraisals, HR notes and selection pools are HR business).
Talent pools are HR's alone: a shortlist for a post is not shared with units.
"""

from functools import wraps

from django.db.models import QuerySet
from django.shortcuts import render
from django.utils.translation import gettext as _

from .. import roles
from ..models import Cadre
from ..selectors import cadres_visible_to, user_roles, user_scope


def is_hr(user) -> bool:
    return user.is_authenticated and (user.is_superuser or roles.HR in user_roles(user))


def can_view_reports(user) -> bool:
    if is_hr(user):
        return True
    return (
        roles.UNIT_ADMIN in user_roles(user) and user_scope(user=user).unit is not None
    )


def report_cadres(*, user) -> QuerySet[Cadre]:
    """The cadres a report or profile page may show to this user."""
    if is_hr(user):
        return Cadre.objects.all()
    if can_view_reports(user):
        return cadres_visible_to(user=user)
    return Cadre.objects.none()


def _forbidden(request, message: str):
    # A 403 page rather than PermissionDenied: inside the admin, Wagtail
    # turns PermissionDenied into a redirect to the dashboard. The page keeps
    # the admin's layout (menu, header) so that the user can go on from it.
    return render(
        request,
        "personnel/reports/forbidden.html",
        {"message": message},
        status=403,
    )


def reports_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not can_view_reports(request.user):
            return _forbidden(request, _("You do not have access to HR reports."))
        return view(request, *args, **kwargs)

    return wrapper


def hr_required(view):
    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if not is_hr(request.user):
            return _forbidden(
                request,
                _(
                    "Only HR may open this page: talent pools and appraisal "
                    "grades are HR business."
                ),
            )
        return view(request, *args, **kwargs)

    return wrapper
