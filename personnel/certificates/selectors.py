"""Reads: which certificates a user may see, and public verification."""

import re

from django.db.models import Q, QuerySet

from ..models import Certificate
from ..selectors import cadres_visible_to, user_scope

CODE_CLEAN_RE = re.compile(r"[^A-Z0-9]")


def certificates_visible_to(*, user) -> QuerySet[Certificate]:
    """Own certificates for a learner, the unit subtree's for a unit
    administrator, all for HR and trainers."""
    scope = user_scope(user=user)
    certificates = Certificate.objects.select_related("cadre", "cadre__unit")
    if scope.everything:
        return certificates
    return certificates.filter(cadre__in=cadres_visible_to(user=user))


def certificates_of_cadre(*, cadre) -> QuerySet[Certificate]:
    return Certificate.objects.filter(cadre=cadre).order_by("-issued_on", "-id")


def code_normalise(code: str) -> str:
    """Accept a code as typed: any case, with spaces or dashes."""
    return CODE_CLEAN_RE.sub("", (code or "").upper())


def certificate_by_code(*, code: str) -> Certificate | None:
    code = code_normalise(code)
    if not code:
        return None
    return Certificate.objects.filter(verification_code=code).first()


def name_mask(name: str) -> str:
    """刘䶮 → 刘*, 张晓明 → 张*明: enough to match a holder, not to harvest."""
    name = name or ""
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


def certificates_filtered(
    *,
    user,
    unit=None,
    subject_type="",
    subject_query="",
    date_from=None,
    date_to=None,
    status="",
) -> QuerySet[Certificate]:
    """Certificates a user may see, filtered as on the admin list."""
    certificates = certificates_visible_to(user=user)
    if status:
        certificates = certificates.filter(status=status)
    if unit is not None:
        certificates = certificates.filter(cadre__unit__path__startswith=unit.path)
    if subject_type:
        certificates = certificates.filter(subject_type=subject_type)
    if subject_query:
        query = subject_query.strip()
        certificates = certificates.filter(
            Q(subject_title__icontains=query) | Q(subject_id=query)
        )
    if date_from:
        certificates = certificates.filter(issued_on__gte=date_from)
    if date_to:
        certificates = certificates.filter(issued_on__lte=date_to)
    return certificates


def certificates_for_print(**filters) -> QuerySet[Certificate]:
    """Valid certificates in print order: by unit, subject, number."""
    return certificates_filtered(status="valid", **filters).order_by(
        "cadre__unit__path", "subject_title", "serial"
    )
