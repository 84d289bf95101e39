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


# Our catalogues come before Wagtail's (INSTALLED_APPS), so a plain msgid we
# translate for our own screens also changes Wagtail's: "Title" read 证书名称
# in the page explorer and the choosers, "Name" 姓名 for collections. A plain
# msgid may differ from Wagtail's only where ours still fits Wagtail's use.
SHARED_ON_PURPOSE = {
    "Active": "启用",
    "Inactive": "停用",
    "active": "启用",
    "revision": "版本",
    "requested by": "申请人",
    "finished at": "完成时间",
    "started at": "开始时间",
    "description": "说明",
    "Reports": "报表",
    "Action": "操作",
    "Actions": "操作",
    "Filter": "筛选",
    "Previous": "上一页",
    "Next": "下一页",
    "History": "历史记录",
}


def _plain_entries(path):
    import polib

    return {e.msgid: e.msgstr for e in polib.pofile(path) if e.msgstr and not e.msgctxt}


@pytest.mark.parametrize("catalogue", ["personnel", "courses", "assessments", "locale"])
def test_our_plain_strings_do_not_change_wagtails_meaning(catalogue):
    from pathlib import Path

    import wagtail

    root = Path(__file__).resolve().parents[2]
    path = root / catalogue / "locale/zh_Hans/LC_MESSAGES/django.po"
    if catalogue == "locale":
        path = root / "locale/zh_Hans/LC_MESSAGES/django.po"
    wagtails = {}
    for po in Path(wagtail.__file__).parent.glob("**/locale/zh_Hans/**/django.po"):
        for msgid, msgstr in _plain_entries(po).items():
            wagtails.setdefault(msgid, set()).add(msgstr)
    ours = _plain_entries(path)
    changed = {
        msgid: (msgstr, wagtails[msgid])
        for msgid, msgstr in ours.items()
        if msgid in wagtails
        and msgstr not in wagtails[msgid]
        and SHARED_ON_PURPOSE.get(msgid) != msgstr
    }
    assert changed == {}


def test_wagtails_title_and_name_keep_their_meaning(client_for, hr, province):
    with translation.override("zh-hans"):
        assert gettext("Title") == "标题"
        assert gettext("Clear") == "清除"
        assert gettext("Name") == "名字"
    # Our own screens keep their words, through contexts.
    html = client_for(hr).get("/admin/personnel_unit/").content.decode()
    assert "<th" in html and "名称" in html


@pytest.mark.django_db
def test_default_workflow_is_named_in_chinese(client_for, trainer):
    """The page editor offered "提交给Moderators approval": Wagtail's default
    workflow is a row named in English, renamed by a migration."""
    from wagtail.models import Task, Workflow

    assert list(Workflow.objects.values_list("name", flat=True)) == ["发布审核"]
    assert list(Task.objects.values_list("name", flat=True)) == ["审核员审批"]
    assert not Workflow.objects.filter(name__contains="Moderators").exists()
