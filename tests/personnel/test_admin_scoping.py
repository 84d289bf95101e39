"""A unit administrator sees and edits only their own subtree, everywhere."""

import io

import pandas as pd
import pytest

from personnel.models import Cadre
from tests.personnel.factories import CadreFactory


@pytest.fixture
def people(province):
    return {
        "lanzhou": CadreFactory(unit=province["lanzhou"], name="兰州干部"),
        "chengguan": CadreFactory(unit=province["chengguan"], name="城关干部"),
        "tianshui": CadreFactory(unit=province["tianshui"], name="天水干部"),
        "qinzhou": CadreFactory(unit=province["qinzhou"], name="秦州干部"),
    }


def _names(response):
    return {c.name for c in response.context["object_list"]}


def test_unit_admin_lists_only_own_subtree(client_for, unit_admin, people):
    response = client_for(unit_admin).get("/admin/personnel_cadre/")
    assert response.status_code == 200
    assert _names(response) == {"兰州干部", "城关干部", "赵管理"}


def test_unit_admin_gets_404_for_other_units_by_typed_url(
    client_for, unit_admin, people
):
    client = client_for(unit_admin)
    other = people["qinzhou"]
    for url in (
        f"/admin/personnel_cadre/edit/{other.pk}/",
        f"/admin/personnel_cadre/inspect/{other.pk}/",
        f"/admin/personnel_cadre/delete/{other.pk}/",
        # Wagtail's own history and usage views named the cadre in their
        # titles and listed where they are referenced.
        f"/admin/personnel_cadre/history/{other.pk}/",
        f"/admin/personnel_cadre/history/{other.pk}/results/",
        f"/admin/personnel_cadre/usage/{other.pk}/",
        f"/admin/personnel_unit/history/{other.unit_id}/",
        f"/admin/personnel_unit/usage/{other.unit_id}/",
    ):
        assert client.get(url).status_code == 404, url
    own = people["chengguan"]
    for url in (
        f"/admin/personnel_cadre/history/{own.pk}/",
        f"/admin/personnel_cadre/usage/{own.pk}/",
    ):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "城关干部" in response.content.decode()
    response = client.post(f"/admin/personnel_cadre/edit/{other.pk}/", {"name": "篡改"})
    assert response.status_code == 404
    assert Cadre.objects.get(pk=other.pk).name == "秦州干部"
    assert (
        client.get(f"/admin/personnel_cadre/edit/{people['chengguan'].pk}/").status_code
        == 200
    )


def test_unit_admin_edit_form_offers_only_own_units(client_for, unit_admin, people):
    response = client_for(unit_admin).get(
        f"/admin/personnel_cadre/edit/{people['chengguan'].pk}/"
    )
    units = {u.name for u in response.context["form"].fields["unit"].queryset}
    assert units == {"兰州市生态环境局", "兰州市城关分局"}


def test_unit_admin_export_contains_only_subtree(client_for, unit_admin, people):
    response = client_for(unit_admin).get("/admin/personnel/roster/export/")
    assert response.status_code == 200
    frame = pd.read_excel(io.BytesIO(response.content), dtype=str)
    assert set(frame["姓名"]) == {"兰州干部", "城关干部", "赵管理"}
    assert frame["身份证号"].str.contains(r"\*").all()


def test_wagtail_export_links_give_the_roster_export(client_for, unit_admin, people):
    """?export=csv|xlsx on the cadre list wrote blank files; it now answers
    with the scoped, masked roster export and keeps the filters."""
    client = client_for(unit_admin)
    for kind in ("csv", "xlsx"):
        response = client.get(f"/admin/personnel_cadre/?export={kind}&q=城关")
        assert response.status_code == 302
        assert response.url == "/admin/personnel/roster/export/?q=%E5%9F%8E%E5%85%B3"
    frame = pd.read_excel(io.BytesIO(client.get(response.url).content), dtype=str)
    assert set(frame["姓名"]) == {"城关干部"}


def test_filters_by_unit_subtree_and_age_band(client_for, hr, people, province):
    client = client_for(hr)
    response = client.get(f"/admin/personnel_cadre/?unit={province['tianshui'].pk}")
    assert _names(response) == {"天水干部", "秦州干部"}
    young = CadreFactory(unit=province["root"], name="年轻干部", birth=_years_ago(28))
    response = client.get("/admin/personnel_cadre/?age_band=under35")
    assert young.name in _names(response)
    assert "秦州干部" not in _names(response)  # born 1990: over 35 in 2026


def test_search_by_name_and_staff_number(client_for, hr, people):
    client = client_for(hr)
    assert _names(client.get("/admin/personnel_cadre/?q=秦州")) == {"秦州干部"}
    number = people["tianshui"].employee_no
    assert _names(client.get(f"/admin/personnel_cadre/?q={number}")) == {"天水干部"}


def test_hr_sees_full_id_numbers_unit_admin_sees_masked(
    client_for, hr, unit_admin, people
):
    cadre = people["chengguan"]
    html = client_for(hr).get("/admin/personnel_cadre/").content.decode()
    assert cadre.id_number in html
    html = client_for(unit_admin).get("/admin/personnel_cadre/").content.decode()
    assert cadre.id_number not in html
    assert cadre.masked_id_number in html


def _edit_data(cadre, **changes) -> dict:
    data = {
        "employee_no": cadre.employee_no,
        "name": cadre.name,
        "id_number": cadre.id_number,
        "gender": cadre.gender,
        "birth_date": cadre.birth_date.isoformat(),
        "education": cadre.education,
        "rank": cadre.rank,
        "position": cadre.position,
        "unit": cadre.unit_id,
        "teams": [t.pk for t in cadre.teams.all()],
        "joined_on": cadre.joined_on.isoformat() if cadre.joined_on else "",
        "phone": cadre.phone,
        "is_active": "on",
        "new_password": "",
    }
    data.update(changes)
    return data


def test_unit_admin_edit_form_keeps_id_number_masked(client_for, unit_admin, people):
    from personnel.id_numbers import id_number_make

    cadre = people["chengguan"]
    stored = cadre.id_number
    client = client_for(unit_admin)
    url = f"/admin/personnel_cadre/edit/{cadre.pk}/"
    html = client.get(url).content.decode()
    assert stored not in html
    assert f'value="{cadre.masked_id_number}"' in html
    # Sent back as shown: the stored number stays, the rest is saved.
    data = _edit_data(cadre, id_number=cadre.masked_id_number, phone="13900000000")
    response = client.post(url, data)
    assert response.status_code == 302, response.context["form"].errors
    cadre.refresh_from_db()
    assert (cadre.id_number, cadre.phone) == (stored, "13900000000")
    # A full new number replaces it (and is checked like any other).
    new = id_number_make(region="620121", birth_date=cadre.birth_date, sequence=77)
    response = client.post(url, _edit_data(cadre, id_number=new))
    assert response.status_code == 302, response.context["form"].errors
    cadre.refresh_from_db()
    assert cadre.id_number == new
    response = client.post(url, _edit_data(cadre, id_number="6201**********0000"))
    assert response.status_code == 200
    assert "id_number" in response.context["form"].errors
    cadre.refresh_from_db()
    assert cadre.id_number == new


def test_hr_edit_form_and_inspect_show_id_number(client_for, hr, unit_admin, people):
    cadre = people["chengguan"]
    html = client_for(hr).get(f"/admin/personnel_cadre/edit/{cadre.pk}/")
    assert f'value="{cadre.id_number}"' in html.content.decode()
    html = client_for(unit_admin).get(f"/admin/personnel_cadre/inspect/{cadre.pk}/")
    text = html.content.decode()
    assert "Masked id number" not in text
    assert cadre.masked_id_number in text and cadre.id_number not in text


def test_learner_and_trainer_cannot_manage_roster(client_for, learner, people):
    client = client_for(learner)
    assert client.get("/admin/personnel_cadre/").status_code == 302  # to sign-in
    assert client.get("/admin/personnel/roster/export/").status_code == 302


def test_unit_admin_creates_cadre_with_account(client_for, unit_admin, province):
    import datetime as dt

    from personnel.id_numbers import id_number_make

    client = client_for(unit_admin)
    birth = dt.date(1995, 4, 3)
    data = {
        "employee_no": "LZ7777",
        "name": "新干部",
        "id_number": id_number_make(region="620102", birth_date=birth, sequence=11),
        "gender": "male",
        "birth_date": "1995-04-03",
        "education": "master",
        "rank": "level2_clerk",
        "position": "执法人员",
        "unit": province["chengguan"].pk,
        "teams": [1],
        "joined_on": "2020-08-01",
        "phone": "",
        "is_active": "on",
        "new_password": "Xin-Ganbu-2026",
    }
    response = client.post("/admin/personnel_cadre/new/", data)
    assert response.status_code == 302, response.context["form"].errors
    cadre = Cadre.objects.get(employee_no="LZ7777")
    assert cadre.user.check_password("Xin-Ganbu-2026")
    assert cadre.user.groups.filter(name="Learner").exists()
    data.update(employee_no="LZ7778", unit=province["qinzhou"].pk)
    response = client.post("/admin/personnel_cadre/new/", data)
    assert response.status_code == 200  # outside their units: form error
    assert "unit" in response.context["form"].errors


def test_roster_import_view_reports_rows(client_for, unit_admin):
    client = client_for(unit_admin)
    frame = pd.DataFrame(
        [
            {
                "工号": "X1",
                "姓名": "甲",
                "身份证号": "123",
                "学历": "本科",
                "职级": "科员",
                "单位": "兰州市生态环境局",
                "队伍": "执法",
                "入职日期": "2020-01-01",
            }
        ]
    )
    buffer = io.BytesIO()
    frame.to_excel(buffer, index=False)
    buffer.seek(0)
    buffer.name = "roster.xlsx"
    response = client.post("/admin/personnel/roster/import/", {"file": buffer})
    assert response.status_code == 200
    assert response.context["file_error"] is None, response.context["file_error"]
    assert response.context["form"].is_valid(), response.context["form"].errors
    errors = response.context["errors"]
    assert {e.column for e in errors} == {"身份证号", "学历", "职级", "队伍"}
    assert all(e.row == 2 for e in errors)


def _years_ago(years):
    import datetime as dt

    from django.utils import timezone

    today = timezone.localdate()
    return dt.date(today.year - years, 1, 15)
