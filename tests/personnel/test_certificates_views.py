"""Public verification, the learner's list and downloads, by real requests."""

import pytest
from django.core.cache import cache
from django.urls import reverse

from personnel.certificates import services
from tests.personnel.certificate_helpers import TITLE, issue, make_template
from tests.personnel.factories import CadreFactory

EN = {"HTTP_ACCEPT_LANGUAGE": "en"}


@pytest.fixture
def cert_template(db):
    return make_template()


@pytest.fixture(autouse=True)
def _fresh_rate_limit():
    cache.clear()
    yield
    cache.clear()


def verify_url(certificate):
    return reverse("personnel:certificate_verify", args=[certificate.verification_code])


def test_valid_certificate_page_masks_the_name(client, learner, cert_template):
    certificate = issue(learner, cert_template)
    response = client.get(verify_url(certificate), **EN)
    text = response.content.decode()
    assert response.status_code == 200
    assert "This certificate is valid" in text
    assert certificate.serial in text and TITLE in text and "40.0" in text
    assert "张*员" in text and "张学员" not in text


def test_page_is_chinese_by_default(client, learner, cert_template):
    response = client.get(verify_url(issue(learner, cert_template)))
    assert "证书有效" in response.content.decode()


def test_revoked_certificate_page_says_revoked(client, learner, cert_template, hr):
    certificate = issue(learner, cert_template)
    services.certificate_revoke(
        certificate_id=certificate.pk, reason="培训记录有误", revoked_by_id=hr.user_id
    )
    text = client.get(verify_url(certificate), **EN).content.decode()
    assert "has been revoked" in text
    assert "培训记录有误" in text
    assert "This certificate is valid" not in text


def test_unknown_code_says_so_plainly(client, db):
    response = client.get("/verify/ABCDEFGHJKLMNPQR/", **EN)
    assert response.status_code == 404
    assert "No certificate has this verification code" in response.content.decode()


def test_typed_code_is_normalised(client, learner, cert_template):
    certificate = issue(learner, cert_template)
    code = certificate.verification_code
    typed = f"{code[:4].lower()}-{code[4:8]} {code[8:]}"
    response = client.get(reverse("personnel:certificate_verify_form"), {"code": typed})
    assert response.status_code == 302
    assert response["Location"] == verify_url(certificate)
    short = client.get(
        reverse("personnel:certificate_verify_form"), {"code": "ABC"}, **EN
    )
    assert "you typed 3" in short.content.decode()


def test_verification_is_rate_limited_per_address(client, settings, db):
    settings.CERTIFICATE_VERIFY_RATE = 3
    codes = [f"/verify/ABCDEFGHJKLMNPQ{c}/" for c in "RSTU"]
    statuses = [client.get(url, REMOTE_ADDR="10.0.0.1").status_code for url in codes]
    assert statuses == [404, 404, 404, 429]
    limited = client.get(codes[0], REMOTE_ADDR="10.0.0.1", **EN)
    assert limited.status_code == 429
    assert "Too many look-ups" in limited.content.decode()
    assert client.get(codes[0], REMOTE_ADDR="10.0.0.2").status_code == 404


def test_my_certificates_lists_only_mine(client_for, learner, province, cert_template):
    mine = issue(learner, cert_template)
    other = issue(CadreFactory(unit=province["chengguan"]), cert_template)
    response = client_for(learner).get(reverse("personnel:my_certificates"), **EN)
    text = response.content.decode()
    assert mine.serial in text and other.serial not in text
    assert reverse("personnel:certificate_download", args=[mine.pk]) in text


def test_my_certificates_needs_sign_in(client, db):
    response = client.get(reverse("personnel:my_certificates"))
    assert response.status_code == 302 and "/accounts/login/" in response["Location"]


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("owner", 200),
        ("unit_admin", 200),
        ("hr", 200),
        ("other_admin", 404),
        ("other_learner", 404),
    ],
)
def test_download_is_limited_to_owner_unit_admin_and_hr(
    client_for,
    province,
    learner,
    unit_admin,
    hr,
    cert_template,
    who,
    status,
    django_capture_on_commit_callbacks,
):
    with django_capture_on_commit_callbacks(execute=True):
        certificate = issue(learner, cert_template)
    people = {
        "owner": learner,
        "unit_admin": unit_admin,  # 兰州市生态环境局, above 城关分局
        "hr": hr,
        "other_admin": CadreFactory(unit=province["tianshui"], role="unit_admin"),
        "other_learner": CadreFactory(unit=province["chengguan"], role="learner"),
    }
    url = reverse("personnel:certificate_download", args=[certificate.pk])
    response = client_for(people[who]).get(url)
    assert response.status_code == status
    if status == 200:
        certificate.refresh_from_db()
        assert b"".join(response.streaming_content) == certificate.pdf.read()
        assert response["Content-Type"] == "application/pdf"


def test_my_certificates_query_count_does_not_grow(
    client_for, learner, cert_template, django_assert_max_num_queries
):
    for index in range(8):
        issue(learner, cert_template, subject_id=str(100 + index))
    client = client_for(learner)
    client.get(reverse("personnel:my_certificates"))  # session, last login
    with django_assert_max_num_queries(8):
        response = client.get(reverse("personnel:my_certificates"))
    assert response.content.decode().count('data-testid="certificate"') == 8


def test_my_page_links_each_valid_certificate_to_its_pdf(
    client_for, learner, cert_template
):
    kept = issue(learner, cert_template, subject_id="1")
    revoked = issue(learner, cert_template, subject_id="2")
    services.certificate_revoke(
        certificate_id=revoked.pk, reason="重复发放", revoked_by_id=None
    )
    html = client_for(learner).get("/me/").content.decode()
    section = html.split('data-testid="certificates"', 1)[1].split("</section>", 1)[0]
    download = reverse("personnel:certificate_download", args=[kept.pk])
    assert f'href="{download}"' in section
    assert reverse("personnel:certificate_download", args=[revoked.pk]) not in section
