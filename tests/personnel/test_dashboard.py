"""The admin dashboard's scope panel for HR and unit administrators: their
scope, counts within it, and links to the work they come for."""

import pytest

from personnel.models import Certificate
from tests.personnel.certificate_helpers import issue, make_template
from tests.personnel.factories import CadreFactory

pytestmark = pytest.mark.django_db

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


def scope_panel(client) -> str:
    html = client.get("/admin/", **EN).content.decode()
    start = html.find('id="personnel-scope-section"')
    if start < 0:
        return ""
    return " ".join(html[start : html.find("</ul>", start)].split())


@pytest.fixture
def people(province):
    template = make_template()
    lanzhou = [
        CadreFactory(unit=province["lanzhou"]),
        CadreFactory(unit=province["chengguan"]),
        CadreFactory(unit=province["chengguan"], is_active=False),
    ]
    tianshui = CadreFactory(unit=province["qinzhou"])
    issue(lanzhou[1], template)
    revoked = issue(lanzhou[0], template)
    Certificate.objects.filter(pk=revoked.pk).update(status="revoked")
    issue(tianshui, template)
    return lanzhou, tianshui


def test_unit_admin_sees_their_subtree(client_for, unit_admin, people, province):
    panel = scope_panel(client_for(unit_admin))
    assert f"Your scope: {province['lanzhou'].name} and the units under it" in panel
    # 兰州 subtree in post: the admin and two of the three cadres above.
    assert "3 cadres in post" in panel
    # Valid certificates this year in the subtree: one (one revoked, one in 天水).
    assert "1 certificate issued in" in panel
    client = client_for(unit_admin)
    for link in ("/admin/personnel_cadre/", "/admin/hours/compliance/",
                 "/admin/certificates/"):  # fmt: skip
        assert f'href="{link}"' in panel
        # Each link opens its page (the batch-print one used to point at a
        # POST-only URL: 405).
        assert client.get(link).status_code == 200, link


def test_hr_sees_the_province_and_trainers_do_not_get_the_panel(
    client_for, hr, trainer, people
):
    panel = scope_panel(client_for(hr))
    assert "Your scope: the whole province" in panel
    # HR, the trainer, two of 兰州's three cadres (one is out of post), 天水's.
    assert "5 cadres in post" in panel
    assert "2 certificates issued in" in panel
    assert scope_panel(client_for(trainer)) == ""


def test_unit_admin_without_a_cadre_record_gets_no_scope_panel(client, province):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    from personnel.roles import GROUP_NAMES, UNIT_ADMIN

    user = get_user_model().objects.create_user("orphan-admin", password="x" * 12)
    user.groups.add(Group.objects.get(name=GROUP_NAMES[UNIT_ADMIN]))
    client.force_login(user)
    assert client.get("/admin/", **EN).status_code == 200
    assert scope_panel(client) == ""
