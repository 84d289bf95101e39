import datetime as dt
import io

import pandas as pd
import pytest

from personnel.errors import RosterImportError
from personnel.id_numbers import id_number_make
from personnel.models import Cadre
from personnel.roster import RosterFileError
from personnel.services import roster_export, roster_import, roster_template

HEADERS = [
    "工号",
    "姓名",
    "身份证号",
    "性别",
    "出生日期",
    "学历",
    "职级",
    "职务",
    "单位",
    "队伍",
    "入职日期",
    "电话",
]


def _row(n, unit="兰州市生态环境局"):
    birth = dt.date(1985, 1, 1) + dt.timedelta(days=97 * n)
    return {
        "工号": f"LZ{n:04d}",
        "姓名": f"测试{n}",
        "身份证号": id_number_make(
            region="620102", birth_date=birth, sequence=n * 2 + 1
        ),
        "性别": "男",
        "出生日期": birth.isoformat(),
        "学历": "大学本科",
        "职级": "一级主任科员",
        "职务": "执法人员",
        "单位": unit,
        "队伍": "生态环境执法、环境应急",
        "入职日期": "2012-07-01",
        "电话": "13900000000",
    }


def _xlsx(rows) -> bytes:
    buffer = io.BytesIO()
    pd.DataFrame(rows, columns=HEADERS).to_excel(buffer, index=False)
    return buffer.getvalue()


@pytest.fixture
def fifty_rows(province):
    return [_row(n) for n in range(1, 51)]


def test_three_bad_rows_among_fifty_are_reported_and_nothing_is_written(fifty_rows, hr):
    rows = [dict(r) for r in fifty_rows]
    rows[4]["单位"] = "火星市生态环境局"  # spreadsheet row 6
    rows[19]["工号"] = rows[18]["工号"]  # row 21 duplicates row 20
    good_id = rows[36]["身份证号"]
    rows[36]["身份证号"] = good_id[:-1] + ("0" if good_id[-1] != "0" else "1")  # row 38
    before = Cadre.objects.count()

    with pytest.raises(RosterImportError) as exc:
        roster_import(content=_xlsx(rows), filename="roster.xlsx", user=hr.user)

    problems = [(e.row, e.column) for e in exc.value.errors]
    assert problems == [(6, "单位"), (21, "工号"), (38, "身份证号")]
    messages = " | ".join(e.message for e in exc.value.errors)
    assert "Unknown unit" in messages
    assert "also on row 20" in messages
    assert "checksum" in messages
    assert Cadre.objects.count() == before


def test_good_file_imports_all_fifty_then_reimport_updates(fifty_rows, hr):
    before = Cadre.objects.count()
    result = roster_import(content=_xlsx(fifty_rows), filename="r.xlsx", user=hr.user)
    assert (result.created, result.updated) == (50, 0)
    assert Cadre.objects.count() == before + 50
    cadre = Cadre.objects.get(employee_no="LZ0007")
    assert cadre.unit.name == "兰州市生态环境局"
    assert sorted(cadre.teams.values_list("code", flat=True)) == [
        "emergency",
        "enforcement",
    ]
    assert cadre.rank == "level1_principal"
    assert cadre.user.username == "LZ0007"
    assert not cadre.user.has_usable_password()

    fifty_rows[6]["职务"] = "执法大队队长"
    result = roster_import(content=_xlsx(fifty_rows), filename="r.xlsx", user=hr.user)
    assert (result.created, result.updated) == (0, 50)
    assert Cadre.objects.count() == before + 50
    assert Cadre.objects.get(employee_no="LZ0007").position == "执法大队队长"


def test_csv_in_gb18030_with_english_headers(province, hr):
    row = _row(3)
    frame = pd.DataFrame([row], columns=HEADERS)
    frame.columns = [
        "Staff number",
        "Name",
        "ID number",
        "Gender",
        "Birth date",
        "Education",
        "Rank",
        "Position",
        "Unit",
        "Teams",
        "Date joined",
        "Phone",
    ]
    content = frame.to_csv(index=False).encode("gb18030")
    result = roster_import(content=content, filename="r.csv", user=hr.user)
    assert result.created == 1


def test_unit_admin_cannot_import_into_another_unit(province, unit_admin):
    rows = [_row(1), _row(2, unit="天水市生态环境局")]
    with pytest.raises(RosterImportError) as exc:
        roster_import(content=_xlsx(rows), filename="r.xlsx", user=unit_admin.user)
    assert [(e.row, e.column) for e in exc.value.errors] == [(3, "单位")]


def test_gender_and_birth_date_must_match_id_number(province, hr):
    row = _row(5)
    row["性别"] = "女"
    row["出生日期"] = "1970-01-01"
    row["队伍"] = "宣传"
    with pytest.raises(RosterImportError) as exc:
        roster_import(content=_xlsx([row]), filename="r.xlsx", user=hr.user)
    assert sorted(e.column for e in exc.value.errors) == ["出生日期", "性别", "队伍"]


def test_missing_columns_and_wrong_format_are_file_errors(province, hr):
    content = _xlsx([_row(1)])
    with pytest.raises(RosterFileError, match="xlsx or .csv"):
        roster_import(content=content, filename="r.pdf", user=hr.user)
    frame = pd.DataFrame([{"姓名": "张三"}])
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    with pytest.raises(RosterFileError, match="工号"):
        roster_import(content=buffer.getvalue(), filename="r.xlsx", user=hr.user)
    with pytest.raises(RosterFileError, match="could not be read"):
        roster_import(content=b"not a workbook", filename="r.xlsx", user=hr.user)


def test_export_has_import_columns_and_masks_id_numbers(fifty_rows, hr, unit_admin):
    roster_import(content=_xlsx(fifty_rows), filename="r.xlsx", user=hr.user)
    cadres = Cadre.objects.filter(employee_no__startswith="LZ")
    frame = pd.read_excel(
        io.BytesIO(roster_export(cadres=cadres, user=unit_admin.user)), dtype=str
    )
    assert list(frame.columns) == HEADERS
    assert len(frame) == 50
    assert frame["身份证号"].str.contains(r"\*{10}").all()
    # The export round-trips through the import once ID numbers are visible.
    full = roster_export(cadres=cadres, user=_superuser())
    result = roster_import(content=full, filename="r.xlsx", user=hr.user)
    assert (result.created, result.updated) == (0, 50)


def test_template_lists_the_columns(db):
    frame = pd.read_excel(io.BytesIO(roster_template()), dtype=str)
    assert list(frame.columns) == HEADERS


def _superuser():
    from django.contrib.auth import get_user_model

    return get_user_model().objects.create_superuser("root", password="x")


# --- QA: masked IDs, messages, all problems of a row, phone, template ----------


def test_unit_admin_reimports_their_masked_export_unchanged(fifty_rows, hr, unit_admin):
    roster_import(content=_xlsx(fifty_rows), filename="r.xlsx", user=hr.user)
    cadres = Cadre.objects.filter(employee_no__startswith="LZ")
    before = dict(cadres.values_list("employee_no", "id_number"))
    export = roster_export(cadres=cadres, user=unit_admin.user)
    result = roster_import(content=export, filename="r.xlsx", user=unit_admin.user)
    assert (result.created, result.updated) == (0, 50)
    assert dict(cadres.values_list("employee_no", "id_number")) == before


def test_a_masked_id_that_is_not_the_stored_one_is_an_error(fifty_rows, hr):
    roster_import(content=_xlsx(fifty_rows[:2]), filename="r.xlsx", user=hr.user)
    first, second = Cadre.objects.filter(employee_no__startswith="LZ").order_by(
        "employee_no"
    )[:2]
    rows = [dict(fifty_rows[0]), dict(fifty_rows[1]), _row(60)]
    rows[0]["身份证号"] = second.masked_id_number  # someone else's
    rows[2]["身份证号"] = first.masked_id_number  # a new staff number
    with pytest.raises(RosterImportError) as exc:
        roster_import(content=_xlsx(rows), filename="r.xlsx", user=hr.user)
    assert [(e.row, e.column) for e in exc.value.errors] == [
        (2, "身份证号"),
        (4, "身份证号"),
    ]
    assert "*" in exc.value.errors[0].message


def test_a_file_that_is_not_a_workbook_gets_a_chinese_message(province, hr):
    from django.utils import translation

    with translation.override("zh-hans"), pytest.raises(RosterFileError) as exc:
        roster_import(content=b"not a workbook", filename="r.xlsx", user=hr.user)
    assert "zip" not in str(exc.value)
    assert "无法读取" in str(exc.value) or "表格" in str(exc.value)


def test_all_problems_of_a_row_are_reported_at_once(province, unit_admin):
    row = _row(3, unit="天水市生态环境局")
    row["性别"] = "女"  # the ID number says male
    with pytest.raises(RosterImportError) as exc:
        roster_import(content=_xlsx([row]), filename="r.xlsx", user=unit_admin.user)
    assert sorted(e.column for e in exc.value.errors) == ["单位", "性别"]


@pytest.mark.parametrize("phone", ["abc", "12", "139-0000-000x", "+86 " + "9" * 30])
def test_phone_must_look_like_a_phone_number(province, hr, phone):
    row = _row(4)
    row["电话"] = phone
    with pytest.raises(RosterImportError) as exc:
        roster_import(content=_xlsx([row]), filename="r.xlsx", user=hr.user)
    assert [(e.row, e.column) for e in exc.value.errors] == [(2, "电话")]


@pytest.mark.parametrize("phone", ["13900000000", "+86 139 0000 0000", "0931-8888888"])
def test_phone_formats_that_are_accepted(province, hr, phone):
    row = _row(4)
    row["电话"] = phone
    assert roster_import(content=_xlsx([row]), filename="r.xlsx", user=hr.user)


def test_the_template_uploaded_unchanged_imports_nobody(province, hr):
    template = roster_template()
    result = roster_import(content=template, filename="t.xlsx", user=hr.user)
    assert (result.created, result.updated) == (0, 0)
    assert not Cadre.objects.filter(employee_no="GS90001").exists()
    sheets = pd.read_excel(io.BytesIO(template), sheet_name=None, dtype=str)
    assert list(sheets)[:2] == ["花名册", "示例"]
    assert sheets["示例"]["工号"].tolist() == ["GS90001"]


def test_the_example_row_pasted_into_the_roster_is_refused(province, hr):
    example = pd.read_excel(io.BytesIO(roster_template()), sheet_name="示例", dtype=str)
    with pytest.raises(RosterImportError) as exc:
        roster_import(
            content=_xlsx(example.to_dict("records")), filename="r.xlsx", user=hr.user
        )
    assert (2, "工号") in [(e.row, e.column) for e in exc.value.errors]
    assert not Cadre.objects.filter(employee_no="GS90001").exists()
