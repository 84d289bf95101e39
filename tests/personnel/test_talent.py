"""Talent pools against figures computed by hand (see test_competency's
fixture). On 2026-06-01, pool "young enforcement cadres" (≤ 35, hours over
the last 3 years = 2024-01-01 onwards, weights exam 30 / dimensions 30 /
hours 20 / appraisal 20, 150 h for full marks):

X (33): exam 76.67, dimensions (75 + 68) / 2 = 71.5, hours 35 -> 23.33,
        appraisal (100 + 80) / 2 = 90
        composite (76.67·30 + 71.5·30 + 23.33·20 + 90·20) / 100 = 67.1
Z (31): nothing in the archive -> 0.0
Y (46): too old.
"""

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from personnel.models import Appraisal, Cadre, PoolSnapshot, TalentPool, Team, Unit
from personnel.talent.selectors import birth_cutoff, pool_evaluate
from personnel.talent.services import (
    TalentPoolError,
    pool_override_set,
    pool_snapshot_take,
)
from tests.personnel.factories import CadreFactory
from tests.personnel.test_competency import build_archive, make_framework

TODAY = dt.date(2026, 6, 1)


@pytest.fixture
def pool_world(province):
    make_framework()
    x, y = build_archive(province)
    z = CadreFactory(unit=province["lanzhou"], name="丙干部", birth=dt.date(1995, 1, 1))
    Appraisal.objects.create(cadre=x, year=2025, grade="excellent")
    Appraisal.objects.create(cadre=x, year=2024, grade="competent")
    pool = TalentPool.objects.create(name="执法年轻干部", max_age=35)
    pool.teams.set([Team.objects.get(code="enforcement")])
    return {"x": x, "y": y, "z": z, "pool": pool}


def evaluate(pool):
    return pool_evaluate(pool=pool, cadres=Cadre.objects.all(), today=TODAY)


def test_birth_cutoff_is_inclusive_of_the_max_age():
    assert birth_cutoff(today=TODAY, max_age=35) == dt.date(1990, 6, 1)
    assert birth_cutoff(today=dt.date(2024, 2, 29), max_age=30) == dt.date(1993, 2, 28)


def test_ranked_members_and_breakdown(pool_world, django_assert_max_num_queries):
    with django_assert_max_num_queries(15):
        result = evaluate(pool_world["pool"])
    names = [(m["rank"], m["name"], m["composite"]) for m in result.members]
    assert names == [(1, "甲干部", 67.1), (2, "丙干部", 0.0)]
    x = result.members[0]
    assert (x["age"], x["hours"], x["avg_score"]) == (33, 35.0, 76.7)
    assert x["dimensions"] == [75.0, 68.0]
    parts = {p["key"]: (p["value"], p["weight"], p["points"]) for p in x["breakdown"]}
    assert parts == {
        "exam": (76.7, 30, 23.0),
        "dimensions": (71.5, 30, 21.4),
        "hours": (23.3, 20, 4.7),
        "appraisal": (90.0, 20, 18.0),
    }
    assert "age 33 ≤ 35" in x["reasons"]


def test_minimums_pins_and_exclusions(pool_world, hr):
    pool = pool_world["pool"]
    pool.min_exam_score = 60
    pool.dimension_minimums = {str(_laws_id()): 70}
    pool.appraisal_grades = ["excellent"]
    pool.save()
    assert [m["name"] for m in evaluate(pool).members] == ["甲干部"]

    pool_override_set(
        pool=pool, cadre=pool_world["z"], action="pin", reason="重点培养", user=hr.user
    )
    pool_override_set(
        pool=pool,
        cadre=pool_world["x"],
        action="exclude",
        reason="已提拔",
        user=hr.user,
    )
    result = evaluate(pool)
    assert [(m["name"], m["pinned"]) for m in result.members] == [
        ("丙干部", "重点培养")
    ]
    assert result.excluded == [
        {
            "name": "甲干部",
            "employee_no": pool_world["x"].employee_no,
            "reason": "已提拔",
        }
    ]
    with pytest.raises(TalentPoolError):
        pool_override_set(
            pool=pool, cadre=pool_world["y"], action="pin", reason=" ", user=hr.user
        )


def _laws_id():
    from personnel.models import CompetencyDimension

    return CompetencyDimension.objects.get(name_zh="法律法规").pk


def test_unit_scope_limits_members(pool_world, province):
    # Re-read the unit: with node_order_by, adding siblings moves paths in the
    # database and leaves the fixture's in-memory units stale.
    tianshui = Unit.objects.get(code="GS-TS")
    result = pool_evaluate(
        pool=pool_world["pool"],
        cadres=Cadre.objects.filter(unit__path__startswith=tianshui.path),
        today=TODAY,
    )
    assert result.members == []


def test_snapshot_never_changes(pool_world, hr):
    pool = pool_world["pool"]
    snapshot = pool_snapshot_take(
        pool=pool,
        label="2026 年第一批",
        taken_on=TODAY,
        user=hr.user,
        cadres=Cadre.objects.all(),
    )
    pool.max_age = 20
    pool.save()
    Appraisal.objects.filter(cadre=pool_world["x"]).delete()
    snapshot = PoolSnapshot.objects.get(pk=snapshot.pk)
    assert [m["name"] for m in snapshot.members] == ["甲干部", "丙干部"]
    assert snapshot.criteria["max_age"] == 35
    snapshot.label = "changed"
    with pytest.raises(ValidationError):
        snapshot.save()
    with pytest.raises(ValidationError):
        snapshot.delete()


# --- QA: pinned reasons, normalised weights -------------------------------------


def test_a_pinned_member_is_not_given_criteria_they_fail(pool_world, hr):
    pool = pool_world["pool"]
    pool_override_set(
        pool=pool, cadre=pool_world["y"], action="pin", reason="经验丰富", user=hr.user
    )
    members = {m["name"]: m for m in evaluate(pool).members}
    y = members["乙干部"]  # 46, over the pool's 35
    assert not any("46" in reason for reason in y["reasons"])
    assert y["reasons"] == ["pinned: 经验丰富"]
    assert "age 33 ≤ 35" in members["甲干部"]["reasons"]


def test_breakdown_shows_the_normalised_weight(pool_world):
    pool = pool_world["pool"]
    pool.weight_certificates = 10  # 30/30/20/20/10: 110 in all
    pool.save()
    x = evaluate(pool).members[0]
    exam = next(p for p in x["breakdown"] if p["key"] == "exam")
    assert exam["percent"] == 27.3
    assert exam["points"] == round(exam["value"] * 30 / 110, 1)


def test_xlsx_breakdown_has_percent_and_points(pool_world):
    from personnel.reports.exports import pool_rows

    pool = pool_world["pool"]
    pool.weight_certificates = 10
    pool.save()
    result = evaluate(pool)
    (row, *_rest) = pool_rows(result.members, result.dimensions)
    assert "76.7×27.3%=20.9" in row["explain"]
