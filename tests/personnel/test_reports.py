"""HR reports: figures against values computed by hand, exports, jobs, and
who may see what (with real requests).

Fixture (see test_competency): X in 城关分局 (兰州), Y in 秦州分局 (天水),
Z in 兰州市局 itself; one hour rule: 30 h a year for everyone.
2026 hours: X 25 (5 online + 20 centralized), Y 0, Z 40.
  城关分局  1 person, required 30, completed 25, rate 83.3 %, 1 behind
  秦州分局  1 person, required 30, completed 0,  rate 0 %,    1 behind
  兰州市局  1 person, required 30, completed 30 (40 capped), 100 %, 0 behind
  total     3, 90 required, 55 completed, 61.1 %, 2 behind
Team overview on 2026-11-30 (enforcement): ages X 33, Y 46, Z 31
  -> 30-39: 2, 40-49: 1, average 36.7; laws (75 + 50) / 2 = 62.5,
  on-site 68.0; one valid certificate (X).
"""

import datetime as dt
import io
import math
import re
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from personnel.models import (
    Cadre,
    HourRequirement,
    HRNote,
    ReportJob,
    TalentPool,
    Team,
    Unit,
)
from personnel.reports import selectors
from tests.personnel.certificate_helpers import (
    issue,
    make_template,
    pdffonts,
    pdftotext,
)
from tests.personnel.factories import CadreFactory
from tests.personnel.test_competency import build_archive, make_framework, post_hours

TODAY = dt.date(2026, 11, 30)


@pytest.fixture
def world(province):
    make_framework()
    x, y = build_archive(province)
    z = CadreFactory(
        unit=Unit.objects.get(code="GS-LZ"), name="丙干部", birth=dt.date(1995, 1, 1)
    )
    post_hours(z, "z1", dt.date(2026, 2, 1), 40, "centralized", "practical_drills")
    HourRequirement.objects.update(is_active=False)  # the seeded rules
    HourRequirement.objects.create(name="年度学时", total_hours=Decimal(30))
    return {
        "x": x,
        "y": y,
        "z": z,
        "people": Cadre.objects.filter(pk__in=[x.pk, y.pk, z.pk]),
    }


def test_compliance_figures(world):
    report = selectors.compliance_report(cadres=world["people"], year=2026, depth=None)
    rows = {
        r["unit_name"]: (
            r["headcount"],
            r["required_hours"],
            r["completed_hours"],
            r["rate"],
            r["behind"],
        )
        for r in report.units
    }
    assert rows == {
        "兰州市生态环境局": (1, 30.0, 30.0, 100.0, 0),
        "兰州市城关分局": (1, 30.0, 25.0, 83.3, 1),
        "天水市秦州分局": (1, 30.0, 0.0, 0.0, 1),
    }
    assert report.totals == {
        "headcount": 3,
        "required_hours": 90.0,
        "completed_hours": 55.0,
        "rate": 61.1,
        "behind": 2,
    }
    behind = {(b["name"], b["missing_hours"]) for b in report.behind}
    assert behind == {("甲干部", 5.0), ("乙干部", 30.0)}


@pytest.mark.parametrize("depth", [None, 1, 2, 3])
def test_unit_roll_up_matches_compliance_by_unit(world, depth):
    """The report rolls compliance_table up itself (one standing computation
    instead of two); it must give exactly compliance_by_unit's figures."""
    from personnel.compliance import compliance_by_unit, compliance_table

    cadres = Cadre.objects.all()
    ours = selectors.units_from_table(
        compliance_table(cadres=cadres, year=2026), depth=depth
    )
    theirs = compliance_by_unit(cadres=cadres, year=2026, depth=depth)

    def rows(frame):
        return [
            (int(r.unit_id), r.unit_name, int(r.headcount), float(r.required_hours),
             float(r.completed_hours), round(float(r.rate), 6), int(r.behind))
            for r in frame.itertuples()
        ]  # fmt: skip

    assert rows(ours) == rows(theirs)
    assert len(rows(ours)) >= 1


def test_team_overview_figures(world):
    issue(world["x"], make_template())
    overview = selectors.team_overview(cadres=world["people"], today=TODAY)
    enforcement = next(t for t in overview.teams if t.team.code == "enforcement")
    assert enforcement.headcount == 3
    assert enforcement.ages == {"<30": 0, "30-39": 2, "40-49": 1, "≥50": 0}
    assert enforcement.average_age == 36.7
    assert enforcement.dimensions == [
        ("Laws and regulations", 62.5),
        ("On-site inspection", 68.0),
    ]
    assert (enforcement.certificates, enforcement.holders) == (1, 1)
    monitoring = next(t for t in overview.teams if t.team.code == "monitoring")
    assert (monitoring.headcount, monitoring.dimensions) == (0, [])


# --- requests: who sees what ---------------------------------------------------


@pytest.mark.parametrize(
    "url",
    ["/admin/hr/reports/compliance/", "/admin/hr/reports/teams/", "/admin/hr/cadres/"],
)
def test_learners_and_trainers_get_403(world, learner, trainer, client_for, url):
    assert client_for(learner).get(url).status_code in (302, 403)
    assert client_for(trainer).get(url).status_code == 403


def test_learner_cannot_reach_admin_report_even_by_url(world, learner, client_for):
    response = client_for(learner).get("/admin/hr/reports/compliance/?format=xlsx")
    assert response.status_code in (302, 403)
    assert not ReportJob.objects.exists()


def test_hr_compliance_page_rolls_up_to_cities_by_default(world, hr, client_for):
    html = (
        client_for(hr).get("/admin/hr/reports/compliance/?year=2026").content.decode()
    )
    # X (城关分局) and Z (兰州市局) count under 兰州市局; Y under 天水市局
    assert "<tr><td>兰州市生态环境局</td><td>2</td>" in html
    assert "<tr><td>天水市生态环境局</td><td>1</td>" in html
    assert "<tr><td>兰州市城关分局</td><td>" not in html


def test_unit_admin_sees_only_their_subtree(world, unit_admin, client_for):
    client = client_for(unit_admin)
    page = client.get(
        "/admin/hr/reports/compliance/?year=2026", HTTP_ACCEPT_LANGUAGE="en"
    )
    assert page.status_code == 200
    html = page.content.decode()
    assert "兰州市城关分局" in html and "甲干部" in html
    assert "天水市秦州分局" not in html and "乙干部" not in html
    assert client.get(f"/admin/hr/cadres/{world['y'].pk}/").status_code == 404
    assert client.get(f"/admin/hr/cadres/{world['x'].pk}/").status_code == 200
    assert client.get("/admin/hr/pools/").status_code == 403
    export = client.get("/admin/hr/reports/compliance/?year=2026&format=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    units = [row[0] for row in sheet.iter_rows(min_row=2, values_only=True)]
    assert "天水市秦州分局" not in units and "兰州市城关分局" in units


def test_hr_province_export_runs_as_a_job(
    world, hr, client_for, django_capture_on_commit_callbacks
):
    client = client_for(hr)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.get(
            "/admin/hr/reports/compliance/?year=2026&depth=0&format=xlsx"
        )
    job = ReportJob.objects.get()
    assert response.status_code == 302 and response.url.endswith(f"/jobs/{job.pk}/")
    status = client.get(f"/admin/hr/reports/jobs/{job.pk}/status/").json()
    assert status["status"] == "done" and status["done"] == status["total"]
    download = client.get(status["download_url"])
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    sheet = book.worksheets[0]
    assert sheet.freeze_panes == "A2"
    headings = [c.value for c in sheet[1]]
    assert headings == [
        "单位",
        "人数",
        "应修学时",
        "已修学时",
        "完成率(%)",
        "未达标人数",
    ]
    assert sheet.column_dimensions["A"].width >= 16
    rows = {r[0]: r[1:] for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert rows["兰州市城关分局"] == (1, 30, 25, 83.3, 1)
    behind = [r[0] for r in book.worksheets[1].iter_rows(min_row=2, values_only=True)]
    assert set(behind) >= {"甲干部", "乙干部"}
    # someone else's job is not theirs to read
    other = CadreFactory(role="hr")
    assert (
        client_for(other).get(f"/admin/hr/reports/jobs/{job.pk}/status/").status_code
        == 404
    )


def test_teams_report_page_and_pdf(world, hr, client_for, tmp_path):
    client = client_for(hr)
    page = client.get("/admin/hr/reports/teams/", HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert "report-chart-data" in page.content.decode()
    pdf = client.get(
        f"/admin/hr/reports/teams/?unit={Unit.objects.get(code='GS').pk}&format=pdf"
    )
    assert pdf["Content-Type"] == "application/pdf"
    path = tmp_path / "teams.pdf"
    path.write_bytes(pdf.content)
    text = pdftotext(path)
    # the enforcement team's dimension averages (independent of today's date)
    assert "62.5" in text and "68.0" in text


# --- profiles ------------------------------------------------------------------


def test_profile_page_hr_sees_notes_unit_admin_does_not(
    world, hr, unit_admin, client_for, django_assert_max_num_queries
):
    x = world["x"]
    HRNote.objects.create(cadre=x, text="拟重点培养", author=hr.user)
    client = client_for(hr)
    with django_assert_max_num_queries(40):
        page = client.get(f"/admin/hr/cadres/{x.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "拟重点培养" in html and "profile-chart-data" in html
    assert "vendor/echarts/echarts.min.js" in html
    assert (
        "拟重点培养"
        not in client_for(unit_admin).get(f"/admin/hr/cadres/{x.pk}/").content.decode()
    )


def test_hr_adds_note_and_grade(world, hr, client_for):
    x = world["x"]
    client = client_for(hr)
    client.post(f"/admin/hr/cadres/{x.pk}/", {"note-text": "表现突出"})
    client.post(
        f"/admin/hr/cadres/{x.pk}/",
        {"appraisal-year": 2025, "appraisal-grade": "excellent"},
    )
    assert x.hr_notes.get().text == "表现突出"
    assert x.appraisals.get().year == 2025


def test_learner_sees_own_profile_without_hr_notes(world, client_for, hr):
    x = world["x"]
    HRNote.objects.create(cadre=x, text="内部备注", author=hr.user)
    page = client_for(x).get("/me/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert page.status_code == 200
    assert "内部备注" not in html
    assert "Laws and regulations" in html and "75.0" in html


def test_profile_pdf_has_text_and_cjk_font(world, hr, client_for, tmp_path):
    response = client_for(hr).get(f"/admin/hr/cadres/{world['x'].pk}/pdf/")
    assert response["Content-Type"] == "application/pdf"
    path = tmp_path / "p.pdf"
    path.write_bytes(response.content)
    text = pdftotext(path)
    assert "甲干部" in text and "执法考试 a1" in text
    fonts = pdffonts(path)
    assert "CJK" in fonts


# --- talent pool pages -----------------------------------------------------------


@pytest.fixture
def young_pool(world):
    pool = TalentPool.objects.create(name="执法年轻干部", max_age=35)
    pool.teams.set([Team.objects.get(code="enforcement")])
    return pool


def test_pool_page_pin_exclude_snapshot_export(world, young_pool, hr, client_for):
    client = client_for(hr)
    page = client.get(f"/admin/hr/pools/{young_pool.pk}/", HTTP_ACCEPT_LANGUAGE="en")
    html = page.content.decode()
    assert "甲干部" in html and "丙干部" in html and "乙干部" not in html
    client.post(
        f"/admin/hr/pools/{young_pool.pk}/override/",
        {"employee_no": world["y"].employee_no, "action": "pin", "reason": "经验丰富"},
    )
    client.post(
        f"/admin/hr/pools/{young_pool.pk}/override/",
        {
            "employee_no": world["z"].employee_no,
            "action": "exclude",
            "reason": "已调离",
        },
    )
    response = client.post(
        f"/admin/hr/pools/{young_pool.pk}/snapshot/",
        {"label": "2026 年度选拔", "taken_on": "2026-11-30"},
    )
    snapshot = young_pool.snapshots.get()
    assert response.url.endswith(f"/snapshots/{snapshot.pk}/")
    assert [m["name"] for m in snapshot.members] == ["甲干部", "乙干部"]
    assert snapshot.members[1]["pinned"] == "经验丰富"
    export = client.get(f"/admin/hr/snapshots/{snapshot.pk}/?format=xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[0]
    headings = [c.value for c in sheet[1]]
    assert headings[:3] == ["排名", "姓名", "工号"] and "综合得分" in headings
    assert sheet.freeze_panes == "A2"
    assert [r[1] for r in sheet.iter_rows(min_row=2, values_only=True)] == [
        "甲干部",
        "乙干部",
    ]
    # The pinned member's reason is in its row, and the excluded person is on
    # a sheet of their own with HR's reason (the PDF lists them too).
    assert "经验丰富" in [c.value for c in sheet[3]]
    excluded = load_workbook(io.BytesIO(export.content))["排除名单"]
    assert [c.value for c in excluded[1]] == ["姓名", "工号", "排除原因"]
    assert list(excluded.iter_rows(min_row=2, values_only=True)) == [
        (world["z"].name, world["z"].employee_no, "已调离")
    ]


def test_pool_form_saves_criteria(world, hr, client_for):
    laws = world["x"].teams.get().competency_framework.dimensions.get(sort_order=1)
    response = client_for(hr).post(
        "/admin/hr/pools/add/",
        _pool_post(
            max_age=40,
            min_education="bachelor",
            teams=[Team.objects.get(code="enforcement").pk],
            **{f"dim_{laws.pk}": "70"},
        ),
    )
    pool = TalentPool.objects.get(name="执法骨干")
    assert response.status_code == 302
    assert pool.dimension_minimums == {str(laws.pk): 70.0}


def test_appraisal_import_page_lists_errors(world, hr, client_for):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from tests.personnel.test_competency import xlsx

    data = xlsx([["工号", "年度", "考核等次"], ["NOPE", 2024, "优秀"]])
    response = client_for(hr).post(
        "/admin/hr/appraisals/import/",
        {"file": SimpleUploadedFile("a.xlsx", data)},
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    assert "Unknown staff number NOPE." in response.content.decode()


def test_a_failing_job_is_marked_failed(hr):
    from personnel.reports.services import report_job_execute

    job = ReportJob.objects.create(
        kind="pool", file_format="xlsx", params={"pool": 999999}, requested_by=hr.user
    )
    report_job_execute(job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ReportJob.Status.FAILED and "does not exist" in job.error


def test_pool_report_pdf_and_xlsx_figures(
    world, young_pool, hr, unit_admin, client_for, tmp_path
):
    from personnel.reports.services import report_file_build

    name, data = report_file_build(
        kind="pool", file_format="xlsx", params={"pool": young_pool.pk}, user=hr.user
    )
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    rows = {r[1]: r for r in sheet.iter_rows(min_row=2, values_only=True)}
    assert set(rows) == {"甲干部", "丙干部"}
    assert rows["甲干部"][0] == 1 and rows["甲干部"][3] == "兰州市城关分局"
    name, data = report_file_build(
        kind="pool", file_format="pdf", params={"pool": young_pool.pk}, user=hr.user
    )
    path = tmp_path / name
    path.write_bytes(data)
    text = pdftotext(path)
    assert "甲干部" in text and "CJK" in pdffonts(path)
    # Each part of the score breakdown stays on one line (the narrow column
    # wrapped every part, ten lines a row, 66 people on 23 pages).
    parts = re.findall(r"考试平均分 [\d.]+ × [\d.]+% = [\d.]+", text)
    assert len(parts) == 2, text
    # unit administrators may not see pools, not even by typing the address
    client = client_for(unit_admin)
    assert (
        client.get(f"/admin/hr/pools/{young_pool.pk}/?format=xlsx").status_code == 403
    )
    assert client.get(f"/admin/hr/pools/{young_pool.pk}/edit/").status_code == 403


# --- QA: bad query values, shortfall with an online minimum, scope ------------


@pytest.mark.parametrize(
    "query",
    ["unit=99999", "unit=abc", "unit=99999999999999999999", "unit=%C2%B2"],
)
def test_compliance_unknown_unit_is_404(world, hr, unit_admin, client_for, query):
    for who in (hr, unit_admin):
        url = f"/admin/hr/reports/compliance/?{query}"
        assert client_for(who).get(url).status_code == 404
        assert client_for(who).get(url + "&format=xlsx").status_code == 404
    assert client_for(hr).get(f"/admin/hr/reports/teams/?{query}").status_code == 404


@pytest.mark.parametrize("year", ["99999999999", "0", "abc", "²"])
def test_compliance_bad_year_falls_back_with_a_warning(world, hr, client_for, year):
    response = client_for(hr).get(
        f"/admin/hr/reports/compliance/?year={year}&depth=99999999999",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "give a number from 2000 to 2100" in html
    assert f"Training compliance {TODAY.year}" in html or "Training compliance" in html


def test_unit_admin_gets_404_for_a_unit_outside_their_scope(
    world, province, unit_admin, client_for
):
    client = client_for(unit_admin)
    tianshui = province["tianshui"].pk
    assert client.get(f"/admin/hr/reports/compliance/?unit={tianshui}").status_code == (
        404
    )
    assert (
        client.get(f"/admin/hr/reports/compliance/?unit={tianshui}&format=pdf")
    ).status_code == 404
    assert client.get(f"/admin/hr/reports/teams/?unit={tianshui}").status_code == 404


def test_report_scope_refuses_a_foreign_unit(world, province, unit_admin):
    from personnel.reports.services import ReportError, report_scope

    with pytest.raises(ReportError):
        report_scope(user=unit_admin.user, unit_id=province["tianshui"].pk)


def test_empty_unit_shows_no_rate_and_no_all_clear(world, province, hr, client_for):
    empty = province["centre"].pk
    html = (
        client_for(hr)
        .get(f"/admin/hr/reports/compliance/?unit={empty}", HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert '<td data-testid="total-rate">—</td>' in html
    assert "100.0%" not in html and "Everyone is on track." not in html


def test_unit_admin_is_not_told_about_province_exports(
    world, hr, unit_admin, client_for
):
    url = "/admin/hr/reports/compliance/?year=2026"
    assert (
        "whole province"
        not in client_for(unit_admin)
        .get(url, HTTP_ACCEPT_LANGUAGE="en")
        .content.decode()
    )
    assert (
        "whole province"
        in client_for(hr).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )


@pytest.fixture
def online_rule(world):
    """30 h a year of which 10 online: Z (40 h, none online) is behind only
    on the online minimum; X (25 h, 5 online) on both."""
    HourRequirement.objects.update(online_hours_min=Decimal(10))
    return world


def test_behind_because_of_online_minimum_is_never_negative(online_rule):
    report = selectors.compliance_report(
        cadres=online_rule["people"], year=2026, depth=None
    )
    rows = {r["name"]: r for r in report.behind}
    assert rows["丙干部"]["missing_hours"] == 10.0  # was 30 - 40 = -10
    assert rows["丙干部"]["online_hours"] == 0.0
    assert rows["丙干部"]["online_required"] == 10.0
    assert "online" in rows["丙干部"]["reason"]
    assert "total" not in rows["丙干部"]["reason"]
    assert rows["甲干部"]["missing_hours"] == 5.0  # max(30-25, 10-5)
    assert rows["乙干部"]["missing_hours"] == 30.0


def test_online_shortfall_on_screen_and_in_xlsx(online_rule, hr, client_for):
    client = client_for(hr)
    html = client.get(
        "/admin/hr/reports/compliance/?year=2026", HTTP_ACCEPT_LANGUAGE="en"
    ).content.decode()
    assert "-10.0" not in html
    assert "<td>0.0 / 10.0</td>" in html
    assert "online hours this year 0.0 of 10.0" in html
    unit = Unit.objects.get(code="GS-LZ").pk
    export = client.get(
        f"/admin/hr/reports/compliance/?year=2026&unit={unit}&format=xlsx"
    )
    sheet = load_workbook(io.BytesIO(export.content)).worksheets[1]
    headings = [c.value for c in sheet[1]]
    assert "还差学时" in headings and "未达标原因" in headings
    rows = {
        r[0]: dict(zip(headings, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert rows["丙干部"]["还差学时"] == 10
    assert rows["丙干部"]["本年网络学时要求"] == 10
    assert "网络" in rows["丙干部"]["未达标原因"]


def test_online_shortfall_in_pdf(online_rule, hr, tmp_path):
    from personnel.reports.services import report_file_build

    unit = Unit.objects.get(code="GS-LZ").pk
    name, data = report_file_build(
        kind="compliance",
        file_format="pdf",
        params={"year": 2026, "unit": unit},
        user=hr.user,
    )
    path = tmp_path / name
    path.write_bytes(data)
    text = pdftotext(path)
    assert "-10.0" not in text and "0.0 / 10.0" in text


def test_rule_standing_remaining_counts_the_online_gap(online_rule):
    from personnel.compliance import cadre_standing

    (standing,) = cadre_standing(cadre=online_rule["z"], year=2026)
    assert not standing.met
    assert standing.remaining == Decimal("10.0")  # was 0: 40 of 30 total
    assert standing.online_behind


def test_job_pages_name_the_report(world, young_pool, hr, client_for):
    job = ReportJob.objects.create(
        kind="pool",
        file_format="pdf",
        params={"pool": young_pool.pk},
        requested_by=hr.user,
    )
    client = client_for(hr)
    index = client.get("/admin/hr/reports/").content.decode()
    assert "pool · pdf" not in index and "人才库：执法年轻干部 · PDF" in index
    page = client.get(f"/admin/hr/reports/jobs/{job.pk}/").content.decode()
    assert '<span class="w-header__subtitle">人才库：执法年轻干部 · PDF</span>' in page


@pytest.mark.parametrize(
    ("url", "title"),
    [
        ("/admin/hr/reports/", "HR reports"),
        ("/admin/hr/cadres/", "Competency profiles"),
        ("/admin/hr/pools/", "Talent pools"),
    ],
)
def test_hr_pages_use_wagtail_header_with_icon(world, hr, client_for, url, title):
    html = client_for(hr).get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert '<h1 class="w-header__title" id="header-title">' in html
    assert "w-header__glyph" in html and title in html


def test_profile_and_pool_headers_name_the_person_and_pool(
    world, young_pool, hr, client_for
):
    client = client_for(hr)
    html = client.get(f"/admin/hr/cadres/{world['x'].pk}/").content.decode()
    assert '<span class="w-header__subtitle">甲干部</span>' in html
    html = client.get(f"/admin/hr/pools/{young_pool.pk}/").content.decode()
    assert '<span class="w-header__subtitle">执法年轻干部</span>' in html


# --- QA: talent pool pages ---------------------------------------------------------


def test_pinned_person_shows_the_pin_not_failed_criteria(
    world, young_pool, hr, client_for
):
    client = client_for(hr)
    client.post(
        f"/admin/hr/pools/{young_pool.pk}/override/",
        {"employee_no": world["y"].employee_no, "action": "pin", "reason": "经验丰富"},
    )
    html = client.get(f"/admin/hr/pools/{young_pool.pk}/").content.decode()
    row = html[html.index(f'data-cadre="{world["y"].employee_no}"') :]
    row = row[: row.index("</tr>")]
    assert "置顶保留：经验丰富" in row and "≤ 35" not in row
    from personnel.reports.services import report_file_build

    _name, data = report_file_build(
        kind="pool", file_format="xlsx", params={"pool": young_pool.pk}, user=hr.user
    )
    sheet = load_workbook(io.BytesIO(data)).worksheets[0]
    headings = [c.value for c in sheet[1]]
    rows = {
        r[1]: dict(zip(headings, r, strict=True))
        for r in sheet.iter_rows(min_row=2, values_only=True)
    }
    assert rows["乙干部"]["入选依据"] == "置顶保留：经验丰富"


def test_pool_page_shows_normalised_weights(world, young_pool, hr, client_for):
    young_pool.weight_certificates = 10
    young_pool.save()
    html = client_for(hr).get(f"/admin/hr/pools/{young_pool.pk}/").content.decode()
    assert "× 27.3% =" in html and "× 30% =" not in html


def test_snapshot_date_input_has_an_iso_value(world, young_pool, hr, client_for):
    from django.utils import timezone

    html = client_for(hr).get(f"/admin/hr/pools/{young_pool.pk}/").content.decode()
    today = timezone.localdate().isoformat()
    assert f'type="date" name="taken_on" value="{today}"' in html


def test_override_form_action_label_is_translated(world, young_pool, hr, client_for):
    html = client_for(hr).get(f"/admin/hr/pools/{young_pool.pk}/").content.decode()
    assert ">Action<" not in html and "Action*" not in html


def test_pool_list_heads_the_name_column_as_a_name_of_a_thing(
    world, young_pool, hr, client_for
):
    html = client_for(hr).get("/admin/hr/pools/").content.decode()
    assert "<th>名称</th>" in html and "<th>姓名</th>" not in html


def _pool_post(**changes):
    data = {
        "name": "执法骨干",
        "hours_years": 3,
        "weight_exam": 50,
        "weight_dimensions": 50,
        "weight_hours": 0,
        "weight_appraisal": 0,
        "weight_certificates": 0,
        "hours_full_marks": 150,
    }
    return data | changes


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"hours_full_marks": "0"}, "hours_full_marks"),
        ({"hours_full_marks": "-5"}, "hours_full_marks"),
        ({"min_hours": "-1"}, "min_hours"),
    ],
)
def test_pool_form_refuses_zero_full_marks_and_negative_hours(
    world, hr, client_for, changes, field
):
    response = client_for(hr).post("/admin/hr/pools/add/", _pool_post(**changes))
    assert response.status_code == 200
    assert field in response.context["form"].errors
    assert not TalentPool.objects.filter(name="执法骨干").exists()


def test_pool_form_unit_list_is_an_indented_tree(world, province, hr, client_for):
    html = client_for(hr).get("/admin/hr/pools/add/").content.decode()
    select = html[html.index('name="unit"') :]
    select = select[: select.index("</select>")]
    lanzhou = select.index(">　兰州市生态环境局<")
    assert (
        lanzhou
        < select.index(">　　兰州市城关分局<")
        < select.index(">　天水市生态环境局<")
    )


def test_refusals_keep_the_admin_layout(world, unit_admin, trainer, client_for):
    response = client_for(unit_admin).get("/admin/hr/pools/")
    assert response.status_code == 403
    html = response.content.decode()
    message = html[html.index('data-testid="forbidden"') :]
    message = message[: message.index("</p>")]
    assert "wagtail-sidebar" in html
    assert "人才库" in message and "报表" not in message
    response = client_for(trainer).get("/admin/hr/reports/compliance/")
    assert response.status_code == 403
    assert "wagtail-sidebar" in response.content.decode()


# --- QA: profile list filters ---------------------------------------------------


def test_profile_list_filters_by_unit_and_team(world, province, hr, client_for):
    client = client_for(hr)
    lanzhou = province["lanzhou"].pk
    html = client.get(f"/admin/hr/cadres/?unit={lanzhou}").content.decode()
    assert "甲干部" in html and "丙干部" in html and "乙干部" not in html
    monitoring = Team.objects.exclude(code="enforcement").first()
    html = client.get(f"/admin/hr/cadres/?team={monitoring.pk}").content.decode()
    assert "甲干部" not in html
    html = client.get("/admin/hr/cadres/?unit=99999999999").content.decode()
    assert "甲干部" in html  # an unknown unit is a field error, not a 500
    assert 'class="w-field__input"' in html or "w-field" in html
    assert 'name="q"' in html and 'name="team"' in html


def test_hour_requirement_list_shows_active_in_words(hr, client_for):
    html = client_for(hr).get("/admin/personnel_hourrequirement/").content.decode()
    assert "True" not in html
    assert "w-status" in html


@pytest.mark.parametrize(
    "url",
    [
        "/admin/hr/cadres/99999999999999999999/",
        "/admin/hr/cadres/99999999999999999999/pdf/",
        "/admin/hr/pools/99999999999999999999/",
        "/admin/hr/snapshots/99999999999999999999/",
        "/admin/hr/reports/jobs/99999999999999999999/",
        "/admin/hr/reports/jobs/99999999999999999999/status/",
        "/admin/hr/cadres/?p=99999999999999999999&team=abc",
    ],
)
def test_huge_or_unknown_ids_in_hr_urls_never_500(world, hr, client_for, url):
    assert client_for(hr).get(url).status_code in (200, 404)


def test_radar_labels_stand_clear_of_the_chart():
    """Every dimension's label lies wholly outside the radar's outer circle
    (a long one, 调查取证与案件办理, used to run into it), in Chinese and in
    English."""
    from matplotlib import pyplot as plt

    from personnel.reports import charts

    chinese = ["法律法规", "现场检查", "调查取证与案件办理", "行政处罚程序"]
    english = ["Laws and regulations", "On-site inspection", "Evidence and case"]
    for labels in (chinese + ["三线一单与规划环评"], english + ["Penalty procedure"]):
        series = [("本人", [50] * len(labels))]
        figure = charts.radar_figure(labels=labels, series=series)
        renderer = figure.canvas.get_renderer()
        axes = figure.axes[0]
        circle = axes.get_window_extent(renderer)
        centre_x, centre_y = (circle.x0 + circle.x1) / 2, (circle.y0 + circle.y1) / 2
        radius = min(circle.width, circle.height) / 2
        texts = [t for t in axes.get_xticklabels() if t.get_text()]
        assert len(texts) == len(labels)
        for text in texts:
            box = text.get_window_extent(renderer)
            nearest_x = min(max(centre_x, box.x0), box.x1)
            nearest_y = min(max(centre_y, box.y0), box.y1)
            distance = math.hypot(nearest_x - centre_x, nearest_y - centre_y)
            assert distance > radius, (text.get_text(), distance, radius)
        plt.close(figure)
    assert charts._wrapped("调查取证与案件办理") == "调查取证与\n案件办理"
    assert charts._wrapped("法律法规") == "法律法规"


def test_radar_leaves_a_gap_where_the_cadre_has_no_score():
    """A dimension without a score was drawn as 0, pulling the polygon
    through the centre as if the cadre had scored nothing; now the line
    breaks there and the label says 暂无成绩."""
    from django.utils import translation
    from matplotlib import pyplot as plt

    from personnel.competency.views import _radar_labels
    from personnel.reports import charts

    figure = charts.radar_figure(
        labels=["风险防范", "应急处置", "预案与演练", "法规制度"],
        series=[("本人", [78.7, None, 70.7, None])],
    )
    line = figure.axes[0].get_lines()[0]
    drawn = list(line.get_ydata())
    assert drawn[0] == 78.7 and drawn[2] == 70.7
    assert math.isnan(drawn[1]) and math.isnan(drawn[3])
    assert 0 not in drawn
    plt.close(figure)
    chart = {"dimensions": ["风险防范", "应急处置"], "cadre": [78.7, None]}
    with translation.override("zh-hans"):
        assert _radar_labels(chart) == ["风险防范", "应急处置（暂无成绩）"]
