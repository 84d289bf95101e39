"""Competency profiles against figures computed by hand.

The fixture (reference year 2026, each year back halves a result's weight):

cadre X (enforcement), current results:
  2026 a1: 法律适用 80, 现场检查 60                score 70/100
  2025 a2: rev 1 法律适用 60, 法规 40 (replaced)   score 50/100
           rev 2 法律适用 100, 法规 40              score 70/100
  2024 a3: 现场检查 100, 未映射 10                  score 90/100
  => laws   (80·1 + (100+40)·0.5) / (1 + 2·0.5) = 75.0
     on-site (60·1 + 100·0.25) / (1 + 0.25)     = 68.0
     exam average (70 + 70 + 90) / 3            = 76.7
cadre Y (enforcement): 2026 法律适用 50 => laws 50.0
  team averages: laws (75 + 50) / 2 = 62.5, on-site 68.0
hours of X: 2025 online 10 (policy_regulations), 2026 online 5
  (political_theory), 2026 centralized 20 (practical_drills)
  => per dimension: laws 10, on-site 20
"""

import datetime as dt
import io
from decimal import Decimal

import pytest
from openpyxl import Workbook

from personnel.api import exam_result_post, training_record_post
from personnel.competency import selectors
from personnel.competency.errors import AppraisalImportError
from personnel.competency.profile import cadre_profile
from personnel.competency.services import appraisal_import
from personnel.models import (
    Appraisal,
    Cadre,
    CompetencyDimension,
    CompetencyFramework,
    Team,
)
from tests.personnel.factories import CadreFactory


def make_framework(team_code="enforcement"):
    framework = CompetencyFramework.objects.create(
        team=Team.objects.get(code=team_code), name="执法能力框架"
    )
    laws = CompetencyDimension.objects.create(
        framework=framework,
        sort_order=1,
        name_zh="法律法规",
        name_en="Laws and regulations",
        knowledge_points="法律适用\n法规\n",
        course_categories=["policy_regulations"],
    )
    onsite = CompetencyDimension.objects.create(
        framework=framework,
        sort_order=2,
        name_zh="现场检查",
        name_en="On-site inspection",
        knowledge_points="现场检查",
        course_categories=["practical_drills"],
    )
    return framework, laws, onsite


def post_result(cadre, attempt, day, score, kps, revision_of=None):
    return exam_result_post(
        cadre_id=cadre.pk,
        exam_ref="exam-1",
        exam_title=f"执法考试 {attempt}",
        attempt_ref=attempt,
        score=Decimal(score),
        max_score=Decimal(100),
        passed=score >= 60,
        taken_on=day,
        knowledge_point_scores=kps,
    )


def post_hours(cadre, source, day, hours, kind, category):
    training_record_post(
        cadre_id=cadre.pk,
        kind=kind,
        title=f"课程 {source}",
        hours=Decimal(hours),
        completed_on=day,
        source_type="course",
        source_id=source,
        category=category,
    )


def build_archive(province):
    """Cadres X and Y with the archive described in the module docstring."""
    x = CadreFactory(
        unit=province["chengguan"], name="甲干部", birth=dt.date(1993, 3, 1)
    )
    y = CadreFactory(unit=province["qinzhou"], name="乙干部", birth=dt.date(1980, 1, 1))
    post_result(x, "a1", dt.date(2026, 3, 1), 70, {"法律适用": 80, "现场检查": 60})
    post_result(x, "a2", dt.date(2025, 5, 1), 50, {"法律适用": 60, "法规": 40})
    post_result(x, "a2", dt.date(2025, 5, 1), 70, {"法律适用": 100, "法规": 40})
    post_result(x, "a3", dt.date(2024, 6, 1), 90, {"现场检查": 100, "未映射": 10})
    post_result(y, "b1", dt.date(2026, 2, 1), 50, {"法律适用": 50})
    post_hours(x, "c1", dt.date(2025, 4, 1), 10, "online", "policy_regulations")
    post_hours(x, "c2", dt.date(2026, 4, 1), 5, "online", "political_theory")
    post_hours(x, "c3", dt.date(2026, 5, 1), 20, "centralized", "practical_drills")
    return x, y


@pytest.fixture
def archive(province):
    framework, laws, onsite = make_framework()
    x, y = build_archive(province)
    return {"x": x, "y": y, "laws": laws, "onsite": onsite, "framework": framework}


def test_dimension_scores_weigh_recent_results_more(archive):
    scores = selectors.dimension_scores(
        cadres=Cadre.objects.all(), ref_year=2026
    ).set_index(["cadre_id", "dimension_id"])["score"]
    x, y = archive["x"].pk, archive["y"].pk
    assert scores[(x, archive["laws"].pk)] == pytest.approx(75.0)
    assert scores[(x, archive["onsite"].pk)] == pytest.approx(68.0)
    assert scores[(y, archive["laws"].pk)] == pytest.approx(50.0)
    assert (y, archive["onsite"].pk) not in scores.index


def test_exam_average_uses_current_revision(archive):
    averages = selectors.exam_averages(cadres=Cadre.objects.all()).set_index("cadre_id")
    assert averages.loc[archive["x"].pk, "avg_score"] == pytest.approx(230 / 3)
    assert averages.loc[archive["x"].pk, "exams"] == 3


def test_profile_figures(archive, django_assert_max_num_queries):
    x = archive["x"]
    Appraisal.objects.create(cadre=x, year=2025, grade="excellent")
    with django_assert_max_num_queries(20):
        profile = cadre_profile(cadre=x, include_notes=False, ref_year=2026)
    (framework,) = profile.frameworks
    laws, onsite = framework.dimensions
    assert (laws.name, laws.score, laws.team_average) == (
        "Laws and regulations",
        75.0,
        62.5,
    )
    assert (onsite.score, onsite.team_average, onsite.results) == (68.0, 68.0, 2)
    assert profile.exam_average == 76.7
    assert [e["weight"] for e in profile.exams] == [1.0, 0.5, 0.25]
    assert profile.hours_years == [2025, 2026]
    kinds = [code for code, _label in profile.hours_kinds]
    row_2026 = dict(zip(kinds, profile.hours_table[1]["cells"], strict=True))
    assert row_2026["online"] == 5 and row_2026["centralized"] == 20
    assert profile.hours_table[1]["total"] == 25
    assert profile.hours_by_dimension == [
        ("Laws and regulations", 10.0),
        ("On-site inspection", 20.0),
    ]
    assert [a.get_grade_display() for a in profile.appraisals] == ["Excellent"]
    assert profile.notes == []


def xlsx(rows):
    book = Workbook()
    for row in rows:
        book.active.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def test_appraisal_import_all_or_nothing(archive, hr):
    x, y = archive["x"], archive["y"]
    good = xlsx(
        [
            ["工号", "年度", "考核等次"],
            [x.employee_no, 2024, "优秀"],
            [y.employee_no, "2025年", "基本称职"],
        ]
    )
    assert appraisal_import(data=good, user=hr.user, cadres=Cadre.objects.all()) == 2
    assert Appraisal.objects.get(cadre=y, year=2025).grade == "basically_competent"

    bad = xlsx(
        [
            ["工号", "年度", "考核等次"],
            [x.employee_no, 2023, "称职"],
            ["NOPE", 2023, "优秀"],
            [y.employee_no, "x", "良好"],
        ]
    )
    with pytest.raises(AppraisalImportError) as raised:
        appraisal_import(data=bad, user=hr.user, cadres=Cadre.objects.all())
    found = [(e.row, e.column) for e in raised.value.errors]
    assert found == [(3, "工号"), (4, "年度"), (4, "考核等次")]
    assert not Appraisal.objects.filter(year=2023).exists()


def test_appraisal_import_rejects_cadres_outside_scope(archive, hr):
    x = archive["x"]
    data = xlsx([["工号", "年度", "考核等次"], [x.employee_no, 2024, "优秀"]])
    with pytest.raises(AppraisalImportError) as raised:
        appraisal_import(data=data, user=hr.user, cadres=Cadre.objects.none())
    assert raised.value.errors[0].column == "工号"


def test_appraisal_import_rejects_non_xlsx(hr):
    with pytest.raises(AppraisalImportError, match="1 problem"):
        appraisal_import(
            data=b"not a workbook", user=hr.user, cadres=Cadre.objects.all()
        )
