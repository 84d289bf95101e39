"""Certificates in the Wagtail admin, by real requests: scoping, revoking,
template preview and batch printing."""

import io

import pytest
from django.urls import reverse
from pypdf import PdfReader

from personnel.models import BatchPrintJob, Certificate, CertificateTemplate
from tests.personnel.certificate_helpers import BODY, issue, make_template
from tests.personnel.factories import CadreFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def cert_template(db):
    return make_template()


@pytest.fixture
def issued(province, learner, cert_template):
    """Two certificates in 兰州 (城关分局), one in 天水 (秦州分局)."""
    lanzhou_two = CadreFactory(unit=province["lanzhou"], name="孙兰州")
    tianshui = CadreFactory(unit=province["qinzhou"], name="周天水")
    return {
        "mine": [issue(learner, cert_template), issue(lanzhou_two, cert_template)],
        "other": issue(tianshui, cert_template),
    }


@pytest.fixture
def tianshui_admin(province):
    return CadreFactory(unit=province["tianshui"], role="unit_admin", name="钱天水")


def test_unit_admin_lists_only_their_subtree(client_for, unit_admin, issued):
    response = client_for(unit_admin).get(reverse("certificate_admin_index"), **EN)
    text = response.content.decode()
    assert response.status_code == 200
    assert all(c.serial in text for c in issued["mine"])
    assert issued["other"].serial not in text
    assert "天水市生态环境局" not in text  # not even offered as a filter


def test_hr_lists_everything_and_filters_by_unit(client_for, hr, issued, province):
    client = client_for(hr)
    text = client.get(reverse("certificate_admin_index"), **EN).content.decode()
    assert issued["other"].serial in text
    filtered = client.get(
        reverse("certificate_admin_index"), {"unit": province["tianshui"].pk}, **EN
    ).content.decode()
    assert issued["other"].serial in filtered
    assert issued["mine"][0].serial not in filtered


def test_learner_cannot_open_the_admin_list(client_for, learner, issued):
    response = client_for(learner).get(reverse("certificate_admin_index"))
    assert response.status_code in (302, 403)


def test_revoke_by_hr_and_not_by_unit_admin(client_for, hr, unit_admin, issued):
    certificate = issued["mine"][0]
    url = reverse("certificate_admin_revoke", args=[certificate.pk])
    refused = client_for(unit_admin).post(url, {"reason": "x"})
    assert refused.status_code in (302, 403)  # Wagtail redirects to its home
    assert refused.get("Location", "/admin/") == "/admin/"
    certificate.refresh_from_db()
    assert certificate.status == "valid"

    client = client_for(hr)
    empty = client.post(url, {"reason": ""}, **EN)
    assert (
        empty.status_code == 200 and "This field is required" in empty.content.decode()
    )
    response = client.post(url, {"reason": "学时记录错误", "reissue": "on"})
    assert response.status_code == 302
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert Certificate.objects.get(replaces=certificate).status == "valid"


def test_batch_print_builds_one_pdf_of_the_unit(
    client_for, unit_admin, issued, django_capture_on_commit_callbacks
):
    client = client_for(unit_admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certificate_batch_start"), {})
    job = BatchPrintJob.objects.get()
    assert response.status_code == 302
    assert response["Location"] == reverse("certificate_batch_job", args=[job.pk])
    assert client.get(response["Location"]).status_code == 200

    status = client.get(reverse("certificate_batch_status", args=[job.pk])).json()
    assert (status["status"], status["done"], status["total"]) == ("done", 2, 2)
    download = client.get(status["download_url"])
    reader = PdfReader(io.BytesIO(b"".join(download.streaming_content)))
    assert len(reader.pages) == 2
    text = "".join(page.extract_text() for page in reader.pages)
    assert "张学员" in text and "孙兰州" in text and "周天水" not in text


def test_batch_print_of_another_unit_is_refused(
    client_for,
    unit_admin,
    tianshui_admin,
    issued,
    province,
    django_capture_on_commit_callbacks,
):
    client = client_for(unit_admin)
    with django_capture_on_commit_callbacks(execute=True):
        client.post(
            reverse("certificate_batch_start"), {"unit": province["tianshui"].pk}
        )
    assert not BatchPrintJob.objects.exists()

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("certificate_batch_start"), {})
    job = BatchPrintJob.objects.get()
    other = client_for(tianshui_admin)
    for name in (
        "certificate_batch_job",
        "certificate_batch_status",
        "certificate_batch_download",
    ):
        assert other.get(reverse(name, args=[job.pk])).status_code == 404


def test_template_preview_renders_a_pdf(client_for, trainer, db):
    data = {
        "name": "预览",
        "title": "结业证书",
        "body": BODY,
        "issuing_organisation": "甘肃省生态环境厅",
        "paper_size": "A4",
        "orientation": "portrait",
        "serial_prefix": "GSEE",
    }
    response = client_for(trainer).post(reverse("certificate_template_preview"), data)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    page = PdfReader(io.BytesIO(response.content)).pages[0]
    assert "结" in page.extract_text() and "王小明" in page.extract_text()
    assert float(page.mediabox.height) > float(page.mediabox.width)  # portrait


def test_template_form_rejects_unknown_placeholders(client_for, trainer, db):
    url = reverse("certificate_templates:add")
    data = {
        "name": "新模板",
        "title": "结业证书",
        "body": "{name} 完成 {course}",
        "issuing_organisation": "甘肃省生态环境厅",
        "paper_size": "A4",
        "orientation": "landscape",
        "serial_prefix": "GSEE",
        "is_active": "on",
    }
    response = client_for(trainer).post(url, data, **EN)
    assert response.status_code == 200
    assert "Unknown placeholder(s): {course}" in response.content.decode()
    data["body"] = "{name} 完成 {subject}"
    assert client_for(trainer).post(url, data).status_code == 302
    assert CertificateTemplate.objects.filter(name="新模板").exists()


def test_template_with_certificates_cannot_be_deleted(client_for, hr, issued):
    template = issued["other"].template
    url = reverse("certificate_templates:delete", args=[template.pk])
    response = client_for(hr).post(url, **EN)
    assert response.status_code == 302
    assert CertificateTemplate.objects.filter(pk=template.pk).exists()


def test_admin_list_query_count_does_not_grow(
    client_for, hr, issued, cert_template, province, django_assert_max_num_queries
):
    for _ in range(10):
        issue(CadreFactory(unit=province["qinzhou"]), cert_template)
    client = client_for(hr)
    client.get(reverse("certificate_admin_index"))  # session, last login
    with django_assert_max_num_queries(20):
        response = client.get(reverse("certificate_admin_index"))
    assert response.status_code == 200


def test_template_form_loads_the_live_preview(client_for, trainer, db):
    response = client_for(trainer).get(reverse("certificate_templates:add"))
    text = response.content.decode()
    assert response.status_code == 200
    assert "personnel/certificates/template_preview.js" in text
    assert reverse("certificate_template_preview") in text
    assert "示例数据预览" in text  # the preview's label, in Chinese by default
