"""Demo data for competency profiles, talent pools and reports.

Idempotent: frameworks and pools are found by team and name, appraisals by
(cadre, year), archive records by fixed source ids and attempt refs.
The first knowledge point of most dimensions is the one the demo question
banks (assessments.demo_questions) tag their questions with; the others are
plausible names for real banks. HR can change the mapping in the admin.
"""

import datetime as dt
import random
from decimal import Decimal

from . import api
from .choices import TrainingKind
from .models import (
    Appraisal,
    Cadre,
    CompetencyDimension,
    CompetencyFramework,
    TalentPool,
    Team,
)

# team: (framework name, [(中文, English, [knowledge points], [categories])])
FRAMEWORKS = {
    "enforcement": ("生态环境执法能力框架", [
        ("法律法规", "Laws and regulations",
         ["法律法规", "环境保护法", "大气污染防治法", "水污染防治法",
          "固体废物污染环境防治法"],
         ["policy_regulations", "political_theory"]),
        ("现场检查", "On-site inspection",
         ["现场检查", "排污许可检查", "在线监测数据核查"], ["practical_drills"]),
        ("调查取证与案件办理", "Evidence and case handling",
         ["调查取证", "案卷制作", "证据规则"], ["professional_skills"]),
        ("行政处罚程序", "Administrative penalty procedure",
         ["行政处罚", "行政处罚程序", "按日连续处罚", "查封扣押"],
         ["policy_regulations"]),
    ]),
    "supervision": ("生态环境监督能力框架", [
        ("督察政策", "Inspection policy",
         ["中央生态环境保护督察", "督察政策"],
         ["political_theory", "policy_regulations"]),
        ("问题线索核查", "Checking leads",
         ["线索核查", "信访件办理"], ["practical_drills"]),
        ("整改跟踪评估", "Following up rectification",
         ["督察整改", "整改验收", "销号管理"], ["professional_skills"]),
    ]),
    "monitoring": ("生态环境监测能力框架", [
        ("采样规范", "Sampling", ["监测采样", "水质采样", "大气采样", "土壤采样"],
         ["practical_drills"]),
        ("实验室分析", "Laboratory analysis", ["实验室分析", "仪器分析"],
         ["professional_skills"]),
        ("质量控制", "Quality control", ["质量控制", "数据审核"],
         ["professional_skills", "policy_regulations"]),
        ("自动监测运维", "Automatic stations", ["自动监测", "运维比对"],
         ["practical_drills"]),
    ]),
    "eia": ("环境影响评价能力框架", [
        ("环评法规", "EIA law", ["环境影响评价法", "建设项目环评分类管理"],
         ["policy_regulations", "political_theory"]),
        ("报告书审查", "Report review", ["环评审批", "报告书审查", "技术导则"],
         ["professional_skills"]),
        ("三线一单与规划环评", "Zoning control and plan EIA", ["三线一单", "规划环评"],
         ["practical_drills"]),
    ]),
    "emergency": ("环境应急能力框架", [
        ("风险防范", "Risk prevention", ["风险防范", "环境风险评估", "隐患排查"],
         ["professional_skills"]),
        ("应急处置", "Incident response", ["应急响应", "应急监测", "应急处置"],
         ["practical_drills"]),
        ("预案与演练", "Plans and drills", ["应急预案", "应急演练"],
         ["practical_drills"]),
        ("法规制度", "Rules", ["突发环境事件应急管理办法"],
         ["policy_regulations", "political_theory"]),
    ]),
}  # fmt: skip

YEARS = (2023, 2024, 2025)
GRADES = [("excellent", 20), ("competent", 70), ("basically_competent", 8),
          ("incompetent", 2)]  # fmt: skip
POOL_NAME = "执法队伍年轻干部（35岁及以下）"
CATEGORIES = ["political_theory", "policy_regulations", "professional_skills",
              "practical_drills"]  # fmt: skip
KINDS = [TrainingKind.ONLINE, TrainingKind.ONLINE, TrainingKind.CENTRALIZED,
         TrainingKind.ON_THE_JOB]  # fmt: skip


def load_demo(*, stdout) -> None:
    _frameworks()
    grades = _appraisals()
    records, results = _archive()
    _pool()
    stdout.write(
        f"competency: {CompetencyFramework.objects.count()} frameworks, "
        f"{grades} new appraisal grades, {records} training records and "
        f"{results} exam results posted, pool “{POOL_NAME}”"
    )


def _frameworks() -> None:
    for code, (name, dims) in FRAMEWORKS.items():
        team = Team.objects.get(code=code)
        framework, _created = CompetencyFramework.objects.get_or_create(
            team=team, defaults={"name": name}
        )
        for order, (zh, en, points, categories) in enumerate(dims, start=1):
            dimension, created = CompetencyDimension.objects.get_or_create(
                framework=framework,
                name_zh=zh,
                defaults={
                    "name_en": en,
                    "sort_order": order,
                    "knowledge_points": "\n".join(points),
                    "course_categories": categories,
                },
            )
            missing = [p for p in points if p not in dimension.knowledge_point_list]
            if not created and missing:  # keep HR's edits, add the demo's names
                lines = dimension.knowledge_point_list + missing
                dimension.knowledge_points = "\n".join(lines)
                dimension.save(update_fields=["knowledge_points"])


def _weighted(rng, pairs):
    return rng.choices([v for v, _w in pairs], weights=[w for _v, w in pairs])[0]


def _appraisals() -> int:
    have = set(Appraisal.objects.values_list("cadre_id", "year"))
    new = []
    for cadre_id, employee_no in Cadre.objects.values_list("pk", "employee_no"):
        rng = random.Random(f"appraisal-{employee_no}")  # noqa: S311 - demo data
        for year in YEARS:
            grade = _weighted(rng, GRADES)
            if (cadre_id, year) not in have:
                new.append(Appraisal(cadre_id=cadre_id, year=year, grade=grade))
    Appraisal.objects.bulk_create(new)
    return len(new)


def _team_points(cadre) -> list[str]:
    points = []
    for team in cadre.teams.all():
        for _zh, _en, kps, _cats in FRAMEWORKS.get(team.code, ("", []))[1]:
            points.extend(kps)
    return points or ["环境保护法"]


def _archive() -> tuple[int, int]:
    """A few years of history per cadre, posted through personnel.api."""
    records = results = 0
    for cadre in Cadre.objects.prefetch_related("teams"):
        rng = random.Random(f"archive-{cadre.employee_no}")  # noqa: S311
        skill = rng.uniform(55, 92)
        for index in range(rng.randint(5, 9)):
            _record, created = api.training_record_post(
                cadre_id=cadre.pk,
                kind=rng.choice(KINDS),
                title=f"历史培训 {index + 1}",
                hours=Decimal(rng.choice([4, 8, 12, 16, 24, 32])),
                completed_on=dt.date(
                    rng.choice([2023, 2024, 2025, 2026]),
                    rng.randint(1, 10),
                    rng.randint(1, 28),
                ),
                source_type="demo",
                source_id=f"hist-{index}",
                category=rng.choice(CATEGORIES),
            )
            records += created
        points = _team_points(cadre)
        for index in range(rng.randint(2, 5)):
            asked = rng.sample(points, k=min(3, len(points)))
            scores = {p: round(min(100, max(20, rng.gauss(skill, 12)))) for p in asked}
            score = Decimal(round(sum(scores.values()) / len(scores)))
            before = api.ExamResultRecord.objects.filter(
                attempt_ref=f"demo-{cadre.employee_no}-{index}"
            ).exists()
            api.exam_result_post(
                cadre_id=cadre.pk,
                exam_ref=f"demo-exam-{index}",
                exam_title=f"年度业务知识考试（第{index + 1}次）",
                attempt_ref=f"demo-{cadre.employee_no}-{index}",
                score=score,
                max_score=Decimal(100),
                passed=score >= 60,
                taken_on=dt.date(2022 + index, rng.randint(3, 11), rng.randint(1, 28)),
                knowledge_point_scores=scores,
            )
            results += not before
    return records, results


def _pool() -> None:
    pool, created = TalentPool.objects.get_or_create(
        name=POOL_NAME,
        defaults={
            "description": "执法队伍35岁及以下年轻干部，用于后备干部遴选。",
            "max_age": 35,
            "hours_years": 3,
        },
    )
    if created:
        pool.teams.set(Team.objects.filter(code="enforcement"))
