"""Issuing, freezing, revoking and rendering certificates (services + PDFs)."""

import datetime as dt
import hashlib
import io
import re
import subprocess
from decimal import Decimal

import pytest
import zxingcpp
from django.utils import timezone
from PIL import Image
from pypdf import PdfReader

from personnel.certificates import services
from personnel.certificates.errors import CertificateError, TemplateUnusable
from personnel.certificates.services import Award
from personnel.models import Certificate, CertificateEvent, SerialCounter
from tests.personnel.certificate_helpers import (
    issue,
    issue_rendered,
    make_template,
    pdf_path,
    pdffonts,
    pdftotext,
)
from tests.personnel.factories import CadreFactory

YEAR = timezone.localdate().year


@pytest.fixture
def cert_template(db):
    return make_template()


def test_issue_freezes_facts_numbers_and_logs(learner, cert_template, hr):
    certificate = issue(learner, cert_template, issued_by_id=hr.user_id)

    assert certificate.serial == f"GSEE-{YEAR}-000001"
    assert re.fullmatch(r"[A-Z2-9]{16}", certificate.verification_code)
    assert certificate.holder_name == "张学员"
    assert certificate.holder_unit == "兰州市城关分局"
    assert certificate.printed["title"] == "培训合格证书"
    salutation, body = (p["html"] for p in certificate.printed["paragraphs"])
    assert salutation == '<span class="fill">张学员</span> 同志：'
    assert "生态环境执法能力提升培训班" in body and "92.5" in body
    assert "共计 40 学时" in body and "<span" not in body
    event = CertificateEvent.objects.get(certificate=certificate)
    assert (event.action, event.actor_id) == ("issued", hr.user_id)


def test_issue_is_idempotent_per_subject(learner, cert_template):
    first = issue(learner, cert_template)
    again = issue(learner, cert_template)
    other = issue(learner, cert_template, subject_type="exam", subject_id="42")

    assert again.pk == first.pk
    assert other.pk != first.pk
    assert other.serial == f"GSEE-{YEAR}-000002"
    assert Certificate.objects.count() == 2
    assert SerialCounter.objects.get(prefix="GSEE", year=YEAR).last_number == 2


def test_serial_pattern_is_configurable(settings, learner, cert_template):
    settings.CERTIFICATE_SERIAL_PATTERN = "{prefix}{year}{number:05d}"
    cert_template.serial_prefix = "HJPX"
    cert_template.save()
    assert issue(learner, cert_template).serial == f"HJPX{YEAR}00001"


def test_bad_input_gets_a_specific_error(learner, cert_template):
    with pytest.raises(CertificateError, match="Unknown subject type lesson"):
        issue(learner, cert_template, subject_type="lesson")
    cert_template.is_active = False
    cert_template.save()
    with pytest.raises(TemplateUnusable, match="no longer in use"):
        issue(learner, cert_template)
    assert not SerialCounter.objects.exists()


def test_bulk_issue_numbers_consecutively_in_few_queries(
    province, cert_template, django_assert_max_num_queries
):
    cadres = [CadreFactory(unit=province["qinzhou"]) for _ in range(30)]
    issue(cadres[0], cert_template)  # already holds one: skipped
    awards = [Award(c.pk, dt.date(2026, 3, 5), Decimal("24")) for c in cadres]

    with django_assert_max_num_queries(12):
        issued = services.certificates_issue_bulk(
            template_id=cert_template.pk,
            subject_type="class",
            subject_id="42",
            subject_title="培训班",
            awards=awards,
        )

    assert len(issued) == 29
    numbers = sorted(int(c.serial.rsplit("-", 1)[1]) for c in issued)
    assert numbers == list(range(2, 31))
    assert CertificateEvent.objects.filter(action="issued").count() == 30


def test_pdf_is_rendered_once_stored_and_hashed(
    learner, cert_template, django_capture_on_commit_callbacks, tmp_path
):
    certificate = issue_rendered(
        learner, cert_template, django_capture_on_commit_callbacks
    )
    data = certificate.pdf.read()
    assert certificate.pdf.name.endswith(".pdf")
    assert hashlib.sha256(data).hexdigest() == certificate.pdf_sha256
    assert len(PdfReader(pdf_path(certificate, tmp_path)).pages) == 1

    # Later changes to the person or the template do not touch it.
    learner.name = "张改名"
    learner.save()
    cert_template.title = "结业证书"
    cert_template.save()
    assert services.certificate_pdfs_render(certificate_ids=[certificate.pk]) == 0
    certificate.refresh_from_db()
    assert hashlib.sha256(certificate.pdf.read()).hexdigest() == certificate.pdf_sha256
    assert "张学员" in pdftotext(pdf_path(certificate, tmp_path))


def test_pdf_text_fonts_and_qr(
    province, cert_template, django_capture_on_commit_callbacks, tmp_path
):
    cadre = CadreFactory(unit=province["chengguan"], name="刘䶮")
    certificate = issue_rendered(
        cadre, cert_template, django_capture_on_commit_callbacks
    )
    path = pdf_path(certificate, tmp_path)

    text = pdftotext(path)
    assert "刘䶮" in text
    assert "生态环境执法能力提升培训班" in text
    assert certificate.serial in text
    assert "培 训 合 格 证 书" in text or "培训合格证书" in text
    fonts = pdffonts(path)
    assert "NotoSerifCJKSC" in fonts.replace("-", "") or "Noto-Serif-CJK-SC" in fonts
    rows = [line for line in fonts.splitlines()[2:] if line.strip()]
    assert rows and all(" yes yes " in row for row in rows), fonts
    assert all("Noto" in row for row in rows), "only the certificate font is used"
    assert _glyph_for(path, "䶮"), "䶮 is drawn with a real glyph, not .notdef"

    subprocess.run(  # noqa: S603
        ["pdftoppm", "-r", "150", "-png", str(path), str(tmp_path / "page")],  # noqa: S607
        check=True,
    )
    image = Image.open(next(tmp_path.glob("page*.png")))
    decoded = [(r.text, r.ec_level) for r in zxingcpp.read_barcodes(image)]
    url = f"http://127.0.0.1:8000/verify/{certificate.verification_code}/"
    assert decoded == [(url, "M")]  # survives a crease or a stamp over a corner


def _glyph_for(path, char: str) -> bool:
    """True when some embedded font maps a non-zero glyph id to ``char``."""
    reader = PdfReader(path)
    fonts = reader.pages[0]["/Resources"]["/Font"]
    target = f"<{ord(char):04X}>"
    for font in fonts.values():
        cmap = font.get_object()["/ToUnicode"].get_object().get_data().decode()
        for line in cmap.splitlines():
            parts = line.split()
            if len(parts) == 2 and parts[1].upper() == target:
                return int(parts[0].strip("<>"), 16) != 0
    return False


def test_revoke_needs_a_reason_and_is_logged(learner, cert_template, hr):
    certificate = issue(learner, cert_template)
    with pytest.raises(CertificateError, match="reason"):
        services.certificate_revoke(
            certificate_id=certificate.pk, reason=" ", revoked_by_id=hr.user_id
        )
    services.certificate_revoke(
        certificate_id=certificate.pk, reason="成绩复核不合格", revoked_by_id=hr.user_id
    )
    certificate.refresh_from_db()
    assert certificate.status == "revoked"
    assert certificate.revoked_reason == "成绩复核不合格"
    event = certificate.events.get(action="revoked")
    assert (event.actor_id, event.reason) == (hr.user_id, "成绩复核不合格")
    with pytest.raises(CertificateError, match="already revoked"):
        services.certificate_revoke(
            certificate_id=certificate.pk, reason="again", revoked_by_id=None
        )


def test_reissue_revokes_old_and_issues_new(learner, cert_template, hr):
    old = issue(learner, cert_template)
    learner.name = "张更正"
    learner.save()

    new = services.certificate_reissue(
        certificate_id=old.pk, reason="姓名有误", issued_by_id=hr.user_id
    )

    old.refresh_from_db()
    assert old.status == "revoked"
    assert new.replaces_id == old.pk
    assert new.serial != old.serial and new.holder_name == "张更正"
    assert Certificate.objects.filter(status="valid").count() == 1


def test_mixed_layouts_print_each_on_its_own_paper(province, cert_template):
    portrait = make_template(
        name="结业证书（纵向）",
        title="结业证书",
        orientation="portrait",
        paper_size="A5",
    )
    cadre = CadreFactory(unit=province["chengguan"])
    first = issue(cadre, cert_template)
    second = issue(cadre, portrait, subject_id="43")

    from personnel.certificates import pdf

    reader = PdfReader(
        io.BytesIO(pdf.pdf_render_document([first.printed, second.printed]))
    )
    sizes = [
        (round(float(p.mediabox.width)), round(float(p.mediabox.height)))
        for p in reader.pages
    ]
    assert sizes == [(842, 595), (420, 595)]  # A4 landscape, A5 portrait (pt)
