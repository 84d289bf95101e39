"""Sign in through the real form in chromium as each role; check what each sees."""

import re

import pytest
from playwright.sync_api import expect

from tests.personnel.factories import PASSWORD, CadreFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def people(province):
    return {
        "learner": CadreFactory(
            unit=province["chengguan"],
            role="learner",
            name="张学员",
            employee_no="L0001",
        ),
        "trainer": CadreFactory(
            unit=province["root"], role="trainer", name="王培训", employee_no="T0001"
        ),
        "hr": CadreFactory(
            unit=province["root"], role="hr", name="李人事", employee_no="H0001"
        ),
        "unit_admin": CadreFactory(
            unit=province["lanzhou"],
            role="unit_admin",
            name="赵管理",
            employee_no="U0001",
        ),
        "outsider": CadreFactory(
            unit=province["qinzhou"], name="秦州干部", employee_no="Q0001"
        ),
    }


def test_learner_sees_own_name_unit_and_no_admin(page, live_server, sign_in, people):
    sign_in("L0001", PASSWORD)
    expect(page.get_by_test_id("current-user")).to_contain_text("张学员")
    expect(page.get_by_test_id("current-unit")).to_contain_text("兰州市城关分局")
    expect(page.locator("a", has_text="管理后台")).to_have_count(0)
    page.goto(f"{live_server.url}/me/")
    expect(page.get_by_test_id("profile")).to_contain_text("L0001")
    page.goto(f"{live_server.url}/admin/personnel_cadre/")
    expect(page).to_have_url(re.compile(r"/admin/login/"))


def test_unit_admin_sees_only_own_subtree(page, live_server, sign_in, people):
    sign_in("U0001", PASSWORD)
    page.click("text=管理后台")
    page.goto(f"{live_server.url}/admin/personnel_cadre/")
    table = page.locator("table.listing")
    expect(table).to_contain_text("赵管理")
    expect(table).not_to_contain_text("秦州干部")
    expect(table).not_to_contain_text(people["learner"].id_number)
    expect(table).to_contain_text(people["learner"].masked_id_number)
    page.goto(f"{live_server.url}/admin/personnel_cadre/edit/{people['outsider'].pk}/")
    expect(page.locator("body")).to_contain_text("404")


def test_hr_sees_everyone_with_full_id_numbers(page, live_server, sign_in, people):
    sign_in("H0001", PASSWORD)
    page.goto(f"{live_server.url}/admin/personnel_cadre/")
    table = page.locator("table.listing")
    expect(table).to_contain_text("秦州干部")
    expect(table).to_contain_text(people["outsider"].id_number)


def test_trainer_reaches_the_page_editor(page, live_server, sign_in, people):
    sign_in("T0001", PASSWORD)
    page.goto(f"{live_server.url}/admin/pages/")
    expect(page.locator("body")).to_contain_text("五支队伍培训考核平台")
    page.goto(f"{live_server.url}/admin/personnel_cadre/")
    expect(page.locator("table.listing")).to_contain_text("秦州干部")


def test_switch_to_english(page, live_server, people):
    page.goto(f"{live_server.url}/")
    page.click("button[lang=en]")
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.locator(".brand-text strong")).to_contain_text(
        "Five Teams Training & Assessment Platform"
    )
