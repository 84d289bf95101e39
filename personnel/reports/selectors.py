"""The three HR reports, computed for a set of cadres with aggregates.

Training compliance comes from personnel.compliance (the one hours
calculation); the team overview from competency selectors; the talent pool
report from talent selectors. Each returns plain rows for the screen, the
.xlsx and the PDF alike.
"""

import datetime as dt
from dataclasses import dataclass, field

import pandas as pd
from django.db.models import Count, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..competency import selectors as competency
from ..compliance import compliance_table, hours_missing
from ..models import Cadre, Certificate, CompetencyFramework, Team, Unit

AGE_BANDS = [(0, 29, "<30"), (30, 39, "30-39"), (40, 49, "40-49"), (50, 200, "≥50")]


@dataclass
class ComplianceReport:
    year: int
    units: list[dict]
    behind: list[dict]
    totals: dict


def units_from_table(table: pd.DataFrame, *, depth: int | None) -> pd.DataFrame:
    """compliance_by_unit's figures from an already computed compliance
    table, so the report computes everyone's standing once, not twice.

    The same roll-up: completed hours count up to each cadre's requirement;
    tests check it gives compliance_by_unit's rows exactly.
    """
    columns = ["unit_id", "unit_name", "headcount", "required_hours",
               "completed_hours", "rate", "behind"]  # fmt: skip
    if table.empty:
        return pd.DataFrame(columns=columns)
    frame = table.copy()
    units = Unit.objects.filter(pk__in=set(frame["unit_id"]))
    frame["unit_path"] = frame["unit_id"].map(dict(units.values_list("pk", "path")))
    if depth is not None:
        frame["unit_path"] = frame["unit_path"].str.slice(0, depth * Unit.steplen)
        rolled = Unit.objects.filter(path__in=set(frame["unit_path"]))
        by_path = {u.path: (u.pk, u.name) for u in rolled}
        frame["unit_id"] = frame["unit_path"].map(lambda p: by_path[p][0])
        frame["unit_name"] = frame["unit_path"].map(lambda p: by_path[p][1])
    required = frame["required_hours"].astype(float)
    completed = frame["completed_hours"].astype(float)
    frame["required"] = required
    frame["credited"] = completed.where(required <= 0, completed.clip(upper=required))
    frame["behind"] = ~frame["met"].astype(bool)
    result = (
        frame.groupby(["unit_path", "unit_id", "unit_name"], sort=True)
        .agg(
            headcount=("cadre_id", "count"),
            required_hours=("required", "sum"),
            completed_hours=("credited", "sum"),
            behind=("behind", "sum"),
        )
        .reset_index()
    )
    result["rate"] = (result["completed_hours"] / result["required_hours"]).where(
        result["required_hours"] > 0, 1.0
    )
    return result[columns]


def compliance_report(
    *, cadres: QuerySet, year: int, depth: int | None
) -> ComplianceReport:
    """Per unit (rolled up to ``depth``): headcount, required and completed
    hours, rate and number behind; plus everyone who is behind."""
    table = compliance_table(cadres=cadres, year=year)
    units = units_from_table(table, depth=depth)
    behind = table[~table["met"].astype(bool)]
    unit_rows = [
        {
            "unit_id": int(row.unit_id),
            "unit_name": row.unit_name,
            "headcount": int(row.headcount),
            "required_hours": float(row.required_hours),
            "completed_hours": float(row.completed_hours),
            "rate": round(float(row.rate) * 100, 1),
            "behind": int(row.behind),
        }
        for row in units.itertuples()
    ]
    behind_rows = [behind_row(row) for row in behind.itertuples()]
    totals = report_totals(unit_rows, behind=len(behind_rows))
    return ComplianceReport(year, unit_rows, behind_rows, totals)


def report_totals(unit_rows: list[dict], *, behind: int) -> dict:
    """Totals over the unit rows; no rate (``None``, shown "—") when the
    scope holds nobody, rather than a 100 % that nobody earned."""
    headcount = sum(r["headcount"] for r in unit_rows)
    required = sum(r["required_hours"] for r in unit_rows)
    completed = sum(r["completed_hours"] for r in unit_rows)
    rate = round(completed / required * 100, 1) if required else 100.0
    return {
        "headcount": headcount,
        "required_hours": required,
        "completed_hours": completed,
        "rate": rate if headcount else None,
        "behind": behind,
    }


def behind_row(row) -> dict:
    """A cadre who is behind: their hours, the hours still missing (the
    larger of the total and the online gap) and why they are behind."""
    required = float(row.required_hours)
    completed = float(row.completed_hours)
    online = float(row.online_hours)
    online_required = (
        None if row.online_required is None else float(row.online_required)
    )
    reasons = []
    if completed < required:
        reasons.append(_("total hours short"))
    if online_required is not None and online < online_required:
        reasons.append(
            _("online hours this year %(done).1f of %(need).1f")
            % {"done": online, "need": online_required}
        )
    return {
        "name": row.name,
        "employee_no": row.employee_no,
        "unit_name": row.unit_name,
        "required_hours": required,
        "completed_hours": completed,
        "online_hours": online,
        "online_required": online_required,
        "missing_hours": round(
            hours_missing(
                required=required,
                completed=completed,
                online_required=online_required,
                online_completed=online,
            ),
            1,
        ),
        "reason": "；".join(reasons),
    }


@dataclass
class TeamRow:
    team: Team
    headcount: int
    ages: dict  # band label -> count
    average_age: float | None
    dimensions: list[tuple[str, float | None]]
    certificates: int
    holders: int


@dataclass
class TeamOverview:
    ref_year: int
    bands: list[str]
    teams: list[TeamRow] = field(default_factory=list)


def _age_band(age: int) -> str:
    return next(label for low, high, label in AGE_BANDS if low <= age <= high)


def _members(cadres: QuerySet, today: dt.date) -> pd.DataFrame:
    links = Cadre.teams.through.objects.filter(
        cadre__in=cadres.filter(is_active=True)
    ).values("cadre_id", "team_id", "cadre__birth_date")
    frame = pd.DataFrame(
        list(links), columns=["cadre_id", "team_id", "cadre__birth_date"]
    )
    births = pd.to_datetime(frame["cadre__birth_date"])
    before = (births.dt.month > today.month) | (
        (births.dt.month == today.month) & (births.dt.day > today.day)
    )
    frame["age"] = today.year - births.dt.year - before.astype(int)
    frame["band"] = frame["age"].map(_age_band)
    return frame


def team_overview(*, cadres: QuerySet, today=None) -> TeamOverview:
    """Per team: headcount, age structure, average per dimension of its
    framework (over members with a score), certificates held (valid)."""
    today = today or timezone.localdate()
    members = _members(cadres, today)
    scores = competency.dimension_scores(cadres=cadres, ref_year=today.year)
    certs = pd.DataFrame(
        list(
            Certificate.objects.filter(cadre__in=cadres, status="valid")
            .values("cadre_id")
            .annotate(n=Count("id"))
            .order_by()
        ),
        columns=["cadre_id", "n"],
    )
    frameworks = {
        f.team_id: f for f in CompetencyFramework.objects.prefetch_related("dimensions")
    }
    overview = TeamOverview(today.year, [label for _l, _h, label in AGE_BANDS])
    for team in Team.objects.order_by("id"):
        team_members = members[members["team_id"] == team.pk]
        ids = set(team_members["cadre_id"])
        bands = team_members["band"].value_counts().to_dict()
        team_scores = scores[scores["cadre_id"].isin(ids)]
        dims = []
        framework = frameworks.get(team.pk)
        for dim in framework.dimensions.all() if framework else []:
            values = team_scores[team_scores["dimension_id"] == dim.pk]["score"]
            dims.append(
                (dim.name, round(float(values.mean()), 1) if len(values) else None)
            )
        held = certs[certs["cadre_id"].isin(ids)]
        overview.teams.append(
            TeamRow(
                team=team,
                headcount=len(ids),
                ages={label: int(bands.get(label, 0)) for label in overview.bands},
                average_age=round(float(team_members["age"].mean()), 1)
                if ids
                else None,
                dimensions=dims,
                certificates=int(held["n"].sum()),
                holders=int(len(held)),
            )
        )
    return overview
