"""Wagtail 8's own zh_Hans catalogues leave strings untranslated; the project
fills them from locale_wagtail/ (LOCALE_PATHS), so the Chinese admin shows no
stray English."""

import pytest
from django.utils import translation
from django.utils.translation import gettext

FILLED = {
    "New: %(model_name)s": "新建%(model_name)s",
    "Search all pages…": "搜索所有页面…",
    "Go to the first error": "转到第一个错误",
    "Shortcuts": "快捷键",
}


@pytest.mark.parametrize("english", FILLED)
def test_wagtail_gaps_are_chinese(english):
    with translation.override("zh-hans"):
        assert gettext(english) == FILLED[english] != english


def test_empty_admin_search_says_so_in_chinese(client_for, trainer):
    response = client_for(trainer).get("/admin/assessments_question/?q=zzzzzz")
    assert response.status_code == 200
    html = response.content.decode()
    assert "match your query" not in html
    assert "没有与您的查询匹配的" in html


def test_wagtail_admin_javascript_strings_are_chinese(client_for, trainer):
    """Wagtail's admin JavaScript catalogue gets the strings Wagtail 8 ships
    untranslated (the sidebar's "new items in this menu", autosave …)."""
    import json

    body = (
        client_for(trainer)
        .get("/admin/jsi18n/", HTTP_ACCEPT_LANGUAGE="zh-hans")
        .content.decode()
    )
    for text in ("正在自动保存…", "（此菜单中有 1 个新项目）"):
        # The catalogue is JSON inside JavaScript: non-ASCII comes \u-escaped.
        assert text in body or json.dumps(text)[1:-1] in body, text
