"""A panel on the Wagtail admin dashboard for HR and unit administrators:
their scope (the whole province, or their unit and the units under it),
how many cadres are in post there, how many certificates were issued there
this year, and the links to the work they come for (roster, hours
compliance, batch printing of certificates). Counts only, so that the
dashboard stays fast at province scale."""

from django.utils import timezone
from wagtail.admin.ui.components import Component

from . import roles
from .models import Certificate
from .models.certificates import CertificateStatus
from .selectors import cadres_visible_to, user_roles, user_scope


class ScopePanel(Component):
    name = "personnel_scope"
    template_name = "personnel/admin/home_scope_panel.html"
    order = 80

    def __init__(self, user, scope):
        self.user, self.scope = user, scope

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        scope = self.scope
        cadres = cadres_visible_to(user=self.user)
        year = timezone.localdate().year
        context.update(
            {
                "unit": None if scope.everything else scope.unit,
                "year": year,
                "cadres_in_post": cadres.filter(is_active=True).count(),
                "certificates_this_year": Certificate.objects.filter(
                    cadre__in=cadres,
                    status=CertificateStatus.VALID,
                    issued_on__year=year,
                ).count(),
            }
        )
        return context


def scope_panel_for(user) -> ScopePanel | None:
    """The panel for HR and unit administrators; None for everyone else, and
    for a unit administrator without a cadre record (no unit, no scope)."""
    held = user_roles(user)
    if not (user.is_superuser or roles.HR in held or roles.UNIT_ADMIN in held):
        return None
    scope = user_scope(user=user)
    if not (scope.everything or scope.unit):
        return None
    return ScopePanel(user, scope)
