"""Reads for competency profiles, computed for many cadres at once.

Everything here is set-based: a handful of aggregate queries for any
number of cadres, with pandas doing the arithmetic on the aggregates.
Exam results count in their current revision only (the latest revision of
each attempt), and more recent results weigh more: a result from the
reference year has weight 1, and each year further back halves it.
"""

from dataclasses import dataclass

import pandas as pd
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import (
    Avg,
    Count,
    Exists,
    ExpressionWrapper,
    F,
    FloatField,
    OuterRef,
    QuerySet,
    Sum,
)

from ..models import (
    Cadre,
    CompetencyDimension,
    ExamResultRecord,
    TrainingRecord,
)

# Each year back halves a result's weight (see module docstring).
RECENCY_DECAY = 0.5


def recency_weight(*, years_ago: int) -> float:
    return RECENCY_DECAY ** max(years_ago, 0)


def current_results() -> QuerySet[ExamResultRecord]:
    """Exam results in their latest revision (regrades replace earlier ones)."""
    newer = ExamResultRecord.objects.filter(
        attempt_ref=OuterRef("attempt_ref"), revision__gt=OuterRef("revision")
    )
    return ExamResultRecord.objects.filter(~Exists(newer))


@dataclass(frozen=True)
class DimensionMap:
    dimensions: pd.DataFrame  # id, framework_id, team_id, name_zh, name_en, order
    knowledge_points: list[tuple[str, int]]  # (knowledge point, dimension id)
    categories: list[tuple[str, int]]  # (course category, dimension id)


def dimension_map(*, team_ids=None) -> DimensionMap:
    dims = CompetencyDimension.objects.select_related("framework")
    if team_ids is not None:
        dims = dims.filter(framework__team_id__in=list(team_ids))
    rows, kps, cats = [], [], []
    for dim in dims:
        rows.append(
            {
                "id": dim.pk,
                "framework_id": dim.framework_id,
                "team_id": dim.framework.team_id,
                "name_zh": dim.name_zh,
                "name_en": dim.name_en,
                "order": dim.sort_order,
            }
        )
        kps.extend((point, dim.pk) for point in dim.knowledge_point_list)
        cats.extend((code, dim.pk) for code in dim.course_categories or [])
    columns = ["id", "framework_id", "team_id", "name_zh", "name_en", "order"]
    return DimensionMap(pd.DataFrame(rows, columns=columns), kps, cats)


def _json_pairs_sql() -> tuple[str, str, str]:
    """FROM-clause fragment expanding knowledge_point_scores, the value as a
    number and the exam year, in this database's dialect."""
    if connection.vendor == "postgresql":
        return (
            "CROSS JOIN LATERAL jsonb_each_text(r.knowledge_point_scores)"
            " AS kv(key, value)",
            "CAST(kv.value AS double precision)",
            "CAST(EXTRACT(YEAR FROM r.taken_on) AS integer)",
        )
    return (
        ", json_each(r.knowledge_point_scores) AS kv",
        "CAST(kv.value AS REAL)",
        "CAST(strftime('%%Y', r.taken_on) AS INTEGER)",
    )


def _dimension_year_sums(cadres: QuerySet, mapping: list[tuple[str, int]]):
    """Per cadre, dimension and exam year: sum and count of knowledge-point
    percentages, from current results only (one aggregate query)."""
    columns = ["cadre_id", "dimension_id", "year", "total", "n"]
    if not mapping:
        return pd.DataFrame(columns=columns)
    table = ExamResultRecord._meta.db_table
    expand, value, year = _json_pairs_sql()
    values_sql = ", ".join(["(%s, %s)"] * len(mapping))
    try:
        cadre_sql, cadre_params = cadres.values("pk").query.sql_with_params()
    except EmptyResultSet:  # e.g. filtered by an empty list of ids
        return pd.DataFrame(columns=columns)
    sql = f"""
        WITH kpmap(kp, dim) AS (VALUES {values_sql})
        SELECT r.cadre_id, m.dim, {year}, SUM({value}), COUNT(*)
        FROM {table} r {expand}
        JOIN kpmap m ON m.kp = kv.key
        WHERE r.cadre_id IN ({cadre_sql})
          AND NOT EXISTS (SELECT 1 FROM {table} r2
                          WHERE r2.attempt_ref = r.attempt_ref
                            AND r2.revision > r.revision)
        GROUP BY r.cadre_id, m.dim, {year}
    """  # noqa: S608 - only table names and placeholders are interpolated
    params = [item for pair in mapping for item in pair] + list(cadre_params)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return pd.DataFrame(rows, columns=columns)


def dimension_scores(
    *, cadres: QuerySet, ref_year: int, mapping: DimensionMap | None = None
) -> pd.DataFrame:
    """Recency-weighted score (0-100) per cadre and dimension.

    Returns columns cadre_id, dimension_id, score, results (knowledge-point
    scores counted). Cadres without a mapped exam result have no rows.
    """
    mapping = mapping or dimension_map()
    sums = _dimension_year_sums(cadres, mapping.knowledge_points)
    columns = ["cadre_id", "dimension_id", "score", "results"]
    if sums.empty:
        return pd.DataFrame(columns=columns)
    sums = sums.astype({"year": int, "total": float, "n": int})
    years_ago = (ref_year - sums["year"]).clip(lower=0)
    sums["w"] = RECENCY_DECAY**years_ago
    sums["wt"] = sums["w"] * sums["total"]
    sums["wn"] = sums["w"] * sums["n"]
    grouped = sums.groupby(["cadre_id", "dimension_id"], as_index=False).agg(
        wt=("wt", "sum"), wn=("wn", "sum"), results=("n", "sum")
    )
    grouped["score"] = grouped["wt"] / grouped["wn"]
    return grouped[columns]


def exam_averages(*, cadres: QuerySet) -> pd.DataFrame:
    """Plain average percentage of current exam results per cadre."""
    percent = ExpressionWrapper(
        F("score") * 100.0 / F("max_score"), output_field=FloatField()
    )
    rows = (
        current_results()
        .filter(cadre__in=cadres, max_score__gt=0)
        .values("cadre_id")
        .annotate(avg_score=Avg(percent), exams=Count("id"))
        .order_by()
    )
    frame = pd.DataFrame(list(rows), columns=["cadre_id", "avg_score", "exams"])
    return frame.astype({"avg_score": float})


def hours_in_window(*, cadres: QuerySet, start, end) -> pd.DataFrame:
    rows = (
        TrainingRecord.objects.filter(
            cadre__in=cadres, completed_on__gte=start, completed_on__lte=end
        )
        .values("cadre_id")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    frame = pd.DataFrame(list(rows), columns=["cadre_id", "hours"])
    return frame.astype({"hours": float})


def team_dimension_averages(*, team_id: int, ref_year: int, mapping=None) -> dict:
    """{dimension id: mean score of the team's cadres who have one}."""
    cadres = Cadre.objects.filter(teams__id=team_id, is_active=True)
    scores = dimension_scores(cadres=cadres, ref_year=ref_year, mapping=mapping)
    if scores.empty:
        return {}
    return scores.groupby("dimension_id")["score"].mean().to_dict()
