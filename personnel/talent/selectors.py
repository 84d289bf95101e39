"""Evaluate a talent pool: who meets its criteria, ranked, and why.

A fixed number of aggregate queries whatever the number of cadres; pandas
joins the aggregates, applies the minimums and computes the composite
score. Nothing here runs a query per person.
"""

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from ..choices import EDUCATION_ORDER, Education, Rank
from ..competency import selectors as competency
from ..models import Appraisal, AppraisalGrade, Cadre, Certificate, TalentPool
from ..models.competency import APPRAISAL_POINTS

# Each valid certificate earns this many points, up to 100.
CERTIFICATE_POINTS = 25

COMPONENTS = [
    # (key, weight field, label)
    ("exam", "weight_exam", gettext_lazy("Average exam score")),
    ("dimensions", "weight_dimensions", gettext_lazy("Competency dimensions")),
    ("hours", "weight_hours", gettext_lazy("Training hours")),
    ("appraisal", "weight_appraisal", gettext_lazy("Appraisal")),
    ("certificates", "weight_certificates", gettext_lazy("Certificates")),
]


@dataclass
class PoolResult:
    pool: TalentPool
    today: dt.date
    window_start: dt.date
    dimensions: list[dict]  # {"id", "name"} of the pool's dimensions
    members: list[dict] = field(default_factory=list)
    excluded: list[dict] = field(default_factory=list)


def birth_cutoff(*, today: dt.date, max_age: int) -> dt.date:
    """Cadres born after this day are at most ``max_age`` years old."""
    year = today.year - max_age - 1
    try:
        return today.replace(year=year)
    except ValueError:  # 29 February
        return dt.date(year, 2, 28)


def window_start(*, pool: TalentPool, today: dt.date) -> dt.date:
    """The last N years are this calendar year and the N-1 before it."""
    return dt.date(today.year - pool.hours_years + 1, 1, 1)


def pool_candidates(*, pool: TalentPool, cadres: QuerySet, today: dt.date):
    """Cadres meeting the pool's profile criteria (teams, unit, age,
    education, rank); the archive criteria are applied afterwards."""
    found = cadres.filter(is_active=True)
    team_ids = [team.pk for team in pool.teams.all()]
    if team_ids:
        members = Cadre.teams.through.objects.filter(team_id__in=team_ids)
        found = found.filter(pk__in=members.values("cadre_id"))
    if pool.unit_id:
        found = found.filter(unit__path__startswith=pool.unit.path)
    if pool.max_age is not None:
        found = found.filter(
            birth_date__gt=birth_cutoff(today=today, max_age=pool.max_age)
        )
    if pool.min_education:
        floor = EDUCATION_ORDER[pool.min_education]
        found = found.filter(
            education__in=[c for c, i in EDUCATION_ORDER.items() if i >= floor]
        )
    if pool.ranks:
        found = found.filter(rank__in=pool.ranks)
    return found


def _pool_dimensions(pool: TalentPool):
    team_ids = [team.pk for team in pool.teams.all()] or None
    mapping = competency.dimension_map(team_ids=team_ids)
    dims = mapping.dimensions.sort_values(["framework_id", "order", "id"])
    return mapping, dims


def _base_frame(people: QuerySet) -> pd.DataFrame:
    rows = people.values(
        "id", "name", "employee_no", "birth_date", "education", "rank", "unit__name"
    )
    columns = [
        "id",
        "name",
        "employee_no",
        "birth_date",
        "education",
        "rank",
        "unit__name",
    ]
    frame = pd.DataFrame(list(rows), columns=columns)
    return frame.rename(columns={"id": "cadre_id", "unit__name": "unit"})


def _appraisals(people: QuerySet, since_year: int) -> pd.DataFrame:
    rows = Appraisal.objects.filter(cadre__in=people, year__gte=since_year).values(
        "cadre_id", "year", "grade"
    )
    frame = pd.DataFrame(list(rows), columns=["cadre_id", "year", "grade"])
    if frame.empty:
        return pd.DataFrame(columns=["cadre_id", "appraisal", "latest_grade"])
    frame["points"] = frame["grade"].map(APPRAISAL_POINTS).astype(float)
    frame = frame.sort_values("year")
    return frame.groupby("cadre_id", as_index=False).agg(
        appraisal=("points", "mean"), latest_grade=("grade", "last")
    )


def _certificates(people: QuerySet, since: dt.date) -> pd.DataFrame:
    rows = (
        Certificate.objects.filter(
            cadre__in=people, status="valid", issued_on__gte=since
        )
        .values("cadre_id")
        .annotate(certificates=Count("id"))
        .order_by()
    )
    return pd.DataFrame(list(rows), columns=["cadre_id", "certificates"])


def _archive_frame(pool, people, today, mapping, dims) -> pd.DataFrame:
    start = window_start(pool=pool, today=today)
    frame = _base_frame(people)
    frame = frame.merge(
        competency.hours_in_window(cadres=people, start=start, end=today),
        on="cadre_id",
        how="left",
    )
    frame = frame.merge(
        competency.exam_averages(cadres=people), on="cadre_id", how="left"
    )
    frame = frame.merge(_appraisals(people, start.year - 1), on="cadre_id", how="left")
    frame = frame.merge(_certificates(people, start), on="cadre_id", how="left")
    scores = competency.dimension_scores(
        cadres=people, ref_year=today.year, mapping=mapping
    )
    scores = scores[scores["dimension_id"].isin(dims["id"])]
    wide = scores.pivot_table(
        index="cadre_id", columns="dimension_id", values="score", aggfunc="first"
    )
    wide.columns = [f"dim_{c}" for c in wide.columns]
    frame = frame.merge(wide, left_on="cadre_id", right_index=True, how="left")
    for dim_id in dims["id"]:
        if f"dim_{dim_id}" not in frame:
            frame[f"dim_{dim_id}"] = float("nan")
    frame[["hours", "certificates"]] = frame[["hours", "certificates"]].fillna(0)
    return frame.astype({"hours": float, "certificates": int})


def _criteria_mask(pool: TalentPool, frame: pd.DataFrame, candidate_ids) -> pd.Series:
    mask = frame["cadre_id"].isin(candidate_ids)
    if pool.min_hours is not None:
        mask &= frame["hours"] >= float(pool.min_hours)
    if pool.min_exam_score is not None:
        mask &= frame["avg_score"].fillna(-1) >= float(pool.min_exam_score)
    for dim_id, minimum in (pool.dimension_minimums or {}).items():
        column = f"dim_{dim_id}"
        if column in frame and minimum not in (None, ""):
            mask &= frame[column].fillna(-1) >= float(minimum)
    if pool.appraisal_grades:
        mask &= frame["latest_grade"].isin(pool.appraisal_grades)
    return mask


def _components(pool: TalentPool, frame: pd.DataFrame, dim_columns) -> pd.DataFrame:
    parts = pd.DataFrame(index=frame.index)
    parts["exam"] = frame["avg_score"].fillna(0.0).astype(float)
    if dim_columns:
        parts["dimensions"] = frame[dim_columns].mean(axis=1, skipna=True).fillna(0.0)
    else:
        parts["dimensions"] = 0.0
    full = float(pool.hours_full_marks) or 1.0
    parts["hours"] = (frame["hours"] / full * 100).clip(upper=100)
    parts["appraisal"] = frame["appraisal"].fillna(0.0).astype(float)
    parts["certificates"] = (frame["certificates"] * CERTIFICATE_POINTS).clip(upper=100)
    total_weight = sum(getattr(pool, weight) for _k, weight, _l in COMPONENTS)
    parts["composite"] = 0.0
    for key, weight, _label in COMPONENTS:
        if total_weight:
            parts["composite"] += parts[key] * getattr(pool, weight) / total_weight
    return parts


def _dimension_label(row) -> str:
    return row.name_zh if (get_language() or "zh").startswith("zh") else row.name_en


def _reasons(pool: TalentPool, row, names: dict, today) -> list[str]:
    """Why this person is in: each criterion with their own figure."""
    reasons = []
    if pool.max_age is not None:
        age = _age(row.birth_date, today)
        reasons.append(_("age %(age)s ≤ %(max)s") % {"age": age, "max": pool.max_age})
    if pool.min_education:
        reasons.append(LABELS["education"][row.education])
    if pool.min_hours is not None:
        reasons.append(
            _("%(hours)s h in %(years)s years ≥ %(min)s")
            % {
                "hours": _fmt(row.hours),
                "years": pool.hours_years,
                "min": pool.min_hours,
            }
        )
    if pool.min_exam_score is not None:
        reasons.append(
            _("exam average %(avg)s ≥ %(min)s")
            % {"avg": _fmt(row.avg_score), "min": pool.min_exam_score}
        )
    for dim_id, minimum in (pool.dimension_minimums or {}).items():
        value = getattr(row, f"dim_{dim_id}", None)
        if int(dim_id) in names and minimum not in (None, ""):
            reasons.append(f"{names[int(dim_id)]} {_fmt(value)} ≥ {minimum}")
    if pool.appraisal_grades and isinstance(row.latest_grade, str):
        reasons.append(
            _("latest appraisal: %(grade)s")
            % {"grade": LABELS["grade"][row.latest_grade]}
        )
    return reasons


class _Labels:
    """Choice labels in the active language, looked up once per evaluation
    rather than once per person (a pool may rank thousands)."""

    def __getitem__(self, kind: str) -> dict:
        language = get_language()
        cache = self.__dict__.setdefault(language, {})
        if not cache:
            cache["education"] = {c: str(label) for c, label in Education.choices}
            cache["rank"] = {c: str(label) for c, label in Rank.choices}
            cache["grade"] = {c: str(label) for c, label in AppraisalGrade.choices}
            cache["component"] = {k: str(label) for k, _w, label in COMPONENTS}
        return cache[kind]


LABELS = _Labels()


def _age(birth_date, today) -> int:
    before = (today.month, today.day) < (birth_date.month, birth_date.day)
    return today.year - birth_date.year - before


def _fmt(value):
    if value is None or pd.isna(value):
        return None
    return round(float(value), 1)


def _breakdown(pool: TalentPool, parts_row) -> list[dict]:
    total_weight = sum(getattr(pool, weight) for _k, weight, _l in COMPONENTS)
    rows = []
    for key, weight_field, _label in COMPONENTS:
        weight = getattr(pool, weight_field)
        if not weight:
            continue
        value = float(parts_row[key])
        rows.append(
            {
                "key": key,
                "label": LABELS["component"][key],
                "value": round(value, 1),
                "weight": weight,
                # The share the points are computed with: weights need not
                # add up to 100, so 30 of 110 counts as 27.3 %.
                "percent": round(weight * 100 / total_weight, 1),
                "points": round(value * weight / total_weight, 1)
                if total_weight
                else 0,
            }
        )
    return rows


def _member_row(pool, row, parts_row, dims, names, today, override) -> dict:
    return {
        "cadre_id": int(row.cadre_id),
        "name": row.name,
        "employee_no": row.employee_no,
        "unit": row.unit,
        "age": _age(row.birth_date, today),
        "education": LABELS["education"].get(row.education, row.education),
        "rank_label": LABELS["rank"].get(row.rank, row.rank),
        "hours": _fmt(row.hours),
        "avg_score": _fmt(row.avg_score),
        "dimensions": [_fmt(getattr(row, column)) for column in dims],
        "appraisal": LABELS["grade"].get(row.latest_grade),
        "certificates": int(row.certificates),
        "composite": round(float(parts_row["composite"]), 1),
        "breakdown": _breakdown(pool, parts_row),
        "reasons": _reasons(pool, row, names, today)
        if row.meets
        else [_("pinned: %(reason)s") % {"reason": override.reason}],
        "pinned": override.reason if override else None,
    }


def pool_evaluate(*, pool: TalentPool, cadres: QuerySet, today=None) -> PoolResult:
    """Rank the pool's members among ``cadres`` (the viewer's scope).

    Members meet every criterion, or were pinned by HR; excluded people
    are left out whatever their figures. Ranked by composite score.
    """
    today = today or timezone.localdate()
    overrides = {o.cadre_id: o for o in pool.overrides.select_related("cadre")}
    pinned = [i for i, o in overrides.items() if o.action == "pin"]
    candidates = pool_candidates(pool=pool, cadres=cadres, today=today)
    candidate_ids = set(candidates.values_list("pk", flat=True))
    pinned_ids = set(cadres.filter(pk__in=pinned).values_list("pk", flat=True))
    # A list of ids rather than a subquery: the aggregates below then use
    # the (cadre, date) indexes instead of scanning the whole archive.
    people = Cadre.objects.filter(pk__in=sorted(candidate_ids | pinned_ids))
    mapping, dims = _pool_dimensions(pool)
    result = PoolResult(
        pool,
        today,
        window_start(pool=pool, today=today),
        [{"id": int(d.id), "name": _dimension_label(d)} for d in dims.itertuples()],
    )
    frame = _archive_frame(pool, people, today, mapping, dims)
    if frame.empty:
        return result
    meets = _criteria_mask(pool, frame, candidate_ids)
    keep = (meets | frame["cadre_id"].isin(pinned)) & ~frame["cadre_id"].isin(
        [i for i, o in overrides.items() if o.action == "exclude"]
    )
    frame = frame.assign(meets=meets)[keep].reset_index(drop=True)
    columns = [f"dim_{d}" for d in dims["id"]]
    parts = _components(pool, frame, columns)
    order = (
        parts.assign(no=frame["employee_no"])
        .sort_values(["composite", "no"], ascending=[False, True])
        .index
    )
    names = {int(d["id"]): d["name"] for d in result.dimensions}
    ranked = zip(
        frame.loc[order].itertuples(index=False),
        parts.loc[order].to_dict("records"),
        strict=True,
    )
    for rank, (row, parts_row) in enumerate(ranked, start=1):
        override = overrides.get(int(row.cadre_id))
        if override is not None and override.action != "pin":
            override = None
        member = _member_row(pool, row, parts_row, columns, names, today, override)
        result.members.append({"rank": rank, **member})
    result.excluded = [
        {"name": o.cadre.name, "employee_no": o.cadre.employee_no, "reason": o.reason}
        for o in overrides.values()
        if o.action == "exclude"
    ]
    return result
