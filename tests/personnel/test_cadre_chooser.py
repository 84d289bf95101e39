"""The cadre chooser of admin forms: searches by name or staff number, and a
unit administrator sees only their own subtree."""

import pytest

from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db

RESULTS = "/admin/cadre_chooser/results/"


def test_chooser_finds_cadres_by_name_or_staff_number(client_for, trainer, province):
    wanted = CadreFactory(unit=province["chengguan"], name="欧阳检测")
    CadreFactory(unit=province["qinzhou"], name="司马监察")
    client = client_for(trainer)
    html = client.get(RESULTS, {"q": "欧阳"}).content.decode()
    assert "欧阳检测" in html and "司马监察" not in html
    html = client.get(RESULTS, {"q": wanted.employee_no}).content.decode()
    assert "欧阳检测" in html and "司马监察" not in html


def test_unit_admin_chooses_only_within_their_subtree(client_for, unit_admin, province):
    CadreFactory(unit=province["chengguan"], name="城关某人")
    CadreFactory(unit=province["qinzhou"], name="秦州某人")
    html = client_for(unit_admin).get(RESULTS).content.decode()
    assert "城关某人" in html and "秦州某人" not in html


def test_chosen_endpoints_answer_only_within_the_subtree(
    client_for, unit_admin, province
):
    mine = CadreFactory(unit=province["chengguan"], name="城关某人")
    other = CadreFactory(unit=province["qinzhou"], name="秦州某人")
    client = client_for(unit_admin)
    assert client.get(f"/admin/cadre_chooser/chosen/{other.pk}/").status_code == 404
    reply = client.get(f"/admin/cadre_chooser/chosen/{mine.pk}/").json()
    assert reply["result"]["id"] == str(mine.pk)
    reply = client.get(
        "/admin/cadre_chooser/chosen-multiple/",
        {"id": [mine.pk, other.pk, "abc", "9" * 30]},
    ).json()
    assert [row["id"] for row in reply["result"]] == [str(mine.pk)]
    assert "秦州某人" not in str(reply)


def test_learner_cannot_open_the_chooser(client_for, learner):
    response = client_for(learner).get(RESULTS)
    assert response.status_code in (302, 403)


def test_accommodation_form_uses_the_chooser(client_for, trainer):
    html = client_for(trainer).get("/admin/assessments_accommodation/new/").content
    assert b"/admin/cadre_chooser/" in html
    assert b'<select name="cadre"' not in html


def test_appraisal_form_uses_the_chooser(client_for, hr):
    html = client_for(hr).get("/admin/appraisals/new/").content
    assert b"/admin/cadre_chooser/" in html
    assert b'<select name="cadre"' not in html
