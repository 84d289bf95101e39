"""The certificate template form in the Wagtail admin, in a real browser:
the live PDF preview appears under the form and follows what is typed."""

import io
import re

import pytest
from django.urls import reverse
from playwright.sync_api import expect
from pypdf import PdfReader

from tests.personnel.factories import PASSWORD

pytestmark = pytest.mark.browser


def _is_preview(response) -> bool:
    return response.url.endswith(reverse("certificate_template_preview"))


def _pdf_answered(response) -> bool:
    return (
        response.status == 200
        and response.header_value("content-type") == "application/pdf"
    )


def _shown_pdf(frame):
    """The first page of the PDF the preview frame shows (its blob: URL)."""
    data = frame.evaluate(
        """async (element) => {
            const response = await fetch(element.src);
            return Array.from(new Uint8Array(await response.arrayBuffer()));
        }"""
    )
    return PdfReader(io.BytesIO(bytes(data))).pages[0]


def test_preview_follows_the_form(page, live_server, sign_in, trainer_account):
    sign_in("T0001", PASSWORD)
    with page.expect_response(_is_preview) as first:
        page.goto(f"{live_server.url}{reverse('certificate_templates:add')}")
    assert _pdf_answered(first.value)

    preview = page.locator("section.certificate-preview")
    expect(preview.locator("h2")).to_have_text("示例数据预览")
    frame = preview.locator("iframe")
    expect(frame).to_have_attribute("src", re.compile(r"^blob:"))
    expect(preview.locator(".certificate-preview-status")).to_have_text("")
    # An empty form: the default title and the sample number and code.
    assert "SAMP-LECE-RTIF-ICAT" in _shown_pdf(frame).extract_text()
    first_pdf = frame.get_attribute("src")

    # Typing re-renders once the trainer pauses, from the unsaved form.
    with page.expect_response(_is_preview) as second:
        page.fill("#id_body", "{name} 同志：\n完成{subject}，成绩优秀，特此表彰。")
        page.select_option("#id_orientation", "portrait")
    assert _pdf_answered(second.value)
    expect(frame).not_to_have_attribute("src", first_pdf)
    shown = _eventually(page, lambda: _portrait(_shown_pdf(frame)))
    text = shown.extract_text().replace("\n", "")  # lines broken on the page
    assert "成绩优秀，特此表彰" in text
    assert "王小明" in text  # the sample cadre


def _portrait(shown):
    assert float(shown.mediabox.height) > float(shown.mediabox.width)
    return shown


def _eventually(page, check, seconds=10):
    """check() once it passes: the two edits may be rendered one by one."""
    for _attempt in range(seconds * 4):
        try:
            return check()
        except AssertionError:
            page.wait_for_timeout(250)
    return check()
