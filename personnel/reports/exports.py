"""Report files: .xlsx with Chinese headings and PDF with charts.

The compliance report over many units is built unit by unit (each city or
centre subtree in turn) so a background job can report its progress.
"""

from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import TalentPool, Unit
from ..talent.selectors import pool_evaluate
from . import charts, selectors
from .pdf import render_pdf
from .xlsx import Sheet, workbook_bytes

UNIT_COLUMNS = [
    ("unit_name", "单位"),
    ("headcount", "人数"),
    ("required_hours", "应修学时"),
    ("completed_hours", "已修学时"),
    ("rate", "完成率(%)"),
    ("behind", "未达标人数"),
]
BEHIND_COLUMNS = [
    ("name", "姓名"),
    ("employee_no", "工号"),
    ("unit_name", "单位"),
    ("required_hours", "应修学时"),
    ("completed_hours", "已修学时"),
    ("online_hours", "本年网络学时"),
    ("online_required", "本年网络学时要求"),
    ("missing_hours", "还差学时"),
    ("reason", "未达标原因"),
]


def _chunks(cadres: QuerySet) -> list[QuerySet]:
    """The cadres split by top-level subtree (department itself, then each
    centre or city), for progress reporting."""
    chunks = [cadres.filter(unit__depth=1)]
    for unit in Unit.objects.filter(depth=2).order_by("path"):
        chunks.append(cadres.filter(unit__path__startswith=unit.path))
    return chunks


def compliance_merged(*, cadres, year, depth, progress) -> selectors.ComplianceReport:
    chunks = _chunks(cadres)
    units, behind = {}, []
    for done, chunk in enumerate(chunks, start=1):
        if chunk.exists():
            part = selectors.compliance_report(cadres=chunk, year=year, depth=depth)
            for row in part.units:
                merged = units.setdefault(
                    row["unit_id"],
                    dict(
                        row,
                        headcount=0,
                        required_hours=0.0,
                        completed_hours=0.0,
                        behind=0,
                    ),
                )
                for key in ("headcount", "required_hours", "completed_hours", "behind"):
                    merged[key] += row[key]
            behind.extend(part.behind)
        progress(done, len(chunks) + 1)
    for row in units.values():
        need = row["required_hours"]
        row["rate"] = round(row["completed_hours"] / need * 100, 1) if need else 100.0
    rows = list(units.values())
    totals = selectors.report_totals(rows, behind=len(behind))
    return selectors.ComplianceReport(year, rows, behind, totals)


def compliance_export(*, cadres, year, depth, file_format, progress):
    report = compliance_merged(cadres=cadres, year=year, depth=depth, progress=progress)
    name = f"compliance-{year}.{file_format}"
    if file_format == "xlsx":
        data = workbook_bytes(
            [
                Sheet(f"{year}年学时达标(按单位)", UNIT_COLUMNS, report.units),
                Sheet("未达标人员", BEHIND_COLUMNS, report.behind),
            ]
        )
    else:
        svg = ""
        if report.units:
            svg = charts.bar_svg(
                categories=[u["unit_name"] for u in report.units],
                series=[(_("Completion rate (%)"), [u["rate"] for u in report.units])],
                stacked=False,
            )
        data = render_pdf(
            template="personnel/reports/compliance_pdf.html",
            context={"report": report, "chart": svg, "now": timezone.now()},
        )
    return name, data


def team_rows(overview) -> tuple[list[tuple[str, str]], list[dict]]:
    columns = [("team", "队伍"), ("headcount", "人数"), ("average_age", "平均年龄")]
    columns += [(f"age_{b}", f"年龄{b}") for b in overview.bands]
    columns += [
        ("certificates", "有效证书数"),
        ("holders", "持证人数"),
        ("dimensions", "能力维度平均分"),
    ]
    rows = [
        {
            "team": row.team.name,
            "headcount": row.headcount,
            "average_age": row.average_age,
            **{f"age_{b}": row.ages[b] for b in overview.bands},
            "certificates": row.certificates,
            "holders": row.holders,
            "dimensions": "；".join(
                f"{name} {'—' if score is None else score}"
                for name, score in row.dimensions
            ),
        }
        for row in overview.teams
    ]
    return columns, rows


def teams_export(*, cadres, file_format, progress):
    progress(0, 2)
    overview = selectors.team_overview(cadres=cadres)
    progress(1, 2)
    name = f"teams-{overview.ref_year}.{file_format}"
    if file_format == "xlsx":
        columns, rows = team_rows(overview)
        return name, workbook_bytes([Sheet("队伍能力概况", columns, rows)])
    svg = charts.bar_svg(
        categories=[t.team.name for t in overview.teams],
        series=[(b, [t.ages[b] for t in overview.teams]) for b in overview.bands],
    )
    return name, render_pdf(
        template="personnel/reports/teams_pdf.html",
        context={"overview": overview, "chart": svg, "now": timezone.now()},
    )


def pool_columns(dimensions: list[dict], hours_years: int) -> list[tuple[str, str]]:
    columns = [
        ("rank", "排名"),
        ("name", "姓名"),
        ("employee_no", "工号"),
        ("unit", "单位"),
        ("age", "年龄"),
        ("education", "学历"),
        ("rank_label", "职级"),
        ("hours", f"近{hours_years}年学时"),
        ("avg_score", "考试平均分"),
    ]
    columns += [(f"dim_{d['id']}", d["name"]) for d in dimensions]
    columns += [
        ("appraisal", "最近考核等次"),
        ("certificates", "证书数"),
        ("composite", "综合得分"),
        ("explain", "得分构成"),
        ("reasons", "入选依据"),
        ("pinned", "置顶原因"),
    ]
    return columns


def pool_sheets(
    *, title: str, members, dimensions, hours_years: int, excluded
) -> list[Sheet]:
    """A pool's (or snapshot's) workbook: the ranked members (pinned ones
    with their reason), then the people HR excluded and why."""
    sheets = [
        Sheet(
            title,
            pool_columns(dimensions, hours_years),
            pool_rows(members, dimensions),
        )
    ]
    sheets.append(
        Sheet(
            "排除名单",
            [("name", "姓名"), ("employee_no", "工号"), ("reason", "排除原因")],
            list(excluded),
        )
    )
    return sheets


def pool_rows(members: list[dict], dimensions: list[dict]) -> list[dict]:
    rows = []
    for member in members:
        row = dict(member)
        for dim, value in zip(dimensions, member["dimensions"], strict=True):
            row[f"dim_{dim['id']}"] = value
        row["explain"] = " + ".join(
            f"{p['label']} {p['value']}×{p.get('percent', p['weight'])}%={p['points']}"
            for p in member["breakdown"]
        )
        row["reasons"] = "；".join(member["reasons"])
        rows.append(row)
    return rows


def pool_export(*, pool: TalentPool, cadres, file_format, progress):
    progress(0, 2)
    result = pool_evaluate(pool=pool, cadres=cadres)
    progress(1, 2)
    name = f"talent-pool-{pool.pk}.{file_format}"
    if file_format == "xlsx":
        sheets = pool_sheets(
            title=pool.name,
            members=result.members,
            dimensions=result.dimensions,
            hours_years=pool.hours_years,
            excluded=result.excluded,
        )
        return name, workbook_bytes(sheets)
    return name, render_pdf(
        template="personnel/reports/pool_pdf.html",
        context={"result": result, "title": pool.name, "now": timezone.now()},
    )
