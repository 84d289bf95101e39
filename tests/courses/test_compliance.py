"""personnel.compliance (owned by the courses work: hours against rules)."""

import datetime as dt
from decimal import Decimal

import pytest

from personnel import api as personnel_api
from personnel.compliance import (
    cadre_standing,
    compliance_by_unit,
    compliance_frames,
    compliance_table,
    hour_requirements_for,
)
from personnel.models import Cadre, HourRequirement, Team
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db
YEAR = 2026


def post(cadre, hours, *, kind="online", year=YEAR, source=None):
    personnel_api.training_record_post(
        cadre_id=cadre.pk,
        kind=kind,
        title="课程",
        hours=Decimal(hours),
        completed_on=dt.date(year, 6, 1),
        source_type="test",
        source_id=source or f"{cadre.pk}-{kind}-{year}-{hours}",
    )


def test_default_rules_by_rank(province):
    clerk = CadreFactory(unit=province["chengguan"], rank="level1_clerk")
    chief = CadreFactory(unit=province["lanzhou"], rank="level2_researcher")
    assert [r.total_hours for r in hour_requirements_for(cadre=clerk)] == [
        Decimal("90")
    ]
    assert [r.period_years for r in hour_requirements_for(cadre=chief)] == [5]


def test_cadre_standing_counts_period_and_online_per_year(province):
    chief = CadreFactory(unit=province["lanzhou"], rank="level2_researcher")
    post(chief, "300", kind="centralized", year=YEAR - 4)
    post(chief, "200", kind="centralized", year=YEAR - 1)
    post(chief, "40", kind="online", year=YEAR)
    post(chief, "99", kind="online", year=YEAR - 5)  # outside the period
    (standing,) = cadre_standing(cadre=chief, year=YEAR)
    assert standing.period_start == dt.date(YEAR - 4, 1, 1)
    assert standing.completed == Decimal("540")
    assert standing.online_completed == Decimal("40")
    assert standing.met is False
    post(chief, "10", kind="online", year=YEAR)
    (standing,) = cadre_standing(cadre=chief, year=YEAR)
    assert (standing.completed, standing.met) == (Decimal("550"), True)


def test_team_rule_applies_only_to_its_team(province):
    rule = HourRequirement.objects.create(
        name="执法队伍岗位练兵", period_years=1, total_hours=Decimal("20")
    )
    rule.teams.set([Team.objects.get(code="enforcement")])
    enforcer = CadreFactory(unit=province["chengguan"], teams=["enforcement"])
    monitor = CadreFactory(unit=province["chengguan"], teams=["monitoring"])
    assert rule in hour_requirements_for(cadre=enforcer)
    assert hour_requirements_for(cadre=enforcer)[0] == rule  # most specific first
    assert rule not in hour_requirements_for(cadre=monitor)


def test_compliance_table_and_units_in_constant_queries(
    province, django_assert_max_num_queries
):
    ok = CadreFactory(unit=province["chengguan"], name="甲")
    behind = CadreFactory(unit=province["chengguan"], name="乙")
    CadreFactory(unit=province["qinzhou"], name="丙")
    post(ok, "60", kind="online")
    post(ok, "30", kind="centralized")
    post(behind, "80", kind="centralized")
    for _ in range(20):
        CadreFactory(unit=province["qinzhou"])
    cadres = Cadre.objects.all()
    with django_assert_max_num_queries(6):
        table = compliance_table(cadres=cadres, year=YEAR)
    rows = table.set_index("name")
    assert list(table.columns) == [
        "cadre_id",
        "name",
        "employee_no",
        "unit_id",
        "unit_name",
        "rank",
        "required_hours",
        "completed_hours",
        "online_hours",
        "online_required",
        "met",
    ]
    assert rows.loc["甲", "completed_hours"] == Decimal("90")
    assert bool(rows.loc["甲", "met"]) is True
    assert bool(rows.loc["乙", "met"]) is False  # 80 < 90 and no online
    assert rows.loc["乙", "online_hours"] == Decimal("0")
    assert rows.loc["丙", "required_hours"] == Decimal("90")
    assert len(table) == 23
    units = compliance_by_unit(cadres=cadres, year=YEAR).set_index("unit_name")
    chengguan = units.loc["兰州市城关分局"]
    assert (chengguan["headcount"], chengguan["behind"]) == (2, 1)
    assert chengguan["completed_hours"] == Decimal("170")
    assert chengguan["rate"] == pytest.approx(170 / 180)
    rolled = compliance_by_unit(cadres=cadres, year=YEAR, depth=2).set_index(
        "unit_name"
    )
    assert rolled.loc["兰州市生态环境局", "headcount"] == 2
    assert rolled.loc["天水市生态环境局", "headcount"] == 21


def test_compliance_frames_match_the_two_functions(province):
    cadre = CadreFactory(unit=province["chengguan"])
    post(cadre, "12.3", kind="online")
    post(cadre, "0.1", kind="centralized")
    cadres = Cadre.objects.all()
    table, units = compliance_frames(cadres=cadres, year=YEAR, depth=2)
    assert table.equals(compliance_table(cadres=cadres, year=YEAR))
    assert units.equals(compliance_by_unit(cadres=cadres, year=YEAR, depth=2))
    assert table.loc[0, "completed_hours"] == Decimal("12.4")  # no float noise
