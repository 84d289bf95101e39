"""The JavaScript catalogue is built once per version and language, then
served from the cache and kept by browsers (its URL names both)."""

import json
import re

import pytest
from django.core.cache import cache
from django.views.i18n import JavaScriptCatalog

from training_site.jsi18n import catalog_version

pytestmark = pytest.mark.django_db


def catalogue_url(client, language: str) -> str:
    html = client.get("/accounts/login/", headers={"Accept-Language": language})
    found = re.search(r'<script src="(/jsi18n/[^"]+)"', html.content.decode())
    return found.group(1).replace("&amp;", "&")


def test_pages_name_the_version_and_language(client):
    zh, en = catalogue_url(client, "zh-hans"), catalogue_url(client, "en")
    assert zh == f"/jsi18n/?v={catalog_version()}&l=zh-hans"
    assert en == f"/jsi18n/?v={catalog_version()}&l=en"


def test_built_once_then_served_from_the_cache(client, monkeypatch):
    cache.clear()
    url = catalogue_url(client, "zh-hans")
    first = client.get(url, headers={"Accept-Language": "zh-hans"})
    assert first.status_code == 200
    assert "max-age=31536000" in first["Cache-Control"]
    body = first.content.decode()
    signed_out = json.dumps("您已退出登录")[1:-1]  # from paper.js, as JSON escapes it
    assert "django.catalog =" in body and signed_out in body

    def rebuilt(*_args, **_kwargs):
        raise AssertionError("the catalogue was built again")

    monkeypatch.setattr(JavaScriptCatalog, "get", rebuilt)
    again = client.get(url, headers={"Accept-Language": "zh-hans"})
    assert again.status_code == 200 and again.content.decode() == body
    # Another language is its own entry (built, not the Chinese one).
    monkeypatch.undo()
    english = client.get(catalogue_url(client, "en"), headers={"Accept-Language": "en"})
    assert signed_out not in english.content.decode()


@pytest.mark.parametrize(
    "query",
    ["?v=made-up&l=zh-hans", "?l=zh-hans", "?v={v}&l=xx", "?v={v}&l=en&x=1", ""],
)
def test_other_urls_are_served_but_not_kept(client, monkeypatch, query):
    cache.clear()
    url = "/jsi18n/" + query.format(v=catalog_version())
    response = client.get(url)
    assert response.status_code == 200
    assert "django.catalog =" in response.content.decode()
    assert "max-age" not in response.get("Cache-Control", "")

    def rebuilt(*_args, **_kwargs):
        raise AssertionError("the catalogue was built again")

    monkeypatch.setattr(JavaScriptCatalog, "get", rebuilt)
    with pytest.raises(AssertionError, match="built again"):
        client.get(url)  # nothing was kept: it is built every time
