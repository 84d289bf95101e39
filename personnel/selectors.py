"""Reads. Every list a user sees is scoped here, once, by their role."""

from dataclasses import dataclass

from django.db.models import QuerySet

from . import roles
from .models import Cadre, TrainingRecord, Unit


@dataclass(frozen=True)
class Scope:
    """What part of the organisation a user may see.

    ``everything`` for HR, trainers and superusers; ``unit`` for a unit
    administrator (that unit's subtree); otherwise only ``cadre`` (self).
    """

    everything: bool = False
    unit: Unit | None = None
    cadre: Cadre | None = None


def user_roles(user) -> set[str]:
    cached = getattr(user, "_role_cache", None)
    if cached is None:
        cached = roles.user_roles(user)
        if user.is_authenticated:
            user._role_cache = cached
    return cached


def cadre_for_user(*, user) -> Cadre | None:
    if not user.is_authenticated:
        return None
    if not hasattr(user, "_cadre_cache"):
        user._cadre_cache = (
            Cadre.objects.select_related("unit").filter(user=user).first()
        )
    return user._cadre_cache


def user_scope(*, user) -> Scope:
    if not user.is_authenticated:
        return Scope()
    held = user_roles(user)
    cadre = cadre_for_user(user=user)
    if user.is_superuser or roles.HR in held or roles.TRAINER in held:
        return Scope(everything=True, cadre=cadre)
    if roles.UNIT_ADMIN in held and cadre is not None:
        return Scope(unit=cadre.unit, cadre=cadre)
    return Scope(cadre=cadre)


def cadres_visible_to(*, user) -> QuerySet[Cadre]:
    scope = user_scope(user=user)
    cadres = Cadre.objects.all()
    if scope.everything:
        return cadres
    if scope.unit is not None:
        return cadres.filter(unit__path__startswith=scope.unit.path)
    if scope.cadre is not None:
        return cadres.filter(pk=scope.cadre.pk)
    return cadres.none()


def units_visible_to(*, user) -> QuerySet[Unit]:
    scope = user_scope(user=user)
    if scope.everything:
        return Unit.objects.all()
    if scope.unit is not None:
        return Unit.objects.filter(path__startswith=scope.unit.path)
    return Unit.objects.none()


def unit_from_query(*, user, value: str) -> Unit:
    """The unit a query string's ``?unit=`` names, if the user may see it.

    Raises:
        Http404: not a unit id (ASCII digits within the database's integer
            range: int() also reads other scripts' digits), no such unit, or
            one outside the user's scope. Showing every unit instead would
            mislead.
    """
    from django.http import Http404
    from django.utils.translation import gettext as _

    value = value.strip()
    unit = None
    if value.isascii() and value.isdigit() and len(value) <= 10:
        if int(value) < 2**31:
            unit = units_visible_to(user=user).filter(pk=int(value)).first()
    if unit is None:
        raise Http404(_("That unit does not exist or is outside your scope."))
    return unit


def unit_subtree_cadres(*, unit: Unit) -> QuerySet[Cadre]:
    return Cadre.objects.filter(unit__path__startswith=unit.path)


def training_records_visible_to(*, user) -> QuerySet[TrainingRecord]:
    return TrainingRecord.objects.filter(
        cadre__in=cadres_visible_to(user=user)
    ).select_related("cadre", "cadre__unit")
