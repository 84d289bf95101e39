"""Writes for talent pools: overrides and frozen snapshots."""

import datetime as dt
import json

from django.core.serializers.json import DjangoJSONEncoder
from django.db import transaction
from django.db.models import QuerySet
from django.utils.translation import gettext as _

from ..errors import PersonnelError
from ..models import Cadre, PoolOverride, PoolSnapshot, TalentPool
from .selectors import pool_evaluate


class TalentPoolError(PersonnelError):
    pass


def pool_override_set(
    *, pool: TalentPool, cadre: Cadre, action: str, reason: str, user
) -> PoolOverride:
    """Pin (keep in whatever the criteria) or exclude a person, with a reason."""
    if action not in PoolOverride.Action.values:
        raise TalentPoolError(_("Choose pin or exclude."))
    if not reason.strip():
        raise TalentPoolError(_("Give a reason for pinning or excluding a person."))
    override, _created = PoolOverride.objects.update_or_create(
        pool=pool,
        cadre=cadre,
        defaults={"action": action, "reason": reason.strip(), "decided_by": user},
    )
    return override


def pool_override_clear(*, pool: TalentPool, cadre_id: int) -> None:
    PoolOverride.objects.filter(pool=pool, cadre_id=cadre_id).delete()


def pool_criteria(pool: TalentPool) -> dict:
    """The pool's criteria and weights as plain data, for a snapshot."""
    return {
        "teams": [team.name for team in pool.teams.all()],
        "unit": pool.unit.name if pool.unit_id else None,
        "max_age": pool.max_age,
        "min_education": pool.min_education,
        "ranks": pool.ranks,
        "min_hours": pool.min_hours,
        "hours_years": pool.hours_years,
        "min_exam_score": pool.min_exam_score,
        "dimension_minimums": pool.dimension_minimums,
        "appraisal_grades": pool.appraisal_grades,
        "weights": {
            "exam": pool.weight_exam,
            "dimensions": pool.weight_dimensions,
            "hours": pool.weight_hours,
            "appraisal": pool.weight_appraisal,
            "certificates": pool.weight_certificates,
        },
        "hours_full_marks": pool.hours_full_marks,
    }


@transaction.atomic
def pool_snapshot_take(
    *, pool: TalentPool, label: str, taken_on: dt.date, user, cadres: QuerySet
) -> PoolSnapshot:
    """Freeze the pool's ranked members as of now for a selection round."""
    if not label.strip():
        raise TalentPoolError(_("Name the selection round of this snapshot."))
    result = pool_evaluate(pool=pool, cadres=cadres)
    plain = json.loads(
        json.dumps(
            {
                "criteria": pool_criteria(pool),
                "dimensions": result.dimensions,
                "members": result.members,
                "excluded": result.excluded,
            },
            cls=DjangoJSONEncoder,
        )
    )
    criteria = plain["criteria"] | {
        "dimensions": plain["dimensions"],
        "excluded": plain["excluded"],
    }
    return PoolSnapshot.objects.create(
        pool=pool,
        label=label.strip(),
        taken_on=taken_on,
        criteria=criteria,
        members=plain["members"],
        taken_by=user,
    )
