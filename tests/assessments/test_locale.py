"""The assessments catalogue does not override Wagtail's own Chinese: Django
merges app catalogues with earlier INSTALLED_APPS winning, and assessments
comes before Wagtail, so a bare "Type" translated as 题型 also relabelled the
page explorer's page-type column. Words the app means differently carry a
context. (Every app catalogue is compared with Wagtail's in
tests/site/test_wagtail_translations.py.)"""

import gettext as gettext_module
import re
from pathlib import Path

import pytest
from django.apps import apps
from django.utils import translation
from django.utils.translation import gettext, pgettext

pytestmark = pytest.mark.django_db


def _catalogue(app_path: str) -> dict:
    mo = Path(app_path) / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.mo"
    if not mo.exists():
        return {}
    with mo.open("rb") as f:
        return gettext_module.GNUTranslations(f)._catalog


def _wagtail_catalogue() -> dict:
    """Wagtail's own zh_Hans strings, merged as Django merges them."""
    merged: dict = {}
    for config in apps.get_app_configs():
        if config.name.startswith("wagtail"):
            for msgid, msgstr in _catalogue(config.path).items():
                merged.setdefault(msgid, msgstr)
    return merged


def test_type_reads_as_wagtails_type():
    wagtails = _wagtail_catalogue()["Type"]
    with translation.override("zh-hans"):
        assert gettext("Type") == wagtails == "类型"
        assert pgettext("question", "Type") == "题型"


def test_question_type_labels_still_read_tixing(client_for, trainer, exam):
    client = client_for(trainer)
    chooser = client.get("/admin/question_chooser/").json()["html"]
    squeezed = re.sub(r"\s+", "", chooser)
    assert 'id="id_qtype-label">题型</label>' in squeezed
    assert "<th>题型</th>" in squeezed and "全部题型" in squeezed
    analysis = client.get(
        f"/admin/assessments/exams/{exam.pk}/analysis/"
    ).content.decode()
    assert "<th>题型</th>" in analysis
    explorer = client.get("/admin/pages/").content.decode()
    assert "类型" in explorer and "题型" not in explorer
