"""Where cadres stand against the hour rules (年度学时要求).

A rule covers ``period_years`` calendar years ending in the year asked
about (a five-year rule read for 2026 covers 2022-2026); its online minimum
is per year. Sums come from the database grouped by cadre, year and kind,
and are combined with pandas: never one query per person.
"""

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal

import pandas as pd
from django.db.models import FloatField, Q, QuerySet, Sum
from django.db.models.functions import Cast, ExtractYear

from .choices import TrainingKind, rank_level
from .models import Cadre, HourRequirement, TrainingRecord, Unit

ZERO = Decimal("0")
TABLE_COLUMNS = [
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
UNIT_COLUMNS = [
    "unit_id",
    "unit_name",
    "headcount",
    "required_hours",
    "completed_hours",
    "rate",
    "behind",
]


@dataclass(frozen=True)
class RuleStanding:
    requirement: HourRequirement
    period_start: dt.date
    period_end: dt.date
    required: Decimal
    completed: Decimal
    online_required: Decimal | None
    online_completed: Decimal
    met: bool

    @property
    def remaining(self) -> Decimal:
        """Hours still needed to meet the rule (see ``hours_missing``)."""
        return hours_missing(
            required=self.required,
            completed=self.completed,
            online_required=self.online_required,
            online_completed=self.online_completed,
        )

    @property
    def online_behind(self) -> bool:
        return (
            self.online_required is not None
            and self.online_completed < self.online_required
        )

    @property
    def percent(self) -> int:
        if not self.required:
            return 100
        return min(100, int(self.completed * 100 / self.required))


def hours_missing(*, required, completed, online_required, online_completed):
    """Hours a cadre still needs: the larger of the total gap and this
    year's online gap (online hours count towards the total too, so closing
    the larger gap closes both), never negative. Works on Decimal or float.
    """
    gaps = [required - completed]
    if online_required is not None:
        gaps.append(online_required - online_completed)
    return max(*gaps, type(gaps[0])(0))


def _active_rules() -> list[HourRequirement]:
    rules = HourRequirement.objects.filter(is_active=True).prefetch_related("teams")
    return list(rules.order_by("id"))


def _applies(rule: HourRequirement, level: str, team_ids: set[int]) -> bool:
    if rule.rank_level and rule.rank_level != level:
        return False
    rule_teams = {team.pk for team in rule.teams.all()}
    return not rule_teams or bool(rule_teams & team_ids)


def _specificity(rule: HourRequirement) -> tuple:
    # A team-specific rule is more specific than a rank rule, which is more
    # specific than a rule for everyone; ties go to the oldest rule.
    return (-len(rule.teams.all()), -bool(rule.rank_level), rule.pk)


def hour_requirements_for(*, cadre: Cadre) -> list[HourRequirement]:
    """The active rules that apply to a cadre, most specific first."""
    team_ids = set(cadre.teams.values_list("pk", flat=True))
    level = rank_level(cadre.rank)
    rules = [r for r in _active_rules() if _applies(r, level, team_ids)]
    return sorted(rules, key=_specificity)


def _period(rule: HourRequirement, year: int) -> tuple[dt.date, dt.date]:
    return dt.date(year - rule.period_years + 1, 1, 1), dt.date(year, 12, 31)


def _hours_frame(cadres, first_year: int, last_year: int) -> pd.DataFrame:
    """Hours grouped by cadre, year and kind (``cadres``: ids or a queryset,
    used as a subquery so that a whole province is one statement)."""
    rows = (
        TrainingRecord.objects.filter(
            cadre__in=cadres,
            completed_on__gte=dt.date(first_year, 1, 1),
            completed_on__lte=dt.date(last_year, 12, 31),
        )
        .annotate(year=ExtractYear("completed_on"))
        .values("cadre_id", "year", "kind")
        .annotate(hours=Sum("hours"))
        .order_by()
    )
    frame = pd.DataFrame.from_records(
        list(rows), columns=["cadre_id", "year", "kind", "hours"]
    )
    frame["hours"] = frame["hours"].astype(float).fillna(0.0)
    frame["year"] = frame["year"].astype(int)
    return frame


def _standing(rule, year, hours: pd.DataFrame) -> RuleStanding:
    start, end = _period(rule, year)
    in_period = hours[(hours["year"] >= start.year) & (hours["year"] <= year)]
    online = in_period[
        (in_period["year"] == year) & (in_period["kind"] == TrainingKind.ONLINE)
    ]
    completed = _decimal(sum(in_period["hours"], ZERO))
    online_completed = _decimal(sum(online["hours"], ZERO))
    online_required = rule.online_hours_min
    met = completed >= rule.total_hours and (
        online_required is None or online_completed >= online_required
    )
    return RuleStanding(
        requirement=rule,
        period_start=start,
        period_end=end,
        required=rule.total_hours,
        completed=completed,
        online_required=online_required,
        online_completed=online_completed,
        met=met,
    )


def cadre_standing(*, cadre: Cadre, year: int) -> list[RuleStanding]:
    """The cadre's standing on every rule that applies to them."""
    rules = hour_requirements_for(cadre=cadre)
    if not rules:
        return []
    longest = max(rule.period_years for rule in rules)
    hours = _hours_frame([cadre.pk], year - longest + 1, year)
    hours["hours"] = hours["hours"].map(Decimal)
    return [_standing(rule, year, hours) for rule in rules]


def _decimal(value) -> Decimal:
    """Hours as Decimal with one place (sums are computed in floats)."""
    if value is None or pd.isna(value):
        return ZERO
    return Decimal(str(round(float(value), 1)))


def _cadre_frame(cadres: QuerySet[Cadre]) -> pd.DataFrame:
    columns = ["id", "name", "employee_no", "unit_id", "unit__name", "unit__path"]
    rows = cadres.values_list(*columns, "rank").order_by("unit__path", "employee_no")
    frame = pd.DataFrame.from_records(list(rows), columns=[*columns, "rank"])
    return frame.rename(
        columns={"id": "cadre_id", "unit__name": "unit_name", "unit__path": "unit_path"}
    )


def _assign_rules(frame: pd.DataFrame, cadres, rules) -> pd.Series:
    """Each cadre's main rule id (most specific that applies), or NaN."""
    links = pd.DataFrame.from_records(
        list(
            Cadre.teams.through.objects.filter(cadre__in=cadres).values_list(
                "cadre_id", "team_id"
            )
        ),
        columns=["cadre_id", "team_id"],
    )
    levels = frame["rank"].map(rank_level)
    assigned = pd.Series(float("nan"), index=frame.index)
    for rule in sorted(rules, key=_specificity):
        mask = assigned.isna()
        if rule.rank_level:
            mask &= levels == rule.rank_level
        rule_teams = [team.pk for team in rule.teams.all()]
        if rule_teams:
            in_team = links.loc[links["team_id"].isin(rule_teams), "cadre_id"]
            mask &= frame["cadre_id"].isin(in_team)
        assigned[mask] = rule.pk
    return assigned


def _period_sums(cadres, year: int, periods) -> pd.DataFrame:
    """One row per cadre with hours: ``p{N}`` over the N years ending in
    ``year`` for each period length N, and ``online`` (online hours in
    ``year``). Conditional sums in one grouped statement, cast to float so
    that only one row per cadre (not one per record) reaches Python."""
    first = dt.date(year - max(periods) + 1, 1, 1)
    this_year = dt.date(year, 1, 1)
    sums = {
        f"p{years}": Cast(
            Sum("hours", filter=Q(completed_on__gte=dt.date(year - years + 1, 1, 1))),
            FloatField(),
        )
        for years in periods
    }
    sums["online"] = Cast(
        Sum(
            "hours",
            filter=Q(completed_on__gte=this_year, kind=TrainingKind.ONLINE),
        ),
        FloatField(),
    )
    rows = (
        TrainingRecord.objects.filter(
            cadre__in=cadres,
            completed_on__gte=first,
            completed_on__lte=dt.date(year, 12, 31),
        )
        .values("cadre_id")
        .annotate(**sums)
        .order_by()
        .values_list("cadre_id", *sums)
    )
    frame = pd.DataFrame.from_records(list(rows), columns=["cadre_id", *sums])
    return frame.set_index("cadre_id").fillna(0.0)


def _with_standing(cadres: QuerySet[Cadre], year: int) -> pd.DataFrame:
    """Cadre frame with float columns required, completed, online,
    online_required (NaN when none) and met, all computed column-wise."""
    frame = _cadre_frame(cadres)
    rules = _active_rules()
    by_id = {rule.pk: rule for rule in rules}
    periods = {rule.period_years for rule in rules} | {1}
    sums = _period_sums(cadres, year, periods)
    ids = frame["cadre_id"]
    frame["rule_id"] = _assign_rules(frame, cadres, rules)
    rule_of = frame["rule_id"].map(by_id)
    frame["period"] = rule_of.map(lambda r: r.period_years, na_action="ignore")
    frame["required"] = rule_of.map(
        lambda r: float(r.total_hours), na_action="ignore"
    ).fillna(0.0)
    frame["online_required"] = rule_of.map(
        lambda r: (
            float(r.online_hours_min)
            if r.online_hours_min is not None
            else float("nan")
        ),
        na_action="ignore",
    )
    frame["completed"] = ids.map(sums["p1"]).fillna(0.0)
    for years in periods:
        chosen = frame["period"] == years
        frame.loc[chosen, "completed"] = ids[chosen].map(sums[f"p{years}"]).fillna(0.0)
    frame["online"] = ids.map(sums["online"]).fillna(0.0)
    tolerance = 1e-6  # float sums of one-decimal hours
    frame["met"] = (frame["completed"] + tolerance >= frame["required"]) & (
        frame["online_required"].isna()
        | (frame["online"] + tolerance >= frame["online_required"])
    )
    return frame


def compliance_table(*, cadres: QuerySet[Cadre], year: int) -> pd.DataFrame:
    """One row per cadre with their main rule's required and completed
    hours (over the rule's period ending in ``year``) and online hours in
    ``year``. Cadres no rule applies to show 0 required and ``met``."""
    return _table_from(_with_standing(cadres, year))


def _table_from(frame: pd.DataFrame) -> pd.DataFrame:
    out = frame[["cadre_id", "name", "employee_no", "unit_id", "unit_name", "rank"]]
    out = out.copy()
    out["required_hours"] = [_decimal(v) for v in frame["required"]]
    out["completed_hours"] = [_decimal(v) for v in frame["completed"]]
    out["online_hours"] = [_decimal(v) for v in frame["online"]]
    out["online_required"] = [
        None if pd.isna(v) else _decimal(v) for v in frame["online_required"]
    ]
    out["met"] = frame["met"].astype(bool)
    return out[TABLE_COLUMNS].reset_index(drop=True)


def _roll_up(frame: pd.DataFrame, depth: int) -> pd.DataFrame:
    frame["unit_path"] = frame["unit_path"].str.slice(0, depth * Unit.steplen)
    units = dict(
        Unit.objects.filter(path__in=set(frame["unit_path"])).values_list("path", "pk")
    )
    names = dict(Unit.objects.filter(pk__in=units.values()).values_list("pk", "name"))
    frame["unit_id"] = frame["unit_path"].map(units)
    frame["unit_name"] = frame["unit_id"].map(names)
    return frame


def compliance_by_unit(
    *, cadres: QuerySet[Cadre], year: int, depth: int | None = None
) -> pd.DataFrame:
    """Per unit: headcount, required and completed hours (completed capped
    at each cadre's requirement, so one keen cadre does not hide three who
    are behind), completion rate and how many are behind. With ``depth``,
    cadres are rolled up to their ancestor unit at that tree depth."""
    return _by_unit_from(_with_standing(cadres, year), depth)


def compliance_frames(
    *, cadres: QuerySet[Cadre], year: int, depth: int | None = None
) -> tuple[pd.DataFrame, pd.DataFrame]:
    """``(compliance_table(...), compliance_by_unit(...))`` from one pass
    over the database, for a report that shows both."""
    frame = _with_standing(cadres, year)
    return _table_from(frame), _by_unit_from(frame.copy(), depth)


def _by_unit_from(frame: pd.DataFrame, depth: int | None) -> pd.DataFrame:
    if frame.empty:
        return pd.DataFrame(columns=UNIT_COLUMNS)
    if depth is not None:
        frame = _roll_up(frame, depth)
    has_rule = frame["required"] > 0
    frame["credited"] = frame["completed"].where(
        ~has_rule, frame[["completed", "required"]].min(axis=1)
    )
    frame["behind"] = ~frame["met"]
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
    result["rate"] = (
        (result["completed_hours"] / result["required_hours"])
        .where(result["required_hours"] > 0, 1.0)
        .astype(float)
    )
    result["required_hours"] = [_decimal(v) for v in result["required_hours"]]
    result["completed_hours"] = [_decimal(v) for v in result["completed_hours"]]
    result["behind"] = result["behind"].astype(int)
    result["headcount"] = result["headcount"].astype(int)
    return result[UNIT_COLUMNS]
