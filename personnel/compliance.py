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
from django.db.models import QuerySet, Sum
from django.db.models.functions import ExtractYear

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
        return max(self.required - self.completed, ZERO)

    @property
    def percent(self) -> int:
        if not self.required:
            return 100
        return min(100, int(self.completed * 100 / self.required))


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


def _hours_frame(cadre_ids, first_year: int, last_year: int) -> pd.DataFrame:
    rows = (
        TrainingRecord.objects.filter(
            cadre_id__in=cadre_ids,
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
    frame["hours"] = frame["hours"].map(lambda h: Decimal(h or 0))
    return frame


def _standing(rule, year, hours: pd.DataFrame) -> RuleStanding:
    start, end = _period(rule, year)
    in_period = hours[(hours["year"] >= start.year) & (hours["year"] <= year)]
    online = in_period[
        (in_period["year"] == year) & (in_period["kind"] == TrainingKind.ONLINE)
    ]
    completed = sum(in_period["hours"], ZERO)
    online_completed = sum(online["hours"], ZERO)
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
    return [_standing(rule, year, hours) for rule in rules]


def _cadre_frame(cadres: QuerySet[Cadre]) -> pd.DataFrame:
    rows = cadres.values(
        "id", "name", "employee_no", "unit_id", "unit__name", "unit__path", "rank"
    ).order_by("unit__path", "employee_no")
    frame = pd.DataFrame.from_records(
        list(rows),
        columns=[
            "id",
            "name",
            "employee_no",
            "unit_id",
            "unit__name",
            "unit__path",
            "rank",
        ],
    )
    return frame.rename(
        columns={"id": "cadre_id", "unit__name": "unit_name", "unit__path": "unit_path"}
    )


def _team_sets(cadres: QuerySet[Cadre]) -> dict[int, set[int]]:
    links = Cadre.teams.through.objects.filter(cadre__in=cadres).values_list(
        "cadre_id", "team_id"
    )
    teams: dict[int, set[int]] = {}
    for cadre_id, team_id in links:
        teams.setdefault(cadre_id, set()).add(team_id)
    return teams


def _primary_rules(frame, cadres, rules) -> list[HourRequirement | None]:
    teams = _team_sets(cadres)
    ordered = sorted(rules, key=_specificity)
    primary = []
    for cadre_id, rank in zip(frame["cadre_id"], frame["rank"], strict=True):
        level, team_ids = rank_level(rank), teams.get(cadre_id, set())
        primary.append(next((r for r in ordered if _applies(r, level, team_ids)), None))
    return primary


def _with_path(cadres: QuerySet[Cadre], year: int) -> pd.DataFrame:
    frame = _cadre_frame(cadres)
    rules = _active_rules()
    longest = max([rule.period_years for rule in rules] or [1])
    hours = _hours_frame(list(frame["cadre_id"]), year - longest + 1, year)
    by_cadre = dict(tuple(hours.groupby("cadre_id"))) if len(hours) else {}
    empty = hours.iloc[0:0]
    standings = [
        _standing(rule, year, by_cadre.get(cadre_id, empty)) if rule else None
        for cadre_id, rule in zip(
            frame["cadre_id"], _primary_rules(frame, cadres, rules), strict=True
        )
    ]
    frame["required_hours"] = [s.required if s else ZERO for s in standings]
    frame["completed_hours"] = [
        s.completed if s else _total(by_cadre.get(c, empty), year)
        for s, c in zip(standings, frame["cadre_id"], strict=True)
    ]
    frame["online_hours"] = [
        _online(by_cadre.get(c, empty), year) for c in frame["cadre_id"]
    ]
    frame["online_required"] = [s.online_required if s else None for s in standings]
    frame["met"] = [bool(s.met) if s else True for s in standings]
    return frame


def _total(hours: pd.DataFrame, year: int) -> Decimal:
    return sum(hours[hours["year"] == year]["hours"], ZERO)


def _online(hours: pd.DataFrame, year: int) -> Decimal:
    chosen = hours[(hours["year"] == year) & (hours["kind"] == TrainingKind.ONLINE)]
    return sum(chosen["hours"], ZERO)


def compliance_table(*, cadres: QuerySet[Cadre], year: int) -> pd.DataFrame:
    """One row per cadre with their main rule's required and completed
    hours (over the rule's period ending in ``year``) and online hours in
    ``year``. Cadres no rule applies to show 0 required and ``met``."""
    frame = _with_path(cadres, year)
    return frame[TABLE_COLUMNS].reset_index(drop=True)


def compliance_by_unit(
    *, cadres: QuerySet[Cadre], year: int, depth: int | None = None
) -> pd.DataFrame:
    """Per unit: headcount, required and completed hours (completed capped
    at each cadre's requirement, so one keen cadre does not hide three who
    are behind), completion rate and how many are behind. With ``depth``,
    cadres are rolled up to their ancestor unit at that tree depth."""
    frame = _with_path(cadres, year)
    if frame.empty:
        return pd.DataFrame(columns=UNIT_COLUMNS)
    if depth is not None:
        steplen = Unit.steplen
        frame["unit_path"] = frame["unit_path"].str.slice(0, depth * steplen)
        units = dict(
            Unit.objects.filter(path__in=set(frame["unit_path"])).values_list(
                "path", "pk"
            )
        )
        names = dict(
            Unit.objects.filter(pk__in=units.values()).values_list("pk", "name")
        )
        frame["unit_id"] = frame["unit_path"].map(units)
        frame["unit_name"] = frame["unit_id"].map(names)
    frame["credited"] = [
        min(done, need) if need else done
        for done, need in zip(
            frame["completed_hours"], frame["required_hours"], strict=True
        )
    ]
    frame["is_behind"] = ~frame["met"].astype(bool)
    grouped = frame.groupby(["unit_path", "unit_id", "unit_name"], sort=True).agg(
        headcount=("cadre_id", "count"),
        required_hours=("required_hours", lambda s: sum(s, ZERO)),
        completed_hours=("credited", lambda s: sum(s, ZERO)),
        behind=("is_behind", "sum"),
    )
    result = grouped.reset_index()
    result["rate"] = [
        float(done / need) if need else 1.0
        for done, need in zip(
            result["completed_hours"], result["required_hours"], strict=True
        )
    ]
    result["behind"] = result["behind"].astype(int)
    return result[UNIT_COLUMNS]
