"""One cadre's competency profile (能力画像), built from their archive."""

from dataclasses import dataclass, field

from django.db.models import Sum
from django.db.models.functions import ExtractYear
from django.utils import timezone

from ..choices import TrainingKind
from ..models import Cadre, CompetencyFramework, TrainingRecord
from . import selectors


@dataclass
class DimensionRow:
    id: int
    name: str
    score: float | None
    team_average: float | None
    results: int


@dataclass
class FrameworkProfile:
    team_name: str
    name: str
    dimensions: list[DimensionRow]

    @property
    def chart(self) -> dict:
        return {
            "title": self.name,
            "dimensions": [d.name for d in self.dimensions],
            "cadre": [_round(d.score) for d in self.dimensions],
            "team": [_round(d.team_average) for d in self.dimensions],
        }


@dataclass
class Profile:
    cadre: Cadre
    ref_year: int
    frameworks: list[FrameworkProfile]
    hours_years: list[int]
    hours_kinds: list[tuple[str, str]]
    hours_table: list[dict]  # {"year", "cells": [hours per kind], "total"}
    hours_by_dimension: list[tuple[str, float]]
    exams: list[dict]
    exam_average: float | None
    certificates: list
    appraisals: list
    notes: list = field(default_factory=list)

    @property
    def chart_data(self) -> dict:
        return {
            "frameworks": [f.chart for f in self.frameworks],
            "hours": {
                "years": self.hours_years,
                "series": [
                    {
                        "name": label,
                        "data": [row["cells"][i] for row in self.hours_table],
                    }
                    for i, (_code, label) in enumerate(self.hours_kinds)
                ],
            },
        }


def _round(value):
    return None if value is None else round(float(value), 1)


def _frameworks(cadre, ref_year) -> list[FrameworkProfile]:
    teams = list(cadre.teams.all())
    frameworks = CompetencyFramework.objects.filter(team__in=teams).prefetch_related(
        "dimensions"
    )
    mapping = selectors.dimension_map(team_ids=[t.pk for t in teams])
    own = selectors.dimension_scores(
        cadres=Cadre.objects.filter(pk=cadre.pk), ref_year=ref_year, mapping=mapping
    )
    own = {row.dimension_id: (row.score, row.results) for row in own.itertuples()}
    result = []
    for framework in frameworks:
        averages = selectors.team_dimension_averages(
            team_id=framework.team_id, ref_year=ref_year, mapping=mapping
        )
        rows = [
            DimensionRow(
                id=dim.pk,
                name=dim.name,
                score=_round(own.get(dim.pk, (None, 0))[0]),
                team_average=_round(averages.get(dim.pk)),
                results=int(own.get(dim.pk, (None, 0))[1]),
            )
            for dim in framework.dimensions.all()
        ]
        result.append(FrameworkProfile(framework.team.name, framework.name, rows))
    return result


def _hours(cadre):
    rows = (
        TrainingRecord.objects.filter(cadre=cadre)
        .annotate(year=ExtractYear("completed_on"))
        .values("year", "kind")
        .annotate(hours=Sum("hours"))
        .order_by("year")
    )
    by_key = {(r["year"], r["kind"]): float(r["hours"]) for r in rows}
    years = sorted({year for year, _kind in by_key})
    kinds = [(c, str(label)) for c, label in TrainingKind.choices]
    table = []
    for year in years:
        cells = [by_key.get((year, code), 0.0) for code, _label in kinds]
        table.append({"year": year, "cells": cells, "total": sum(cells)})
    return years, kinds, table


def _hours_by_dimension(cadre, frameworks) -> list[tuple[str, float]]:
    by_category = dict(
        TrainingRecord.objects.filter(cadre=cadre)
        .values_list("category")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    result = []
    for framework in frameworks:
        for dim in framework.dimensions.all():
            hours = sum(float(by_category.get(c, 0)) for c in dim.course_categories)
            result.append((dim.name, hours))
    return result


def _exams(cadre, ref_year):
    results = selectors.current_results().filter(cadre=cadre).order_by("-taken_on")
    exams = [
        {
            "title": r.exam_title,
            "taken_on": r.taken_on,
            "score": r.score,
            "max_score": r.max_score,
            "percent": round(r.percentage, 1),
            "passed": r.passed,
            "weight": selectors.recency_weight(years_ago=ref_year - r.taken_on.year),
        }
        for r in results
    ]
    average = None
    if exams:
        average = round(sum(e["percent"] for e in exams) / len(exams), 1)
    return exams, average


def cadre_profile(*, cadre: Cadre, include_notes: bool, ref_year=None) -> Profile:
    """Everything the profile page and its PDF show, for one cadre.

    ``include_notes`` is for HR only: a cadre never sees HR's notes.
    """
    ref_year = ref_year or timezone.localdate().year
    frameworks = _frameworks(cadre, ref_year)
    years, kinds, table = _hours(cadre)
    exams, average = _exams(cadre, ref_year)
    framework_objs = CompetencyFramework.objects.filter(
        team__in=cadre.teams.all()
    ).prefetch_related("dimensions")
    return Profile(
        cadre=cadre,
        ref_year=ref_year,
        frameworks=frameworks,
        hours_years=years,
        hours_kinds=kinds,
        hours_table=table,
        hours_by_dimension=_hours_by_dimension(cadre, framework_objs),
        exams=exams,
        exam_average=average,
        certificates=list(cadre.certificates.order_by("-issued_on")),
        appraisals=list(cadre.appraisals.order_by("-year")),
        notes=list(cadre.hr_notes.select_related("author")) if include_notes else [],
    )
