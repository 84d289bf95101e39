from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from .selectors import cadre_for_user


@login_required
def my_profile(request):
    cadre = cadre_for_user(user=request.user)
    teams = list(cadre.teams.all()) if cadre else []
    return render(
        request, "personnel/my_profile.html", {"cadre": cadre, "teams": teams}
    )
