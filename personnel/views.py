from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import cadre_for_user


@login_required
def my_profile(request):
    """The learner's own profile and competency profile (never HR's notes)."""
    from .competency.profile import cadre_profile

    cadre = cadre_for_user(user=request.user)
    teams = list(cadre.teams.all()) if cadre else []
    profile = cadre_profile(cadre=cadre, include_notes=False) if cadre else None
    return render(
        request,
        "personnel/my_profile.html",
        {"cadre": cadre, "teams": teams, "profile": profile},
    )
