from personnel.models import Unit
from tests.personnel.factories import CadreFactory


def test_hr_adds_a_county_branch_under_a_city(client_for, hr, province):
    client = client_for(hr)
    response = client.post(
        "/admin/personnel_unit/new/",
        {
            "name": "兰州市七里河分局",
            "code": "GS-LZ-QLH",
            "kind": "county",
            "parent": province["lanzhou"].pk,
        },
    )
    assert response.status_code == 302
    unit = Unit.objects.get(code="GS-LZ-QLH")
    assert unit.get_parent() == province["lanzhou"]


def test_hr_moves_a_unit_to_another_parent(client_for, hr, province):
    client = client_for(hr)
    county = province["qinzhou"]
    response = client.post(
        f"/admin/personnel_unit/edit/{county.pk}/",
        {
            "name": county.name,
            "code": county.code,
            "kind": "county",
            "parent": province["lanzhou"].pk,
        },
    )
    assert response.status_code == 302
    county.refresh_from_db()
    lanzhou = Unit.objects.get(pk=province["lanzhou"].pk)
    assert county.path.startswith(lanzhou.path)
    assert county.get_parent(update=True) == lanzhou


def test_unit_with_cadres_cannot_be_deleted(client_for, hr, province):
    CadreFactory(unit=province["qinzhou"])
    client = client_for(hr)
    response = client.post(f"/admin/personnel_unit/delete/{province['qinzhou'].pk}/")
    assert response.status_code in (200, 302)
    assert Unit.objects.filter(pk=province["qinzhou"].pk).exists()


def test_unit_admin_sees_only_own_units_and_cannot_edit(
    client_for, unit_admin, province
):
    client = client_for(unit_admin)
    response = client.get("/admin/personnel_unit/")
    names = {u.name for u in response.context["object_list"]}
    assert names == {"兰州市生态环境局", "兰州市城关分局"}
    response = client.get(f"/admin/personnel_unit/edit/{province['lanzhou'].pk}/")
    assert response.status_code == 302  # no change permission: back to the dashboard
