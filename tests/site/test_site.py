import subprocess
import sys

import pytest
from django.conf import settings
from django.urls import reverse

from tests.personnel.factories import PASSWORD

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.mark.django_db
def test_home_page_is_chinese_by_default_and_english_on_request(client):
    html = client.get("/").content.decode()
    assert '<html lang="zh-hans">' in html
    assert "五支队伍培训考核平台" in html and "登录" in html
    html = client.get("/", **EN).content.decode()
    assert '<html lang="en">' in html
    assert "Five Teams Training &amp; Assessment Platform" in html
    assert "Sign in" in html


@pytest.mark.django_db
def test_language_switcher_sets_english_for_the_session(client):
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert "Sign in" in client.get("/").content.decode()


def test_header_shows_user_and_unit(client_for, learner):
    html = client_for(learner).get("/").content.decode()
    assert 'data-testid="current-user"' in html
    assert "张学员" in html and "兰州市城关分局" in html


@pytest.mark.django_db
def test_404_page_is_the_portal_page(client):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "页面不存在" in response.content.decode()


def test_403_page_is_the_portal_page(rf, learner):
    from django.core.exceptions import PermissionDenied

    from training_site.views import permission_denied

    request = rf.get("/")
    request.user = learner.user
    response = permission_denied(request, PermissionDenied())
    assert response.status_code == 403
    assert "Access denied" in response.content.decode()


def test_sign_in_and_sign_out(client, learner):
    response = client.post(
        reverse("login"), {"username": learner.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    assert "张学员" in client.get("/").content.decode()
    client.post(reverse("logout"))
    assert "张学员" not in client.get("/").content.decode()


def test_password_change(client_for, learner):
    client = client_for(learner)
    response = client.post(
        reverse("password_change"),
        {
            "old_password": PASSWORD,
            "new_password1": "Green-Hills-2027",
            "new_password2": "Green-Hills-2027",
        },
    )
    assert response.status_code == 302
    learner.user.refresh_from_db()
    assert learner.user.check_password("Green-Hills-2027")


def test_lockout_is_per_username_and_address(client, learner, trainer):
    login = reverse("login")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        client.post(login, {"username": learner.user.username, "password": "wrong"})
    # The right password no longer works for that username from that address...
    response = client.post(
        login, {"username": learner.user.username, "password": PASSWORD}
    )
    assert response.status_code == 429
    assert "暂时锁定" in response.content.decode()
    # ...but another candidate behind the same address still signs in,
    response = client.post(
        login, {"username": trainer.user.username, "password": PASSWORD}
    )
    assert response.status_code == 302
    # and the same username from another address is not locked.
    client.logout()
    response = client.post(
        login,
        {"username": learner.user.username, "password": PASSWORD},
        REMOTE_ADDR="10.9.8.7",
    )
    assert response.status_code == 302


def test_check_deploy_is_clean_with_production_settings(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "training_site.settings.production",
        "DJANGO_SECRET_KEY": "x" * 20 + "-production-secret-with-enough-entropy-9f8e7d",
        "DJANGO_ALLOWED_HOSTS": "training.example.gov.cn",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
        "CELERY_BROKER_URL": "redis://127.0.0.1:6379/0",
        "CACHE_URL": "locmemcache://",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_production_refuses_to_start_without_secrets(tmp_path):
    env = {
        "PATH": "/usr/bin:/bin",
        "DJANGO_SETTINGS_MODULE": "training_site.settings.production",
    }
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        env=env,
        capture_output=True,
        text=True,
        cwd=settings.BASE_DIR,
        check=False,
    )
    assert result.returncode != 0
    assert "DJANGO_SECRET_KEY" in result.stderr


# ------------------------------------------------------------ QA fixes


def test_main_navigation_links_to_my_certificates(client_for, learner):
    html = client_for(learner).get("/").content.decode()
    nav = html.split('class="mainnav"')[1].split("</nav>")[0]
    assert f'<a href="{reverse("personnel:my_certificates")}">我的证书</a>' in nav


@pytest.mark.django_db
def test_home_team_cards_open_the_catalogue_for_their_team(client):
    html = client.get("/").content.decode()
    catalogue = reverse("courses:catalogue")
    for code in ("supervision", "enforcement", "monitoring", "eia", "emergency"):
        assert f'href="{catalogue}?team={code}" data-testid="team-{code}"' in html


@pytest.mark.django_db
def test_favicon_is_linked_and_served(client):
    from django.contrib.staticfiles import finders

    html = client.get("/").content.decode()
    assert '<link rel="icon" href="/static/favicon.svg" type="image/svg+xml">' in html
    response = client.get("/favicon.ico")
    assert response.status_code == 301
    assert response.url == "/static/favicon.ico"
    with open(finders.find("favicon.ico"), "rb") as icon:
        assert icon.read(4) == b"\x00\x00\x01\x00"  # an ICO file
    with open(finders.find("favicon.svg")) as svg:
        assert 'xmlns="http://www.w3.org/2000/svg"' in svg.read()


@pytest.mark.django_db
def test_english_home_translates_template_strings(client):
    # The page title and intro are page content (Wagtail pages, one locale),
    # shown as the editors wrote them; the template's own words follow the
    # language.
    html = client.get("/", **EN).content.decode()
    for words in ("The five teams", "Law enforcement", "Course centre", "Sign in"):
        assert words in html
    assert "五支队伍</h2>" not in html


def test_site_pagination_label_leaves_wagtails_pages_alone():
    """The site's pagination says 分页 in its own context; Wagtail's menu
    item "Pages" stays 页面 (a plain "Pages" msgid here used to win)."""
    from django.utils import translation

    with translation.override("zh-hans"):
        assert translation.gettext("Pages") == "页面"
        assert translation.pgettext("pagination", "Pages") == "分页"


def test_admin_sign_in_names_the_platform_and_leads_back(client, db):
    html = client.get("/admin/login/", HTTP_ACCEPT_LANGUAGE="zh-hans").content.decode()
    assert "登录管理后台" in html and "登录Wagtail" not in html
    assert 'data-testid="back-to-learning"' in html and "返回学习平台" in html
    label = html.split('for="id_password"', 1)[1].split("</label>", 1)[0]
    assert "密码" in label and "Password" not in label
